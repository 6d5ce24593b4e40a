/**
 * Settlement of delayed (ACH) payments: the session completed `unpaid` with a `processing`
 * PaymentIntent; when the settlement delay has passed (on the customer's test clock if it has
 * one) the payment succeeds or fails per the test account, and the async Checkout event follows.
 */
import type { Ctx } from '../api/context.js';
import { emit } from '../events/emit.js';
import { chargeOutcome } from '../processor/index.js';
import { present, type StoredSession } from '../resources/checkout-sessions/shape.js';
import { saveSession, sessionOfPaymentIntent } from '../resources/checkout-sessions/store.js';
import { findPaymentMethod } from '../resources/payment-methods/service.js';
import { findPaymentIntent, transitionPaymentIntent, type PaymentIntent } from '../resources/payment-intents/service.js';
import type { Job } from '../scheduler/jobs.js';
import { businessNow } from '../resources/test-clocks/store.js';

/** The job that settles a delayed payment (its kind, spelled once). */
export const SETTLE_JOB = 'payment_intent.settle';

/** Settles a processing PaymentIntent once its delay has passed: succeeded or failed, with the session's async event. */
export async function settle(ctx: Ctx, paymentIntentId: string): Promise<void> {
  const pi = await findPaymentIntent(ctx, paymentIntentId);
  if (!pi || pi.status !== 'processing' || !pi.payment_method) return;
  const pm = await findPaymentMethod(ctx, pi.payment_method);
  if (!pm) return;
  const session = await sessionOfPaymentIntent(ctx, pi.id);
  const now = await businessNow(ctx, session?._internal.test_clock ?? null);
  const outcome = await chargeOutcome(ctx.db, pm, pi.amount, { now });
  if (outcome.status === 'processing' && outcome.outcome === 'pending') return;

  if (outcome.status === 'succeeded' || (outcome.status === 'processing' && outcome.outcome === 'succeeded')) {
    await transitionPaymentIntent(ctx, pi, { ...pi, status: 'succeeded', amount_received: pi.amount }, now);
    if (session) {
      const paid: StoredSession = { ...session, payment_status: 'paid' };
      await saveSession(ctx, paid);
      await emit(ctx, 'checkout.session.async_payment_succeeded', present(paid), { payment_status: session.payment_status }, now);
    }
    return;
  }
  const failure =
    outcome.status === 'processing'
      ? { code: outcome.failure_code ?? 'payment_method_not_available', message: outcome.failure_message ?? 'The payment failed.' }
      : { code: outcome.code, message: outcome.message };
  const failed: PaymentIntent = {
    ...pi,
    status: 'requires_payment_method',
    payment_method: null,
    last_payment_error: { type: 'invalid_request_error', code: failure.code, message: failure.message, payment_method: pm },
  };
  await transitionPaymentIntent(ctx, pi, failed, now);
  if (session) await emit(ctx, 'checkout.session.async_payment_failed', present(session), undefined, now);
}

/** Runs the settlement job that completion scheduled (checkout/pay.ts). */
export function runSettleJob(ctx: Ctx, job: Job): Promise<void> {
  return settle(ctx, job.subject_id);
}
