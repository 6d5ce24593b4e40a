/**
 * Pricing a new Checkout Session (docs/decisions.md#checkout-totals): what its totals depend on —
 * line tax rates, the one discount, shipping options, automatic tax — resolved through their
 * owners, then the amounts from checkout/pricing.ts, checked against the currency's limits.
 */
import type { Ctx } from '../../api/context.js';
import type { InferShape } from '../../api/params.js';
import { newDiscountId, repriced } from '../../checkout/pricing.js';
import { checkChargeAmount } from '../../money/currencies.js';
import { requireRedeemableCoupon } from '../coupons/service.js';
import type { Customer } from '../customers/shape.js';
import { hasSucceededPayment } from '../payment-intents/service.js';
import { requireApplicablePromotionCode } from '../promotion-codes/service.js';
import { resolveShippingRate } from '../shipping-rates/service.js';
import { requireTaxRates } from '../tax-rates/service.js';
import { taxSettingsOf } from '../tax-settings/service.js';
import type { createShape } from './params.js';
import type { LineItem, LinePrice, PricedLine, PricingState, StoredSession } from './shape.js';

type CreateParams = InferShape<typeof createShape>;

/**
 * What the totals are computed from (checkout/pricing.ts): each line's tax rates (its own, the
 * subscription's defaults, or dynamic ones the address picks), the one discount, the shipping
 * options (the first chosen), automatic tax with the customer's address when it has one.
 */
async function pricingState(ctx: Ctx, p: CreateParams, items: LineItem[], customer: Customer | undefined, currency: string, now: number): Promise<PricingState> {
  const automatic = p.automatic_tax?.enabled === true;
  const defaultBehavior = automatic ? (await taxSettingsOf(ctx)).defaults.tax_behavior : null;
  const defaults = p.subscription_data?.default_tax_rates ? await requireTaxRates(ctx, p.subscription_data.default_tax_rates, 'subscription_data[default_tax_rates]') : [];
  const lines: PricedLine[] = [];
  for (const [i, li] of items.entries()) {
    const param = p.line_items?.[i];
    const price = li.price as LinePrice;
    const own = param?.tax_rates ? await requireTaxRates(ctx, param.tax_rates, `line_items[${i}][tax_rates]`) : defaults;
    if (param?.dynamic_tax_rates) await requireTaxRates(ctx, param.dynamic_tax_rates, `line_items[${i}][dynamic_tax_rates]`);
    const behavior = price.tax_behavior && price.tax_behavior !== 'unspecified' ? price.tax_behavior : defaultBehavior === 'inclusive' ? 'inclusive' : 'exclusive';
    lines.push({
      product: typeof price.product === 'string' ? price.product : price.product.id,
      unit_amount: price.unit_amount ?? 0,
      quantity: li.quantity,
      tax_behavior: behavior,
      tax_rates: own,
      dynamic_tax_rates: param?.dynamic_tax_rates ?? [],
    });
  }
  const shippingRates = [];
  for (const [i, option] of (p.shipping_options ?? []).entries()) {
    shippingRates.push(await resolveShippingRate(ctx, option, `shipping_options[${i}]`, currency));
  }
  const subtotal = items.reduce((n, li) => n + li.amount_subtotal, 0);
  const address = customer?.address?.country ? { country: customer.address.country, state: customer.address.state, postal_code: customer.address.postal_code } : null;
  return {
    lines,
    discount: await sessionDiscount(ctx, p, customer, currency, subtotal, now),
    shipping_rates: shippingRates,
    shipping_rate: shippingRates[0]?.id ?? null,
    automatic_tax: automatic,
    address,
    breakdown: { discounts: [], taxes: [] },
  };
}

/** The session's one discount (`discounts[0]`): a redeemable coupon, or an applicable promotion code. */
async function sessionDiscount(ctx: Ctx, p: CreateParams, customer: Customer | undefined, currency: string, subtotal: number, now: number): Promise<PricingState['discount']> {
  const d = p.discounts?.[0];
  if (!d) return null;
  if (d.coupon !== undefined) {
    return { coupon: await requireRedeemableCoupon(ctx, d.coupon, 'discounts[0][coupon]', currency, now), promotion_code: null, discount_id: newDiscountId() };
  }
  const { promotionCode, coupon } = await requireApplicablePromotionCode(ctx, { id: d.promotion_code as string }, 'discounts[0][promotion_code]', {
    currency,
    customer: customer?.id ?? null,
    subtotal,
    now,
    isFirstTransaction: !customer || !(await hasSucceededPayment(ctx, customer.id)),
  });
  return { coupon, promotion_code: promotionCode, discount_id: newDiscountId() };
}

/**
 * The session priced (discount, tax, shipping) and its total checked against Stripe's minimum
 * and maximum charge for the currency. A total of zero (a 100 % coupon) needs no payment.
 */
export async function priceNewSession(ctx: Ctx, p: CreateParams, s: StoredSession, items: LineItem[], customer: Customer | undefined, now: number) {
  const currency = s.currency as string;
  const state = await pricingState(ctx, p, items, customer, currency, now);
  const withTax: StoredSession = p.automatic_tax?.enabled
    ? { ...s, automatic_tax: { enabled: true, liability: p.automatic_tax.liability ? { type: p.automatic_tax.liability.type, ...(p.automatic_tax.liability.account ? { account: p.automatic_tax.liability.account } : {}) } : { type: 'self' }, provider: 'stripe', status: null } }
    : s;
  const priced = await repriced(ctx, withTax, items, state);
  const total = priced.session.amount_total ?? 0;
  if (total > 0) checkChargeAmount(total, currency, 'line_items');
  return priced;
}
