/**
 * An invoice of a subscription paid outside the subscription's own collection (`POST
 * /v1/invoices/:id/pay`, a confirmed PaymentIntent): the subscription moves as a paid retry would
 * move it (docs/decisions.md#subscriptions-and-renewals).
 */
import type { Ctx } from '../../api/context.js';
import type { Invoice } from '../invoices/service.js';
import { cancelRetry, scheduleSubscriptionJobs } from './jobs.js';
import { findSubscription, transitionSubscription, type Subscription } from './service.js';

/**
 * Call after a subscription's invoice became `paid`: its pending retry is dropped and, when it is
 * the subscription's latest invoice, an `incomplete`, `past_due` or `unpaid` subscription is
 * `active` again (`customer.subscription.updated`). Does nothing for other invoices.
 */
export async function subscriptionInvoicePaid(ctx: Ctx, invoice: Invoice, at: number): Promise<void> {
  const subId = (invoice.parent as { subscription_details?: { subscription: string } } | null)?.subscription_details?.subscription;
  if (!subId) return;
  await cancelRetry(ctx, invoice.id);
  const sub = await findSubscription(ctx, subId, true);
  if (!sub || sub.latest_invoice !== invoice.id) return;
  if (sub.status !== 'incomplete' && sub.status !== 'past_due' && sub.status !== 'unpaid') return;
  const active: Subscription = { ...sub, status: 'active' };
  await transitionSubscription(ctx, sub, active, at);
  await scheduleSubscriptionJobs(ctx, active);
}
