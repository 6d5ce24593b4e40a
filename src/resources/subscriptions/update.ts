/**
 * Changing a subscription (docs/decisions.md#subscriptions-and-renewals): `POST
 * /v1/subscriptions/:id` (items, prorations, cancellation at period end, pause of collection,
 * trial end, settings), `DELETE /v1/subscriptions/:id` and `POST .../resume`.
 */
import type { Ctx } from '../../api/context.js';
import { applySubscriptionPaymentSettings } from '../invoices/params-payment-settings.js';
import { errors } from '../../api/errors.js';
import type { FormObject, FormValue } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { mergeMetadata, parseParams } from '../../api/params.js';
import { requireCustomer } from '../customers/service.js';
import { subscriptionAutomaticTax, taxLocation, taxLocationError } from '../invoices/automatic-tax.js';
import type { Customer } from '../customers/shape.js';
import { createSubscriptionInvoice, findInvoice, type SubscriptionLine } from '../invoices/renewal.js';
import { requireTaxRates } from '../tax-rates/service.js';
import { businessNow } from '../test-clocks/store.js';
import { addPendingLines, periodLine, prorationLines, takePendingLines } from './billing.js';
import { afterCollection, finalizeAndCollect } from './collect.js';
import { itemPrice, requireCustomerPaymentMethod } from './create.js';
import { canceled, nextPeriodEnd, trialEndWithoutPaymentMethod } from './cycle.js';
import { lockJob } from '../../scheduler/jobs.js';
import { discountsInEffect, endOnceDiscounts, removeSubscriptionDiscounts, setSubscriptionDiscounts } from './discounts.js';
import { CYCLE_JOB, currentPeriodEnd, INCOMPLETE_SECONDS, RETRY_JOB, scheduleSubscriptionJobs } from './jobs.js';
import { cancelShape, resumeShape, updateShape } from './params.js';
import { findSubscription, periodEnd, subscriptions, transitionSubscription, type Subscription, type SubscriptionItem } from './service.js';

/**
 * The subscription, locked for the change. Its job rows are locked first (the one lock order, as
 * for sessions: job, then subject), so a renewal or a retry running at once waits or is waited on.
 */
async function requireSubscription(ctx: Ctx, id: string): Promise<Subscription> {
  await lockJob(ctx, CYCLE_JOB, id);
  const seen = await findSubscription(ctx, id);
  if (seen?.latest_invoice) await lockJob(ctx, RETRY_JOB, seen.latest_invoice);
  const sub = await findSubscription(ctx, id, true);
  if (!sub) throw errors.missingResource('subscription', id);
  return sub;
}

const ended = (s: Subscription) => s.status === 'canceled' || s.status === 'incomplete_expired';

/** Bills `lines` on an invoice now (`always_invoice`, `invoice_now`) and collects it. */
async function invoiceNow(ctx: Ctx, sub: Subscription, customer: Customer, lines: SubscriptionLine[], now: number): Promise<Subscription> {
  if (lines.length === 0) return sub;
  const discounts = await discountsInEffect(ctx, sub, customer, now);
  const draft = await createSubscriptionInvoice(ctx, { customer, subscription: sub, lines, billingReason: 'subscription_update', created: now, discounts });
  const outcome = await finalizeAndCollect(ctx, sub, customer, draft, now);
  return afterCollection(ctx, { ...sub, latest_invoice: draft.id, discounts: await endOnceDiscounts(ctx, sub, customer, discounts, draft) }, outcome, now);
}

/** `cancellation_details[feedback]`: one of Stripe's reasons, `''` unsets (the customer portal stores its cancellation reason here). */
const FEEDBACK = ['customer_service', 'low_quality', 'missing_features', 'other', 'switched_service', 'too_complex', 'too_expensive', 'unused'] as const;
function feedbackOf(value: FormValue): string | null {
  if (value === '') return null;
  if (typeof value !== 'string' || !(FEEDBACK as readonly string[]).includes(value)) throw errors.invalidEnum('cancellation_details[feedback]', FEEDBACK);
  return value;
}

/** POST /v1/subscriptions/:id */
export async function updateSubscription(ctx: Ctx, id: string, params: FormObject): Promise<Subscription> {
  const p = parseParams(updateShape, params);
  const before = await requireSubscription(ctx, id);
  if (ended(before)) {
    throw errors.invalid('A canceled subscription can only update its cancellation_details and metadata.', undefined, 'resource_missing');
  }
  const customer = await requireCustomer(ctx, before.customer);
  const now = await businessNow(ctx, before.test_clock);
  const at = p.proration_date ?? now;
  const start = before.items.data[0]?.current_period_start ?? before.created;
  if (at < start || at > currentPeriodEnd(before)) {
    throw errors.invalid('The proration_date must be within the current billing period of the subscription.', 'proration_date');
  }
  let sub: Subscription = { ...before, metadata: mergeMetadata(before.metadata, p.metadata) };
  if (p.description !== undefined) sub.description = p.description;
  if (p.payment_settings !== undefined) sub.payment_settings = applySubscriptionPaymentSettings(sub.payment_settings, p.payment_settings);
  if (p.automatic_tax !== undefined) {
    // Turned on, the customer's location must be one Stripe Tax recognizes (docs/decisions.md#automatic-tax-on-subscriptions).
    if (p.automatic_tax.enabled && !taxLocation(customer)) throw taxLocationError();
    sub.automatic_tax = subscriptionAutomaticTax(p.automatic_tax.enabled);
  }
  if (p.discounts !== undefined) sub.discounts = await setSubscriptionDiscounts(ctx, sub, p.discounts, now);
  if (p.default_payment_method !== undefined) {
    sub.default_payment_method = p.default_payment_method === null ? null : await requireCustomerPaymentMethod(ctx, customer, p.default_payment_method);
  }
  if (p.default_tax_rates !== undefined) sub.default_tax_rates = p.default_tax_rates ? await requireTaxRates(ctx, p.default_tax_rates, 'default_tax_rates') : [];
  if (p.collection_method !== undefined) sub.collection_method = p.collection_method;
  if (p.days_until_due !== undefined) sub.days_until_due = p.days_until_due;
  if (sub.collection_method === 'send_invoice' && sub.days_until_due === null) throw errors.missingParam('days_until_due');
  if (sub.collection_method === 'charge_automatically') sub.days_until_due = null;
  if (p.cancellation_details?.comment !== undefined) sub.cancellation_details = { ...sub.cancellation_details, comment: p.cancellation_details.comment };
  if (p.cancellation_details?.feedback !== undefined) sub.cancellation_details = { ...sub.cancellation_details, feedback: feedbackOf(p.cancellation_details.feedback) };
  if (p.trial_settings?.end_behavior?.missing_payment_method) {
    sub.trial_settings = { end_behavior: { missing_payment_method: p.trial_settings.end_behavior.missing_payment_method } };
  }
  if (p.pause_collection !== undefined) {
    sub.pause_collection = p.pause_collection === null ? null : { behavior: p.pause_collection.behavior, resumes_at: p.pause_collection.resumes_at ?? null };
  }
  // Cancellation: at the period's end, or at a time (a word names the period's end).
  if (p.cancel_at_period_end !== undefined) {
    sub.cancel_at_period_end = p.cancel_at_period_end;
    sub.cancel_at = p.cancel_at_period_end ? currentPeriodEnd(sub) : null;
    sub.canceled_at = p.cancel_at_period_end ? now : null;
  }
  if (p.cancel_at !== undefined) {
    const cancelAt = typeof p.cancel_at === 'string' ? currentPeriodEnd(sub) : p.cancel_at;
    if (cancelAt !== null && cancelAt <= now) throw errors.invalid('Invalid cancel_at: must be in the future.', 'cancel_at');
    sub.cancel_at = cancelAt;
    sub.cancel_at_period_end = false;
    sub.canceled_at = cancelAt === null ? null : now;
  }

  // Items: changed (`id` with a new price or quantity), removed (`deleted`), added (no `id`).
  const changes: Array<[SubscriptionItem | undefined, SubscriptionItem | undefined]> = [];
  if (p.items !== undefined) {
    const data = [...sub.items.data];
    for (const [n, item] of p.items.entries()) {
      const param = `items[${n}]`;
      const idx = item.id !== undefined ? data.findIndex((i) => i.id === item.id) : -1;
      if (item.id !== undefined && idx < 0) throw errors.invalid(`No such subscription item: '${item.id}'`, `${param}[id]`, 'resource_missing');
      const current = data[idx];
      if (item.deleted) {
        if (!current) throw errors.missingParam(`${param}[id]`);
        data.splice(idx, 1);
        changes.push([current, undefined]);
        continue;
      }
      const price = item.price !== undefined || item.price_data !== undefined || item.plan !== undefined ? await itemPrice(ctx, item, param, sub.currency) : undefined;
      const taxRates = item.tax_rates !== undefined ? (item.tax_rates ? await requireTaxRates(ctx, item.tax_rates, `${param}[tax_rates]`) : []) : undefined;
      if (current) {
        const next: SubscriptionItem = {
          ...current,
          ...(price ? { price } : {}),
          ...(item.quantity !== undefined ? { quantity: item.quantity } : {}),
          ...(taxRates ? { tax_rates: taxRates } : {}),
          metadata: mergeMetadata(current.metadata, item.metadata),
        };
        data[idx] = next;
        if (JSON.stringify([next.price, next.quantity]) !== JSON.stringify([current.price, current.quantity])) changes.push([current, next]);
      } else {
        if (!price) throw errors.missingParam(`${param}[price]`);
        if (data.some((i) => (i.price as { id: string }).id === price.id)) throw errors.invalid('Cannot add multiple subscription items with the same price.', `${param}[price]`);
        const first = data[0] ?? sub.items.data[0];
        const added: SubscriptionItem = {
          id: newId('si_'),
          object: 'subscription_item',
          billing_thresholds: null,
          created: now,
          current_period_end: first?.current_period_end ?? periodEnd(now, price.recurring?.interval ?? 'month', price.recurring?.interval_count ?? 1),
          current_period_start: first?.current_period_start ?? now,
          discounts: [],
          metadata: mergeMetadata({}, item.metadata),
          price,
          quantity: item.quantity ?? 1,
          subscription: sub.id,
          tax_rates: taxRates ?? [],
        };
        data.push(added);
        changes.push([undefined, added]);
      }
    }
    if (data.length === 0) throw errors.invalid('A subscription must have at least one item.', 'items');
    sub.items = { ...sub.items, data, total_count: data.length };
  }

  // Ending the trial now starts a paid period at once, as `trial_end=now` does on Stripe.
  if (p.trial_end !== undefined && before.status === 'trialing') {
    const stopped = p.trial_end === 'now' ? trialEndWithoutPaymentMethod(sub, customer, now) : undefined;
    if (stopped) sub = stopped;
    else if (p.trial_end === 'now') {
      const next = nextPeriodEnd({ ...sub, billing_cycle_anchor: now }, now);
      sub = { ...sub, status: 'active', trial_end: now, billing_cycle_anchor: now, items: { ...sub.items, data: sub.items.data.map((i) => ({ ...i, current_period_start: now, current_period_end: next })) } };
      const lines: SubscriptionLine[] = [];
      for (const item of sub.items.data) lines.push(await periodLine(ctx, sub, item, now, next));
      sub = await invoiceNow(ctx, sub, customer, lines, now);
    } else {
      if (p.trial_end <= now) throw errors.invalid('Invalid timestamp: must be an integer Unix timestamp in the future.', 'trial_end');
      sub = { ...sub, trial_end: p.trial_end, billing_cycle_anchor: p.trial_end, items: { ...sub.items, data: sub.items.data.map((i) => ({ ...i, current_period_end: p.trial_end as number })) } };
    }
  } else if (changes.length > 0 && sub.status !== 'trialing') {
    // Prorations: a credit for the old item's unused time, a charge for the new one's remaining time.
    const behavior = p.proration_behavior ?? 'create_prorations';
    const lines: SubscriptionLine[] = [];
    if (behavior !== 'none') for (const [old, next] of changes) lines.push(...(await prorationLines(ctx, sub, old, next, at)));
    if (p.payment_behavior === 'pending_if_incomplete') {
      // Billed now; unpaid, the change waits in `pending_update` (docs/decisions.md#pending-updates).
      const billed = await invoiceNow(ctx, sub, customer, lines, now);
      const inv = billed.latest_invoice !== sub.latest_invoice && billed.latest_invoice ? await findInvoice(ctx, billed.latest_invoice) : undefined;
      sub = !inv || inv.status === 'paid' ? billed : pendingUpdate(before, sub, billed, now);
    } else if (behavior === 'always_invoice') sub = await invoiceNow(ctx, sub, customer, [...(await takePendingLines(ctx, sub.id)), ...lines], now);
    else if (lines.length > 0) await addPendingLines(ctx, sub, lines, now);
  }
  if (p.billing_cycle_anchor === 'now' && sub.status !== 'trialing' && p.trial_end === undefined) {
    const next = nextPeriodEnd({ ...sub, billing_cycle_anchor: now }, now);
    const credit: SubscriptionLine[] = [];
    if (p.proration_behavior !== 'none') for (const item of sub.items.data) credit.push(...(await prorationLines(ctx, sub, item, undefined, now)));
    sub = { ...sub, billing_cycle_anchor: now, items: { ...sub.items, data: sub.items.data.map((i) => ({ ...i, current_period_start: now, current_period_end: next })) } };
    const lines = [...(await takePendingLines(ctx, sub.id)), ...credit];
    for (const item of sub.items.data) lines.push(await periodLine(ctx, sub, item, now, next));
    sub = await invoiceNow(ctx, sub, customer, lines, now);
  }
  await transitionSubscription(ctx, before, sub, now);
  await scheduleSubscriptionJobs(ctx, sub);
  return sub;
}

/** DELETE /v1/subscriptions/:id: ends it now; `prorate` credits the unused time, `invoice_now` bills what is pending. */
export async function cancelSubscription(ctx: Ctx, id: string, params: FormObject): Promise<Subscription> {
  const p = parseParams(cancelShape, params);
  const before = await requireSubscription(ctx, id);
  if (ended(before)) throw errors.invalid(`This subscription has already been canceled (${id}).`, undefined, 'subscription_canceled');
  const now = await businessNow(ctx, before.test_clock);
  if (p.prorate && before.status !== 'trialing') {
    const credit: SubscriptionLine[] = [];
    for (const item of before.items.data) credit.push(...(await prorationLines(ctx, before, item, undefined, now)));
    await addPendingLines(ctx, before, credit, now);
  }
  let sub: Subscription = {
    ...canceled(before, now),
    canceled_at: now,
    cancellation_details: { comment: p.cancellation_details?.comment ?? before.cancellation_details.comment, feedback: p.cancellation_details?.feedback !== undefined ? feedbackOf(p.cancellation_details.feedback) : before.cancellation_details.feedback, reason: 'cancellation_requested' },
  };
  if (p.invoice_now) {
    const customer = await requireCustomer(ctx, before.customer);
    const lines = await takePendingLines(ctx, before.id);
    if (lines.length > 0) {
      const draft = await createSubscriptionInvoice(ctx, { customer, subscription: sub, lines, billingReason: 'subscription_update', created: now });
      await finalizeAndCollect(ctx, { ...sub, status: 'active' }, customer, draft, now);
      sub = { ...sub, latest_invoice: draft.id };
    }
  }
  await transitionSubscription(ctx, before, sub, now);
  await scheduleSubscriptionJobs(ctx, sub);
  return sub;
}

/** POST /v1/subscriptions/:id/resume: a `paused` subscription starts a new period now and is invoiced for it. */
export async function resumeSubscription(ctx: Ctx, id: string, params: FormObject): Promise<Subscription> {
  const p = parseParams(resumeShape, params);
  const before = await requireSubscription(ctx, id);
  if (before.status !== 'paused') throw errors.invalid('Only a paused subscription can be resumed.', undefined, 'subscription_not_paused');
  const customer = await requireCustomer(ctx, before.customer);
  const now = await businessNow(ctx, before.test_clock);
  let sub: Subscription = { ...before, status: 'active' };
  if (p.billing_cycle_anchor === 'unchanged') {
    sub = { ...sub, items: { ...sub.items, data: sub.items.data.map((i) => (i.current_period_end <= now ? { ...i, current_period_start: now, current_period_end: nextPeriodEnd(sub, now) } : i)) } };
  } else {
    const next = nextPeriodEnd({ ...sub, billing_cycle_anchor: now }, now);
    sub = { ...sub, billing_cycle_anchor: now, items: { ...sub.items, data: sub.items.data.map((i) => ({ ...i, current_period_start: now, current_period_end: next })) } };
    const lines: SubscriptionLine[] = [];
    for (const item of sub.items.data) lines.push(await periodLine(ctx, sub, item, now, next));
    sub = await invoiceNow(ctx, sub, customer, lines, now);
  }
  await transitionSubscription(ctx, before, sub, now);
  await scheduleSubscriptionJobs(ctx, sub);
  return sub;
}

/** DELETE /v1/subscriptions/:id/discount: the subscription's discounts end (its customer's applies again). */
export async function deleteSubscriptionDiscount(ctx: Ctx, id: string): Promise<object> {
  const before = await requireSubscription(ctx, id);
  const deleted = await removeSubscriptionDiscounts(ctx, before);
  const after: Subscription = { ...before, discounts: [] };
  await transitionSubscription(ctx, before, after, await businessNow(ctx, before.test_clock));
  return deleted;
}

/** A customer being deleted: its subscriptions that have not ended are canceled now (the `customerDeleted` hook). */
export async function cancelCustomerSubscriptions(ctx: Ctx, customerId: string): Promise<void> {
  for (const row of await subscriptions.select(ctx.db, ctx.account, { customer_id: customerId }, ['id'])) {
    const before = await requireSubscription(ctx, row.id as string);
    if (ended(before)) continue;
    const now = await businessNow(ctx, before.test_clock);
    const sub: Subscription = { ...canceled(before, now), canceled_at: now, cancellation_details: { ...before.cancellation_details, reason: 'cancellation_requested' } };
    await transitionSubscription(ctx, before, sub, now);
    await scheduleSubscriptionJobs(ctx, sub);
  }
}

/** The subscription as it was, waiting for the change's invoice (`billed.latest_invoice`) to be paid within 23 hours. */
function pendingUpdate(before: Subscription, changed: Subscription, billed: Subscription, now: number): Subscription {
  return {
    ...changed,
    status: before.status,
    items: before.items,
    latest_invoice: billed.latest_invoice,
    pending_update: {
      billing_cycle_anchor: null,
      cancel_at_period_end: null,
      discount: null,
      discounts: null,
      expires_at: now + INCOMPLETE_SECONDS,
      metadata: null,
      subscription_items: changed.items.data,
      trial_end: null,
      trial_from_plan: null,
    },
  };
}
