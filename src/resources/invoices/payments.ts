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
import type { InvoicePayment } from './new-invoice.js';

const payments = new ObjectTable<InvoicePayment>('invoice_payments');

/** Stores a payment of an invoice (built by `invoicePayment`) and emits `invoice_payment.paid`. */
export async function recordInvoicePayment(ctx: Ctx, payment: InvoicePayment): Promise<void> {
  await payments.insert(ctx.db, ctx.account, payment, { invoice_id: payment.invoice, payment_intent: payment.payment.payment_intent, status: payment.status });
  await emit(ctx, 'invoice_payment.paid', payment, undefined, payment.created);
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
