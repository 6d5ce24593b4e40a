/**
 * Charging an invoice off-session: the one place the Invoices API makes its PaymentIntent, through
 * the PaymentIntents API's off-session charge (docs/decisions.md#invoices).
 */
import type { Ctx } from '../../api/context.js';
import { errors, StripeError } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { bankTransferType } from '../../payment-method-types/index.js';
import { chargeOffSession, confirmPaymentIntent, createPaymentIntentApi } from '../payment-intents/api.js';
import { payFromCashBalance, waitsForTransfer } from '../payment-intents/bank-transfer.js';
import { findPaymentIntent, type PaymentIntent } from '../payment-intents/service.js';
import { findPaymentMethod } from '../payment-methods/service.js';
import type { PaymentSettings } from './params-payment-settings.js';
import { openInvoicePayment, rememberInvoicePaymentIntent } from './payments.js';
import type { Invoice } from './service.js';

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

/** The PaymentIntent of the invoice's open payment, if it has one. */
async function openPaymentIntentOf(ctx: Ctx, invoiceId: string): Promise<PaymentIntent | undefined> {
  const open = await openInvoicePayment(ctx, invoiceId);
  return open ? findPaymentIntent(ctx, open.payment.payment_intent) : undefined;
}

/** The invoice takes bank transfers: its `payment_settings.payment_method_types` names the type paid from the cash balance. */
export function takesBankTransfer(inv: Invoice): boolean {
  const types = (inv.payment_settings as PaymentSettings | undefined)?.payment_method_types;
  return types?.includes(bankTransferType().type) ?? false;
}

/**
 * `payment_method_options[<type>]` of the invoice's bank transfer, as form values: the invoice's
 * own options, the funding type `bank_transfer`, and the transfer type Stripe pairs with the
 * currency when the invoice names none (`jp_bank_transfer` for JPY).
 */
function bankTransferOptions(inv: Invoice, type: string): FormObject {
  const stored = ((inv.payment_settings as PaymentSettings).payment_method_options?.[type] ?? {}) as { funding_type?: string; bank_transfer?: { type?: string; eu_bank_transfer?: { country: string } } };
  const currency = inv.currency as string;
  const transfer = stored.bank_transfer?.type ?? bankTransferType().bankTransfer.funding(currency, null).type;
  return {
    funding_type: stored.funding_type ?? 'bank_transfer',
    bank_transfer: { type: transfer, ...(stored.bank_transfer?.eu_bank_transfer ? { eu_bank_transfer: { country: stored.bank_transfer.eu_bank_transfer.country } } : {}) },
  };
}

/**
 * Why the invoice's bank transfer cannot be made, or null: a currency cash balances do not take, a
 * transfer type of another currency, an EUR transfer without its country. Asked before the
 * invoice is finalized, so the refusal is a recorded finalization failure, not a thrown error.
 */
export function bankTransferRefusal(inv: Invoice): StripeError | null {
  const bankTransfer = bankTransferType();
  try {
    bankTransfer.bankTransfer.transferType(bankTransferOptions(inv, bankTransfer.type) as Record<string, unknown>, inv.currency as string);
    return null;
  } catch (err) {
    if (err instanceof StripeError) return err;
    throw err;
  }
}

/**
 * An invoice that takes bank transfers, finalized: its PaymentIntent is made and confirmed with a
 * bank transfer to the customer's cash balance (docs/decisions.md#invoices-paid-by-bank-transfer),
 * through the PaymentIntents API. It is the invoice's open payment before it is confirmed, so the
 * cash balance pays it only in full. Answers the invoice with its open payment (for the caller to
 * store) and the PaymentIntent: `succeeded` when the balance already held all of it, else
 * `requires_action` with the transfer instructions.
 */
export async function startInvoiceBankTransfer(ctx: Ctx, inv: Invoice, at: number): Promise<{ invoice: Invoice; paymentIntent: PaymentIntent }> {
  const type = bankTransferType().type;
  const amount = inv.amount_remaining as number;
  const created = (await createPaymentIntentApi(ctx, {
    amount: String(amount),
    currency: inv.currency as string,
    customer: inv.customer as string,
    payment_method_types: [type],
    description: `Payment for Invoice ${String(inv.number)}`,
  })) as PaymentIntent;
  const invoice = await rememberInvoicePaymentIntent(ctx, inv, created.id, amount, at);
  charging.set(ctx, created.id);
  const answer = await confirmPaymentIntent(ctx, created.id, { payment_method_data: { type }, payment_method_options: { [type]: bankTransferOptions(inv, type) } }).finally(() => charging.delete(ctx));
  if (answer instanceof StripeError) throw answer;
  return { invoice, paymentIntent: answer };
}

/**
 * `POST /v1/invoices/:id/pay` on an invoice whose PaymentIntent waits for a bank transfer: the
 * cash balance pays it when it holds all that is due. Answers the PaymentIntent paid; null when the
 * invoice waits for no transfer; throws when the balance does not cover it.
 */
export async function payInvoiceFromCashBalance(ctx: Ctx, inv: Invoice, at: number): Promise<PaymentIntent | null> {
  const pi = await openPaymentIntentOf(ctx, inv.id);
  if (!pi || !waitsForTransfer(pi)) return null;
  charging.set(ctx, pi.id);
  const paid = await payFromCashBalance(ctx, pi.id, at).finally(() => charging.delete(ctx));
  if (!paid) {
    throw errors.invalid(
      `This invoice waits for a bank transfer: the customer's cash balance does not hold the ${String(inv.amount_remaining)} ${String(inv.currency)} due. It is paid when a transfer covering it arrives.`,
      'id',
    );
  }
  return paid;
}

/** The PaymentIntent of an open invoice that waits for a bank transfer, or null (the hosted invoice page links its instructions). */
export async function waitingBankTransfer(ctx: Ctx, inv: Invoice): Promise<PaymentIntent | null> {
  if (inv.status !== 'open' || !takesBankTransfer(inv)) return null;
  const pi = await openPaymentIntentOf(ctx, inv.id);
  return pi && waitsForTransfer(pi) ? pi : null;
}

/**
 * The PaymentIntent an open invoice waits on for the customer to pay it themselves (a
 * subscription made with `payment_behavior: default_incomplete`): made through the PaymentIntents
 * API, `requires_payment_method`, and recorded as the invoice's open payment; its client secret is
 * the invoice's `confirmation_secret`. Confirming it pays the invoice (intent-outcome.ts).
 * Answers the invoice with its open payment, for the caller to store.
 */
export async function openInvoicePaymentIntent(ctx: Ctx, inv: Invoice, o: { saveForLater: boolean; at: number }): Promise<Invoice> {
  const created = (await createPaymentIntentApi(ctx, {
    amount: String(inv.amount_remaining as number),
    currency: inv.currency as string,
    customer: inv.customer as string,
    description: `Payment for Invoice ${String(inv.number)}`,
    ...(o.saveForLater ? { setup_future_usage: 'off_session' } : {}),
  })) as PaymentIntent;
  return rememberInvoicePaymentIntent(ctx, inv, created.id, inv.amount_remaining as number, o.at);
}

/** `confirmation_secret` of an invoice (an includable field): the client secret of its open PaymentIntent, or null. */
export async function invoiceConfirmationSecret(ctx: Ctx, inv: Record<string, unknown>): Promise<{ client_secret: string; type: 'payment_intent' } | null> {
  if (inv.status !== 'open') return null;
  const pi = await openPaymentIntentOf(ctx, inv.id as string);
  return pi ? { client_secret: pi.client_secret, type: 'payment_intent' } : null;
}
