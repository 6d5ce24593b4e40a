/**
 * `POST /v1/payment_intents/:id/capture` and `/cancel`: what a merchant does with a PaymentIntent
 * Checkout authorised with `payment_intent_data.capture_method: manual`
 * (docs/decisions.md#payment-intent-data-from-checkout). Capture takes all or part of the
 * authorised amount; cancel releases it. Both answer Stripe's errors for any other status.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject, FormValue } from '../../api/form.js';
import { bool, int, mergeMetadata, metadata, obj, oneOf, parseParams, str, type Field } from '../../api/params.js';
import { sessionOfPaymentIntent } from '../checkout-sessions/store.js';
import { findCustomer } from '../customers/service.js';
import { businessNow } from '../test-clocks/store.js';
import { captureCharge, releaseCharge } from '../charges/service.js';
import { returnAppliedFunds } from './bank-transfer.js';
import { paymentIntents, transitionPaymentIntent, type PaymentIntent } from './service.js';

/** Params whose sub-fields have no offline effect: accepted as sent. */
const passthrough: Field<FormValue | undefined> = { parse: (value) => value };

const captureShape = {
  amount_to_capture: int({ min: 0 }),
  application_fee_amount: int({ min: 0 }),
  final_capture: bool(),
  metadata: metadata(),
  statement_descriptor: str({ max: 22 }),
  statement_descriptor_suffix: str({ max: 22 }),
  transfer_data: obj({ amount: int({ min: 0 }) }),
  amount_details: passthrough,
  hooks: passthrough,
  payment_details: passthrough,
};

const cancelShape = {
  cancellation_reason: oneOf(['abandoned', 'duplicate', 'fraudulent', 'requested_by_customer']),
};

const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];

/** The PaymentIntent, locked for the rest of the transaction (two captures of one never both succeed). */
async function lockPaymentIntent(ctx: Ctx, id: string): Promise<PaymentIntent> {
  const pi = await paymentIntents.getForUpdate(ctx.db, ctx.account, id);
  if (!pi) throw errors.missingResource('payment_intent', id, 'intent');
  return pi;
}

/** Business time of the PaymentIntent's customer (its test clock), else the wall clock. */
async function nowFor(ctx: Ctx, pi: PaymentIntent): Promise<number> {
  const customer = pi.customer ? await findCustomer(ctx, pi.customer) : undefined;
  return businessNow(ctx, (customer as { test_clock?: string | null } | undefined)?.test_clock ?? null);
}

/** Captures an authorised (`requires_capture`) PaymentIntent: all of it, or `amount_to_capture`. */
export async function capturePaymentIntent(ctx: Ctx, id: string, params: FormObject): Promise<PaymentIntent> {
  const p = parseParams(captureShape, params);
  const pi = await lockPaymentIntent(ctx, id);
  if (pi.status !== 'requires_capture') {
    throw errors.invalid(
      `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  const amount = p.amount_to_capture ?? pi.amount_capturable;
  if (amount > pi.amount_capturable) {
    throw errors.invalid(
      `The amount to capture (${amount}) must be less than or equal to the PaymentIntent's amount_capturable (${pi.amount_capturable}).`,
      'amount_to_capture',
      'amount_too_large',
    );
  }
  if (p.application_fee_amount !== undefined && pi.transfer_data === null && pi.on_behalf_of === null) {
    throw errors.invalid('Can only apply an application_fee_amount when the PaymentIntent is a destination payment or made on behalf of a connected account.', 'application_fee_amount');
  }
  if (p.application_fee_amount !== undefined && p.application_fee_amount > amount) {
    throw errors.invalid('The application fee cannot be greater than the amount to capture.', 'application_fee_amount');
  }
  const captured: PaymentIntent = {
    ...pi,
    status: 'succeeded',
    amount_capturable: 0,
    amount_received: amount,
    metadata: mergeMetadata(pi.metadata, p.metadata),
    ...(p.statement_descriptor !== undefined ? { statement_descriptor: p.statement_descriptor } : {}),
    ...(p.statement_descriptor_suffix !== undefined ? { statement_descriptor_suffix: p.statement_descriptor_suffix } : {}),
    ...(p.application_fee_amount !== undefined ? { application_fee_amount: p.application_fee_amount } : {}),
    ...(p.transfer_data?.amount !== undefined && pi.transfer_data ? { transfer_data: { ...pi.transfer_data, amount: p.transfer_data.amount } } : {}),
  };
  const now = await nowFor(ctx, pi);
  if (pi.latest_charge) await captureCharge(ctx, pi.latest_charge, amount, now);
  return transitionPaymentIntent(ctx, pi, captured, now);
}

/** Cancels a PaymentIntent that has not succeeded: an authorisation is released, nothing is charged. */
export async function cancelPaymentIntent(ctx: Ctx, id: string, params: FormObject): Promise<PaymentIntent> {
  const p = parseParams(cancelShape, params);
  const pi = await lockPaymentIntent(ctx, id);
  if (!CANCELABLE.includes(pi.status)) {
    throw errors.invalid(
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  // Stripe: a Checkout Session's PaymentIntent is canceled directly only when it holds a capture.
  if (pi.status !== 'requires_capture' && (await sessionOfPaymentIntent(ctx, pi.id))) {
    throw errors.invalid("You can't cancel the PaymentIntent of a Checkout Session. Expire the Checkout Session instead.", undefined, 'payment_intent_unexpected_state');
  }
  // An invoice's PaymentIntent ends with its invoice: voiding the invoice cancels it (docs/decisions.md#invoice-payments).
  if (await ctx.deps.hooks.invoiceOfPaymentIntent(ctx, pi.id)) {
    throw errors.invalid(
      'You cannot cancel this PaymentIntent because it was created by an invoice. Instead, void the invoice: https://stripe.com/docs/api/invoices/void',
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  const now = await nowFor(ctx, pi);
  const canceled: PaymentIntent = { ...pi, status: 'canceled', amount_capturable: 0, canceled_at: now, cancellation_reason: p.cancellation_reason ?? null, next_action: null };
  // A held authorisation is released: its charge counts as refunded (docs/decisions.md#charges-and-refunds).
  if (pi.status === 'requires_capture' && pi.latest_charge) await releaseCharge(ctx, pi.latest_charge, now);
  // What a bank transfer had paid goes back to the customer's cash balance.
  await returnAppliedFunds(ctx, pi, now);
  return transitionPaymentIntent(ctx, pi, canceled, now);
}

/**
 * Locks a PaymentIntent's row before its charge's, for a refund that may release its hold: every
 * writer of a held payment (capture, cancel, increment, refund) takes the PaymentIntent first and
 * its charge second, so two of them never wait on each other (no deadlock on PostgreSQL).
 */
export async function lockHeldPaymentIntent(ctx: Ctx, id: string): Promise<void> {
  await paymentIntents.getForUpdate(ctx.db, ctx.account, id);
}

/**
 * A held PaymentIntent whose charge was refunded (which releases the hold): canceled, as Stripe
 * does (docs/decisions.md#refund-of-a-held-payment). The charge is already marked refunded.
 */
export async function cancelRefundedAuthorization(ctx: Ctx, id: string): Promise<void> {
  const pi = await paymentIntents.getForUpdate(ctx.db, ctx.account, id);
  if (!pi || pi.status !== 'requires_capture') return;
  const now = await nowFor(ctx, pi);
  await transitionPaymentIntent(ctx, pi, { ...pi, status: 'canceled', amount_capturable: 0, canceled_at: now, cancellation_reason: null, next_action: null }, now);
}

/**
 * The PaymentIntent of a Checkout Session that expired unpaid (a declined attempt left it waiting
 * for a payment method): canceled, `cancellation_reason: expired`. Anything further along stays.
 */
export async function cancelExpiredSessionIntent(ctx: Ctx, id: string, now: number): Promise<void> {
  const pi = await paymentIntents.getForUpdate(ctx.db, ctx.account, id);
  if (!pi || (pi.status !== 'requires_payment_method' && pi.status !== 'requires_action')) return;
  await transitionPaymentIntent(ctx, pi, { ...pi, status: 'canceled', canceled_at: now, cancellation_reason: 'expired', next_action: null }, now);
}

/**
 * The PaymentIntent of an invoice that was voided, not paid and still waiting (for a payment
 * method, a confirmation or 3D Secure): canceled with the invoice's reason (`void_invoice`), as
 * Stripe does (docs/decisions.md#invoice-payments). Anything further along stays.
 */
export async function cancelInvoicePaymentIntent(ctx: Ctx, id: string, reason: 'void_invoice', now: number): Promise<void> {
  const pi = await paymentIntents.getForUpdate(ctx.db, ctx.account, id);
  if (!pi || !['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(pi.status)) return;
  await transitionPaymentIntent(ctx, pi, { ...pi, status: 'canceled', canceled_at: now, cancellation_reason: reason, next_action: null }, now);
}
