/**
 * Charging an invoice off-session: the one place the Invoices API makes its PaymentIntent, through
 * the PaymentIntents API's off-session charge (docs/decisions.md#invoices).
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { chargeOffSession } from '../payment-intents/api.js';
import type { PaymentIntent } from '../payment-intents/service.js';
import { findPaymentMethod } from '../payment-methods/service.js';
import { openInvoicePayment } from './payments.js';

/**
 * The PaymentIntent an invoice charge is confirming, per request: its outcome is the charge's to
 * apply, so the PaymentIntents hook (intent-outcome.ts) leaves it alone.
 */
const charging = new WeakMap<Ctx, string>();

/** Whether `chargeInvoice` is confirming this PaymentIntent in this request. */
export function chargingIntent(ctx: Ctx, paymentIntent: string): boolean {
  return charging.get(ctx) === paymentIntent;
}

export interface InvoiceCharge {
  /** The invoice paid, when it exists already: its open PaymentIntent is confirmed again. */
  invoice?: string | undefined;
  customer: string;
  paymentMethod: string;
  amount: number;
  currency: string;
  description: string | null;
  now: number;
  /** The buyer pays on-session (the hosted invoice page): 3D Secure sends them back here. */
  returnUrl?: string | undefined;
}

/** What charging gave: paid, or failed (`requiresAction`: the card asks for authentication the customer is not there to give). */
export type ChargeResult =
  | { status: 'succeeded'; paymentIntent: PaymentIntent }
  | { status: 'failed'; paymentIntent: PaymentIntent; code: string; declineCode: string | null; message: string; requiresAction: boolean };

/**
 * Charges the invoice's amount to the customer's payment method, off-session: the one payment path
 * of every invoice, a renewal's too (docs/decisions.md#renewals-pay-through-paymentintents). A bank
 * debit still processing counts as paid for the invoice (docs/decisions.md#invoices); a card asking
 * for authentication leaves its PaymentIntent `requires_action`.
 */
export async function chargeInvoice(ctx: Ctx, c: InvoiceCharge): Promise<ChargeResult> {
  const pm = await findPaymentMethod(ctx, c.paymentMethod);
  if (!pm) throw errors.missingResource('payment_method', c.paymentMethod, 'payment_method');
  if (pm.customer !== c.customer) {
    throw errors.invalid(`The PaymentMethod ${pm.id} does not belong to the Customer ${c.customer}. Please attach it to the Customer first.`, 'payment_method');
  }
  const open = c.invoice ? await openInvoicePayment(ctx, c.invoice) : undefined;
  const again = open?.payment.payment_intent ?? null;
  if (again) charging.set(ctx, again);
  const r = await chargeOffSession(ctx, {
    paymentIntent: again,
    amount: c.amount,
    currency: c.currency,
    customer: c.customer,
    paymentMethod: pm.id,
    description: c.description,
    metadata: {},
    waitForAuthentication: true,
    ...(c.returnUrl !== undefined ? { offSession: false, returnUrl: c.returnUrl } : {}),
  }).finally(() => charging.delete(ctx));
  const pi = r.paymentIntent;
  if (pi.status === 'succeeded' || pi.status === 'processing') return { status: 'succeeded', paymentIntent: pi };
  const body = r.error?.body ?? pi.last_payment_error ?? undefined;
  const code = body?.code ?? (pi.status === 'requires_action' ? 'authentication_required' : 'card_declined');
  return {
    status: 'failed',
    paymentIntent: pi,
    code,
    declineCode: body?.decline_code ?? null,
    message: body?.message ?? 'Your card was declined.',
    requiresAction: pi.status === 'requires_action' || code === 'authentication_required',
  };
}
