/**
 * Settlement of delayed (ACH) payments: the session completed `unpaid` with a `processing`
 * PaymentIntent; when the settlement delay has passed (on the customer's test clock if it has
 * one) the payment succeeds or fails per the test account, and the async Checkout event follows.
 */
import type { Ctx } from '../api/context.js';
import { emit } from '../events/emit.js';
import { chargeOutcome } from '../processor/index.js';
import { present, type StoredSession } from '../resources/checkout-sessions/shape.js';
import { saveSession, sessions } from '../resources/checkout-sessions/store.js';
import { paymentMethods } from '../resources/payment-methods/service.js';
import { paymentIntents, transitionPaymentIntent, type PaymentIntent } from '../resources/payment-intents/service.js';
import { registerJob } from '../scheduler/jobs.js';
import { businessNow } from '../time.js';

export const SETTLE_JOB = 'payment_intent.settle';

async function sessionOf(ctx: Ctx, paymentIntentId: string): Promise<StoredSession | undefined> {
  const page = await sessions.list(ctx.db, ctx.account, { payment_intent_id: paymentIntentId }, { limit: 1 });
  return page.data[0];
}

export async function settle(ctx: Ctx, paymentIntentId: string): Promise<void> {
  const pi = await paymentIntents.get(ctx.db, ctx.account, paymentIntentId);
  if (!pi || pi.status !== 'processing' || !pi.payment_method) return;
  const pm = await paymentMethods.get(ctx.db, ctx.account, pi.payment_method);
  if (!pm) return;
  const session = await sessionOf(ctx, pi.id);
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

registerJob(SETTLE_JOB, (ctx, job) => settle(ctx, job.subject_id));
