/**
 * The scheduler's subscription jobs (docs/decisions.md#subscriptions-and-renewals): each runs in
 * its own transaction at its due business time (a test clock's advance runs them in order).
 */
import type { Ctx } from '../../api/context.js';
import { emit } from '../../events/emit.js';
import type { Job } from '../../scheduler/jobs.js';
import { findLiveCustomer } from '../customers/service.js';
import type { Customer } from '../customers/shape.js';
import { createSubscriptionInvoice, findInvoice } from '../invoices/renewal.js';
import { businessNow } from '../test-clocks/store.js';
import { createPreview } from '../invoices/preview.js';
import { periodLine, takePendingLines } from './billing.js';
import { afterCollection, applyCharge, chargeInvoice, finalizeAndCollect, paymentMethodFor } from './collect.js';
import { discountsInEffect, endOnceDiscounts } from './discounts.js';
import { applyPendingUpdate } from './paid.js';
import { currentPeriodEnd, scheduleFinalize, scheduleSubscriptionJobs } from './jobs.js';
import { findSubscription, periodEnd, transitionSubscription, type Subscription } from './service.js';
import { closeSubscriptionInvoice } from '../invoices/renewal.js';

/** The next period's end after `end`, counted from the billing cycle anchor (so the 31st stays the month's last day). */
export function nextPeriodEnd(sub: Subscription, end: number): number {
  const r = (sub.items.data[0]?.price as { recurring?: { interval: 'day' | 'week' | 'month' | 'year'; interval_count: number } | null }).recurring ?? {
    interval: 'month' as const,
    interval_count: 1,
  };
  const anchor = sub.billing_cycle_anchor;
  for (let k = 1; k < 100_000; k++) {
    const at = periodEnd(anchor, r.interval, r.interval_count * k);
    if (at > end) return at;
  }
  return periodEnd(end, r.interval, r.interval_count);
}

/** Ends the subscription now (a cancellation that came due). */
export function canceled(sub: Subscription, now: number): Subscription {
  return { ...sub, status: 'canceled', canceled_at: sub.canceled_at ?? now, ended_at: now, cancel_at_period_end: false };
}

/**
 * A trial ending with no payment method to charge, when `trial_settings` say to pause or cancel
 * rather than invoice: the subscription that results, else undefined.
 */
export function trialEndWithoutPaymentMethod(sub: Subscription, customer: Customer, now: number): Subscription | undefined {
  if (sub.status !== 'trialing' || paymentMethodFor(sub, customer) !== null) return undefined;
  const behavior = sub.trial_settings.end_behavior.missing_payment_method;
  if (behavior === 'create_invoice') return undefined;
  return behavior === 'cancel'
    ? { ...canceled(sub, now), cancellation_details: { ...sub.cancellation_details, reason: 'cancellation_requested' } }
    : { ...sub, status: 'paused', trial_end: Math.min(sub.trial_end ?? now, now) };
}

/**
 * The end of a period: a due cancellation ends the subscription; a trial without a payment
 * method follows `trial_settings`; otherwise the next period starts and is invoiced and collected.
 */
async function runCycle(ctx: Ctx, subId: string): Promise<void> {
  const sub = await findSubscription(ctx, subId, true);
  if (!sub || sub.status === 'canceled' || sub.status === 'incomplete_expired' || sub.status === 'incomplete' || sub.status === 'paused') return;
  const now = await businessNow(ctx, sub.test_clock);
  const end = currentPeriodEnd(sub);
  if (sub.cancel_at !== null && sub.cancel_at <= now) {
    await transitionSubscription(ctx, sub, canceled(sub, now), now);
    await scheduleSubscriptionJobs(ctx, canceled(sub, now));
    return;
  }
  if (end > now) return scheduleSubscriptionJobs(ctx, sub);
  if (sub.cancel_at_period_end) {
    const ended = canceled(sub, end);
    await transitionSubscription(ctx, sub, ended, now);
    return scheduleSubscriptionJobs(ctx, ended);
  }
  const customer = await findLiveCustomer(ctx, sub.customer);
  if (!customer) return;
  const noPaymentMethod = trialEndWithoutPaymentMethod(sub, customer, now);
  if (noPaymentMethod) {
    await transitionSubscription(ctx, sub, noPaymentMethod, now);
    return scheduleSubscriptionJobs(ctx, noPaymentMethod);
  }
  const next = nextPeriodEnd(sub, end);
  // Collection paused until `resumes_at` is collected again from then on.
  const resumes = sub.pause_collection?.resumes_at;
  const renewed: Subscription = {
    ...sub,
    pause_collection: resumes !== undefined && resumes !== null && resumes <= now ? null : sub.pause_collection,
    status: sub.status === 'trialing' ? 'active' : sub.status,
    items: { ...sub.items, data: sub.items.data.map((i) => ({ ...i, current_period_start: end, current_period_end: next })) },
  };
  const lines = [...(await takePendingLines(ctx, sub.id))];
  for (const item of renewed.items.data) lines.push(await periodLine(ctx, renewed, item, end, next));
  const discounts = await discountsInEffect(ctx, renewed, customer, now);
  const draft = await createSubscriptionInvoice(ctx, { customer, subscription: renewed, lines, billingReason: 'subscription_cycle', created: now, discounts });
  const after: Subscription = { ...renewed, latest_invoice: draft.id, discounts: await endOnceDiscounts(ctx, renewed, customer, discounts, draft) };
  await transitionSubscription(ctx, sub, after, now);
  await scheduleSubscriptionJobs(ctx, after);
  // The draft waits about an hour before it is finalized and charged (docs/decisions.md#renewal-drafts-wait-an-hour).
  await scheduleFinalize(ctx, draft.id, now, sub.test_clock);
}

/**
 * An hour after a renewal's draft was created: finalized and collected, and the subscription moves
 * by the outcome. A draft the merchant finalized, paid or deleted in the meantime is left alone.
 */
async function runFinalize(ctx: Ctx, invoiceId: string): Promise<void> {
  const draft = await findInvoice(ctx, invoiceId);
  const subId = (draft?.parent as { subscription_details?: { subscription: string } } | null)?.subscription_details?.subscription;
  if (!draft || draft.status !== 'draft' || !subId) return;
  const sub = await findSubscription(ctx, subId, true);
  if (!sub || sub.status === 'canceled' || sub.status === 'incomplete_expired') return;
  const customer = await findLiveCustomer(ctx, sub.customer);
  if (!customer) return;
  const now = await businessNow(ctx, sub.test_clock);
  const outcome = await finalizeAndCollect(ctx, sub, customer, draft, now);
  if (sub.latest_invoice !== draft.id && outcome.paid !== true) return;
  const after = await afterCollection(ctx, sub, outcome, now);
  if (after === sub) return;
  await transitionSubscription(ctx, sub, after, now);
  await scheduleSubscriptionJobs(ctx, after);
}

/** Three days before the trial ends: `customer.subscription.trial_will_end`. */
async function runTrialWillEnd(ctx: Ctx, subId: string): Promise<void> {
  const sub = await findSubscription(ctx, subId);
  if (!sub || sub.status !== 'trialing') return;
  await emit(ctx, 'customer.subscription.trial_will_end', sub, undefined, await businessNow(ctx, sub.test_clock));
}

/** 23 hours after creation an unpaid `incomplete` subscription expires, and its invoice is voided. */
async function runExpireIncomplete(ctx: Ctx, subId: string): Promise<void> {
  const sub = await findSubscription(ctx, subId, true);
  if (!sub || sub.status !== 'incomplete') return;
  const now = await businessNow(ctx, sub.test_clock);
  const inv = sub.latest_invoice ? await findInvoice(ctx, sub.latest_invoice) : undefined;
  if (inv && inv.status === 'open') await closeSubscriptionInvoice(ctx, inv, 'void', now);
  const expired: Subscription = { ...sub, status: 'incomplete_expired', ended_at: now };
  await transitionSubscription(ctx, sub, expired, now);
  await scheduleSubscriptionJobs(ctx, expired);
}

/** A retry of a failed invoice: paid (the subscription is `active` again) or failed once more. */
async function runRetry(ctx: Ctx, invoiceId: string): Promise<void> {
  const inv = await findInvoice(ctx, invoiceId);
  const subId = (inv?.parent as { subscription_details?: { subscription: string } } | null)?.subscription_details?.subscription;
  if (!inv || inv.status !== 'open' || !subId) return;
  const sub = await findSubscription(ctx, subId, true);
  if (!sub || sub.status === 'canceled' || sub.status === 'incomplete_expired') return;
  const customer = await findLiveCustomer(ctx, sub.customer);
  if (!customer) return;
  const now = await businessNow(ctx, sub.test_clock);
  // A sent invoice is not charged: past its due date it makes the subscription past_due (the
  // invoices' own job sends `invoice.overdue`, docs/decisions.md#upcoming-renewal-events).
  if (inv.collection_method === 'send_invoice') {
    if (sub.latest_invoice === inv.id && sub.status === 'active') {
      const pastDue: Subscription = { ...sub, status: 'past_due' };
      await transitionSubscription(ctx, sub, pastDue, now);
      await scheduleSubscriptionJobs(ctx, pastDue);
    }
    return;
  }
  const result = await chargeInvoice(ctx, sub, customer, inv.amount_remaining as number, now, 'Subscription update', inv.id);
  const outcome = await applyCharge(ctx, sub, inv, result, now, true);
  // Only the latest invoice moves the subscription.
  if (sub.latest_invoice !== inv.id && !outcome.paid) return;
  // A pending update's invoice: paid, the update applies; unpaid, the subscription waits as it is.
  if (sub.pending_update && sub.latest_invoice === inv.id) {
    if (!outcome.paid) return;
    const applied = await applyPendingUpdate(ctx, sub, now);
    await transitionSubscription(ctx, sub, applied, now);
    return scheduleSubscriptionJobs(ctx, applied);
  }
  const after = await afterCollection(ctx, sub, outcome, now);
  await transitionSubscription(ctx, sub, after, now);
  await scheduleSubscriptionJobs(ctx, after);
}

/**
 * Some days before the renewal: `invoice.upcoming` with the invoice the renewal will make, as a
 * preview without an id (docs/decisions.md#upcoming-renewal-events).
 */
async function runUpcoming(ctx: Ctx, subId: string): Promise<void> {
  const sub = await findSubscription(ctx, subId);
  if (!sub || (sub.status !== 'active' && sub.status !== 'trialing' && sub.status !== 'past_due')) return;
  const now = await businessNow(ctx, sub.test_clock);
  if (currentPeriodEnd(sub) <= now) return;
  const { id: _id, ...preview } = (await createPreview(ctx, { subscription: sub.id })) as { id: string };
  await emit(ctx, 'invoice.upcoming', preview, undefined, now);
}

/** 23 hours after a `pending_if_incomplete` change whose invoice is still unpaid: the change is dropped. */
async function runPendingUpdateExpire(ctx: Ctx, subId: string): Promise<void> {
  const sub = await findSubscription(ctx, subId, true);
  if (!sub?.pending_update) return;
  const now = await businessNow(ctx, sub.test_clock);
  if (sub.pending_update.expires_at > now) return scheduleSubscriptionJobs(ctx, sub);
  const expired: Subscription = { ...sub, pending_update: null };
  await emit(ctx, 'customer.subscription.pending_update_expired', expired, { pending_update: sub.pending_update }, now);
  await transitionSubscription(ctx, sub, expired, now);
  await scheduleSubscriptionJobs(ctx, expired);
}

export const runPendingUpdateExpireJob = (ctx: Ctx, job: Job) => runPendingUpdateExpire(ctx, job.subject_id);
export const runUpcomingJob = (ctx: Ctx, job: Job) => runUpcoming(ctx, job.subject_id);
export const runCycleJob = (ctx: Ctx, job: Job) => runCycle(ctx, job.subject_id);
export const runTrialWillEndJob = (ctx: Ctx, job: Job) => runTrialWillEnd(ctx, job.subject_id);
export const runExpireIncompleteJob = (ctx: Ctx, job: Job) => runExpireIncomplete(ctx, job.subject_id);
export const runRetryJob = (ctx: Ctx, job: Job) => runRetry(ctx, job.subject_id);
export const runFinalizeJob = (ctx: Ctx, job: Job) => runFinalize(ctx, job.subject_id);
