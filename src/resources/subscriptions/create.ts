/**
 * `POST /v1/subscriptions` (docs/decisions.md#subscriptions-and-renewals): the items, trial,
 * anchor and collection settings, then the first invoice, paid, open or failed by
 * `payment_behavior`, and the subscription `trialing`, `active` or `incomplete` by its outcome.
 */
import type { Ctx } from '../../api/context.js';
import { applySubscriptionPaymentSettings } from '../invoices/params-payment-settings.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { mergeMetadata, parseParams, required, type InferShape } from '../../api/params.js';
import type { Customer } from '../customers/shape.js';
import { requireCustomer } from '../customers/service.js';
import { automaticallyTaxedLines, subscriptionAutomaticTax, taxLocation, taxLocationError } from '../invoices/automatic-tax.js';
import { createSubscriptionInvoice, finalizeSubscriptionInvoice, subscriptionInvoiceAmounts } from '../invoices/renewal.js';
import { openInvoicePaymentIntent } from '../invoices/charge.js';
import { saveInvoice } from '../invoices/store.js';
import { findPaymentMethod } from '../payment-methods/service.js';
import { checkUnitAmount } from '../prices/params.js';
import { insertPrice, requirePrice } from '../prices/service.js';
import { requireProduct } from '../products/service.js';
import { requireTaxRates } from '../tax-rates/service.js';
import { businessNow } from '../test-clocks/store.js';
import { periodLine, prorate, type ItemPrice } from './billing.js';
import { applyCharge, chargeInvoice, paymentMethodFor } from './collect.js';
import { discountsInEffect, endOnceDiscounts, setSubscriptionDiscounts } from './discounts.js';
import { scheduleRetry } from './jobs.js';
import { itemPriceData, createShape } from './params.js';
import { buildSubscription, insertSubscription, periodEnd, saveSubscription, type Subscription } from './service.js';

const DAY = 86_400;

type ItemParams = NonNullable<InferShape<typeof createShape>['items']>[number];

/** The price an item names (`price`, the legacy `plan`, or `price_data`), recurring, in the subscription's currency. */
export async function itemPrice(ctx: Ctx, item: ItemParams, param: string, currency: string | null): Promise<ItemPrice> {
  let price: ItemPrice;
  if (item.price_data !== undefined) {
    const pd = required(itemPriceData).parse(item.price_data, `${param}[price_data]`);
    for (const key of ['currency', 'product', 'recurring'] as const) if (pd[key] === undefined) throw errors.missingParam(`${param}[price_data][${key}]`);
    checkUnitAmount(pd as { currency: string }, `${param}[price_data]`);
    await requireProduct(ctx, pd.product as string, `${param}[price_data][product]`);
    price = (await insertPrice(ctx, pd.product as string, { ...(pd as { currency: string }), recurring: pd.recurring as never }, { inline: true, param: `${param}[price_data]` })) as unknown as ItemPrice;
  } else {
    const id = item.price ?? item.plan;
    if (id === undefined) throw errors.missingParam(`${param}[price]`);
    price = (await requirePrice(ctx, id, `${param}[price]`)) as unknown as ItemPrice;
  }
  if (!price.recurring) {
    throw errors.invalid(`The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`, `${param}[price]`);
  }
  if (currency !== null && price.currency !== currency) {
    throw errors.invalid(`The price specified in ${param}[price] has a currency (${price.currency}) that does not match the subscription's currency (${currency}).`, `${param}[price]`);
  }
  return price;
}

/** The payment method given as `default_payment_method`: it must be attached to the customer. */
export async function requireCustomerPaymentMethod(ctx: Ctx, customer: Customer, id: string, param = 'default_payment_method'): Promise<string> {
  const pm = await findPaymentMethod(ctx, id);
  if (!pm) throw errors.missingResource('PaymentMethod', id, param);
  if (pm.customer !== customer.id) {
    throw errors.invalid(`The PaymentMethod provided (${id}) is not attached to the customer ${customer.id}. Attach it first.`, param);
  }
  return id;
}

/** POST /v1/subscriptions */
export async function createSubscription(ctx: Ctx, params: FormObject): Promise<Subscription> {
  const p = parseParams(createShape, params);
  if (p.customer === undefined) throw errors.missingParam('customer');
  if (!p.items || p.items.length === 0) throw errors.missingParam('items');
  const customer = await requireCustomer(ctx, p.customer);
  const now = await businessNow(ctx, customer.test_clock);

  const items: Array<{ price: ItemPrice; quantity: number; taxRates: object[] }> = [];
  let currency = p.currency ?? null;
  for (const [n, item] of p.items.entries()) {
    const price = await itemPrice(ctx, item, `items[${n}]`, currency);
    currency = price.currency;
    if (items.some((i) => i.price.id === price.id)) throw errors.invalid('Cannot add multiple subscription items with the same price.', `items[${n}][price]`);
    items.push({ price, quantity: item.quantity ?? 1, taxRates: item.tax_rates ? await requireTaxRates(ctx, item.tax_rates, `items[${n}][tax_rates]`) : [] });
  }
  const defaults = p.default_tax_rates ? await requireTaxRates(ctx, p.default_tax_rates, 'default_tax_rates') : [];
  const pm = p.default_payment_method ? await requireCustomerPaymentMethod(ctx, customer, p.default_payment_method) : null;

  // The trial: `trial_end` (now = none), `trial_period_days`, or the price's own days (`trial_from_plan`).
  let trialEnd: number | null = null;
  if (typeof p.trial_end === 'number') {
    if (p.trial_end <= now) throw errors.invalid('Invalid timestamp: must be an integer Unix timestamp in the future.', 'trial_end');
    trialEnd = p.trial_end;
  } else if (p.trial_period_days !== undefined && p.trial_end === undefined) {
    if (p.trial_period_days > 0) trialEnd = now + p.trial_period_days * DAY;
  } else if (p.trial_from_plan) {
    const days = (items[0]?.price.recurring as { trial_period_days?: number | null } | null)?.trial_period_days;
    if (days) trialEnd = now + days * DAY;
  }
  if (p.trial_end !== undefined && p.trial_period_days !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: trial_end, trial_period_days.', 'trial_end');
  }
  const recurring = items[0]?.price.recurring ?? { interval: 'month' as const, interval_count: 1 };
  const naturalEnd = periodEnd(now, recurring.interval, recurring.interval_count);
  if (p.billing_cycle_anchor !== undefined) {
    if (trialEnd !== null) throw errors.invalid('You cannot set `billing_cycle_anchor` together with a trial.', 'billing_cycle_anchor');
    if (p.billing_cycle_anchor <= now || p.billing_cycle_anchor > naturalEnd) {
      throw errors.invalid('Invalid billing_cycle_anchor: it must be in the future and no later than the end of the first full billing period.', 'billing_cycle_anchor');
    }
  }
  const anchor = p.billing_cycle_anchor !== undefined && p.billing_cycle_anchor < naturalEnd ? p.billing_cycle_anchor : null;
  const collection = p.collection_method ?? 'charge_automatically';
  if (collection === 'send_invoice' && p.days_until_due === undefined) throw errors.missingParam('days_until_due');
  if (collection !== 'send_invoice' && p.days_until_due !== undefined) {
    throw errors.invalid('`days_until_due` can only be set when `collection_method` is `send_invoice`.', 'days_until_due');
  }

  const built = buildSubscription({
    customer: customer.id,
    currency: currency ?? 'usd',
    items,
    defaultPaymentMethod: pm,
    metadata: mergeMetadata({}, p.metadata),
    description: p.description ?? null,
    testClock: customer.test_clock,
    created: now,
    trialEnd,
    ...(p.trial_settings?.end_behavior?.missing_payment_method ? { missingPaymentMethod: p.trial_settings.end_behavior.missing_payment_method } : {}),
    billingCycleAnchor: anchor,
    defaultTaxRates: defaults,
    invoiceSettings: { description: p.invoice_settings?.description ?? null, footer: p.invoice_settings?.footer ?? null },
  });
  const end = built.items.data[0]?.current_period_end ?? naturalEnd;
  const cancelAt = typeof p.cancel_at === 'number' ? p.cancel_at : p.cancel_at !== undefined ? end : null;
  if (cancelAt !== null && cancelAt <= now) throw errors.invalid('Invalid cancel_at: must be in the future.', 'cancel_at');
  let sub: Subscription = {
    ...built,
    collection_method: collection,
    days_until_due: p.days_until_due ?? null,
    cancel_at: cancelAt,
    cancel_at_period_end: p.cancel_at_period_end ?? false,
    ...(p.backdate_start_date !== undefined ? { start_date: p.backdate_start_date } : {}),
    payment_settings: applySubscriptionPaymentSettings(built.payment_settings, p.payment_settings),
  };
  // Stripe Tax checks the customer's location when the subscription is created (docs/decisions.md#automatic-tax-on-subscriptions).
  if (p.automatic_tax?.enabled) {
    if (!taxLocation(customer)) throw taxLocationError();
    sub.automatic_tax = subscriptionAutomaticTax(true);
  }
  if (p.discounts) sub.discounts = await setSubscriptionDiscounts(ctx, sub, p.discounts, now);
  const discounts = await discountsInEffect(ctx, sub, customer, now);

  // The first invoice's lines: a trial's at 0, a period up to the anchor prorated (or free), else a full period.
  const share = (full: number) => (anchor === null ? full : p.proration_behavior === 'none' ? 0 : prorate(full, naturalEnd - (anchor - now), now, naturalEnd));
  const lines = [];
  for (const item of sub.items.data) {
    const line = await periodLine(ctx, sub, item, now, item.current_period_end, trialEnd !== null);
    const amount = share(line.amount);
    lines.push(amount === line.amount ? line : { ...(await periodLine(ctx, sub, item, now, item.current_period_end)), amount, proration: true, taxes: [] });
  }
  const behavior = p.payment_behavior ?? 'allow_incomplete';
  const taxedLines = sub.automatic_tax.enabled ? ((await automaticallyTaxedLines(ctx, customer, lines, now, now)) ?? lines) : lines;
  const amountDue = Math.max(0, subscriptionInvoiceAmounts(taxedLines, discounts, sub.currency).total);
  const charges = collection === 'charge_automatically' && amountDue > 0;
  if (charges && behavior !== 'default_incomplete' && paymentMethodFor(sub, customer) === null) {
    throw errors.invalid('This customer has no attached payment source or default payment method. Please consider adding a default payment method.', undefined, 'resource_missing');
  }
  // Charged before anything is stored: `error_if_incomplete` refuses a decline and keeps nothing.
  const result = charges && behavior !== 'default_incomplete' ? await chargeInvoice(ctx, sub, customer, amountDue, now, 'Subscription creation') : null;
  if (result?.status === 'failed' && behavior === 'error_if_incomplete') {
    throw errors.card(result.code, result.message);
  }
  const paidNow = !charges || result?.status === 'succeeded';
  if (!paidNow && sub.status !== 'trialing') sub = { ...sub, status: 'incomplete' };
  await insertSubscription(ctx, sub);
  const draft = await createSubscriptionInvoice(ctx, { customer, subscription: sub, lines, billingReason: 'subscription_create', created: now, discounts });
  let invoice = await finalizeSubscriptionInvoice(ctx, draft, customer, now);
  if (collection === 'send_invoice' && amountDue > 0) await scheduleRetry(ctx, invoice.id, invoice.due_date as number, sub.test_clock);
  if (collection === 'charge_automatically' || amountDue === 0) {
    if (result !== null || amountDue === 0) invoice = (await applyCharge(ctx, sub, invoice, result, now, false)).invoice;
  }
  if (charges && behavior === 'default_incomplete' && invoice.status === 'open') {
    // The customer pays it themselves: its PaymentIntent's client secret is the invoice's `confirmation_secret`.
    invoice = await openInvoicePaymentIntent(ctx, invoice, { saveForLater: sub.payment_settings.save_default_payment_method === 'on_subscription', at: now });
    await saveInvoice(ctx, invoice);
  }
  sub = { ...sub, latest_invoice: invoice.id, discounts: await endOnceDiscounts(ctx, sub, customer, discounts, invoice) };
  await saveSubscription(ctx, sub);
  return sub;
}
