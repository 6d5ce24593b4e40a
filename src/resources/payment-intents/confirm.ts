/**
 * Confirming a PaymentIntent: one payment attempt with its payment method, answered by the
 * processor (the same rules as the hosted page), with its charge, status and events
 * (docs/decisions.md#paymentintents).
 */
import type { Ctx } from '../../api/context.js';
import { errors, type StripeError } from '../../api/errors.js';
import { awaitsMicrodeposits, checkTypeAmount, findPaymentMethodType, microdepositAction, microdepositPath, microdepositsRequired, MICRODEPOSITS_EXCEEDED, MICRODEPOSITS_NOT_DELIVERED } from '../../payment-method-types/index.js';
import { microdepositsLocked } from '../payment-methods/microdeposit-attempts.js';
import { requireAuthentication } from '../../checkout/authentication.js';
import { startVoucher, voucherPath } from '../../checkout/settle.js';
import { authenticationNeed, chargeOutcome, DECLINES, KONBINI_MINUTES, microdepositsDeliverable, type ChargeOutcome, type ThreeDSecureRequest } from '../../processor/index.js';
import { schedule, type Job } from '../../scheduler/jobs.js';
import { findCustomer } from '../customers/service.js';
import type { Customer } from '../customers/shape.js';
import { attachToCustomer, findPaymentMethod } from '../payment-methods/service.js';
import type { PaymentMethod } from '../payment-methods/shape.js';
import { businessNow } from '../test-clocks/store.js';
import { startBankTransfer } from './bank-transfer.js';
import { chargeAttempt } from './charging.js';
import { createMandate, customerAcceptance, endPendingMandate, pendingMandateOf, settleMandate, singleUseOf, takesMandate } from '../mandates/service.js';
import type { FormValue } from '../../api/form.js';
import { paymentIntents, transitionPaymentIntent, type PaymentIntent } from './service.js';

/** The job that settles a delayed payment; the checkout-sessions module runs it (checkout/settle.ts). */
const SETTLE_JOB = 'payment_intent.settle';

export interface AttemptOptions {
  offSession: boolean;
  returnUrl?: string | undefined;
  errorOnRequiresAction?: boolean | undefined;
  /** The buyer completed 3D Secure for this attempt. */
  authenticated?: boolean | undefined;
  /**
   * An invoice's payment: a card that asks for authentication off-session waits in
   * `requires_action` for the customer (docs/decisions.md#renewals-pay-through-paymentintents)
   * instead of declining.
   */
  waitForAuthentication?: boolean | undefined;
  /** The bank account's microdeposits were verified (docs/decisions.md#ach-microdeposits). */
  microdepositsVerified?: boolean | undefined;
  /** The confirmation's `mandate_data`, for a debit's Mandate (docs/decisions.md#mandates). */
  mandateData?: FormValue | undefined;
}

/** The job that fails a PaymentIntent whose microdeposits could not be sent (its kind, spelled once). */
export const MICRODEPOSITS_FAILED_JOB = 'payment_intent.microdeposits_failed';

/**
 * The microdeposits could not be sent: a PaymentIntent still waiting for them goes back to
 * `requires_payment_method` with `payment_method_microdeposit_failed` (`payment_intent.payment_failed`).
 */
export async function runMicrodepositsFailedJob(ctx: Ctx, job: Job): Promise<void> {
  const pi = await paymentIntents.getForUpdate(ctx.db, ctx.account, job.subject_id);
  if (!pi || pi.status !== 'requires_action' || !awaitsMicrodeposits(pi.next_action) || !pi.payment_method) return;
  const pm = await findPaymentMethod(ctx, pi.payment_method);
  await endPendingMandate(ctx, pi.payment_method);
  const failed: PaymentIntent = {
    ...pi,
    status: 'requires_payment_method',
    payment_method: null,
    next_action: null,
    last_payment_error: {
      type: 'invalid_request_error',
      ...MICRODEPOSITS_NOT_DELIVERED,
      payment_method: pm ?? null,
    },
  };
  await transitionPaymentIntent(ctx, pi, failed, await intentNow(ctx, pi));
}

/** The PaymentIntent after an attempt, and the error the request answers with when it failed. */
export interface AttemptResult {
  pi: PaymentIntent;
  error?: StripeError;
}

/** `payment_method_options.card.request_three_d_secure`, if the merchant asked. */
function requestedThreeDSecure(pi: PaymentIntent): ThreeDSecureRequest | undefined {
  return (pi.payment_method_options.card as { request_three_d_secure?: ThreeDSecureRequest } | undefined)?.request_three_d_secure;
}

/** Business time of the PaymentIntent's customer (its test clock), else the wall clock. */
export async function intentNow(ctx: Ctx, pi: { customer: string | null }): Promise<number> {
  const customer = pi.customer ? await findCustomer(ctx, pi.customer) : undefined;
  return businessNow(ctx, (customer as { test_clock?: string | null } | undefined)?.test_clock ?? null);
}

async function testClockOf(ctx: Ctx, customerId: string | null): Promise<string | null> {
  const customer = customerId ? await findCustomer(ctx, customerId) : undefined;
  return (customer as { test_clock?: string | null } | undefined)?.test_clock ?? null;
}

/** Refuses a payment method the PaymentIntent cannot use, as Stripe does. */
function checkUsable(pi: PaymentIntent, pm: PaymentMethod): void {
  const allowed = pi.automatic_payment_methods?.enabled === true || pi.payment_method_types.includes(pm.type);
  if (!allowed) {
    throw errors.invalid(
      `The PaymentMethod provided (${pm.type}) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: ${pi.payment_method_types.join(', ')}. Alternatively update the allowed payment_method_types for this PaymentIntent to include "${pm.type}".`,
      'payment_method',
      'payment_intent_incompatible_payment_method',
    );
  }
  if (pm.customer !== null && pi.customer === null) {
    throw errors.invalid(
      `The provided PaymentMethod belongs to a Customer, but you did not provide a Customer on this PaymentIntent. Pass the customer (${pm.customer}) together with the payment method.`,
      'payment_method',
    );
  }
  if (pm.customer !== null && pi.customer !== null && pm.customer !== pi.customer) {
    throw errors.invalid(`The provided PaymentMethod belongs to a different Customer than the PaymentIntent's (${pi.customer}).`, 'payment_method');
  }
  const type = findPaymentMethodType(pm.type);
  if (type) checkTypeAmount(type, pi.amount, pi.currency);
  // A voucher carries the buyer's name and email, which Stripe requires to issue it.
  if (type?.voucher) {
    for (const f of ['name', 'email'] as const) {
      if (!pm.billing_details[f]) {
        throw errors.invalid(`Missing required param: payment_method_data[billing_details][${f}].`, `payment_method_data[billing_details][${f}]`, 'parameter_missing');
      }
    }
  }
}

/** `setup_future_usage` saves the payment method to the PaymentIntent's customer once it is paid or held. */
async function saveForFuture(ctx: Ctx, pi: PaymentIntent, pm: PaymentMethod, now: number): Promise<void> {
  const usage = pi.setup_future_usage ?? (pi.payment_method_options.card as { setup_future_usage?: string } | undefined)?.setup_future_usage;
  if (!pi.customer || (usage !== 'on_session' && usage !== 'off_session') || pm.customer === pi.customer) return;
  const customer = await findCustomer(ctx, pi.customer);
  if (!customer || 'deleted' in customer) return;
  await attachToCustomer(ctx, pm, customer as Customer, { now });
}

/**
 * One payment attempt of `pi` with `pm` (already stored): the processor decides; the charge, the
 * PaymentIntent's new status and their events are written. A decline is returned as an error to
 * answer (402) while the writes commit, as on Stripe.
 */
export async function attemptPayment(ctx: Ctx, pi: PaymentIntent, pm: PaymentMethod, o: AttemptOptions): Promise<AttemptResult> {
  checkUsable(pi, pm);
  const now = await intentNow(ctx, pi);
  const base: PaymentIntent = { ...pi, payment_method: pm.id, next_action: null, cancellation_reason: null };
  const setUp = pm.customer !== null;
  // A new bank account waits for microdeposits when the intent asks for them (docs/decisions.md#ach-microdeposits).
  if (!o.microdepositsVerified && microdepositsRequired(pm.type, pi.payment_method_options, setUp)) {
    if (await microdepositsLocked(ctx, pm.id)) throw errors.invalid(MICRODEPOSITS_EXCEEDED.message, 'payment_method', MICRODEPOSITS_EXCEEDED.code);
    const nextAction = microdepositAction(now, `${ctx.deps.publicUrl()}${microdepositPath(pi.id)}`);
    // The buyer accepts the mandate now, with this confirmation's `mandate_data`: it is pending until the account is verified.
    if (takesMandate(pm)) await createMandate(ctx, pm, { acceptance: customerAcceptance(o.mandateData, now), singleUse: singleUseOf(pi, pm), status: 'pending', now });
    const waiting: PaymentIntent = { ...base, status: 'requires_action', last_payment_error: null, next_action: nextAction };
    // Microdeposits that cannot be sent fail the payment later, as Stripe's test account 000666666661 does.
    if (!(await microdepositsDeliverable(ctx.db, pm))) await schedule(ctx, MICRODEPOSITS_FAILED_JOB, pi.id, now + ctx.deps.config.settlementDelaySeconds, await testClockOf(ctx, pi.customer));
    return { pi: await transitionPaymentIntent(ctx, pi, waiting, now) };
  }
  // 3D Secure first, by the processor's rules (docs/decisions.md#3d-secure).
  const asked = o.authenticated
    ? ({ status: 'not_required' } as const)
    : await authenticationNeed(ctx.db, pm, { offSession: o.offSession, setUp, request: requestedThreeDSecure(pi) });
  const need = o.waitForAuthentication && asked.status === 'declined' && asked.code === DECLINES.authenticationRequired.code ? ({ status: 'required' } as const) : asked;
  if (need.status === 'required' && !o.errorOnRequiresAction) {
    const nextAction = await requireAuthentication(ctx, { intent: pi, paymentMethod: pm.id, returnUrl: o.returnUrl ?? null, now });
    const waiting: PaymentIntent = { ...base, status: 'requires_action', last_payment_error: null, next_action: nextAction };
    return { pi: await transitionPaymentIntent(ctx, pi, waiting, now) };
  }
  const outcome: ChargeOutcome =
    need.status === 'declined'
      ? need
      : need.status === 'required'
        ? { status: 'declined', ...DECLINES.authenticationRequired }
        : await chargeOutcome(ctx.db, pm, pi.amount, { now, offSession: o.offSession, setUp, authenticated: o.authenticated ?? false });
  if (outcome.status === 'declined') {
    const charged = await chargeAttempt(ctx, base, pm, outcome, now, o.authenticated);
    const failed: PaymentIntent = {
      ...charged,
      status: 'requires_payment_method',
      payment_method: null,
      last_payment_error: { type: 'card_error', code: outcome.code, decline_code: outcome.decline_code, message: outcome.message, payment_method: pm, charge: charged.latest_charge },
    };
    const after = await transitionPaymentIntent(ctx, pi, failed, now);
    const error = errors.card(outcome.code, outcome.message, { decline_code: outcome.decline_code, payment_intent: after, payment_method: pm });
    return { pi: after, error };
  }
  // A bank transfer: the buyer sends the money; the cash balance pays it (docs/decisions.md#bank-transfers-and-the-cash-balance).
  if (outcome.status === 'awaiting_transfer') return { pi: await startBankTransfer(ctx, pi, base, pm, now) };
  if (outcome.status === 'requires_action') {
    // A voucher to pay at a store (konbini): the same rules as Checkout's; its page serves the PaymentIntent's voucher too.
    const options = pi.payment_method_options[pm.type] as Record<string, unknown> | undefined;
    const voucherUrl = `${ctx.deps.publicUrl()}${voucherPath(pi.id)}`;
    return { pi: await startVoucher(ctx, base, { pm, outcome, now, options, voucherUrl, testClock: await testClockOf(ctx, pi.customer) }) };
  }
  // A bank debit is made under a Mandate: single-use for this amount, multi-use when the account is kept.
  // After microdeposits, the one accepted at confirmation (pending until now) becomes active.
  const accepted = o.microdepositsVerified ? await pendingMandateOf(ctx, pm.id) : undefined;
  if (accepted) await settleMandate(ctx, accepted.id, 'active');
  const mandate =
    accepted ??
    (outcome.status === 'processing' && takesMandate(pm)
      ? await createMandate(ctx, pm, { acceptance: customerAcceptance(o.mandateData, now), singleUse: singleUseOf(pi, pm), now })
      : undefined);
  const charged = await chargeAttempt(ctx, base, pm, outcome, now, o.authenticated, mandate?.id ?? null);
  let next: PaymentIntent;
  if (outcome.status === 'processing') {
    next = { ...charged, status: 'processing', last_payment_error: null, processing: null };
    await schedule(ctx, SETTLE_JOB, pi.id, now + (outcome.delayed ? Math.max(KONBINI_MINUTES, ctx.deps.config.settlementDelaySeconds) : ctx.deps.config.settlementDelaySeconds), await testClockOf(ctx, pi.customer));
  } else if (pi.capture_method === 'manual') {
    next = { ...charged, status: 'requires_capture', amount_capturable: pi.amount, last_payment_error: null };
  } else {
    next = { ...charged, status: 'succeeded', amount_received: pi.amount, last_payment_error: null };
  }
  await saveForFuture(ctx, next, pm, now);
  return { pi: await transitionPaymentIntent(ctx, pi, next, now) };
}
