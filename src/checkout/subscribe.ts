/**
 * The Subscription a subscription-mode session creates at completion, with its paid first Invoice
 * (docs/decisions.md#subscription-data-from-checkout): `subscription_data`'s trial, billing cycle
 * anchor, default tax rates, invoice settings, description and metadata land on it. A first
 * period that bills something is paid by a PaymentIntent; a trial's invoice of 0 needs none.
 */
import type { Ctx } from '../api/context.js';
import type { LineItem, Session, StoredSession } from '../resources/checkout-sessions/shape.js';
import type { Customer } from '../resources/customers/shape.js';
import { createPaidFirstInvoice } from '../resources/invoices/service.js';
import type { ChargeOutcome } from '../processor/index.js';
import { chargeAttempt } from '../resources/payment-intents/charging.js';
import { createPaymentIntent, transitionPaymentIntent, type PaymentIntent } from '../resources/payment-intents/service.js';
import type { PaymentMethod } from '../resources/payment-methods/shape.js';
import type { Coupon } from '../resources/coupons/shape.js';
import { subscriptionAutomaticTax } from '../resources/invoices/automatic-tax.js';
import { carrySessionDiscount, endOnceDiscounts } from '../resources/subscriptions/discounts.js';
import { buildSubscription, insertSubscription, saveSubscription, type Subscription } from '../resources/subscriptions/service.js';
import { requireTaxRates } from '../resources/tax-rates/service.js';
import { anchorAt, firstPeriodShare, subscriptionDataOf, trialEndAt } from './first-period.js';
import { invoiceTax } from './invoice-payment.js';

export interface SubscribeInput {
  session: StoredSession;
  customer: Customer;
  /** Null for a free trial that collected no payment method (`payment_method_collection: if_required`). */
  pm: PaymentMethod | null;
  now: number;
  items: LineItem[];
  /** The processor's answer for the first payment (a decline never gets here). */
  outcome?: ChargeOutcome | undefined;
}

type Price = Parameters<typeof buildSubscription>[0]['items'][number]['price'] & { id: string; product: unknown; unit_amount: number | null; currency: string };

const idsOf = (rates: readonly object[]) => rates.map((r) => (r as { id: string }).id).join(',');

/** Starts the session's subscription and returns the session fields it sets. */
export async function startSubscription(ctx: Ctx, i: SubscribeInput): Promise<Partial<Pick<Session, 'subscription' | 'invoice' | 'payment_status'>>> {
  const { session: s, customer, now, items } = i;
  const sd = subscriptionDataOf(s);
  const trialEnd = trialEndAt(s, now);
  const anchor = trialEnd === null ? anchorAt(s, now) : null;
  const share = firstPeriodShare(s, items, now);
  const defaultIds = s._internal.subscription_data.default_tax_rates;
  const defaults = defaultIds ? await requireTaxRates(ctx, defaultIds, 'subscription_data[default_tax_rates]') : [];
  const lines = s._internal.pricing?.lines ?? [];
  let sub: Subscription = buildSubscription({
    customer: customer.id,
    currency: s.currency ?? 'usd',
    // An item's own rates are the ones its line named; the defaults stay on the subscription.
    items: items.map((li, n) => {
      const own = lines[n]?.tax_rates ?? [];
      return { price: li.price as Price, quantity: li.quantity, taxRates: idsOf(own) === idsOf(defaults) ? [] : own };
    }),
    defaultPaymentMethod: i.pm?.id ?? null,
    metadata: s._internal.subscription_data.metadata,
    description: s._internal.subscription_data.description,
    testClock: s._internal.test_clock,
    created: now,
    trialEnd,
    ...(sd.trial_settings ? { missingPaymentMethod: sd.trial_settings.end_behavior.missing_payment_method } : {}),
    billingCycleAnchor: anchor,
    defaultTaxRates: defaults,
    invoiceSettings: {
      account_tax_ids: sd.invoice_settings?.account_tax_ids ?? null,
      custom_fields: sd.invoice_settings?.custom_fields ?? null,
      description: sd.invoice_settings?.description ?? null,
      footer: sd.invoice_settings?.footer ?? null,
      issuer: sd.invoice_settings?.issuer ?? { type: 'self' },
    },
  });
  const total = s.amount_total ?? 0;
  let paymentIntent: string | null = null;
  if (total > 0 && i.pm) {
    const pi = await createPaymentIntent(ctx, {
      amount: total,
      currency: sub.currency,
      customer: customer.id,
      paymentMethodTypes: s.payment_method_types,
      description: 'Subscription creation',
      setupFutureUsage: 'off_session',
      created: now,
    });
    // Its Charge (and balance transaction) as every paid PaymentIntent has, made by the
    // PaymentIntents' charging path: payment_intent.created, charge.succeeded, payment_intent.succeeded.
    const withPm: PaymentIntent = { ...pi, payment_method: i.pm.id };
    const charged = i.outcome === undefined || i.outcome.status === 'succeeded' ? await chargeAttempt(ctx, withPm, i.pm, { status: 'succeeded' }, now) : withPm;
    await transitionPaymentIntent(ctx, pi, { ...charged, status: 'succeeded', amount_received: pi.amount }, now);
    paymentIntent = pi.id;
  }
  // The session's discount goes on with the subscription (docs/decisions.md#discounts-on-subscriptions-and-customers).
  const applied = s._internal.pricing?.discount;
  const coupon = applied?.coupon as Coupon | undefined;
  if (applied && coupon) {
    const promotionCode = (applied.promotion_code as { id: string } | null)?.id ?? null;
    sub = { ...sub, discounts: await carrySessionDiscount(ctx, sub, { id: applied.discount_id, coupon, promotionCode, session: s.id }, now) };
  }
  // A session with automatic tax makes a subscription with it: its renewals are taxed by Stripe Tax too.
  if (s.automatic_tax.enabled) sub = { ...sub, automatic_tax: subscriptionAutomaticTax(true) };
  const discountAmount = s.total_details?.amount_discount ?? 0;
  await insertSubscription(ctx, sub);
  const invoice = await createPaidFirstInvoice(ctx, {
    customer,
    subscription: sub,
    items: items.map((li, n) => {
      const price = li.price as Price;
      const full = (price.unit_amount ?? 0) * li.quantity;
      return {
        price,
        quantity: li.quantity,
        description: li.description,
        subscriptionItem: sub.items.data[n]?.id ?? '',
        periodStart: sub.items.data[n]?.current_period_start ?? now,
        periodEnd: sub.items.data[n]?.current_period_end ?? now,
        amount: Math.round(full * share),
        proration: share > 0 && share < 1,
        trial: trialEnd !== null,
      };
    }),
    paymentIntent,
    defaultPaymentMethod: i.pm?.id ?? null,
    created: now,
    charged: s.total_details
      ? {
          discount: discountAmount,
          tax: s.total_details.amount_tax,
          total,
          ...(applied && discountAmount > 0 ? { discounts: [{ amount: discountAmount, discount: applied.discount_id }] } : {}),
          taxes: (s._internal.pricing?.breakdown.taxes ?? []).map(invoiceTax),
        }
      : undefined,
  });
  // A `once` coupon that took something off this first invoice has had its invoice.
  const kept = coupon && applied ? await endOnceDiscounts(ctx, sub, customer, { [applied.discount_id]: coupon }, invoice) : sub.discounts;
  await saveSubscription(ctx, { ...sub, latest_invoice: invoice.id, discounts: kept });
  // Nothing is charged today during a trial or a free first period: Stripe's `no_payment_required`.
  return { subscription: sub.id, invoice: invoice.id, payment_status: total > 0 ? 'paid' : 'no_payment_required' };
}
