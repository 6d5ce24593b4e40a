/**
 * Invoice payments (`/v1/invoice_payments`, docs/decisions.md#invoice-payments): one per payment
 * that paid an invoice, in the table `invoice_payments` (owned here) beside the copy in the
 * invoice's `payments` list; `invoice_payment.paid` when it is recorded.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { listObject, listParams, toPage } from '../../api/list.js';
import { obj, oneOf, parseParams, str } from '../../api/params.js';
import { RawJson } from '../../api/raw.js';
import type { Route } from '../../api/router.js';
import { emit } from '../../events/emit.js';
import { ObjectTable, type Filter } from '../../store/objects.js';
import { cancelInvoicePaymentIntent } from '../payment-intents/capture.js';
import { invoicePayment, type InvoicePayment } from './new-invoice.js';
import type { Invoice } from './service.js';

const payments = new ObjectTable<InvoicePayment>('invoice_payments');

const columnsOf = (p: InvoicePayment) => ({ invoice_id: p.invoice, payment_intent: p.payment.payment_intent, status: p.status });

/**
 * Stores a payment of an invoice (built by `invoicePayment`, or `paidInvoicePayment` for the
 * invoice's own PaymentIntent, whose open payment it completes) and emits `invoice_payment.paid`.
 */
export async function recordInvoicePayment(ctx: Ctx, payment: InvoicePayment): Promise<void> {
  const updated = await payments.update(ctx.db, ctx.account, payment, columnsOf(payment));
  if (!updated) await payments.insert(ctx.db, ctx.account, payment, columnsOf(payment));
  await emit(ctx, 'invoice_payment.paid', payment, undefined, payment.status_transitions.paid_at ?? payment.created);
}

/** The invoice's open payment (its PaymentIntent waiting for another attempt), if any. */
export async function openInvoicePayment(ctx: Ctx, invoiceId: string): Promise<InvoicePayment | undefined> {
  const rows = await payments.select(ctx.db, ctx.account, { invoice_id: invoiceId, status: 'open' }, ['id']);
  const id = rows.at(-1)?.id;
  return typeof id === 'string' ? payments.get(ctx.db, ctx.account, id) : undefined;
}

/** The open invoice payment of a PaymentIntent: which invoice the PaymentIntent pays. */
export async function openPaymentOfIntent(ctx: Ctx, paymentIntent: string): Promise<InvoicePayment | undefined> {
  const rows = await payments.select(ctx.db, ctx.account, { payment_intent: paymentIntent, status: 'open' }, ['id']);
  const id = rows.at(-1)?.id;
  return typeof id === 'string' ? payments.get(ctx.db, ctx.account, id) : undefined;
}

/** An invoice's `payments` list (stripe 23.1.0: the InvoicePayments of the invoice, in the order they were made). */
export type InvoicePaymentList = { object: 'list'; data: InvoicePayment[]; has_more: boolean; url: string };

/** The invoice's `payments` with `payment` in it: replacing the entry of the same id (an open payment that became paid or canceled), else added. */
export function withPayment(inv: Invoice, payment: InvoicePayment): InvoicePaymentList {
  const list = inv.payments as InvoicePaymentList;
  const data = list.data.some((p) => p.id === payment.id) ? list.data.map((p) => (p.id === payment.id ? payment : p)) : [...list.data, payment];
  return { ...list, data };
}

/** An open payment given up (its PaymentIntent canceled or replaced): `canceled` in the table; returned for the invoice's list. */
async function cancelPayment(ctx: Ctx, open: InvoicePayment, at: number): Promise<InvoicePayment> {
  const canceled: InvoicePayment = { ...open, is_default: false, status: 'canceled', status_transitions: { ...open.status_transitions, canceled_at: at } };
  await payments.update(ctx.db, ctx.account, canceled, columnsOf(canceled));
  return canceled;
}

/**
 * An attempt to pay `inv` with `paymentIntent` failed or waits for the customer: the
 * PaymentIntent becomes the invoice's open payment, listed in `invoice.payments` with status
 * `open` and confirmed again by later attempts (docs/decisions.md#renewals-pay-through-paymentintents).
 * An earlier open payment of another PaymentIntent is canceled. Returns the invoice with its
 * `payments` updated, for the caller to store. No event: Stripe emits `invoice_payment.paid` only.
 */
export async function rememberInvoicePaymentIntent(ctx: Ctx, inv: Invoice, paymentIntent: string, amount: number, at: number): Promise<Invoice> {
  const open = await openInvoicePayment(ctx, inv.id);
  if (open?.payment.payment_intent === paymentIntent) return { ...inv, payments: withPayment(inv, open) };
  let next = inv;
  if (open) next = { ...next, payments: withPayment(next, await cancelPayment(ctx, open, at)) };
  const payment: InvoicePayment = { ...invoicePayment(inv.id, paymentIntent, inv.currency as string, amount, at), amount_paid: null, status: 'open', status_transitions: { canceled_at: null, paid_at: null } };
  await payments.insert(ctx.db, ctx.account, payment, columnsOf(payment));
  return { ...next, payments: withPayment(next, payment) };
}

/**
 * The invoice is voided: its open payment's PaymentIntent, not paid and still waiting (for a
 * payment method, a confirmation or 3D Secure), is canceled with `cancellation_reason:
 * void_invoice` (`payment_intent.canceled`), as Stripe does, and the payment is `canceled`.
 * Returns the invoice with its `payments` updated (docs/decisions.md#invoice-payments).
 */
export async function cancelOpenPayment(ctx: Ctx, inv: Invoice, at: number): Promise<Invoice> {
  const open = await openInvoicePayment(ctx, inv.id);
  if (!open) return inv;
  await cancelInvoicePaymentIntent(ctx, open.payment.payment_intent, 'void_invoice', at);
  return { ...inv, payments: withPayment(inv, await cancelPayment(ctx, open, at)) };
}

/** The paid invoice payment of `paymentIntent`: the invoice's open payment completed when it is that PaymentIntent's, else a new one. */
export async function paidInvoicePayment(ctx: Ctx, invoiceId: string, paymentIntent: string, currency: string, amount: number, at: number): Promise<InvoicePayment> {
  const open = await openInvoicePayment(ctx, invoiceId);
  const paid = invoicePayment(invoiceId, paymentIntent, currency, amount, at);
  return open?.payment.payment_intent === paymentIntent ? { ...paid, id: open.id, created: open.created } : paid;
}

/** The invoice payment with this id, for `expand[]` (`inpay_`). */
export function findInvoicePayment(ctx: Ctx, id: string): Promise<InvoicePayment | undefined> {
  return payments.get(ctx.db, ctx.account, id);
}

const listShape = {
  ...listParams,
  invoice: str({ max: 5000 }),
  payment: obj({ payment_intent: str({ max: 5000 }), payment_record: str({ max: 5000 }), type: oneOf(['payment_intent', 'payment_record'] as const) }),
  status: oneOf(['canceled', 'open', 'paid'] as const),
};

export const invoicePaymentRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/invoice_payments/:id',
    async handler(ctx, req) {
      parseParams({}, req.params);
      const id = req.path.id as string;
      const text = await payments.getText(ctx.db, ctx.account, id);
      if (text === undefined) throw errors.missingResource('invoice_payment', id);
      return new RawJson(text);
    },
  },
  {
    method: 'GET',
    path: '/v1/invoice_payments',
    async handler(ctx, req) {
      const p = parseParams(listShape, req.params);
      const page = toPage(p);
      const filter: Filter = {};
      if (p.invoice !== undefined) filter.invoice_id = p.invoice;
      if (p.status !== undefined) filter.status = p.status;
      if (p.payment !== undefined) {
        if (p.payment.type === undefined) throw errors.missingParam('payment[type]');
        // Payment records do not exist offline: such a filter matches nothing.
        filter.payment_intent = p.payment.type === 'payment_intent' && p.payment.payment_intent !== undefined ? p.payment.payment_intent : '';
      }
      const result = await payments.listText(ctx.db, ctx.account, filter, page);
      return listObject(req.url, { ...result, data: result.data.map((text) => new RawJson(text)) }, 'invoice_payment', page);
    },
  },
];
