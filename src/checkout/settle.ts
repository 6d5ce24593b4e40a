/**
 * Payments that finish later: bank debits (ACH, SEPA) are `processing` and settle when the
 * settlement delay has passed; a konbini voucher waits in `requires_action` until the buyer pays it
 * at a store or it expires. Either way the session completed `unpaid`, the settlement job decides
 * (on the customer's test clock if it has one) per the test numbers, and the async Checkout event
 * follows (docs/decisions.md#delayed-payments-ach, docs/decisions.md#konbini).
 */
import type { Ctx } from '../api/context.js';
import { emit } from '../events/emit.js';
import { checkTypeAmount, paymentMethodType } from '../payment-method-types/index.js';
import { chargeOutcome, KONBINI_MINUTES, type ChargeOutcome } from '../processor/index.js';
import { present, type Session, type StoredSession } from '../resources/checkout-sessions/shape.js';
import { saveSession, sessionOfPaymentIntent } from '../resources/checkout-sessions/store.js';
import { findPaymentMethod } from '../resources/payment-methods/service.js';
import { invoiceSettledPayment } from './invoice-payment.js';
import type { PaymentMethod } from '../resources/payment-methods/shape.js';
import { findPaymentIntent, transitionPaymentIntent, type PaymentError, type PaymentIntent } from '../resources/payment-intents/service.js';
import { settleAttemptCharge } from '../resources/payment-intents/charging.js';
import { intentNow } from '../resources/payment-intents/confirm.js';
import { schedule, type Job } from '../scheduler/jobs.js';
import { businessNow } from '../resources/test-clocks/store.js';

/** The job that settles a delayed payment (its kind, spelled once). */
export const SETTLE_JOB = 'payment_intent.settle';

/** Where the buyer sees a session's konbini voucher again (`hosted_voucher_url`): the session id is the key. */
export function voucherPath(sessionId: string): string {
  return `/c/pay/${encodeURIComponent(sessionId)}/voucher`;
}

type SessionFields = Partial<Pick<Session, 'payment_intent' | 'payment_status'>>;

/**
 * Starts a payment that finishes later, when the outcome says so: a bank debit becomes
 * `processing`, a konbini payment `requires_action` with its voucher; the settlement job is
 * scheduled and the session completes `unpaid`. Undefined for a payment that finished at once.
 * An amount the type does not take (konbini below ¥120) is refused first, with Stripe's error.
 */
export async function startDelayedPayment(
  ctx: Ctx,
  pi: PaymentIntent,
  i: { session: StoredSession; pm: PaymentMethod; outcome: ChargeOutcome; now: number },
): Promise<SessionFields | undefined> {
  const s = i.session;
  const type = paymentMethodType(i.pm.type);
  checkTypeAmount(type, pi.amount, pi.currency);
  const delay = ctx.deps.config.settlementDelaySeconds;
  const testClock = s._internal.test_clock;
  if (i.outcome.status === 'processing') {
    const processing: PaymentIntent = { ...pi, status: 'processing', payment_method: i.pm.id, last_payment_error: null, next_action: null };
    await transitionPaymentIntent(ctx, pi, processing, i.now);
    // Stripe's "after at least three minutes" test numbers take three minutes of business time.
    await schedule(ctx, SETTLE_JOB, pi.id, i.now + (i.outcome.delayed ? Math.max(KONBINI_MINUTES, delay) : delay), testClock);
    return { payment_intent: pi.id, payment_status: 'unpaid' };
  }
  if (i.outcome.status !== 'requires_action' || !type.voucher) return undefined;
  await startVoucher(ctx, pi, {
    pm: i.pm,
    outcome: i.outcome,
    now: i.now,
    options: s.payment_method_options[type.type] as Record<string, unknown> | undefined,
    voucherUrl: `${ctx.deps.publicUrl()}${voucherPath(s.id)}`,
    testClock,
  });
  return { payment_intent: pi.id, payment_status: 'unpaid' };
}

/**
 * A payment by voucher (konbini) begins, from Checkout or the API: the PaymentIntent waits in
 * `requires_action` with the voucher as `next_action`, and the settlement job is due when the
 * test email says the voucher is paid (or when it expires unpaid). One copy of these rules.
 */
export async function startVoucher(
  ctx: Ctx,
  pi: PaymentIntent,
  i: { pm: PaymentMethod; outcome: ChargeOutcome & { status: 'requires_action' }; now: number; options: Record<string, unknown> | undefined; voucherUrl: string; testClock: string | null },
): Promise<PaymentIntent> {
  const type = paymentMethodType(i.pm.type);
  if (!type.voucher) throw new Error(`${i.pm.type} pays by no voucher`);
  const delay = ctx.deps.config.settlementDelaySeconds;
  const voucher = type.voucher({ amount: pi.amount, currency: pi.currency, now: i.now, expires: i.outcome.expires, options: i.options, voucherUrl: i.voucherUrl });
  const waiting: PaymentIntent = { ...pi, status: 'requires_action', payment_method: i.pm.id, last_payment_error: null, next_action: voucher.nextAction };
  const after = await transitionPaymentIntent(ctx, pi, waiting, i.now);
  const paid = i.outcome.paid;
  // Paid "within several seconds" or "after about 3 minutes"; never paid: settled (as expired)
  // when the voucher expires, or within seconds when it expired at once.
  const due =
    paid === 'soon' ? i.now + delay : paid === 'after_minutes' ? i.now + KONBINI_MINUTES : Math.max(voucher.expiresAt, i.now + delay);
  await schedule(ctx, SETTLE_JOB, pi.id, due, i.testClock);
  return after;
}

/** Whether the later outcome is a payment, a failure (with Stripe's error), or still nothing. */
function settlementOf(pi: PaymentIntent, outcome: ChargeOutcome): 'paid' | 'pending' | Omit<PaymentError, 'payment_method'> {
  if (pi.status === 'requires_action') {
    if (outcome.status === 'requires_action' && outcome.paid === 'never') {
      return {
        type: 'invalid_request_error',
        code: 'payment_intent_payment_attempt_expired',
        message: 'The payment attempt expired: the voucher was not paid before its expiry.',
      };
    }
    return 'paid';
  }
  if (outcome.status === 'processing' && outcome.outcome === 'pending') return 'pending';
  if (outcome.status === 'succeeded' || (outcome.status === 'processing' && outcome.outcome === 'succeeded')) return 'paid';
  if (outcome.status === 'processing') {
    return { type: 'invalid_request_error', code: outcome.failure_code ?? 'payment_method_not_available', message: outcome.failure_message ?? 'The payment failed.' };
  }
  if (outcome.status === 'declined') return { type: 'invalid_request_error', code: outcome.code, message: outcome.message };
  return 'paid';
}

/** Settles a processing (or voucher-waiting) PaymentIntent once due: succeeded or failed, with the session's async event. */
export async function settle(ctx: Ctx, paymentIntentId: string): Promise<void> {
  const pi = await findPaymentIntent(ctx, paymentIntentId);
  if (!pi || (pi.status !== 'processing' && pi.status !== 'requires_action') || !pi.payment_method) return;
  const pm = await findPaymentMethod(ctx, pi.payment_method);
  if (!pm) return;
  const session = await sessionOfPaymentIntent(ctx, pi.id);
  // A session's business time, or an API PaymentIntent's (its customer's test clock).
  const now = session ? await businessNow(ctx, session._internal.test_clock) : await intentNow(ctx, pi);
  const result = settlementOf(pi, await chargeOutcome(ctx.db, pm, pi.amount, { now }));
  if (result === 'pending') return;

  if (result === 'paid') {
    const charged = await settleAttemptCharge(ctx, pi, pm, undefined, now);
    await transitionPaymentIntent(ctx, pi, { ...charged, status: 'succeeded', amount_received: pi.amount, next_action: null }, now);
    if (session) {
      const paid: StoredSession = { ...session, payment_status: 'paid', ...(await invoiceSettledPayment(ctx, session, pi.id, now)) };
      await saveSession(ctx, paid);
      await emit(ctx, 'checkout.session.async_payment_succeeded', present(paid), { payment_status: session.payment_status }, now);
    }
    return;
  }
  await settleAttemptCharge(ctx, pi, pm, result, now);
  const failed: PaymentIntent = {
    ...pi,
    status: 'requires_payment_method',
    payment_method: null,
    next_action: null,
    last_payment_error: { ...result, payment_method: pm, ...(pi.latest_charge ? { charge: pi.latest_charge } : {}) },
  };
  await transitionPaymentIntent(ctx, pi, failed, now);
  if (session) await emit(ctx, 'checkout.session.async_payment_failed', present(session), undefined, now);
}

/** Runs the settlement job that completion scheduled (checkout/pay.ts). */
export function runSettleJob(ctx: Ctx, job: Job): Promise<void> {
  return settle(ctx, job.subject_id);
}
