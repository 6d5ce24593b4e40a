/**
 * An invoice's life after its draft: finalize, pay, void, mark uncollectible, send
 * (docs/decisions.md#invoices). Each emits Stripe's events in Stripe's order.
 */
import type { Ctx } from '../../api/context.js';
import { errors, StripeError } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { bool, parseParams, str } from '../../api/params.js';
import { emit } from '../../events/emit.js';
import { recordBalanceMove } from '../customer-balance-transactions/service.js';
import { findLiveCustomer, lockCustomer, saveCustomer } from '../customers/service.js';
import { itemsOfInvoice } from '../invoice-items/store.js';
import { findPaymentMethod } from '../payment-methods/service.js';
import { subscriptionInvoicePaid } from '../subscriptions/paid.js';
import { businessNow } from '../test-clocks/store.js';
import { automaticInvoiceRate, taxLocation, taxLocationError } from './automatic-tax.js';
import { bankTransferRefusal, chargeInvoice, payInvoiceFromCashBalance, startInvoiceBankTransfer, takesBankTransfer } from './charge.js';
import { computeDraft } from './draft.js';
import { cancelOpenPayment, paidInvoicePayment, recordInvoicePayment, rememberInvoicePaymentIntent, withPayment } from './payments.js';
import { scheduleOverdue } from './overdue.js';
import { accepted } from './params.js';
import { invoices, type Invoice } from './service.js';
import { invoiceCoupons, lockInvoice, saveInvoice } from './store.js';

const now = (ctx: Ctx, inv: Invoice) => businessNow(ctx, inv.test_clock as string | null);

/** The invoice's public links: its page and its PDF, served by OpenCheckout (pdf.ts). */
function links(ctx: Ctx, id: string) {
  const base = ctx.deps.publicUrl();
  return { hosted_invoice_url: `${base}/invoices/${id}`, invoice_pdf: `${base}/invoices/${id}/pdf` };
}

/**
 * The draft's finalization refused (docs/decisions.md#automatic-tax-and-failed-finalization): it
 * stays a draft with `last_finalization_error`, and `invoice.finalization_failed` is emitted. The
 * error is returned for the request to answer, so this state commits with it.
 */
async function finalizationFailed(ctx: Ctx, draft: Invoice, error: StripeError, at: number, automaticTaxStatus: string | null): Promise<StripeError> {
  const { type, code, doc_url, message, param } = error.body;
  const failed: Invoice = {
    ...draft,
    automatic_tax: { ...(draft.automatic_tax as object), status: automaticTaxStatus },
    last_finalization_error: { code, doc_url, message, param, type },
  };
  await saveInvoice(ctx, failed);
  await emit(ctx, 'invoice.finalization_failed', failed, undefined, at);
  return error;
}

/**
 * Finalizes a draft: final amounts (with Stripe Tax's rate when `automatic_tax` is enabled), the
 * customer's next number (`{invoice_prefix}-0001`), the customer's details copied, the links. An
 * invoice of 0 is paid at once, as on Stripe. A finalization refused answers its error instead.
 */
async function finalizeDraft(ctx: Ctx, draft: Invoice, autoAdvance: boolean | undefined): Promise<Invoice | StripeError> {
  const at = await now(ctx, draft);
  const customer = await lockCustomer(ctx, draft.customer as string, 'customer');
  const items = await itemsOfInvoice(ctx, draft.id);
  const coupons = await invoiceCoupons(ctx, draft.id);
  let computed = computeDraft(draft, items, coupons);
  const automatic = draft.automatic_tax as { enabled: boolean };
  if (automatic.enabled) {
    const location = taxLocation(customer);
    if (!location) return finalizationFailed(ctx, draft, taxLocationError(), at, 'requires_location_inputs');
    const rate = await automaticInvoiceRate(ctx, location, draft.created, at);
    const taxed = computeDraft({ ...draft, default_tax_rates: rate ? [rate] : [] }, items, coupons);
    computed = { ...taxed, default_tax_rates: draft.default_tax_rates, automatic_tax: { ...automatic, status: 'complete' } };
  }
  // An invoice that takes bank transfers must be able to make one (its currency, its options).
  const refused = takesBankTransfer(draft) ? bankTransferRefusal(draft) : null;
  if (refused) return finalizationFailed(ctx, draft, refused, at, (draft.automatic_tax as { status: string | null }).status);
  let number = draft.number as string | null;
  const sequence = number === null ? customer.next_invoice_sequence + 1 : customer.next_invoice_sequence;
  number ??= `${customer.invoice_prefix}-${String(customer.next_invoice_sequence).padStart(4, '0')}`;
  // The customer's balance is applied at finalization: a credit (negative) up to what is due, a debt in full.
  const due = computed.amount_due as number;
  const balance = customer.balance;
  const applied = balance < 0 ? Math.max(balance, -due) : balance;
  if (sequence !== customer.next_invoice_sequence || applied !== 0) {
    await saveCustomer(ctx, customer, { ...customer, balance: balance - applied, next_invoice_sequence: sequence });
  }
  if (applied !== 0) await recordBalanceMove(ctx, customer.id, balance - applied, { amount: -applied, currency: computed.currency as string, type: 'applied_to_invoice', invoice: draft.id }, at);
  const open: Invoice = {
    ...computed,
    amount_due: due + applied,
    amount_remaining: due + applied - (computed.amount_paid as number),
    starting_balance: balance,
    ending_balance: balance - applied,
    ...(autoAdvance !== undefined ? { auto_advance: autoAdvance } : {}),
    automatically_finalizes_at: null,
    customer_address: customer.address,
    customer_email: customer.email,
    customer_name: customer.name,
    customer_phone: customer.phone,
    customer_shipping: customer.shipping,
    customer_tax_exempt: customer.tax_exempt,
    effective_at: (draft.effective_at as number | null) ?? at,
    ...links(ctx, draft.id),
    last_finalization_error: null,
    number,
    status: 'open',
    status_transitions: { ...(draft.status_transitions as object), finalized_at: at },
  };
  await saveInvoice(ctx, open);
  await emit(ctx, 'invoice.finalized', open, undefined, at);
  if ((open.amount_due as number) === 0) return markPaid(ctx, open, at, null);
  await scheduleOverdue(ctx, open);
  if (!takesBankTransfer(open)) return open;
  // Paid from the cash balance when it holds all of it; else the invoice waits for a transfer.
  const transfer = await startInvoiceBankTransfer(ctx, open, at);
  if (transfer.paymentIntent.status === 'succeeded') return markPaid(ctx, transfer.invoice, at, transfer.paymentIntent.id);
  await saveInvoice(ctx, transfer.invoice);
  return transfer.invoice;
}

/** The invoice paid in full at `at` (by `paymentIntent`, or out of band when null); emits invoice.paid, then invoice.payment_succeeded for a payment. */
export async function markPaid(ctx: Ctx, inv: Invoice, at: number, paymentIntent: string | null, outOfBand = false): Promise<Invoice> {
  const amount = inv.amount_remaining as number;
  const payment = paymentIntent ? await paidInvoicePayment(ctx, inv.id, paymentIntent, inv.currency as string, amount, at) : null;
  const paid: Invoice = {
    ...inv,
    amount_paid: (inv.amount_paid as number) + amount,
    amount_remaining: 0,
    ...(outOfBand ? {} : { attempted: true }),
    next_payment_attempt: null,
    payments: payment ? withPayment(inv, payment) : inv.payments,
    status: 'paid',
    status_transitions: { ...(inv.status_transitions as object), paid_at: at },
  };
  await saveInvoice(ctx, paid);
  await emit(ctx, 'invoice.paid', paid, undefined, at);
  if (!outOfBand) await emit(ctx, 'invoice.payment_succeeded', paid, undefined, at);
  if (payment) await recordInvoicePayment(ctx, payment);
  await subscriptionInvoicePaid(ctx, paid, at);
  return paid;
}

/**
 * POST /v1/invoices/:id/finalize: draft -> open; emits `invoice.finalized`. A refused finalization
 * answers its error, returned rather than thrown so the failure's state and event commit.
 */
export async function finalizeInvoice(ctx: Ctx, id: string, params: FormObject): Promise<Invoice | StripeError> {
  const p = parseParams({ auto_advance: bool() }, params);
  const inv = await lockInvoice(ctx, id, 'id');
  if (inv.status !== 'draft') throw errors.invalid("This invoice is already finalized, you can't re-finalize a non-draft invoice.", 'id', 'invoice_not_editable');
  return finalizeDraft(ctx, inv, p.auto_advance);
}

const payShape = { forgive: bool(), mandate: accepted(), off_session: bool(), paid_out_of_band: bool(), payment_method: str({ max: 5000 }), source: accepted() };

/** What paying gave: the invoice, and the card error to answer with when the charge failed. */
interface PayAttempt {
  invoice: Invoice;
  failure?: StripeError;
}

/**
 * Pays an invoice (finalizing a draft first): out of band, or by charging `payment_method`, the
 * invoice's `default_payment_method` or the customer's default. A failed charge is recorded
 * (attempt counted, `invoice.payment_failed`, and `invoice.payment_action_required` when the card
 * asks for authentication) and returned as `failure`.
 */
async function attemptPayment(ctx: Ctx, id: string, p: ReturnType<typeof parsePay>, returnUrl?: string): Promise<PayAttempt> {
  let inv = await lockInvoice(ctx, id, 'id');
  if (inv.status === 'paid') throw errors.invalid('Invoice is already paid', 'id', 'invoice_already_paid');
  if (inv.status === 'void') throw errors.invalid('This invoice has been voided and can no longer be paid.', 'id');
  if (inv.status === 'draft') {
    const finalized = await finalizeDraft(ctx, inv, undefined);
    if (finalized instanceof StripeError) return { invoice: inv, failure: finalized };
    inv = finalized;
  }
  if (inv.status === 'paid') return { invoice: inv };
  const at = await now(ctx, inv);
  if (p.paid_out_of_band) return { invoice: await markPaid(ctx, inv, at, null, true) };
  if (p.payment_method === undefined) {
    // Waiting for a bank transfer: the cash balance pays it, when it holds all that is due.
    const fromBalance = await payInvoiceFromCashBalance(ctx, inv, at);
    if (fromBalance) return { invoice: await markPaid(ctx, { ...inv, attempt_count: (inv.attempt_count as number) + 1, attempted: true }, at, fromBalance.id) };
  }
  const customer = await lockCustomer(ctx, inv.customer as string, 'customer');
  const pmId = p.payment_method ?? (inv.default_payment_method as string | null) ?? customer.invoice_settings.default_payment_method;
  if (!pmId) {
    throw errors.invalid(
      `Cannot charge a customer that has no active payment method. Pass \`payment_method\`, or set the invoice's \`default_payment_method\` or the customer's \`invoice_settings.default_payment_method\`.`,
      'payment_method',
      'invoice_no_payment_method_types',
    );
  }
  const charged = await chargeInvoice(ctx, {
    invoice: inv.id,
    customer: customer.id,
    paymentMethod: pmId,
    amount: inv.amount_remaining as number,
    currency: inv.currency as string,
    description: `Payment for Invoice ${String(inv.number)}`,
    now: at,
    returnUrl,
  });
  const attempted: Invoice = { ...inv, attempt_count: (inv.attempt_count as number) + 1, attempted: true };
  if (charged.status === 'succeeded') return { invoice: await markPaid(ctx, attempted, at, charged.paymentIntent.id) };
  // The attempt's PaymentIntent is the invoice's open payment, listed in `payments`.
  const failed = await rememberInvoicePaymentIntent(ctx, attempted, charged.paymentIntent.id, inv.amount_remaining as number, at);
  await saveInvoice(ctx, failed);
  await emit(ctx, 'invoice.payment_failed', failed, undefined, at);
  if (charged.requiresAction) {
    await emit(ctx, 'invoice.payment_action_required', failed, undefined, at);
    return {
      invoice: failed,
      failure: errors.card('invoice_payment_intent_requires_action', 'This payment requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice.', { payment_intent: charged.paymentIntent } as object),
    };
  }
  const declineCode = charged.declineCode ? { decline_code: charged.declineCode } : {};
  return { invoice: failed, failure: errors.card(charged.code, charged.message, { ...declineCode, payment_intent: charged.paymentIntent } as object) };
}

const parsePay = (params: FormObject) => parseParams(payShape, params);

/**
 * POST /v1/invoices/:id/pay. A declined charge answers Stripe's 402 card error, and what the
 * attempt changed (the invoice finalized, its attempt, the failed PaymentIntent and Charge, the
 * events) commits with it in the request's one transaction: the error is returned, not thrown, as
 * a PaymentIntent's decline is (docs/decisions.md#invoices).
 */
export async function payInvoiceAnswer(ctx: Ctx, id: string, params: FormObject): Promise<Invoice | StripeError> {
  const attempt = await attemptPayment(ctx, id, parsePay(params));
  return attempt.failure ?? attempt.invoice;
}

/**
 * The hosted invoice page's payment: the buyer is there, so the invoice's PaymentIntent is
 * confirmed on-session and a card asking for 3D Secure waits for them (`returnUrl`: where the
 * authentication page sends them back). Answers, without throwing, as payInvoiceAnswer does, so
 * the attempt commits (docs/decisions.md#hosted-invoice-page).
 */
export async function payInvoiceOnSession(ctx: Ctx, id: string, paymentMethod: string, returnUrl: string): Promise<Invoice | StripeError> {
  const attempt = await attemptPayment(ctx, id, parsePay({ payment_method: paymentMethod }), returnUrl);
  return attempt.failure ?? attempt.invoice;
}

/**
 * POST /v1/invoices/:id/void: an open or uncollectible invoice becomes void; its PaymentIntent
 * still waiting (3D Secure, a new payment method) is canceled first (`payment_intent.canceled`).
 * Emits `invoice.voided`.
 */
export async function voidInvoice(ctx: Ctx, id: string, params: FormObject): Promise<Invoice> {
  parseParams({}, params);
  const inv = await lockInvoice(ctx, id, 'id');
  if (inv.status !== 'open' && inv.status !== 'uncollectible') {
    throw errors.invalid(`You can only void an open or uncollectible invoice. This invoice has status ${inv.status}.`, 'id', 'invoice_not_editable');
  }
  const at = await now(ctx, inv);
  const voided: Invoice = { ...(await cancelOpenPayment(ctx, inv, at)), amount_remaining: 0, next_payment_attempt: null, status: 'void', status_transitions: { ...(inv.status_transitions as object), voided_at: at } };
  await saveInvoice(ctx, voided);
  await emit(ctx, 'invoice.voided', voided, undefined, at);
  return voided;
}

/** POST /v1/invoices/:id/mark_uncollectible: an open invoice; emits `invoice.marked_uncollectible`. */
export async function markUncollectible(ctx: Ctx, id: string, params: FormObject): Promise<Invoice> {
  parseParams({}, params);
  const inv = await lockInvoice(ctx, id, 'id');
  if (inv.status !== 'open') throw errors.invalid(`You can only mark an open invoice as uncollectible. This invoice has status ${inv.status}.`, 'id', 'invoice_not_editable');
  const at = await now(ctx, inv);
  const next: Invoice = { ...inv, next_payment_attempt: null, status: 'uncollectible', status_transitions: { ...(inv.status_transitions as object), marked_uncollectible_at: at } };
  await saveInvoice(ctx, next);
  await emit(ctx, 'invoice.marked_uncollectible', next, undefined, at);
  return next;
}

/**
 * POST /v1/invoices/:id/send: finalizes a draft, then "sends" it. No email leaves OpenCheckout:
 * the `invoice.sent` event is the whole effect (docs/decisions.md#invoices).
 */
export async function sendInvoice(ctx: Ctx, id: string, params: FormObject): Promise<Invoice | StripeError> {
  parseParams({}, params);
  let inv = await lockInvoice(ctx, id, 'id');
  if (inv.collection_method !== 'send_invoice') {
    throw errors.invalid("You can only manually send an invoice if its collection method is 'send_invoice'.", 'id');
  }
  if (inv.status === 'draft') {
    const finalized = await finalizeDraft(ctx, inv, undefined);
    if (finalized instanceof StripeError) return finalized;
    inv = finalized;
  }
  if (inv.status !== 'open') throw errors.invalid(`You can only send an open invoice. This invoice has status ${inv.status}.`, 'id');
  await emit(ctx, 'invoice.sent', inv, undefined, await now(ctx, inv));
  return inv;
}

/**
 * The automatic finalization of an API draft with `auto_advance`, an hour after its creation
 * (auto-advance.ts): finalized (a refusal is recorded with `invoice.finalization_failed`), then
 * sent (`send_invoice`: `invoice.sent`) or charged to the invoice's or the customer's default
 * payment method when it has one it can charge. Never throws for the invoice's state: a job
 * that threw would hold up its test clock's whole advance.
 */
export async function advanceDraft(ctx: Ctx, id: string): Promise<void> {
  const draft = await invoices.get(ctx.db, ctx.account, id);
  if (!draft || draft.status !== 'draft' || draft.parent !== null || draft.auto_advance !== true) return;
  // A deleted customer's draft is left alone (finalizing needs the customer).
  if (!(await findLiveCustomer(ctx, draft.customer as string))) return;
  const inv = await lockInvoice(ctx, id);
  const finalized = await finalizeDraft(ctx, inv, undefined);
  if (finalized instanceof StripeError || finalized.status !== 'open') return;
  const at = await now(ctx, finalized);
  if (finalized.collection_method === 'send_invoice') {
    await emit(ctx, 'invoice.sent', finalized, undefined, at);
    return;
  }
  // Its PaymentIntent waits for a bank transfer: no card is charged instead.
  if (takesBankTransfer(finalized)) return;
  const customer = await lockCustomer(ctx, finalized.customer as string, 'customer');
  const pmId = (finalized.default_payment_method as string | null) ?? customer.invoice_settings.default_payment_method;
  const pm = pmId ? await findPaymentMethod(ctx, pmId) : undefined;
  if (!pm || pm.customer !== customer.id) return;
  await attemptPayment(ctx, id, parsePay({ payment_method: pm.id }));
}
