/**
 * What the buyer changes on the hosted page before paying: a promotion code added or removed, a
 * shipping rate chosen, the address that tax depends on, a quantity, an optional item added. Each reprices the session through the
 * same rules as the API (checkout/pricing.ts) and stores it, in one transaction, with no event
 * (Stripe emits none for them either).
 */
import type { Ctx } from '../api/context.js';
import { errors } from '../api/errors.js';
import type { LineItem, PricingState, StoredSession } from '../resources/checkout-sessions/shape.js';
import { loadLineItems, lockSession, saveSessionWithItems } from '../resources/checkout-sessions/store.js';
import { hasSucceededPayment } from '../resources/payment-intents/service.js';
import { requireApplicablePromotionCode } from '../resources/promotion-codes/service.js';
import { businessNow } from '../resources/test-clocks/store.js';
import { newDiscountId, offersShippingRate, repriced } from './pricing.js';
import { changeItems, type ItemsAdjustment } from './quantities.js';

export type PageAdjustment =
  | { kind: 'apply_promotion_code'; code: string }
  | { kind: 'remove_promotion_code' }
  | { kind: 'select_shipping_rate'; rate: string }
  | { kind: 'update_address'; address: NonNullable<PricingState['address']> }
  | ItemsAdjustment;

/** The pricing state of a session the page may reprice; older sessions have none and keep their amounts. */
function pricingOf(s: StoredSession): PricingState {
  const state = s._internal.pricing;
  if (!state) throw errors.invalid('This Checkout Session cannot be changed.');
  return state;
}

/**
 * The promotion code the buyer typed, checked as Stripe checks it (active, not expired or used up,
 * for this customer, above its minimum, first-time only): the session's discount from then on.
 */
async function withPromotionCode(ctx: Ctx, s: StoredSession, state: PricingState, code: string): Promise<PricingState> {
  if (!s.allow_promotion_codes) throw errors.invalid('Promotion codes are not enabled for this Checkout Session.', 'promotionCode');
  if (code === '') throw errors.invalid('Enter a promotion code.', 'promotionCode');
  const { promotionCode, coupon } = await requireApplicablePromotionCode(ctx, { code }, 'promotionCode', {
    currency: s.currency ?? 'usd',
    customer: s.customer,
    subtotal: s.amount_subtotal ?? 0,
    now: await businessNow(ctx, s._internal.test_clock),
    isFirstTransaction: s.customer === null || !(await hasSucceededPayment(ctx, s.customer)),
  });
  return { ...state, discount: { coupon, promotion_code: promotionCode, discount_id: newDiscountId() } };
}

/** The pricing after one change by the buyer. */
async function adjusted(ctx: Ctx, s: StoredSession, state: PricingState, a: Exclude<PageAdjustment, ItemsAdjustment>): Promise<PricingState> {
  switch (a.kind) {
    case 'apply_promotion_code':
      return withPromotionCode(ctx, s, state, a.code);
    case 'remove_promotion_code':
      return state.discount?.promotion_code ? { ...state, discount: null } : state;
    case 'select_shipping_rate':
      if (!offersShippingRate(state, a.rate)) throw errors.invalid('Choose one of the shipping options.', 'shippingRate');
      return { ...state, shipping_rate: a.rate };
    case 'update_address':
      return { ...state, address: a.address };
  }
}

/** Applies one change by the buyer to an open session and stores the repriced session and line items. */
export async function adjustSession(ctx: Ctx, sessionId: string, a: PageAdjustment): Promise<{ session: StoredSession; items: LineItem[] }> {
  const s = await lockSession(ctx, sessionId);
  if (s.status !== 'open') throw errors.invalid('This Checkout Session is no longer open.', undefined, 'checkout_session_not_open');
  const state = pricingOf(s);
  const items = await loadLineItems(ctx, s.id);
  const next =
    a.kind === 'set_quantities' || a.kind === 'add_optional_item'
      ? await changeItems(ctx, { session: s, items, state }, a)
      : { session: s, items, state: await adjusted(ctx, s, state, a) };
  const priced = await repriced(ctx, next.session, next.items, next.state);
  await saveSessionWithItems(ctx, priced.session, priced.items);
  return priced;
}
