/**
 * Charging an invoice off-session: the one place that creates its PaymentIntent, so the Invoices API
 * does not depend on how PaymentIntents are made (docs/decisions.md#invoices). Done the way a
 * Checkout payment is: the processor's outcome for the payment method, then the PaymentIntent
 * created and moved to its end state at once.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { chargeOutcome } from '../../processor/index.js';
import { createPaymentIntent, transitionPaymentIntent, type PaymentIntent } from '../payment-intents/service.js';
import { findPaymentMethod } from '../payment-methods/service.js';

export interface InvoiceCharge {
  invoice: string;
  customer: string;
  paymentMethod: string;
  amount: number;
  currency: string;
  description: string | null;
  now: number;
}

/** What charging gave: paid, declined (`requiresAction`: the card asks for authentication the customer is not there to give). */
export type ChargeResult =
  | { status: 'succeeded'; paymentIntent: PaymentIntent }
  | { status: 'failed'; paymentIntent: PaymentIntent; code: string; declineCode: string | null; message: string; requiresAction: boolean };

/** Charges the invoice's amount to the customer's payment method, off-session. */
export async function chargeInvoice(ctx: Ctx, c: InvoiceCharge): Promise<ChargeResult> {
  const pm = await findPaymentMethod(ctx, c.paymentMethod);
  if (!pm) throw errors.missingResource('payment_method', c.paymentMethod, 'payment_method');
  if (pm.customer !== c.customer) {
    throw errors.invalid(`The PaymentMethod ${pm.id} does not belong to the Customer ${c.customer}. Please attach it to the Customer first.`, 'payment_method');
  }
  const outcome = await chargeOutcome(ctx.db, pm, c.amount, { now: c.now, offSession: true, setUp: true });
  const pi = await createPaymentIntent(ctx, {
    amount: c.amount,
    currency: c.currency,
    customer: c.customer,
    paymentMethodTypes: [pm.type],
    description: c.description,
    created: c.now,
    captureMethod: 'automatic',
  });
  // A bank debit is taken as settled at once for an invoice (docs/decisions.md#invoices).
  type Settled = { status: 'succeeded' } | { status: 'declined'; code: string; decline_code: string | null; message: string };
  const auth: Settled = { status: 'declined', code: 'authentication_required', decline_code: 'authentication_required', message: 'Your card was declined. This transaction requires authentication.' };
  // Anything else (a card asking for 3D Secure, a voucher) needs the customer, who is not there.
  const settled: Settled =
    outcome.status === 'succeeded'
      ? { status: 'succeeded' }
      : outcome.status === 'declined'
        ? { status: 'declined', code: outcome.code, decline_code: outcome.decline_code ?? null, message: outcome.message }
        : outcome.status === 'processing'
          ? outcome.outcome === 'failed'
            ? { status: 'declined', code: outcome.failure_code ?? 'payment_failed', decline_code: null, message: outcome.failure_message ?? 'The payment failed.' }
            : { status: 'succeeded' }
          : auth;
  if (settled.status === 'succeeded') {
    const paid: PaymentIntent = { ...pi, status: 'succeeded', payment_method: pm.id, amount_received: c.amount };
    return { status: 'succeeded', paymentIntent: await transitionPaymentIntent(ctx, pi, paid, c.now) };
  }
  const requiresAction = settled.code === 'authentication_required';
  const failed: PaymentIntent = requiresAction
    ? { ...pi, status: 'requires_action', payment_method: pm.id, next_action: { type: 'use_stripe_sdk', use_stripe_sdk: {} } }
    : {
        ...pi,
        status: 'requires_payment_method',
        payment_method: null,
        last_payment_error: { type: 'card_error', code: settled.code, ...(settled.decline_code ? { decline_code: settled.decline_code } : {}), message: settled.message, payment_method: pm },
      };
  await transitionPaymentIntent(ctx, pi, failed, c.now);
  return { status: 'failed', paymentIntent: failed, code: settled.code, declineCode: settled.decline_code ?? null, message: settled.message, requiresAction };
}
