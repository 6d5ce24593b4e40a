/**
 * The `coupons` table (this folder owns it) and the coupon's validity. Other modules read coupons
 * through these functions and coupons/service.ts; none names the table.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { isUniqueViolation } from '../../store/db.js';
import { ObjectTable } from '../../store/objects.js';
import { unixNow } from '../../clock.js';
import type { Coupon } from './shape.js';

export const coupons = new ObjectTable<Coupon>('coupons');

/** Every redemption the coupon allows has been made. */
export function couponExhausted(c: Coupon): boolean {
  return c.max_redemptions !== null && c.times_redeemed >= c.max_redemptions;
}

/**
 * Whether the coupon can still be applied at `now` (unix seconds): not past `redeem_by`, not
 * exhausted. Served as `valid`, computed on every read (docs/decisions.md#coupons-and-promotion-codes).
 */
export function couponValidAt(c: Coupon, now: number): boolean {
  return !(c.redeem_by !== null && now > c.redeem_by) && !couponExhausted(c);
}

/** The coupon as served at `now`: `valid` computed then. */
export function asServed(c: Coupon, now: number): Coupon {
  const valid = couponValidAt(c, now);
  return c.valid === valid ? c : { ...c, valid };
}

/** The coupon with this id in ctx's account as served now, or undefined (also the `coupon` field's expansion). */
export async function findCoupon(ctx: Ctx, id: string): Promise<Coupon | undefined> {
  const c = await coupons.get(ctx.db, ctx.account, id);
  return c && asServed(c, unixNow(ctx.deps.clock));
}

/** The coupon a write changes, its row locked until commit (ObjectTable.getForUpdate); unknown -> 404 naming `param`. */
export async function lockCoupon(ctx: Ctx, id: string, param = 'id'): Promise<Coupon> {
  const c = await coupons.getForUpdate(ctx.db, ctx.account, id);
  if (!c) throw errors.missingResource('coupon', id, param);
  return c;
}

/**
 * Stores a new coupon. A taken id is refused as Stripe does, by the table's unique index rather
 * than a lookup first: the failed insert ends the transaction, which the error rolls back anyway.
 */
export async function insertCoupon(ctx: Ctx, coupon: Coupon): Promise<void> {
  try {
    await coupons.insert(ctx.db, ctx.account, coupon);
  } catch (err) {
    if (isUniqueViolation(err)) throw errors.invalid('Coupon already exists.', 'id', 'resource_already_exists');
    throw err;
  }
}

/** Writes a changed coupon. */
export async function saveCoupon(ctx: Ctx, coupon: Coupon): Promise<void> {
  await coupons.update(ctx.db, ctx.account, coupon);
}
