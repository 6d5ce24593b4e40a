import type { ResourceModule } from '../module.js';
import { runCycleJob, runExpireIncompleteJob, runFinalizeJob, runPendingUpdateExpireJob, runRetryJob, runTrialWillEndJob, runUpcomingJob } from './cycle.js';
import { CYCLE_JOB, EXPIRE_INCOMPLETE_JOB, FINALIZE_JOB, PENDING_UPDATE_JOB, RETRY_JOB, TRIAL_WILL_END_JOB, UPCOMING_JOB } from './jobs.js';
import { subscriptionMigrations } from './migrations.js';
import { findSubscriptionDiscount } from './discounts.js';
import { findSubscriptionItem, subscriptionItemRoutes } from './items.js';
import { subscriptionRoutes } from './routes.js';
import { subscriptions } from './service.js';
import { cancelCustomerSubscriptions } from './update.js';

/**
 * Subscriptions: `/v1/subscriptions` and what time does to them on the scheduler: renewals, trial
 * ends, retries of failed invoices (docs/decisions.md#subscriptions-and-renewals).
 */
export const subscriptionsModule: ResourceModule = {
  name: 'subscriptions',
  routes: [...subscriptionRoutes, ...subscriptionItemRoutes],
  expandable: { sub_: (ctx, id) => subscriptions.get(ctx.db, ctx.account, id), si_: findSubscriptionItem, di_: findSubscriptionDiscount },
  jobs: {
    [CYCLE_JOB]: runCycleJob,
    [TRIAL_WILL_END_JOB]: runTrialWillEndJob,
    [EXPIRE_INCOMPLETE_JOB]: runExpireIncompleteJob,
    [RETRY_JOB]: runRetryJob,
    [FINALIZE_JOB]: runFinalizeJob,
    [UPCOMING_JOB]: runUpcomingJob,
    [PENDING_UPDATE_JOB]: runPendingUpdateExpireJob,
  },
  events: [
    'customer.subscription.created',
    'customer.subscription.updated',
    'customer.subscription.deleted',
    'customer.subscription.paused',
    'customer.subscription.resumed',
    'customer.subscription.trial_will_end',
    'customer.subscription.pending_update_applied',
    'customer.subscription.pending_update_expired',
    'invoice.payment_failed',
    'invoice.payment_action_required',
    'invoice.upcoming',
    'invoice.voided',
    'invoice.marked_uncollectible',
    'invoice.updated',
  ],
  hooks: { customerDeleted: cancelCustomerSubscriptions },
  migrations: subscriptionMigrations,
};
