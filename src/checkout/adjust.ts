/**
 * What the buyer changes on the hosted page before paying: a promotion code added or removed, a
 * shipping rate chosen, the address that tax depends on, a quantity, an optional item added. Each reprices the session through the
 * same rules as the API (checkout/pricing.ts) and stores it, in one transaction, with no event
 * (Stripe emits none for them either).
 */
import type { Ctx } from '../api/context.js';
import { errors } from '../api/errors.js';
import type { LineItem, PricingState, ShippingDetails, StoredSession } from '../resources/checkout-sessions/shape.js';
import { loadLineItems, lockSession, saveSessionWithItems } from '../resources/checkout-sessions/store.js';
import { hasSucceededPayment } from '../resources/payment-intents/service.js';
import { requireApplicablePromotionCode } from '../resources/promotion-codes/service.js';
import { businessNow } from '../resources/test-clocks/store.js';
import { newDiscountId, offersShippingRate, pricedByAddress, repriced } from './pricing.js';
import { changeItems, type ItemsAdjustment } from './quantities.js';

export type PageAdjustment =
  | { kind: 'apply_promotion_code'; code: string }
  | { kind: 'remove_promotion_code' }
  | { kind: 'select_shipping_rate'; rate: string }
  | { kind: 'update_address'; address: NonNullable<PricingState['address']> }
  | ItemsAdjustment
  | DetailsAdjustment;

/**
 * A change to what the buyer gave before paying, or to what is offered for it: the email and
 * shipping details typed into a merchant's own page (Checkout Elements), and the shipping
 * details and options the merchant's server sets (`POST /v1/checkout/sessions/:id`).
 */
export type DetailsAdjustment =
  | { kind: 'email'; email: string | null }
  | { kind: 'shipping_details'; details: ShippingDetails | null }
  | { kind: 'shipping_options'; rates: object[] };

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

/**
 * The session and its pricing after a change of details: the email is kept for completion; the
 * shipping details are the session's `collected_information.shipping_details` and, when the
 * totals depend on the address, where tax is computed; new shipping options keep the chosen one
 * when still offered, else the first is chosen.
 */
function withDetails(s: StoredSession, state: PricingState, a: DetailsAdjustment): { session: StoredSession; state: PricingState } {
  switch (a.kind) {
    case 'email':
      return { session: { ...s, _internal: { ...s._internal, buyer: { ...s._internal.buyer, email: a.email } } }, state };
    case 'shipping_details': {
      const collected = { business_name: s.collected_information?.business_name ?? null, individual_name: s.collected_information?.individual_name ?? null, shipping_details: a.details };
      const at = a.details?.address;
      const address = pricedByAddress(state) && s.shipping_address_collection && at?.country ? { country: at.country, state: at.state, postal_code: at.postal_code } : state.address;
      return { session: { ...s, collected_information: collected }, state: { ...state, address } };
    }
    case 'shipping_options': {
      const ids = a.rates.map((r) => (r as { id: string }).id);
      const chosen = state.shipping_rate !== null && ids.includes(state.shipping_rate) ? state.shipping_rate : ids[0] ?? null;
      return { session: s, state: { ...state, shipping_rates: a.rates, shipping_rate: chosen } };
    }
  }
}

function isDetails(a: PageAdjustment): a is DetailsAdjustment {
  return a.kind === 'email' || a.kind === 'shipping_details' || a.kind === 'shipping_options';
}

/** The pricing after one change by the buyer. */
async function adjusted(ctx: Ctx, s: StoredSession, state: PricingState, a: Exclude<PageAdjustment, ItemsAdjustment | DetailsAdjustment>): Promise<PricingState> {
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
      : isDetails(a)
        ? { items, ...withDetails(s, state, a) }
        : { session: s, items, state: await adjusted(ctx, s, state, a) };
  const priced = await repriced(ctx, next.session, next.items, next.state);
  await saveSessionWithItems(ctx, priced.session, priced.items);
  return priced;
}
