/**
 * Collecting a subscription's invoice (docs/decisions.md#subscriptions-and-renewals): finalize it,
 * charge the default payment method off-session, and move the subscription by the outcome
 * (`active`, or `past_due` with retries on Stripe's Smart Retries schedule, then the account's
 * final action).
 */
import type { Ctx } from '../../api/context.js';
import { readSetting } from '../../store/db.js';
import type { Customer } from '../customers/shape.js';
import type { Invoice } from '../invoices/service.js';
import { closeSubscriptionInvoice, finalizeSubscriptionInvoice, markSubscriptionInvoicePaid, recordSubscriptionInvoiceFailure } from '../invoices/renewal.js';
import { chargeInvoice as chargeInvoicePayment } from '../invoices/charge.js';
import { findPaymentMethod } from '../payment-methods/service.js';
import { cancelRetry, scheduleRetry, scheduleSubscriptionJobs } from './jobs.js';
import type { Subscription } from './service.js';

const DAY = 86_400;

/**
 * The retry policy: after the first attempt fails, retries at these days after it (up to 8 tries
 * within 2 weeks, Stripe's Smart Retries default), then the final action.
 */
export interface RetryPolicy {
  retryDays: number[];
  finalAction: 'cancel' | 'unpaid' | 'past_due';
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retryDays: [1, 3, 5, 7, 9, 11, 14], finalAction: 'cancel' };

/** The settings key of an account's retry policy (JSON of {@link RetryPolicy}). */
export const retryPolicyKey = (account: string) => `billing.retry_policy:${account}`;

/** The account's retry policy, or the default. */
export async function retryPolicy(ctx: Ctx): Promise<RetryPolicy> {
  const raw = await readSetting(ctx.db, retryPolicyKey(ctx.account));
  if (!raw) return DEFAULT_RETRY_POLICY;
  try {
    const p = JSON.parse(raw) as Partial<RetryPolicy>;
    return { retryDays: p.retryDays ?? DEFAULT_RETRY_POLICY.retryDays, finalAction: p.finalAction ?? DEFAULT_RETRY_POLICY.finalAction };
  } catch {
    return DEFAULT_RETRY_POLICY;
  }
}

/** The payment method an invoice of the subscription is charged to: the subscription's, else the customer's default. */
export function paymentMethodFor(sub: Subscription, customer: Customer): string | null {
  return sub.default_payment_method ?? customer.invoice_settings.default_payment_method;
}

/**
 * What charging a subscription's invoice did: its PaymentIntent (none when no payment method could
 * be charged) and, on failure, why; `requiresAction` when the card waits for the customer's
 * authentication.
 */
export type ChargeResult =
  | { status: 'succeeded'; paymentIntent: string }
  | { status: 'failed'; paymentIntent: string | null; code: string; message: string; requiresAction: boolean };

/**
 * Charges the invoice's amount due (a zero amount is paid without a charge) through the Invoices
 * API's one payment path, so a renewal makes its PaymentIntent and Charge with their events and
 * may need 3D Secure (docs/decisions.md#renewals-pay-through-paymentintents).
 */
export async function chargeInvoice(ctx: Ctx, sub: Subscription, customer: Customer, amount: number, now: number, description: string, invoice?: string): Promise<ChargeResult | null> {
  if (amount <= 0) return null;
  const pmId = paymentMethodFor(sub, customer);
  const pm = pmId ? await findPaymentMethod(ctx, pmId) : undefined;
  if (!pm || pm.customer !== customer.id) {
    return { status: 'failed', paymentIntent: null, code: 'invoice_no_payment_method', message: 'The customer has no payment method to charge for this invoice.', requiresAction: false };
  }
  const r = await chargeInvoicePayment(ctx, { invoice, customer: customer.id, paymentMethod: pm.id, amount, currency: sub.currency, description, now });
  if (r.status === 'succeeded') return { status: 'succeeded', paymentIntent: r.paymentIntent.id };
  return { status: 'failed', paymentIntent: r.paymentIntent.id, code: r.code, message: r.message, requiresAction: r.requiresAction };
}

/**
 * Applies a charge's result to a finalized invoice: paid, or failed with the next attempt
 * scheduled (none when `retry` is false or the tries are used up). Returns the invoice and
 * whether it is paid.
 */
export async function applyCharge(ctx: Ctx, sub: Subscription, inv: Invoice, result: ChargeResult | null, now: number, retry: boolean): Promise<{ invoice: Invoice; paid: boolean; exhausted: boolean }> {
  if (result === null || result.status === 'succeeded') {
    await cancelRetry(ctx, inv.id);
    return { invoice: await markSubscriptionInvoicePaid(ctx, inv, result?.paymentIntent ?? null, now), paid: true, exhausted: false };
  }
  const policy = await retryPolicy(ctx);
  const tries = (inv.attempt_count as number) + 1;
  const firstAttempt = ((inv.status_transitions as { finalized_at: number | null }).finalized_at ?? now) as number;
  const days = policy.retryDays[tries - 1];
  const next = retry && days !== undefined ? firstAttempt + days * DAY : null;
  const failed = await recordSubscriptionInvoiceFailure(ctx, inv, next, now, result.requiresAction, result.paymentIntent);
  if (next !== null) await scheduleRetry(ctx, inv.id, next, sub.test_clock);
  return { invoice: failed, paid: false, exhausted: next === null };
}

/**
 * Finalizes a draft invoice and collects it by the subscription's collection method: charged at
 * once (`charge_automatically`), or left open until its due date (`send_invoice`), or not at all
 * while collection is paused (`pause_collection.behavior`).
 */
export async function finalizeAndCollect(
  ctx: Ctx,
  sub: Subscription,
  customer: Customer,
  draft: Invoice,
  now: number,
): Promise<{ invoice: Invoice; paid: boolean | null; exhausted: boolean }> {
  if (sub.pause_collection) {
    const b = sub.pause_collection.behavior;
    if (b === 'keep_as_draft') return { invoice: draft, paid: null, exhausted: false };
    const open = await finalizeSubscriptionInvoice(ctx, draft, customer, now);
    return { invoice: await closeSubscriptionInvoice(ctx, open, b === 'void' ? 'void' : 'uncollectible', now), paid: null, exhausted: false };
  }
  // An unpaid subscription's invoices stay drafts until it is paid again (Stripe's `unpaid`).
  if (sub.status === 'unpaid') return { invoice: draft, paid: null, exhausted: false };
  const open = await finalizeSubscriptionInvoice(ctx, draft, customer, now);
  const due = open.amount_due as number;
  if (sub.collection_method === 'send_invoice' && due > 0) {
    // Unpaid by its due date, the invoice makes the subscription past_due (the retry job checks).
    await scheduleRetry(ctx, open.id, open.due_date as number, sub.test_clock);
    return { invoice: open, paid: null, exhausted: false };
  }
  const result = await chargeInvoice(ctx, sub, customer, due, now, 'Subscription update', open.id);
  return applyCharge(ctx, sub, open, result, now, true);
}

/** The subscription after its latest invoice's outcome: `active` when paid, `past_due` when it failed, then the final action. */
export async function afterCollection(ctx: Ctx, sub: Subscription, outcome: { paid: boolean | null; exhausted: boolean }, now: number): Promise<Subscription> {
  if (outcome.paid === true) return sub.status === 'past_due' || sub.status === 'unpaid' || sub.status === 'incomplete' ? { ...sub, status: 'active' } : sub;
  if (outcome.paid === null) return sub;
  if (!outcome.exhausted) return sub.status === 'incomplete' ? sub : { ...sub, status: 'past_due' };
  const policy = await retryPolicy(ctx);
  if (policy.finalAction === 'cancel') {
    return { ...sub, status: 'canceled', canceled_at: now, ended_at: now, cancellation_details: { ...sub.cancellation_details, reason: 'payment_failed' } };
  }
  return { ...sub, status: policy.finalAction };
}

export { scheduleSubscriptionJobs };
