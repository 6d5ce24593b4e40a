/**
 * An invoice of a subscription paid outside the subscription's own collection (`POST
 * /v1/invoices/:id/pay`, a confirmed PaymentIntent): the subscription moves as a paid retry would
 * move it (docs/decisions.md#subscriptions-and-renewals).
 */
import type { Ctx } from '../../api/context.js';
import { emit } from '../../events/emit.js';
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
  if (sub.pending_update) {
    const applied = await applyPendingUpdate(ctx, sub, at);
    await transitionSubscription(ctx, sub, applied, at);
    await scheduleSubscriptionJobs(ctx, applied);
    return;
  }
  if (sub.status !== 'incomplete' && sub.status !== 'past_due' && sub.status !== 'unpaid') return;
  const active: Subscription = { ...sub, status: 'active' };
  await transitionSubscription(ctx, sub, active, at);
  await scheduleSubscriptionJobs(ctx, active);
}

/**
 * The invoice of a `pending_if_incomplete` change was paid: the change applies (its items), with
 * `customer.subscription.pending_update_applied` (docs/decisions.md#pending-updates). The caller
 * stores the result (`customer.subscription.updated`).
 */
export async function applyPendingUpdate(ctx: Ctx, sub: Subscription, at: number): Promise<Subscription> {
  const pending = sub.pending_update;
  if (!pending) return sub;
  const applied: Subscription = {
    ...sub,
    status: sub.status === 'past_due' || sub.status === 'unpaid' ? 'active' : sub.status,
    items: pending.subscription_items ? { ...sub.items, data: pending.subscription_items, total_count: pending.subscription_items.length } : sub.items,
    pending_update: null,
  };
  await emit(ctx, 'customer.subscription.pending_update_applied', applied, { pending_update: pending }, at);
  return applied;
}
