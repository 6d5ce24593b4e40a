/**
 * What time does to a subscription, as rows of the scheduler's `jobs` table on the customer's
 * test clock (docs/decisions.md#subscriptions-and-renewals): the period's end (renewal, trial
 * end, a scheduled cancellation), the trial's warning three days before, the 23 hours an
 * `incomplete` subscription has, and the retries of a failed invoice.
 */
import type { Ctx } from '../../api/context.js';
import { cancel, schedule } from '../../scheduler/jobs.js';
import { readSetting } from '../../store/db.js';
import { businessNow } from '../test-clocks/store.js';
import type { Subscription } from './service.js';

/** The end of the current period (or `cancel_at` when sooner): renew, end the trial or cancel. */
export const CYCLE_JOB = 'subscription.cycle';
/** Three days before a trial ends: `customer.subscription.trial_will_end`. */
export const TRIAL_WILL_END_JOB = 'subscription.trial_will_end';
/** 23 hours after an `incomplete` subscription was created: `incomplete_expired` if still unpaid. */
export const EXPIRE_INCOMPLETE_JOB = 'subscription.expire_incomplete';
/** The next payment attempt of a subscription's open invoice (the subject is the invoice). */
export const RETRY_JOB = 'invoice.payment_retry';

/**
 * About an hour after a renewal's draft invoice was created it is finalized and collected, as
 * Stripe's auto_advance does (the subject is the invoice; docs/decisions.md#renewal-drafts-wait-an-hour).
 */
export const FINALIZE_JOB = 'subscription.invoice_finalize';

/**
 * Some days before a renewal: `invoice.upcoming` with the invoice it will make (the subject is
 * the subscription; docs/decisions.md#upcoming-renewal-events).
 */
export const UPCOMING_JOB = 'subscription.upcoming';

const DAY = 86_400;
/** Stripe's "upcoming renewal events" setting, in days; 7 unless the account's `billing.upcoming_days:<account>` says otherwise. */
export const DEFAULT_UPCOMING_DAYS = 7;
export const upcomingDaysKey = (account: string) => `billing.upcoming_days:${account}`;

async function upcomingDays(ctx: Ctx): Promise<number> {
  const raw = await readSetting(ctx.db, upcomingDaysKey(ctx.account));
  const n = raw === undefined || raw === null ? NaN : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_UPCOMING_DAYS;
}

/** When `invoice.upcoming` is due for the current period, or null: none for a period shorter than the notice, one already past, or nothing to renew. */
export async function upcomingAt(ctx: Ctx, sub: Subscription): Promise<number | null> {
  const renews = sub.status === 'active' || sub.status === 'trialing' || sub.status === 'past_due';
  if (!renews || sub.collection_method !== 'charge_automatically' || sub.cancel_at_period_end || sub.pause_collection) return null;
  const end = currentPeriodEnd(sub);
  if (sub.cancel_at !== null && sub.cancel_at <= end) return null;
  const at = end - (await upcomingDays(ctx)) * DAY;
  const start = sub.items.data[0]?.current_period_start ?? sub.created;
  if (at <= start || at <= (await businessNow(ctx, sub.test_clock))) return null;
  return at;
}
/** A `pending_if_incomplete` update still unpaid 23 hours later expires (the subject is the subscription). */
export const PENDING_UPDATE_JOB = 'subscription.pending_update_expire';

/** How long a renewal's invoice stays a draft. */
export const DRAFT_SECONDS = 3600;
/** Stripe sends `trial_will_end` three days before the trial's end. */
export const TRIAL_WARNING_SECONDS = 3 * DAY;
/** Stripe lets the first invoice of an `incomplete` subscription be paid within 23 hours. */
export const INCOMPLETE_SECONDS = 23 * 3600;

/** When the current period ends (every item shares the period here). */
export function currentPeriodEnd(sub: Subscription): number {
  return sub.items.data[0]?.current_period_end ?? sub.billing_cycle_anchor;
}

/** (Re)schedules the subscription's jobs for its current state; an ended subscription keeps none. */
export async function scheduleSubscriptionJobs(ctx: Ctx, sub: Subscription): Promise<void> {
  const clock = sub.test_clock;
  const live = sub.status !== 'canceled' && sub.status !== 'incomplete_expired';
  if (sub.status === 'incomplete') await schedule(ctx, EXPIRE_INCOMPLETE_JOB, sub.id, sub.created + INCOMPLETE_SECONDS, clock);
  else await cancel(ctx, EXPIRE_INCOMPLETE_JOB, sub.id);
  if (sub.status === 'trialing' && sub.trial_end !== null && sub.trial_end - TRIAL_WARNING_SECONDS > sub.created) {
    await schedule(ctx, TRIAL_WILL_END_JOB, sub.id, sub.trial_end - TRIAL_WARNING_SECONDS, clock);
  } else if (sub.status !== 'trialing') await cancel(ctx, TRIAL_WILL_END_JOB, sub.id);
  // An incomplete subscription renews nothing until paid; a paused one until resumed.
  if (live && sub.status !== 'incomplete' && sub.status !== 'paused') {
    const end = currentPeriodEnd(sub);
    await schedule(ctx, CYCLE_JOB, sub.id, sub.cancel_at !== null ? Math.min(sub.cancel_at, end) : end, clock);
  } else await cancel(ctx, CYCLE_JOB, sub.id);
  if (sub.pending_update && live) await schedule(ctx, PENDING_UPDATE_JOB, sub.id, sub.pending_update.expires_at, clock);
  else await cancel(ctx, PENDING_UPDATE_JOB, sub.id);
  const upcoming = await upcomingAt(ctx, sub);
  if (upcoming !== null) await schedule(ctx, UPCOMING_JOB, sub.id, upcoming, clock);
  else await cancel(ctx, UPCOMING_JOB, sub.id);
}

/** Schedules the next payment attempt of `invoiceId` at `at`. */
export async function scheduleRetry(ctx: Ctx, invoiceId: string, at: number, testClock: string | null): Promise<void> {
  await schedule(ctx, RETRY_JOB, invoiceId, at, testClock);
}

/** Drops the pending attempt of `invoiceId` (paid, voided, or its subscription ended). */
export async function cancelRetry(ctx: Ctx, invoiceId: string): Promise<void> {
  await cancel(ctx, RETRY_JOB, invoiceId);
}

/** Schedules the finalization of the renewal draft `invoiceId` an hour after `created`. */
export async function scheduleFinalize(ctx: Ctx, invoiceId: string, created: number, testClock: string | null): Promise<void> {
  await schedule(ctx, FINALIZE_JOB, invoiceId, created + DRAFT_SECONDS, testClock);
}
