/**
 * A subscription's discounts (docs/decisions.md#discounts-on-subscriptions-and-customers): the
 * Discount objects its `discounts` param makes (table `subscription_discounts`, served by id in
 * `subscription.discounts`), which discounts an invoice of the subscription gets (the
 * subscription's own, else its customer's), and their end (`once` after one invoice, `repeating`
 * after `duration_in_months`, `forever` never).
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { arr, obj, str, unset, type Field } from '../../api/params.js';
import { ObjectTable } from '../../store/objects.js';
import { findCoupon } from '../coupons/store.js';
import type { Coupon } from '../coupons/shape.js';
import { deleteCustomerDiscount } from '../customers/service.js';
import type { Customer } from '../customers/shape.js';
import { periodEnd, type Subscription } from './service.js';

/** A Discount (stripe-node 23 `Discount`), the subscription's or its customer's. */
export interface Discount {
  id: string;
  object: 'discount';
  customer: string | null;
  end: number | null;
  promotion_code: string | null;
  source: { coupon: string; type: 'coupon' };
  start: number;
  subscription: string | null;
  [key: string]: unknown;
}

const discounts = new ObjectTable<Discount>('subscription_discounts');

/** Discount id -> its coupon, for an invoice's amounts. */
export type InvoiceDiscounts = Record<string, Coupon>;

export type DiscountParam = { coupon?: string | undefined; discount?: string | undefined; promotion_code?: string | undefined };

/** `discounts`: a list of `{coupon}`, `{promotion_code}` or `{discount}`, or `''` for none. */
export function discountsParam(): Field<DiscountParam[] | null | undefined> {
  return unset(arr(obj({ coupon: str({ max: 5000 }), discount: str({ max: 5000 }), promotion_code: str({ max: 5000 }) }), { max: 20 }));
}

/** The subscription's Discount objects, in its `discounts` order. */
async function discountsOf(ctx: Ctx, sub: Subscription): Promise<Discount[]> {
  const out: Discount[] = [];
  for (const id of sub.discounts as string[]) {
    const d = await discounts.get(ctx.db, ctx.account, id);
    if (d) out.push(d);
  }
  return out;
}

/**
 * The discount ids the subscription has after `params` (`null`: none): a coupon or promotion code
 * makes a new Discount (redeemed once, as a customer's is), a `discount` keeps one it has. Those
 * it no longer names are deleted.
 */
export async function setSubscriptionDiscounts(ctx: Ctx, sub: Subscription, params: DiscountParam[] | null, now: number): Promise<string[]> {
  const current = sub.discounts as string[];
  const next: string[] = [];
  for (const [i, d] of (params ?? []).entries()) {
    const at = `discounts[${i}]`;
    const given = [d.coupon, d.discount, d.promotion_code].filter((x) => x !== undefined).length;
    if (given !== 1) throw errors.invalid('You must specify exactly one of coupon, discount or promotion_code.', at);
    if (d.discount !== undefined) {
      if (!current.includes(d.discount)) throw errors.missingResource('discount', d.discount, `${at}[discount]`);
      next.push(d.discount);
      continue;
    }
    const made = (await ctx.deps.hooks.customerDiscount(ctx, sub.customer, { coupon: d.coupon, promotion_code: d.promotion_code }, now)) as Discount;
    const discount: Discount = { ...made, subscription: sub.id };
    // A Discount has no `created`: the row takes its start, the JSON stays Stripe's shape.
    await discounts.insert(ctx.db, ctx.account, { ...discount, created: now }, { subscription_id: sub.id });
    await discounts.update(ctx.db, ctx.account, discount, { subscription_id: sub.id });
    next.push(discount.id);
  }
  for (const id of current) if (!next.includes(id)) await discounts.delete(ctx.db, ctx.account, id);
  return next;
}

/**
 * The discount a Checkout Session applied (its coupon or promotion code, already checked and
 * redeemed when the session was paid) carried onto the subscription the session creates, as
 * Stripe does: the same Discount id, `checkout_session` set, and the coupon's duration counted
 * from `now` (docs/decisions.md#discounts-on-subscriptions-and-customers). Returns the
 * subscription's discount ids.
 */
export async function carrySessionDiscount(ctx: Ctx, sub: Subscription, d: { id: string; coupon: Coupon; promotionCode: string | null; session: string }, now: number): Promise<string[]> {
  const months = d.coupon.duration === 'repeating' ? d.coupon.duration_in_months : null;
  const discount: Discount = {
    id: d.id,
    object: 'discount',
    checkout_session: d.session,
    customer: sub.customer,
    customer_account: null,
    end: months ? periodEnd(now, 'month', months) : null,
    invoice: null,
    invoice_item: null,
    promotion_code: d.promotionCode,
    source: { coupon: d.coupon.id, type: 'coupon' },
    start: now,
    subscription: sub.id,
    subscription_item: null,
  };
  await discounts.insert(ctx.db, ctx.account, { ...discount, created: now }, { subscription_id: sub.id });
  await discounts.update(ctx.db, ctx.account, discount, { subscription_id: sub.id });
  return [discount.id];
}

/** A discount's coupon, when it still applies at `at`. */
async function live(ctx: Ctx, d: { end: number | null; source: { coupon: string } }, at: number): Promise<Coupon | undefined> {
  if (d.end !== null && d.end <= at) return undefined;
  return findCoupon(ctx, d.source.coupon);
}

/**
 * The discounts an invoice of the subscription made at `at` gets: the subscription's own, else
 * its customer's (as Stripe inherits it), those not yet ended.
 */
export async function discountsInEffect(ctx: Ctx, sub: Subscription, customer: Customer, at: number): Promise<InvoiceDiscounts> {
  const out: InvoiceDiscounts = {};
  const own = await discountsOf(ctx, sub);
  const candidates = own.length > 0 ? own : customer.discount ? [customer.discount as Discount] : [];
  for (const d of candidates) {
    const coupon = await live(ctx, d, at);
    if (coupon) out[d.id] = coupon;
  }
  return out;
}

/**
 * After an invoice was made under `applied`: a `once` discount that took something off it has had
 * its one invoice and ends (the customer's with `customer.discount.deleted`). One that took
 * nothing (a trial's invoice of 0) waits for the first invoice it discounts, as Stripe applies a
 * `once` coupon to the first payment after a trial
 * (docs/decisions.md#discounts-on-subscriptions-and-customers). Returns the subscription's
 * remaining discount ids.
 */
export async function endOnceDiscounts(ctx: Ctx, sub: Subscription, customer: Customer, applied: InvoiceDiscounts, invoice: Record<string, unknown>): Promise<string[]> {
  const took = new Set(((invoice.total_discount_amounts as Array<{ amount: number; discount: string }> | undefined) ?? []).filter((d) => d.amount > 0).map((d) => d.discount));
  const usedUp = (id: string) => applied[id]?.duration === 'once' && took.has(id);
  const kept: string[] = [];
  for (const id of sub.discounts as string[]) {
    if (usedUp(id)) await discounts.delete(ctx.db, ctx.account, id);
    else kept.push(id);
  }
  const customerDiscount = customer.discount as Discount | null;
  if (customerDiscount && usedUp(customerDiscount.id)) await deleteCustomerDiscount(ctx, customer.id);
  return kept;
}

/** DELETE /v1/subscriptions/:id/discount: the subscription's discounts end; 404 when it has none. */
export async function removeSubscriptionDiscounts(ctx: Ctx, sub: Subscription): Promise<Discount & { deleted: true }> {
  const own = await discountsOf(ctx, sub);
  const first = own[0];
  if (!first) throw errors.missingResource('discount', sub.id, 'subscription');
  for (const d of own) await discounts.delete(ctx.db, ctx.account, d.id);
  return { ...first, deleted: true };
}

/** A subscription's discount by id, for `expand[]` (`di_`). */
export function findSubscriptionDiscount(ctx: Ctx, id: string): Promise<Discount | undefined> {
  return discounts.get(ctx.db, ctx.account, id);
}
