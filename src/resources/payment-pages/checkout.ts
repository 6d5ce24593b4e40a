/**
 * `GET` and `POST /v1/payment_pages/:id/checkout`: what the Checkout Elements SDK of the served
 * Stripe.js (`stripe.initCheckoutElementsSdk`, docs/decisions.md#checkout-elements) reads and
 * changes of a `ui_mode: elements` session, with a publishable key and the session's
 * client_secret. The answer is the session as Stripe.js hands it to the merchant's page
 * (`StripeCheckoutSession` of @stripe/stripe-js): computed here, once, so the script only passes
 * it on. A change (the buyer's email, shipping address, a promotion code, a shipping rate) goes
 * through the same Checkout rules as the hosted page's (checkout/adjust.ts), in one transaction.
 * OpenCheckout's own calls, like Stripe's `payment_pages` ones: no SDK names them.
 */
import type { Ctx } from '../../api/context.js';
import { errors, StripeError } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { nullableObj, nullableStr, obj, parseParams, required, str } from '../../api/params.js';
import { adjustSession, type PageAdjustment } from '../../checkout/adjust.js';
import { currencyDecimals } from '../../money/currencies.js';
import { formatAmount } from '../../pages/money.js';
import type { LineItem, ShippingDetails, StoredSession, TaxAmount } from '../checkout-sessions/shape.js';
import { loadSessionWithItems } from '../checkout-sessions/store.js';
import { requireCustomer } from '../customers/service.js';

/** An amount as Stripe.js gives it: the smallest unit and the formatted text. */
interface Amount {
  minorUnitsAmount: number;
  amount: string;
}

interface Contact {
  name: string | null;
  address: { country: string; line1: string | null; line2: string | null; city: string | null; postal_code: string | null; state: string | null };
}

interface RateShown {
  id: string;
  display_name: string | null;
  delivery_estimate: { minimum: { unit: string; value: number } | null; maximum: { unit: string; value: number } | null } | null;
}

/** The session as the Checkout Elements SDK serves it (`StripeCheckoutSession`), plus `object`. */
export type CheckoutView = Record<string, unknown> & { object: 'checkout_elements_session'; id: string };

async function requireElementsSession(ctx: Ctx, id: string): Promise<{ session: StoredSession; lineItems: LineItem[] }> {
  const found = await loadSessionWithItems(ctx, id);
  if (!found) throw errors.missingResource('checkout session', id);
  if (found.session.ui_mode !== 'elements') {
    throw errors.invalid(
      `This Checkout Session has \`ui_mode: ${found.session.ui_mode}\`: initCheckoutElementsSdk() takes the client_secret of a session created with \`ui_mode: elements\`.`,
      undefined,
      'checkout_session_ui_mode_invalid',
    );
  }
  return found;
}

function money(currency: string): (minor: number) => Amount {
  return (minor) => ({ minorUnitsAmount: minor, amount: formatAmount(minor, currency) });
}

/** Tax amounts split by whether the rate is included in the price. */
function taxSplit(taxes: readonly TaxAmount[] | undefined): { inclusive: number; exclusive: number } {
  let inclusive = 0;
  let exclusive = 0;
  for (const t of taxes ?? []) {
    if ((t.rate as { inclusive?: boolean }).inclusive) inclusive += t.amount;
    else exclusive += t.amount;
  }
  return { inclusive, exclusive };
}

function contact(d: ShippingDetails | null | undefined): Contact | null {
  if (!d || !d.address.country) return null;
  const a = d.address;
  return { name: d.name, address: { country: a.country as string, line1: a.line1, line2: a.line2, city: a.city, postal_code: a.postal_code, state: a.state } };
}

/** The email the session pays with so far: the buyer's (`updateEmail`), the session's `customer_email`, or its customer's. */
async function emailOf(ctx: Ctx, s: StoredSession): Promise<string | null> {
  const typed = s._internal.buyer?.email;
  if (typed !== undefined) return typed;
  if (s.customer_email) return s.customer_email;
  return s.customer ? ((await requireCustomer(ctx, s.customer)).email ?? null) : null;
}

/** The session `s` as the Checkout Elements SDK hands it to the merchant's page. */
export async function checkoutView(ctx: Ctx, s: StoredSession, items: readonly LineItem[]): Promise<CheckoutView> {
  const currency = s.currency ?? 'usd';
  const amt = money(currency);
  const pricing = s._internal.pricing;
  const rates = new Map(((pricing?.shipping_rates ?? []) as RateShown[]).map((r) => [r.id, r]));
  const option = (o: { shipping_rate: string; shipping_amount: number }) => {
    const r = rates.get(o.shipping_rate);
    const e = r?.delivery_estimate;
    return { id: o.shipping_rate, ...amt(o.shipping_amount), currency, displayName: r?.display_name ?? null, deliveryEstimate: e ? { maximum: e.maximum, minimum: e.minimum } : null };
  };
  const options = s.shipping_options.map(option);
  const chosen = s.shipping_cost ? options.find((o) => o.id === s.shipping_cost?.shipping_rate) : undefined;
  const d = pricing?.discount;
  const coupon = d?.coupon as { id: string; name: string | null; percent_off: number | null; duration: string; duration_in_months: number | null } | undefined;
  const code = (d?.promotion_code as { code: string } | null | undefined)?.code ?? null;
  const details = s.total_details;
  const taxes = pricing?.breakdown.taxes ?? [];
  const split = taxSplit(taxes);
  const status =
    s.status === 'complete' ? { type: 'complete', paymentStatus: s.payment_status } : { type: s.status };
  const recurringLine = items.map((li) => (li.price as { recurring?: { interval: string; interval_count: number } | null }).recurring).find((r) => r);
  return {
    object: 'checkout_elements_session',
    id: s.id,
    billingAddress: null,
    businessName: null,
    nameCollection: null,
    canConfirm: s.status === 'open',
    currency,
    currencyOptions: null,
    discountAmounts:
      coupon && details
        ? [
            {
              ...amt(details.amount_discount),
              displayName: coupon.name ?? code ?? coupon.id,
              promotionCode: code,
              recurring: coupon.duration === 'forever' ? { type: 'forever' } : coupon.duration === 'repeating' ? { type: 'repeating', durationInMonths: coupon.duration_in_months ?? 0 } : null,
              percentOff: coupon.percent_off,
            },
          ]
        : null,
    email: await emailOf(ctx, s),
    lastPaymentError: null,
    lineItems: items.map((li) => {
      const price = li.price as { id: string; unit_amount: number | null; recurring?: { interval: string; interval_count: number; usage_type?: string } | null };
      const t = taxSplit(li.taxes);
      const q = li.adjustable_quantity;
      return {
        id: li.id,
        name: li.description ?? '',
        discount: amt(li.amount_discount),
        subtotal: amt(li.amount_subtotal),
        total: amt(li.amount_total),
        taxExclusive: amt(t.exclusive),
        taxInclusive: amt(t.inclusive),
        unitAmount: amt(price.unit_amount ?? 0),
        unitAmountDecimal: null,
        description: null,
        quantity: li.quantity,
        unitLabel: null,
        discountAmounts: null,
        taxAmounts: null,
        recurring: price.recurring ? { interval: price.recurring.interval, intervalCount: price.recurring.interval_count, usageType: price.recurring.usage_type ?? 'licensed' } : null,
        adjustableQuantity: q?.enabled ? { maximum: q.maximum ?? 99, minimum: q.minimum ?? 0 } : null,
        images: [],
        priceId: price.id,
        isRemovable: false,
        pricing: null,
        transformQuantity: null,
      };
    }),
    livemode: false,
    minorUnitsAmountDivisor: 10 ** currencyDecimals(currency),
    phoneNumber: null,
    recurring: recurringLine
      ? {
          interval: recurringLine.interval,
          intervalCount: recurringLine.interval_count,
          isProrated: false,
          dueNext: {
            subtotal: amt(s.amount_subtotal ?? 0),
            total: amt(s.amount_total ?? 0),
            discount: amt(details?.amount_discount ?? 0),
            taxInclusive: amt(split.inclusive),
            taxExclusive: amt(split.exclusive),
            billingCycleAnchor: null,
          },
          trial: null,
        }
      : null,
    savedPaymentMethods: null,
    shipping: chosen ? { shippingOption: chosen, taxAmounts: null } : null,
    shippingAddress: contact(s.collected_information?.shipping_details),
    shippingOptions: options,
    status,
    surcharge: null,
    tax: {
      status:
        s.automatic_tax.status === 'requires_location_inputs' ? (s.shipping_address_collection ? 'requires_shipping_address' : 'requires_billing_address') : 'ready',
    },
    taxAmounts: taxes.length
      ? taxes.map((t) => {
          const rate = t.rate as { inclusive: boolean; display_name: string; percentage: number };
          return { ...amt(t.amount), inclusive: rate.inclusive, displayName: rate.display_name, percentage: rate.percentage };
        })
      : null,
    taxIdInfo: null,
    total: {
      appliedBalance: amt(0),
      balanceAppliedToNextInvoice: false,
      discount: amt(details?.amount_discount ?? 0),
      shippingRate: amt(details?.amount_shipping ?? 0),
      subtotal: amt(s.amount_subtotal ?? 0),
      surcharge: amt(0),
      taxExclusive: amt(split.exclusive),
      taxInclusive: amt(split.inclusive),
      total: amt(s.amount_total ?? 0),
    },
    optionalItems: null,
  };
}

/** GET /v1/payment_pages/:id/checkout */
export async function retrieveCheckout(ctx: Ctx, id: string, params: FormObject): Promise<CheckoutView> {
  parseParams({}, params);
  const { session, lineItems } = await requireElementsSession(ctx, id);
  return checkoutView(ctx, session, lineItems);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const updateShape = {
  /** `updateEmail(email | null)`. */
  email: nullableStr({ max: 512 }),
  /** `updateShippingAddress({ name, address } | null)`. */
  shipping_address: nullableObj({
    name: str({ max: 5000 }),
    address: required(
      obj({
        country: required(str({ max: 2 })),
        line1: str({ max: 5000 }),
        line2: str({ max: 5000 }),
        city: str({ max: 5000 }),
        postal_code: str({ max: 5000 }),
        state: str({ max: 5000 }),
      }),
    ),
  }),
  /** `applyPromotionCode(code)`; `''`: `removePromotionCode()`. */
  promotion_code: nullableStr({ max: 500 }),
  /** `updateShippingOption(id)`. */
  shipping_rate: str({ max: 5000 }),
};

/** An error of the page's rules, named by the param of this call rather than the hosted page's field. */
function renamed(err: unknown, param: string): unknown {
  if (!(err instanceof StripeError) || err.status >= 500) return err;
  return new StripeError(err.status, { ...err.body, param }, err.remember);
}

/**
 * POST /v1/payment_pages/:id/checkout: the buyer's changes before paying, each through Checkout's
 * rules, in the order email, shipping address, promotion code, shipping rate. A session whose
 * shipping details only the merchant's server may set (`permissions.update_shipping_details:
 * server_only`) refuses the buyer's shipping address.
 */
export async function updateCheckout(ctx: Ctx, id: string, params: FormObject): Promise<CheckoutView> {
  const p = parseParams(updateShape, params);
  const { session: s } = await requireElementsSession(ctx, id);
  if (s.status !== 'open') throw errors.invalid('This Checkout Session is no longer open.', undefined, 'checkout_session_not_open');
  const changes: Array<[PageAdjustment, string]> = [];
  if (p.email !== undefined) {
    const email = p.email?.trim() || null;
    if (email !== null && !EMAIL.test(email)) throw errors.invalid(`Invalid email address: ${email}`, 'email', 'email_invalid');
    changes.push([{ kind: 'email', email }, 'email']);
  }
  if (p.shipping_address !== undefined) {
    if (s.permissions?.update_shipping_details === 'server_only') {
      throw errors.invalid(
        'The shipping details of this Checkout Session are set by your server only (`permissions.update_shipping_details: server_only`): update the session with `collected_information[shipping_details]`.',
        'shipping_address',
      );
    }
    const a = p.shipping_address?.address;
    const details = p.shipping_address && a
      ? { name: p.shipping_address.name ?? '', address: { country: a.country.toUpperCase(), line1: a.line1 ?? null, line2: a.line2 ?? null, city: a.city ?? null, postal_code: a.postal_code ?? null, state: a.state ?? null } }
      : null;
    const allowed = s.shipping_address_collection?.allowed_countries;
    if (details && allowed && !allowed.includes(details.address.country)) {
      throw errors.invalid(`This Checkout Session does not ship to ${details.address.country}.`, 'shipping_address[address][country]', 'shipping_country_invalid');
    }
    changes.push([{ kind: 'shipping_details', details }, 'shipping_address']);
  }
  if (p.promotion_code !== undefined) {
    changes.push([p.promotion_code ? { kind: 'apply_promotion_code', code: p.promotion_code.trim() } : { kind: 'remove_promotion_code' }, 'promotion_code']);
  }
  if (p.shipping_rate !== undefined) changes.push([{ kind: 'select_shipping_rate', rate: p.shipping_rate }, 'shipping_rate']);
  let after = s;
  for (const [change, param] of changes) {
    try {
      after = (await adjustSession(ctx, id, change)).session;
    } catch (err) {
      throw renamed(err, param);
    }
  }
  const { lineItems } = await requireElementsSession(ctx, id);
  return checkoutView(ctx, after, lineItems);
}
