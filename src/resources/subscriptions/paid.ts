/**
 * An invoice of a subscription paid outside the subscription's own collection (`POST
 * /v1/invoices/:id/pay`, a confirmed PaymentIntent): the subscription moves as a paid retry would
 * move it (docs/decisions.md#subscriptions-and-renewals).
 */
import type { Ctx } from '../../api/context.js';
import { emit } from '../../events/emit.js';
import type { Invoice } from '../invoices/service.js';
import { findPaymentIntent } from '../payment-intents/service.js';
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
  if (!sub) return;
  const saved = await withSavedPaymentMethod(ctx, sub, invoice);
  if (sub.latest_invoice !== invoice.id) {
    if (saved !== sub) await transitionSubscription(ctx, sub, saved, at);
    return;
  }
  if (saved.pending_update) {
    const applied = await applyPendingUpdate(ctx, saved, at);
    await transitionSubscription(ctx, sub, applied, at);
    await scheduleSubscriptionJobs(ctx, applied);
    return;
  }
  if (saved.status !== 'incomplete' && saved.status !== 'past_due' && saved.status !== 'unpaid') {
    if (saved !== sub) await transitionSubscription(ctx, sub, saved, at);
    return;
  }
  const active: Subscription = { ...saved, status: 'active' };
  await transitionSubscription(ctx, sub, active, at);
  await scheduleSubscriptionJobs(ctx, active);
}

/**
 * `payment_settings[save_default_payment_method]: on_subscription`: the payment method that paid
 * the subscription's invoice becomes its `default_payment_method`, as Stripe saves it when a
 * subscription payment succeeds (docs/decisions.md#subscription-payment-settings). The
 * subscription as it is otherwise.
 */
async function withSavedPaymentMethod(ctx: Ctx, sub: Subscription, invoice: Invoice): Promise<Subscription> {
  if (sub.payment_settings.save_default_payment_method !== 'on_subscription') return sub;
  const payments = (invoice.payments as { data: Array<{ status: string; payment: { payment_intent?: string } }> } | undefined)?.data ?? [];
  const paidBy = payments.find((p) => p.status === 'paid')?.payment.payment_intent;
  const pi = paidBy ? await findPaymentIntent(ctx, paidBy) : undefined;
  const pm = pi?.payment_method ?? null;
  if (!pm || pm === sub.default_payment_method) return sub;
  return { ...sub, default_payment_method: pm };
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
