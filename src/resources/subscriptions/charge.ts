/**
 * Charging a subscription's invoice off-session: the one seam between billing and payments
 * (docs/decisions.md#subscriptions-and-renewals). It makes the invoice's PaymentIntent as
 * completion does (checkout/pay.ts), with the processor's off-session rules deciding the outcome.
 */
import type { Ctx } from '../../api/context.js';
import { chargeOutcome } from '../../processor/index.js';
import { createPaymentIntent, transitionPaymentIntent, type PaymentIntent } from '../payment-intents/service.js';
import { findPaymentMethod } from '../payment-methods/service.js';

export interface OffSessionCharge {
  amount: number;
  currency: string;
  customer: string;
  /** The payment method to charge; null (none on file) fails without a PaymentIntent. */
  paymentMethod: string | null;
  description: string;
  now: number;
}

/** What a charge did: its PaymentIntent (none when nothing could be charged) and, on failure, why. */
export type ChargeResult =
  | { status: 'succeeded'; paymentIntent: string }
  | { status: 'failed'; paymentIntent: string | null; code: string; message: string };

/**
 * Charges `paymentMethod` off-session. A card answers at once; a bank debit is counted by how it
 * will settle (OpenCheckout does not hold a renewal open while a debit settles).
 */
export async function chargeOffSession(ctx: Ctx, c: OffSessionCharge): Promise<ChargeResult> {
  const pm = c.paymentMethod ? await findPaymentMethod(ctx, c.paymentMethod) : undefined;
  if (!pm || pm.customer !== c.customer) {
    return { status: 'failed', paymentIntent: null, code: 'invoice_no_payment_method', message: 'The customer has no payment method to charge for this invoice.' };
  }
  const pi = await createPaymentIntent(ctx, {
    amount: c.amount,
    currency: c.currency,
    customer: c.customer,
    paymentMethodTypes: [pm.type],
    description: c.description,
    created: c.now,
  });
  const outcome = await chargeOutcome(ctx.db, pm, c.amount, { now: c.now, offSession: true, setUp: true });
  const ok = outcome.status === 'succeeded' || (outcome.status === 'processing' && outcome.outcome !== 'failed');
  if (ok) {
    const succeeded: PaymentIntent = { ...pi, status: 'succeeded', payment_method: pm.id, amount_received: pi.amount, last_payment_error: null };
    await transitionPaymentIntent(ctx, pi, succeeded, c.now);
    return { status: 'succeeded', paymentIntent: pi.id };
  }
  const error =
    outcome.status === 'declined'
      ? { type: 'card_error' as const, code: outcome.code, decline_code: outcome.decline_code, message: outcome.message }
      : outcome.status === 'processing'
        ? { type: 'invalid_request_error' as const, code: outcome.failure_code ?? 'payment_method_not_available', message: outcome.failure_message ?? 'The payment failed.' }
        : { type: 'invalid_request_error' as const, code: 'payment_method_not_available', message: 'This payment method cannot be charged off-session.' };
  const failed: PaymentIntent = { ...pi, status: 'requires_payment_method', payment_method: null, last_payment_error: { ...error, payment_method: pm } };
  await transitionPaymentIntent(ctx, pi, failed, c.now);
  return { status: 'failed', paymentIntent: pi.id, code: error.code, message: error.message };
}
