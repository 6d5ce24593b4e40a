/**
 * Coupons (`/v1/coupons`) and the functions Checkout applies them with: `requireRedeemableCoupon`,
 * `couponAmountOff` and `redeem`. See docs/decisions.md#coupons-and-promotion-codes.
 */
import type { Ctx } from '../../api/context.js';
import { errors, type StripeError } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { randomToken } from '../../api/ids.js';
import { listObject, toPage, type ListObject } from '../../api/list.js';
import { mergeMetadata, parseParams } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { requireProduct } from '../products/service.js';
import { endPromotionCodesOfCoupon, exhaustedError, lockPromotionCode, promotionCodeExhausted, savePromotionCode } from '../promotion-codes/store.js';
import { couponCreateShape, couponListShape, couponUpdateShape, type CouponCreateParams } from './params.js';
import type { Coupon, DeletedCoupon } from './shape.js';
import { asServed, couponExhausted, couponValidAt, coupons, insertCoupon, lockCoupon, saveCoupon } from './store.js';

/** Stripe refuses a `redeem_by` more than five years ahead. */
const FIVE_YEARS = 5 * 365 * 24 * 3600 + 2 * 24 * 3600;

/** The coupon with its fields in stripe-node's order, so the served JSON reads like Stripe's. */
function ordered(c: Coupon): Coupon {
  return {
    id: c.id,
    object: 'coupon',
    amount_off: c.amount_off,
    ...(c.applies_to ? { applies_to: c.applies_to } : {}),
    created: c.created,
    currency: c.currency,
    ...(c.currency_options ? { currency_options: c.currency_options } : {}),
    duration: c.duration,
    duration_in_months: c.duration_in_months,
    livemode: false,
    max_redemptions: c.max_redemptions,
    metadata: c.metadata,
    name: c.name,
    percent_off: c.percent_off,
    redeem_by: c.redeem_by,
    times_redeemed: c.times_redeemed,
    valid: c.valid,
  };
}

/** Exactly one of `percent_off` and `amount_off`; `amount_off` needs its `currency`. */
function checkDiscount(p: CouponCreateParams): void {
  if (p.percent_off !== undefined && p.amount_off !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: amount_off, percent_off.', 'amount_off');
  }
  if (p.percent_off === undefined && p.amount_off === undefined) {
    throw errors.invalid('You must specify either amount_off or percent_off.', 'percent_off', 'parameter_missing');
  }
  if (p.amount_off !== undefined && p.currency === undefined) throw errors.missingParam('currency');
}

/**
 * `currency_options` belong to amount-off coupons only, and name currencies other than the
 * coupon's own (whose amount is `amount_off`). `currency` is null for a percent-off coupon.
 */
function checkCurrencyOptions(currency: string | null, options: Record<string, unknown>): void {
  if (currency === null) throw errors.invalid('currency_options can only be set on a coupon with amount_off.', 'currency_options');
  if (Object.hasOwn(options, currency)) {
    throw errors.invalid(
      `Invalid currency_options[${currency}]: ${currency} is the coupon's currency, whose amount is amount_off.`,
      `currency_options[${currency}]`,
    );
  }
}

/** `duration_in_months` comes with `duration: repeating`, and only with it. */
function checkDuration(p: CouponCreateParams): void {
  if (p.duration === 'repeating' && p.duration_in_months === undefined) throw errors.missingParam('duration_in_months');
  if (p.duration !== 'repeating' && p.duration_in_months !== undefined) {
    throw errors.invalid('duration_in_months can only be set when duration is repeating.', 'duration_in_months');
  }
}

function checkRedeemBy(redeemBy: number | undefined, now: number): void {
  if (redeemBy === undefined) return;
  if (redeemBy <= now) throw errors.invalid('Invalid redeem_by: must be in the future', 'redeem_by');
  if (redeemBy > now + FIVE_YEARS) throw errors.invalid('Invalid redeem_by: cannot be more than 5 years in the future', 'redeem_by');
}

/** POST /v1/coupons: a percent-off or amount-off coupon, under the merchant's id or a generated one. */
export async function createCoupon(ctx: Ctx, params: FormObject): Promise<Coupon> {
  const p = parseParams(couponCreateShape, params);
  const now = unixNow(ctx.deps.clock);
  checkDiscount(p);
  if (p.currency_options !== undefined) checkCurrencyOptions(p.amount_off === undefined ? null : (p.currency ?? null), p.currency_options);
  checkDuration(p);
  checkRedeemBy(p.redeem_by, now);
  const products = p.applies_to?.products ?? [];
  for (const [i, product] of products.entries()) await requireProduct(ctx, product, `applies_to[products][${i}]`);
  const coupon = ordered({
    id: p.id ?? randomToken(8),
    object: 'coupon',
    amount_off: p.amount_off ?? null,
    ...(p.applies_to ? { applies_to: { products } } : {}),
    created: now,
    currency: p.currency ?? null,
    ...(p.currency_options ? { currency_options: { ...p.currency_options } } : {}),
    duration: p.duration ?? 'once',
    duration_in_months: p.duration_in_months ?? null,
    livemode: false,
    max_redemptions: p.max_redemptions ?? null,
    metadata: mergeMetadata({}, p.metadata),
    name: p.name ?? null,
    percent_off: p.percent_off ?? null,
    redeem_by: p.redeem_by ?? null,
    times_redeemed: 0,
    valid: true,
  });
  await insertCoupon(ctx, coupon);
  await emit(ctx, 'coupon.created', coupon, undefined, coupon.created);
  return coupon;
}

/** GET /v1/coupons/:id, `valid` as of now. */
export async function retrieveCoupon(ctx: Ctx, id: string): Promise<Coupon> {
  const c = await coupons.get(ctx.db, ctx.account, id);
  if (!c) throw errors.missingResource('coupon', id);
  return asServed(c, unixNow(ctx.deps.clock));
}

/** POST /v1/coupons/:id: `name`, `metadata` and `currency_options` only; the discount itself is fixed. */
export async function updateCoupon(ctx: Ctx, id: string, params: FormObject): Promise<Coupon> {
  const p = parseParams(couponUpdateShape, params);
  const current = await lockCoupon(ctx, id);
  const now = unixNow(ctx.deps.clock);
  const next: Coupon = { ...current, metadata: mergeMetadata(current.metadata, p.metadata) };
  if (p.name !== undefined) next.name = p.name;
  if (p.currency_options !== undefined) {
    checkCurrencyOptions(current.amount_off === null ? null : current.currency, p.currency_options);
    next.currency_options = { ...current.currency_options, ...p.currency_options };
  }
  const prev = previousAttributes(current, next);
  if (Object.keys(prev).length === 0) return asServed(current, now);
  const stored = ordered(next);
  await saveCoupon(ctx, stored);
  const served = asServed(stored, now);
  await emit(ctx, 'coupon.updated', served, prev);
  return served;
}

/**
 * DELETE /v1/coupons/:id: the coupon is gone (a later retrieve is a 404, as on Stripe) and its
 * promotion codes become inactive for good. Discounts already applied stay as they are.
 */
export async function deleteCoupon(ctx: Ctx, id: string): Promise<DeletedCoupon> {
  const current = await lockCoupon(ctx, id);
  await coupons.delete(ctx.db, ctx.account, id);
  await endPromotionCodesOfCoupon(ctx, id);
  await emit(ctx, 'coupon.deleted', asServed(current, unixNow(ctx.deps.clock)));
  return { id, object: 'coupon', deleted: true };
}

/** GET /v1/coupons: newest first, `created` filter. */
export async function listCoupons(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<Coupon>> {
  const p = parseParams(couponListShape, params);
  const page = toPage(p);
  const result = await coupons.list(ctx.db, ctx.account, {}, page);
  const now = unixNow(ctx.deps.clock);
  return listObject(url, { ...result, data: result.data.map((c) => asServed(c, now)) }, 'coupon', page);
}

/** Stripe's refusal of a coupon past its `redeem_by` or used up (code `coupon_expired`). */
function couponExpired(id: string, param?: string): StripeError {
  return errors.invalid(`Coupon expired: ${id}`, param, 'coupon_expired');
}

/**
 * The amount `coupon` takes off in `currency`: `amount_off` in the coupon's own currency, else its
 * `currency_options` entry. Null for a percent-off coupon, and for an amount-off coupon with no
 * amount in that currency (which {@link requireRedeemableCoupon} refuses).
 */
export function couponAmountOff(coupon: Coupon, currency: string): number | null {
  if (coupon.amount_off === null) return null;
  const cur = currency.toLowerCase();
  if (cur === coupon.currency) return coupon.amount_off;
  return coupon.currency_options?.[cur]?.amount_off ?? null;
}

/** A coupon valid at `now`, as served then: unknown -> 404, past `redeem_by` or used up -> 400 `coupon_expired`, naming `param`. */
export async function requireValidCoupon(ctx: Ctx, id: string, param: string, now: number = unixNow(ctx.deps.clock)): Promise<Coupon> {
  const stored = await coupons.get(ctx.db, ctx.account, id);
  if (!stored) throw errors.missingResource('coupon', id, param);
  const coupon = asServed(stored, now);
  if (!coupon.valid) throw couponExpired(id, param);
  return coupon;
}

/**
 * A coupon that may be applied now to a purchase in `currency`, for Checkout: unknown -> 404,
 * past `redeem_by` or used up -> 400 `coupon_expired`, an amount-off coupon with no amount in
 * `currency` -> 400; each naming `param`. `now` is the purchase's business time (the wall clock
 * unless the caller passes its customer's test clock time).
 */
export async function requireRedeemableCoupon(
  ctx: Ctx,
  id: string,
  param: string,
  currency: string,
  now: number = unixNow(ctx.deps.clock),
): Promise<Coupon> {
  const coupon = await requireValidCoupon(ctx, id, param, now);
  if (coupon.amount_off !== null && couponAmountOff(coupon, currency) === null) {
    const cur = currency.toLowerCase();
    throw errors.invalid(
      `The coupon ${id} has no amount_off in ${cur}, the currency of this purchase. Give it one with currency_options[${cur}][amount_off], or use another coupon.`,
      param,
    );
  }
  return coupon;
}

/**
 * Records one redemption of a coupon (and of the promotion code it came through), inside the
 * caller's transaction: the payment and the count commit together or not at all. The coupon's row
 * is locked first, then the code's (the one order, so two redemptions cannot deadlock), and the
 * limits are checked again under the locks: of concurrent redemptions of a coupon's last use,
 * exactly one succeeds and the others throw, rolling their payment back.
 */
export async function redeem(ctx: Ctx, couponId: string, promotionCodeId: string | null): Promise<void> {
  const coupon = await lockCoupon(ctx, couponId, 'coupon');
  if (couponExhausted(coupon)) throw couponExpired(couponId);
  const code = promotionCodeId === null ? undefined : await lockPromotionCode(ctx, promotionCodeId);
  if (promotionCodeId !== null) {
    if (!code) throw errors.missingResource('promotion code', promotionCodeId, 'promotion_code');
    if (code.code.promotion.coupon !== couponId) {
      throw errors.invalid(`The promotion code ${promotionCodeId} is not a code of the coupon ${couponId}.`, 'promotion_code');
    }
    if (promotionCodeExhausted(code.code)) throw exhaustedError();
  }
  const next: Coupon = { ...coupon, times_redeemed: coupon.times_redeemed + 1 };
  next.valid = couponValidAt(next, unixNow(ctx.deps.clock));
  await saveCoupon(ctx, next);
  if (code) {
    const used = { ...code.code, times_redeemed: code.code.times_redeemed + 1 };
    // A code used up is inactive for good, as Stripe makes it.
    const end = promotionCodeExhausted(used) ? 0 : undefined;
    await savePromotionCode(ctx, { code: used, activeUntil: end ?? code.activeUntil, usableUntil: end ?? code.usableUntil });
  }
  if (couponExhausted(next)) await endPromotionCodesOfCoupon(ctx, couponId);
}
