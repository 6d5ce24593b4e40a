/**
 * Prices a Checkout Session: turns what its totals depend on (its lines' prices and tax rates, its
 * discount, its shipping options, automatic tax and the buyer's address) into the amounts the
 * session, its line items and its PaymentIntent carry (docs/decisions.md#checkout-totals). The
 * API at create, the hosted page when the buyer adds a code, picks a rate or gives an address, and
 * completion all call {@link repriced}: one copy of the rules.
 */
import type { Ctx } from '../api/context.js';
import { newId } from '../api/ids.js';
import type {
  DiscountAmount,
  LineItem,
  PricedLine,
  PricingState,
  StoredSession,
  TaxAmount,
} from '../resources/checkout-sessions/shape.js';
import { couponAmountOff } from '../resources/coupons/service.js';
import type { Coupon } from '../resources/coupons/shape.js';
import { shippingAmount } from '../resources/shipping-rates/service.js';
import type { ShippingRate } from '../resources/shipping-rates/shape.js';
import { dynamicTaxRateFor } from '../resources/tax-rates/service.js';
import type { TaxRate } from '../resources/tax-rates/shape.js';
import { automaticTaxRate } from '../resources/tax-registrations/service.js';
import { businessNow } from '../resources/test-clocks/store.js';
import { firstPeriodPriced } from './first-period.js';
import { computeTotals, type RateInput, type TaxPart } from './totals.js';

/** Whether the totals depend on the buyer's address (automatic tax, dynamic tax rates). */
export function pricedByAddress(state: PricingState): boolean {
  return state.automatic_tax || state.lines.some((l) => l.dynamic_tax_rates.length > 0);
}

/** Whether `rateId` is one of the session's shipping options. */
export function offersShippingRate(state: PricingState, rateId: string): boolean {
  return state.shipping_rates.some((r) => (r as { id: string }).id === rateId);
}

/** A TaxRate object as the totals take it. */
function rateInput(rate: TaxRate, inclusive = rate.inclusive): RateInput {
  return { id: rate.id, percentage: rate.percentage, inclusive, rate };
}

/** The TaxRate object Stripe Tax applies at an address: one per account, country and state. */
export async function automaticRate(ctx: Ctx, address: NonNullable<PricingState['address']>, created: number, now: number): Promise<TaxRate | null> {
  const found = await automaticTaxRate(ctx, address, now);
  if (!found) return null;
  const place = [found.country, found.state].filter(Boolean).join('_').toLowerCase();
  return {
    id: `txr_auto_${place}`,
    object: 'tax_rate',
    active: true,
    country: found.country,
    created,
    description: null,
    display_name: found.display_name,
    effective_percentage: found.percentage,
    flat_amount: null,
    inclusive: false,
    jurisdiction: found.jurisdiction,
    jurisdiction_level: found.state ? ('state' as const) : ('country' as const),
    livemode: false,
    metadata: {},
    percentage: found.percentage,
    rate_type: 'percentage',
    state: found.state,
    tax_type: found.tax_type as TaxRate['tax_type'],
  };
}

/** The rates of one line: automatic tax at the address, else its own, else the dynamic one the address picks. */
async function lineRates(ctx: Ctx, line: PricedLine, i: number, auto: TaxRate | null, state: PricingState): Promise<RateInput[]> {
  if (state.automatic_tax) return auto ? [rateInput(auto, line.tax_behavior === 'inclusive')] : [];
  if (line.tax_rates.length > 0) return (line.tax_rates as TaxRate[]).map((r) => rateInput(r));
  if (line.dynamic_tax_rates.length > 0 && state.address) {
    const chosen = await dynamicTaxRateFor(ctx, line.dynamic_tax_rates, `line_items[${i}][dynamic_tax_rates]`, state.address);
    return chosen ? [rateInput(chosen)] : [];
  }
  return [];
}

function taxAmount(part: TaxPart, reason: string | null): TaxAmount {
  return { amount: part.amount, rate: part.rate.rate, taxability_reason: reason, taxable_amount: part.taxableAmount };
}

/** Stripe's `Discount` object of the session's coupon or promotion code. */
function discountObject(s: StoredSession, d: NonNullable<PricingState['discount']>): object {
  const coupon = d.coupon as Coupon;
  const promo = d.promotion_code as { id: string } | null;
  return {
    id: d.discount_id,
    object: 'discount',
    checkout_session: s.id,
    customer: s.customer,
    customer_account: null,
    end: null,
    invoice: null,
    invoice_item: null,
    promotion_code: promo?.id ?? null,
    source: { coupon: coupon.id, type: 'coupon' },
    start: s.created,
    subscription: null,
    subscription_item: null,
  };
}

/** A new discount id for a coupon applied to a session. */
export function newDiscountId(): string {
  return newId('di_');
}

/**
 * The session and its line items with amounts recomputed from `state`: line amounts, discounts and
 * taxes; `amount_subtotal`, `amount_total`, `total_details`, `shipping_cost`, `shipping_options`,
 * `discounts` and `automatic_tax.status`. Reads only the tax tables it needs; writes nothing.
 */
export async function repriced(ctx: Ctx, s: StoredSession, items: LineItem[], state: PricingState): Promise<{ session: StoredSession; items: LineItem[] }> {
  const currency = s.currency ?? 'usd';
  const now = await businessNow(ctx, s._internal.test_clock);
  const auto = state.automatic_tax && state.address ? await automaticRate(ctx, state.address, s.created, now) : null;
  const rates = await Promise.all(state.lines.map((l, i) => lineRates(ctx, l, i, auto, state)));
  const coupon = state.discount?.coupon as Coupon | undefined;
  const discount = coupon
    ? { percentOff: coupon.percent_off ?? null, amountOff: coupon.percent_off == null ? couponAmountOff(coupon, currency) : null, appliesTo: coupon.applies_to?.products ?? null }
    : null;
  const rate = (state.shipping_rates as ShippingRate[]).find((r) => r.id === state.shipping_rate) ?? null;
  const shippingRates = auto && rate ? [rateInput(auto, rate.tax_behavior === 'inclusive')] : [];
  const totals = computeTotals(
    state.lines.map((l, i) => ({ unitAmount: l.unit_amount, quantity: l.quantity, productId: l.product, taxRates: rates[i] ?? [] })),
    discount,
    rate ? { amount: shippingAmount(rate, currency), taxRates: shippingRates } : null,
  );
  const reason = auto ? 'standard_rated' : null;
  const discountObj = state.discount ? discountObject(s, state.discount) : null;
  const pricedItems = items.map((li, i): LineItem => {
    const t = totals.lines[i];
    if (!t) return li;
    return {
      ...li,
      amount_discount: t.amountDiscount,
      amount_subtotal: t.amountSubtotal,
      amount_tax: t.amountTax,
      amount_total: t.amountTotal,
      discounts: discountObj && t.amountDiscount > 0 ? [{ amount: t.amountDiscount, discount: discountObj }] : [],
      taxes: t.taxes.map((p) => taxAmount(p, reason)),
    };
  });
  const breakdown: PricingState['breakdown'] = {
    discounts: discountObj ? [{ amount: totals.amountDiscount, discount: discountObj } satisfies DiscountAmount] : [],
    taxes: totals.taxes.map((p) => taxAmount(p, reason)),
  };
  const session: StoredSession = {
    ...s,
    amount_subtotal: totals.amountSubtotal,
    amount_total: totals.amountTotal,
    automatic_tax: { ...s.automatic_tax, status: state.automatic_tax ? (state.address ? 'complete' : 'requires_location_inputs') : null },
    discounts: state.discount
      ? [{ coupon: (state.discount.coupon as Coupon).id, promotion_code: (state.discount.promotion_code as { id: string } | null)?.id ?? null }]
      : [],
    shipping_cost:
      rate && totals.shipping
        ? {
            amount_subtotal: totals.shipping.amountSubtotal,
            amount_tax: totals.shipping.amountTax,
            amount_total: totals.shipping.amountTotal,
            shipping_rate: rate.id,
            taxes: totals.shipping.taxes.map((p) => taxAmount(p, reason)),
          }
        : null,
    shipping_options: (state.shipping_rates as ShippingRate[]).map((r) => ({ shipping_amount: shippingAmount(r, currency), shipping_rate: r.id })),
    total_details: { amount_discount: totals.amountDiscount, amount_shipping: totals.amountShipping, amount_tax: totals.amountTax },
    _internal: { ...s._internal, pricing: { ...state, breakdown } },
  };
  // A trial or a billing cycle anchor bills only part of this today.
  return firstPeriodPriced({ session, items: pricedItems }, now);
}
