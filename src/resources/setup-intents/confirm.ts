/**
 * Confirming a SetupIntent (docs/decisions.md#setupintents): the card's test number decides
 * whether the buyer must authenticate first (3D Secure, `requires_action`), then whether the card
 * may be saved; on success the PaymentMethod is attached to the SetupIntent's customer.
 */
import type { Ctx } from '../../api/context.js';
import { docUrl, errors, StripeError } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { parseParams } from '../../api/params.js';
import { requireAuthentication } from '../../checkout/authentication.js';
import { awaitsMicrodeposits, microdepositAction, microdepositAttemptLimit, microdepositFailure, microdepositMismatch, microdepositPath, microdepositsRequired, MICRODEPOSITS_EXCEEDED, MICRODEPOSITS_NOT_DELIVERED, type MicrodepositValues } from '../../payment-method-types/index.js';
import { createMandate, customerAcceptance, settleMandate, takesMandate } from '../mandates/service.js';
import { decideMicrodeposits, microdepositsLocked } from '../payment-methods/microdeposit-attempts.js';
import { attachOutcome, authenticationNeed, authenticationResult, microdepositsDeliverable, SETUP_AUTHENTICATION_FAILURE, type Decline } from '../../processor/index.js';
import { schedule, type Job } from '../../scheduler/jobs.js';
import { requireCustomer } from '../customers/service.js';
import { findPaymentMethod } from '../payment-methods/service.js';
import type { PaymentMethod } from '../payment-methods/shape.js';
import { businessNow } from '../test-clocks/store.js';
import { confirmShape, requestThreeDSecure } from './params.js';
import { resolvePaymentMethod } from './payment-method.js';
import { cardOptions, requireSetupIntent, setupIntents, transitionSetupIntent } from './service.js';
import type { SetupIntent } from './shape.js';

function unexpectedState(si: SetupIntent): StripeError {
  const why =
    si.status === 'succeeded'
      ? 'it has already succeeded after being previously confirmed'
      : si.status === 'canceled'
        ? 'it has been canceled'
        : `it has a status of ${si.status}`;
  return errors.invalid(`You cannot confirm this SetupIntent because ${why}.`, undefined, 'setup_intent_unexpected_state');
}

async function nowFor(ctx: Ctx, si: SetupIntent): Promise<number> {
  return businessNow(ctx, await clockOf(ctx, si));
}

/** The test clock the SetupIntent's customer lives on, if any. */
async function clockOf(ctx: Ctx, si: SetupIntent): Promise<string | null> {
  if (!si.customer) return null;
  return (await requireCustomer(ctx, si.customer)).test_clock;
}

/** The job that fails a SetupIntent whose microdeposits could not be sent (its kind, spelled once). */
export const SETUP_MICRODEPOSITS_FAILED_JOB = 'setup_intent.microdeposits_failed';

/**
 * The microdeposits could not be sent (Stripe's test account 000666666661): a SetupIntent still
 * waiting for them goes back to `requires_payment_method` with `payment_method_microdeposit_failed`
 * (`setup_intent.setup_failed`), and its Mandate becomes inactive, as a PaymentIntent's payment fails.
 */
export async function runSetupMicrodepositsFailedJob(ctx: Ctx, job: Job): Promise<void> {
  const si = await setupIntents.getForUpdate(ctx.db, ctx.account, job.subject_id);
  if (!si || si.status !== 'requires_action' || !awaitsMicrodeposits(si.next_action) || !si.payment_method) return;
  const pm = await findPaymentMethod(ctx, si.payment_method);
  await settleMandate(ctx, si.mandate, 'inactive');
  const { code, message } = MICRODEPOSITS_NOT_DELIVERED;
  const failed: SetupIntent = {
    ...si,
    status: 'requires_payment_method',
    payment_method: null,
    next_action: null,
    last_setup_error: {
      type: 'invalid_request_error',
      code,
      doc_url: docUrl(code),
      message,
      payment_method: pm ?? null,
    },
  };
  await transitionSetupIntent(ctx, si, failed, await nowFor(ctx, si));
}

/** A declined setup: back to `requires_payment_method` with `last_setup_error`; answered as Stripe's 402. */
async function decline(ctx: Ctx, si: SetupIntent, pm: PaymentMethod, d: Decline, now: number): Promise<StripeError> {
  const failed: SetupIntent = {
    ...si,
    status: 'requires_payment_method',
    payment_method: null,
    next_action: null,
    last_setup_error: { type: 'card_error', code: d.code, decline_code: d.decline_code, doc_url: docUrl(d.code), message: d.message, payment_method: pm },
  };
  await transitionSetupIntent(ctx, si, failed, now);
  return errors.card(d.code, d.message, { decline_code: d.decline_code, setup_intent: failed, payment_method: pm });
}

/** Saves the payment method: checked like an attach, attached to the customer, and the SetupIntent succeeds. */
async function settle(ctx: Ctx, si: SetupIntent, pm: PaymentMethod, now: number): Promise<SetupIntent | StripeError> {
  const outcome = await attachOutcome(ctx.db, pm, { now });
  if (outcome.status === 'declined') return decline(ctx, si, pm, outcome, now);
  if (si.customer && pm.customer !== si.customer) await ctx.deps.hooks.attachPaymentMethod(ctx, pm.id, await requireCustomer(ctx, si.customer), 'payment_method');
  const done: SetupIntent = { ...si, status: 'succeeded', payment_method: pm.id, next_action: null, last_setup_error: null };
  return transitionSetupIntent(ctx, si, done, now);
}

/** POST /v1/setup_intents/:id/confirm (and `create` with `confirm=true`). */
export async function confirmSetupIntent(ctx: Ctx, id: string, params: FormObject): Promise<SetupIntent | StripeError> {
  const p = parseParams(confirmShape, params);
  if (p.confirmation_token) throw errors.missingResource('confirmationtoken', p.confirmation_token, 'confirmation_token');
  let si = await requireSetupIntent(ctx, id, true);
  if (si.status !== 'requires_payment_method' && si.status !== 'requires_confirmation' && si.status !== 'requires_action') throw unexpectedState(si);
  const pmId = (await resolvePaymentMethod(ctx, p)) ?? si.payment_method;
  if (!pmId) {
    throw errors.invalid(
      "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
      undefined,
      'setup_intent_unexpected_state',
    );
  }
  const pm = await findPaymentMethod(ctx, pmId);
  if (!pm) throw errors.missingResource('PaymentMethod', pmId, 'payment_method');
  if (!si.automatic_payment_methods?.enabled && !si.payment_method_types.includes(pm.type)) {
    throw errors.invalid(
      `The provided PaymentMethod of type \`${pm.type}\` does not match the expected types: ${si.payment_method_types.join(', ')}. Update payment_method_types or use a PaymentMethod of a matching type.`,
      'payment_method',
    );
  }
  if (pm.customer !== null && pm.customer !== si.customer) {
    throw errors.invalid('The provided PaymentMethod belongs to another customer. Confirm the SetupIntent with a PaymentMethod of its own customer.', 'payment_method');
  }
  si = { ...si, payment_method: pm.id, payment_method_options: cardOptions(p.payment_method_options, si.payment_method_options), last_setup_error: null };
  const now = await nowFor(ctx, si);
  const request = requestThreeDSecure(p.payment_method_options) ?? ((si.payment_method_options.card as { request_three_d_secure?: string } | undefined)?.request_three_d_secure as 'any' | 'automatic' | 'challenge' | undefined);
  const need = await authenticationNeed(ctx.db, pm, { setup: true, request });
  if (need.status === 'declined') return decline(ctx, si, pm, need, now);
  if (need.status === 'required') {
    const nextAction = await requireAuthentication(ctx, { intent: si, paymentMethod: pm.id, returnUrl: p.return_url ?? null, now });
    return transitionSetupIntent(ctx, { ...si, status: 'requires_confirmation' }, { ...si, status: 'requires_action', next_action: nextAction }, now);
  }
  const waitsForMicrodeposits = microdepositsRequired(pm.type, si.payment_method_options, pm.customer !== null);
  // Saving a bank account for debits makes its Mandate, pending while the account is verified (docs/decisions.md#mandates).
  if (takesMandate(pm)) {
    const mandate = await createMandate(ctx, pm, { acceptance: customerAcceptance(p.mandate_data, now), status: waitsForMicrodeposits ? 'pending' : 'active', now });
    si = { ...si, mandate: mandate?.id ?? null };
  }
  // A new bank account waits for microdeposits when the SetupIntent asks for them (docs/decisions.md#ach-microdeposits).
  if (waitsForMicrodeposits) {
    if (await microdepositsLocked(ctx, pm.id)) throw errors.invalid(MICRODEPOSITS_EXCEEDED.message, 'payment_method', MICRODEPOSITS_EXCEEDED.code);
    const nextAction = microdepositAction(now, `${ctx.deps.publicUrl()}${microdepositPath(si.id)}`);
    // Microdeposits that cannot be sent fail the setup later, as they fail a payment.
    if (!(await microdepositsDeliverable(ctx.db, pm))) await schedule(ctx, SETUP_MICRODEPOSITS_FAILED_JOB, si.id, now + ctx.deps.config.settlementDelaySeconds, await clockOf(ctx, si));
    return transitionSetupIntent(ctx, { ...si, status: 'requires_confirmation' }, { ...si, status: 'requires_action', next_action: nextAction }, now);
  }
  return settle(ctx, si, pm, now);
}

/**
 * `verify_microdeposits` of a SetupIntent waiting for them (the API and the hosted verification
 * page): the values Stripe's test mode documents save the bank account and the SetupIntent
 * succeeds; the special values end the verification (docs/decisions.md#ach-microdeposits).
 */
export async function verifySetupMicrodeposits(ctx: Ctx, si: SetupIntent, values: MicrodepositValues): Promise<SetupIntent | StripeError> {
  if (si.status !== 'requires_action' || !awaitsMicrodeposits(si.next_action) || !si.payment_method) {
    throw errors.invalid(`This SetupIntent is not awaiting microdeposit verification (its status is ${si.status}).`, undefined, 'setup_intent_unexpected_state');
  }
  const pm = await findPaymentMethod(ctx, si.payment_method);
  if (!pm) throw errors.missingResource('PaymentMethod', si.payment_method, 'payment_method');
  const now = await nowFor(ctx, si);
  // Counted under the bank account's row lock, inside this request's transaction (the SetupIntent is locked too).
  const result = await decideMicrodeposits(ctx, pm.id, values, microdepositAttemptLimit(si.next_action), now);
  if (result.status === 'mismatch') return microdepositMismatch(result, 'attemptsLeft' in result ? result.attemptsLeft : 0);
  await settleMandate(ctx, si.mandate, result.status === 'verified' ? 'active' : 'inactive');
  if (result.status === 'verified') return settle(ctx, si, pm, now);
  const failed: SetupIntent = {
    ...si,
    status: 'requires_payment_method',
    payment_method: null,
    next_action: null,
    last_setup_error: { type: 'invalid_request_error', code: result.code, doc_url: docUrl(result.code), message: result.message, payment_method: pm },
  };
  const after = await transitionSetupIntent(ctx, si, failed, now);
  return microdepositFailure(result, { setup_intent: after, payment_method: pm });
}

/**
 * The buyer finished 3D Secure on the authentication page: completed (the setup goes on to its
 * outcome) or failed (`requires_payment_method` with `setup_intent_authentication_failure`).
 */
export async function finishSetupAuthentication(ctx: Ctx, id: string, completed: boolean): Promise<SetupIntent> {
  const si = await requireSetupIntent(ctx, id, true);
  if (si.status !== 'requires_action' || !si.payment_method) return si;
  const pm = await findPaymentMethod(ctx, si.payment_method);
  const now = await nowFor(ctx, si);
  if (!pm) return si;
  if (!completed) {
    const failed: SetupIntent = {
      ...si,
      status: 'requires_payment_method',
      payment_method: null,
      next_action: null,
      last_setup_error: { type: 'invalid_request_error', ...SETUP_AUTHENTICATION_FAILURE, doc_url: docUrl(SETUP_AUTHENTICATION_FAILURE.code), payment_method: pm },
    };
    return transitionSetupIntent(ctx, si, failed, now);
  }
  const error = await authenticationResult(ctx.db, pm);
  const result = error ? await decline(ctx, si, pm, error, now) : await settle(ctx, si, pm, now);
  return result instanceof StripeError ? await requireSetupIntent(ctx, id) : result;
}
