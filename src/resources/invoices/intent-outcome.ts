/**
 * An invoice's PaymentIntent moved on outside the invoice's own charge: the customer completed or
 * failed 3D Secure on the authentication page, or the merchant confirmed the PaymentIntent through
 * the API (docs/decisions.md#renewals-pay-through-paymentintents). Succeeded, the invoice is paid
 * (and its subscription `active` again) in the same transaction; failed, it stays open with
 * `invoice.payment_failed`.
 */
import type { Ctx } from '../../api/context.js';
import { emit } from '../../events/emit.js';
import type { PaymentIntent } from '../payment-intents/service.js';
import { chargingIntent } from './charge.js';
import { markPaid } from './lifecycle.js';
import { openPaymentOfIntent } from './payments.js';
import type { Invoice } from './service.js';
import { lockInvoice, saveInvoice } from './store.js';

/** The `paymentIntentAttemptEnded` hook (hooks.ts): the invoice whose open payment is `pi` follows its outcome. */
export async function invoiceIntentAttemptEnded(ctx: Ctx, pi: PaymentIntent, at: number): Promise<void> {
  // The invoice's own charge (pay, a renewal, a retry) applies its outcome itself.
  if (chargingIntent(ctx, pi.id)) return;
  const open = await openPaymentOfIntent(ctx, pi.id);
  if (!open) return;
  const inv = await lockInvoice(ctx, open.invoice);
  if (inv.status !== 'open') return;
  if (pi.status === 'succeeded') {
    await markPaid(ctx, inv, at, pi.id);
    return;
  }
  const attempted: Invoice = { ...inv, attempt_count: (inv.attempt_count as number) + 1, attempted: true };
  await saveInvoice(ctx, attempted);
  await emit(ctx, 'invoice.payment_failed', attempted, undefined, at);
}

/** The `invoiceOfPaymentIntent` hook (hooks.ts): the invoice `paymentIntentId` is the open payment of, or null. */
export async function invoiceOfPaymentIntent(ctx: Ctx, paymentIntentId: string): Promise<string | null> {
  return (await openPaymentOfIntent(ctx, paymentIntentId))?.invoice ?? null;
}
