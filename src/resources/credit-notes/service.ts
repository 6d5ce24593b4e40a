/**
 * Credit notes (`/v1/credit_notes`): amounts credited against an open or paid invoice
 * (docs/decisions.md#credit-notes).
 */
import type { Ctx } from '../../api/context.js';
import { errors, StripeError } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, listParams, pageInMemory, toPage, type ListObject } from '../../api/list.js';
import { arr, int, mergeMetadata, metadata, obj, oneOf, parseParams, required, str } from '../../api/params.js';
import { RawJson } from '../../api/raw.js';
import { emit, previousAttributes } from '../../events/emit.js';
import type { Filter } from '../../store/objects.js';
import { moveCustomerBalance } from '../customer-balance-transactions/service.js';
import { lockCustomer } from '../customers/service.js';
import { applyCreditNote, creditable, invoiceForCredit } from '../invoices/credit.js';
import { taxOf } from '../invoices/totals.js';
import { requireTaxRates } from '../tax-rates/service.js';
import type { TaxRate } from '../tax-rates/shape.js';
import { findTaxRate } from '../tax-rates/store.js';
import { creditNoteTotals, creditOfAmount, creditOfLine, creditedSoFar, type CreditedInvoiceLine, type CreditedSoFar, type DiscountShare } from './amounts.js';
import { accepted } from '../invoices/params.js';
import type { Invoice, InvoiceTax } from '../invoices/service.js';
import { createRefund } from '../refunds/service.js';
import { findRefund } from '../refunds/store.js';
import { businessNow } from '../test-clocks/store.js';
import { creditNoteColumns, creditNotes, type CreditNote } from './store.js';

const REASONS = ['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory'] as const;

const createShape = {
  invoice: required(str({ max: 5000 })),
  amount: int({ min: 0 }),
  credit_amount: int({ min: 0 }),
  effective_at: int({ min: 0 }),
  email_type: oneOf(['credit_note', 'none'] as const),
  lines: arr(
    obj({
      amount: int({ min: 0 }),
      description: str({ max: 5000 }),
      invoice_line_item: str({ max: 5000 }),
      metadata: metadata(),
      quantity: int({ min: 0 }),
      tax_amounts: arr(obj({ amount: int({ min: 0 }), tax_rate: str({ max: 5000 }), taxable_amount: int({ min: 0 }) }), { max: 10 }),
      tax_rates: arr(str({ max: 5000 })),
      type: required(oneOf(['custom_line_item', 'invoice_line_item'] as const)),
      unit_amount: int({ min: 0 }),
      unit_amount_decimal: str({ max: 30, pattern: /^\d{1,15}(\.\d{1,12})?$/ }),
    }),
  ),
  memo: str({ max: 5000 }),
  metadata: metadata(),
  out_of_band_amount: int({ min: 0 }),
  reason: oneOf(REASONS),
  refund_amount: int({ min: 0 }),
  refunds: arr(
    obj({
      amount_refunded: int({ min: 1 }),
      payment_record_refund: accepted(),
      refund: str({ max: 5000 }),
      type: oneOf(['payment_record_refund', 'refund'] as const),
    }),
  ),
  shipping_cost: accepted(),
};
type CreateParams = ReturnType<typeof parseCreate>;
const parseCreate = (params: FormObject) => parseParams(createShape, params);

/** A tax rate of the account by id, as the credit note line shows it (`tax_rates[]`), or a stand-in for one Stripe Tax applied. */
async function taxRateObjects(ctx: Ctx, ids: readonly string[]): Promise<object[]> {
  const out: object[] = [];
  for (const id of ids) {
    const rate = await findTaxRate(ctx, id);
    if (rate) out.push(rate);
  }
  return out;
}

/** `tax_amounts[]` of a line: the taxes given as they are (a rate the invoice line has keeps its behaviour). */
async function givenTaxes(ctx: Ctx, given: ReadonlyArray<{ amount?: number | undefined; tax_rate?: string | undefined; taxable_amount?: number | undefined }>, line: CreditedInvoiceLine | undefined, at: string): Promise<InvoiceTax[]> {
  return Promise.all(
    given.map(async (g, j) => {
      if (g.amount === undefined) throw errors.missingParam(`${at}[tax_amounts][${j}][amount]`);
      if (g.tax_rate === undefined) throw errors.missingParam(`${at}[tax_amounts][${j}][tax_rate]`);
      if (g.taxable_amount === undefined) throw errors.missingParam(`${at}[tax_amounts][${j}][taxable_amount]`);
      const onLine = line?.taxes?.find((t) => t.tax_rate_details.tax_rate === g.tax_rate);
      const rate = onLine ? undefined : await findTaxRate(ctx, g.tax_rate);
      if (!onLine && !rate) throw errors.missingResource('tax_rate', g.tax_rate, `${at}[tax_amounts][${j}][tax_rate]`);
      const inclusive = onLine ? onLine.tax_behavior === 'inclusive' : (rate as TaxRate).inclusive;
      return { amount: g.amount, tax_behavior: inclusive ? 'inclusive' : 'exclusive', tax_rate_details: { tax_rate: g.tax_rate }, taxability_reason: onLine?.taxability_reason ?? 'standard_rated', taxable_amount: g.taxable_amount, type: 'tax_rate_details' } as InvoiceTax;
    }),
  );
}

interface BuiltLine {
  line: Record<string, unknown>;
  amount: number;
  discounts: DiscountShare[];
  taxes: InvoiceTax[];
}

/**
 * The credit note's lines (`cnli_`) with their discounts' and taxes' shares, from `lines`; or,
 * from `amount` alone, no lines and the invoice's taxes in proportion
 * (docs/decisions.md#credit-notes).
 */
async function creditLines(ctx: Ctx, inv: Invoice, p: CreateParams, soFar: CreditedSoFar) {
  const invoiceLines = (inv.lines as { data: CreditedInvoiceLine[] }).data;
  if (p.lines === undefined) {
    if (p.amount === undefined) throw errors.invalid('You must pass either `amount` or `lines` to create a credit note.', 'amount');
    const taxes = creditOfAmount((inv.total_taxes as InvoiceTax[] | null) ?? [], inv.total as number, p.amount, soFar);
    const exclusive = taxes.filter((t) => t.tax_behavior === 'exclusive').reduce((sum, t) => sum + t.amount, 0);
    return { lines: [] as object[], totals: creditNoteTotals([{ amount: p.amount - exclusive, discounts: [], taxes: [] }], taxes) };
  }
  const taken = new Map<string, number>();
  const built: BuiltLine[] = [];
  for (const [i, l] of p.lines.entries()) {
    const at = `lines[${i}]`;
    let amount: number;
    let quantity = l.quantity ?? 1;
    let unit: number | null;
    let invoiceLine: CreditedInvoiceLine | undefined;
    let description = l.description ?? null;
    let discounts: DiscountShare[] = [];
    let taxes: InvoiceTax[] = [];
    let rates: object[] = [];
    if (l.tax_amounts !== undefined && l.tax_rates !== undefined) throw errors.invalid('You may only specify one of `tax_amounts` and `tax_rates`.', `${at}[tax_rates]`);
    if (l.type === 'invoice_line_item') {
      if (l.invoice_line_item === undefined) throw errors.missingParam(`${at}[invoice_line_item]`);
      const line = invoiceLines.find((x) => x.id === l.invoice_line_item);
      if (!line) throw errors.missingResource('line_item', l.invoice_line_item, `${at}[invoice_line_item]`);
      invoiceLine = line;
      description ??= line.description;
      const lineQty = line.quantity ?? 1;
      if (l.amount !== undefined) {
        amount = l.amount;
        unit = null;
      } else {
        quantity = l.quantity ?? lineQty;
        if (quantity > lineQty) throw errors.invalid(`The quantity (${quantity}) is more than the invoice line item's quantity (${lineQty}).`, `${at}[quantity]`);
        amount = lineQty === 0 ? 0 : Math.round((line.amount * quantity) / lineQty);
        unit = lineQty === 0 ? 0 : Math.round(line.amount / lineQty);
      }
      // What earlier credit notes (and this one's other lines) credited of the line is not credited again.
      const before = (soFar.lines.get(line.id)?.amount ?? 0) + (taken.get(line.id) ?? 0);
      if (before + amount > line.amount) {
        throw errors.invalid(`The amount (${amount}) is more than what is left to credit on the invoice line item (${line.amount - before}).`, `${at}[${l.amount !== undefined ? 'amount' : 'quantity'}]`);
      }
      const shares = creditOfLine(line, amount, { ...soFar, lines: new Map([[line.id, { amount: before, discounts: new Map(), taxes: new Map(), taxable: new Map() }]]) });
      taken.set(line.id, (taken.get(line.id) ?? 0) + amount);
      discounts = shares.discounts;
      taxes = shares.taxes;
      rates = await taxRateObjects(ctx, taxes.map((t) => t.tax_rate_details.tax_rate));
    } else {
      const u = l.unit_amount ?? (l.unit_amount_decimal !== undefined ? Math.round(Number(l.unit_amount_decimal)) : undefined);
      if (u === undefined) throw errors.missingParam(`${at}[unit_amount]`);
      unit = u;
      amount = u * quantity;
      if (l.tax_rates !== undefined) {
        const found = await requireTaxRates(ctx, l.tax_rates, `${at}[tax_rates]`);
        taxes = found.map((rate) => taxOf(rate, amount));
        rates = found;
      }
    }
    if (l.tax_amounts !== undefined) {
      taxes = await givenTaxes(ctx, l.tax_amounts, invoiceLine, at);
      rates = await taxRateObjects(ctx, taxes.map((t) => t.tax_rate_details.tax_rate));
    }
    const discount = discounts.reduce((sum, d) => sum + d.amount, 0);
    built.push({
      amount,
      discounts,
      taxes,
      line: {
        id: newId('cnli_'),
        object: 'credit_note_line_item',
        amount,
        description,
        discount_amount: discount,
        discount_amounts: discounts,
        ...(invoiceLine ? { invoice_line_item: invoiceLine.id } : {}),
        livemode: false,
        metadata: mergeMetadata({}, l.metadata),
        pretax_credit_amounts: discounts.filter((d) => d.amount > 0).map((d) => ({ amount: d.amount, discount: d.discount, type: 'discount' })),
        quantity,
        tax_rates: rates,
        taxes,
        type: l.type,
        unit_amount: unit,
        unit_amount_decimal: unit === null ? null : String(unit),
      },
    });
  }
  const totals = creditNoteTotals(built);
  if (p.amount !== undefined && p.amount !== totals.total) {
    throw errors.invalid(`The amount (${p.amount}) must equal the credit note's total of its lines, tax included (${totals.total}).`, 'amount');
  }
  return { lines: built.map((b) => b.line), totals };
}

/** How a post-payment credit note is settled: refunded, credited to the balance, or out of band; adding up to its total. */
function settlement(p: CreateParams, total: number, type: 'pre_payment' | 'post_payment', linked: number) {
  const refund = (p.refund_amount ?? 0) + linked;
  const outOfBand = p.out_of_band_amount ?? 0;
  if (type === 'pre_payment') {
    if (refund > 0 || (p.credit_amount ?? 0) > 0 || outOfBand > 0) {
      throw errors.invalid('`refund_amount`, `credit_amount` and `out_of_band_amount` apply to a credit note of a paid invoice only.', p.refund_amount ? 'refund_amount' : p.credit_amount ? 'credit_amount' : 'out_of_band_amount');
    }
    return { refund: 0, credit: 0, outOfBand: 0 };
  }
  const credit = p.credit_amount ?? Math.max(0, total - refund - outOfBand);
  if (refund + credit + outOfBand !== total) {
    throw errors.invalid(`The sum of refund_amount, credit_amount and out_of_band_amount (${refund + credit + outOfBand}) must equal the credit note's total (${total}).`, 'credit_amount');
  }
  return { refund, credit, outOfBand };
}

/** The credit note `p` describes against `inv`, not stored. */
async function buildCreditNote(ctx: Ctx, inv: Invoice, p: CreateParams, now: number): Promise<{ cn: CreditNote; toBalance: number; refundAmount: number }> {
  const id = newId('cn_');
  const earlier = await creditNotes.select(ctx.db, ctx.account, { invoice_id: inv.id }, ['id', 'data']);
  const soFar = creditedSoFar(earlier.map((r) => JSON.parse(r.data as string) as Record<string, unknown>));
  const { lines, totals } = await creditLines(ctx, inv, p, soFar);
  const total = totals.total;
  if (total <= 0) throw errors.invalid('The credit note total must be greater than 0.', p.lines ? 'lines' : 'amount');
  const { type, max } = creditable(inv);
  if (total > max) {
    throw errors.invalid(`The credit note total (${total}) is more than what the invoice has left to credit (${max}).`, p.lines ? 'lines' : 'amount');
  }
  const linked = await linkedRefunds(ctx, inv, p);
  const s = settlement(p, total, type, linked.reduce((sum, r) => sum + r.amount_refunded, 0));
  const discountAmounts = totals.discountAmounts.filter((d) => d.amount > 0);
  const cn: CreditNote = {
    id,
    object: 'credit_note',
    amount: total,
    amount_shipping: 0,
    created: now,
    currency: inv.currency,
    customer: inv.customer as string,
    customer_account: null,
    customer_balance_transaction: null,
    discount_amount: totals.discount,
    discount_amounts: discountAmounts,
    effective_at: p.effective_at ?? now,
    invoice: inv.id,
    lines: { object: 'list', data: lines.map((l) => ({ ...l })), has_more: false, url: `/v1/credit_notes/${id}/lines` },
    livemode: false,
    memo: p.memo ?? null,
    metadata: mergeMetadata({}, p.metadata),
    number: `${String(inv.number)}-CN-${String(earlier.length + 1).padStart(2, '0')}`,
    out_of_band_amount: type === 'post_payment' && s.outOfBand > 0 ? s.outOfBand : null,
    pdf: `${ctx.deps.publicUrl()}/invoices/${inv.id}/pdf`,
    post_payment_amount: type === 'post_payment' ? total : 0,
    pre_payment_amount: type === 'pre_payment' ? total : 0,
    pretax_credit_amounts: discountAmounts.map((d) => ({ amount: d.amount, discount: d.discount, type: 'discount' })),
    reason: p.reason ?? null,
    refunds: linked.map((r) => ({ amount_refunded: r.amount_refunded, payment_record_refund: null, refund: r.refund, type: 'refund' as const })),
    shipping_cost: null,
    status: 'issued',
    subtotal: totals.subtotal,
    subtotal_excluding_tax: totals.subtotalExcludingTax,
    total,
    total_excluding_tax: totals.totalExcludingTax,
    total_taxes: totals.totalTaxes,
    type,
    voided_at: null,
  };
  return { cn, toBalance: s.credit, refundAmount: p.refund_amount ?? 0 };
}

/** The PaymentIntent that paid the invoice (its paid invoice payment), if any. */
function paidPaymentIntent(inv: Invoice): string | undefined {
  const paid = (inv.payments as { data: Array<{ status: string; payment: { payment_intent?: string | null } }> } | undefined)?.data ?? [];
  return paid.find((x) => x.status === 'paid' && typeof x.payment.payment_intent === 'string')?.payment.payment_intent ?? undefined;
}

/** `refunds[]`: existing refunds of the invoice's payment linked to the credit note (docs/decisions.md#credit-notes). */
async function linkedRefunds(ctx: Ctx, inv: Invoice, p: CreateParams): Promise<Array<{ refund: string; amount_refunded: number }>> {
  if (p.refunds === undefined) return [];
  const pi = paidPaymentIntent(inv);
  return Promise.all(
    p.refunds.map(async (r, i) => {
      const at = `refunds[${i}]`;
      if (r.type === 'payment_record_refund') throw errors.invalid('Payment record refunds are not available here.', `${at}[type]`);
      if (r.refund === undefined) throw errors.missingParam(`${at}[refund]`);
      const refund = await findRefund(ctx, r.refund);
      if (!refund) throw errors.missingResource('refund', r.refund, `${at}[refund]`);
      if (pi === undefined || refund.payment_intent !== pi) throw errors.invalid(`The refund ${refund.id} is not a refund of this invoice's payment.`, `${at}[refund]`);
      const amount = r.amount_refunded ?? refund.amount;
      if (amount > refund.amount) throw errors.invalid(`The amount_refunded (${amount}) is more than the refund's amount (${refund.amount}).`, `${at}[amount_refunded]`);
      return { refund: refund.id, amount_refunded: amount };
    }),
  );
}

/**
 * `refund_amount`: a Refund of the invoice's charge, in the same transaction (`refund.created`,
 * `charge.refunded`); never more than the charge has left (docs/decisions.md#credit-notes).
 */
async function refundInvoicePayment(ctx: Ctx, inv: Invoice, amount: number): Promise<{ refund: string; amount_refunded: number }> {
  const pi = paidPaymentIntent(inv);
  if (pi === undefined) throw errors.invalid(`Invoice ${inv.id} was not paid through a payment that can be refunded: use credit_amount or out_of_band_amount.`, 'refund_amount');
  try {
    const refund = await createRefund(ctx, { payment_intent: pi, amount: String(amount) });
    return { refund: refund.id, amount_refunded: amount };
  } catch (e) {
    if (e instanceof StripeError && e.body.param === 'amount') e.body.param = 'refund_amount';
    throw e;
  }
}

/** Credits (negative) or debits the customer's balance by a credit note: its customer balance transaction (`credit_note`). */
async function moveBalance(ctx: Ctx, cn: CreditNote, amount: number): Promise<string> {
  const customer = await lockCustomer(ctx, cn.customer, 'customer');
  return moveCustomerBalance(ctx, customer, { amount, currency: cn.currency as string, type: 'credit_note', credit_note: cn.id, invoice: cn.invoice });
}

/** POST /v1/credit_notes: issues a credit note; emits `credit_note.created` (and `invoice.updated`). */
export async function createCreditNote(ctx: Ctx, params: FormObject): Promise<CreditNote> {
  const p = parseCreate(params);
  const inv = await invoiceForCredit(ctx, p.invoice, true);
  const now = await businessNow(ctx, inv.test_clock as string | null);
  const { cn, toBalance, refundAmount } = await buildCreditNote(ctx, inv, p, now);
  if (refundAmount > 0) cn.refunds = [...(cn.refunds as object[]), { ...(await refundInvoicePayment(ctx, inv, refundAmount)), payment_record_refund: null, type: 'refund' }];
  if (toBalance > 0) cn.customer_balance_transaction = await moveBalance(ctx, cn, -toBalance);
  await creditNotes.insert(ctx.db, ctx.account, cn, creditNoteColumns(cn));
  await applyCreditNote(ctx, inv.id, cn.type as 'pre_payment' | 'post_payment', cn.total as number, now);
  await emit(ctx, 'credit_note.created', cn, undefined, now);
  return cn;
}

/** GET /v1/credit_notes/preview: the credit note `params` would issue, stored nowhere. */
export async function previewCreditNote(ctx: Ctx, params: FormObject): Promise<CreditNote> {
  const p = parseCreate(params);
  const inv = await invoiceForCredit(ctx, p.invoice, false);
  const { cn } = await buildCreditNote(ctx, inv, p, await businessNow(ctx, inv.test_clock as string | null));
  return cn;
}

/** GET /v1/credit_notes/preview/lines */
export async function previewCreditNoteLines(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<object>> {
  const { limit, starting_after, ending_before, ...rest } = params;
  const cn = await previewCreditNote(ctx, rest as FormObject);
  const page = toPage(parseParams({ limit: listParams.limit, starting_after: listParams.starting_after, ending_before: listParams.ending_before }, { ...(limit !== undefined ? { limit } : {}), ...(starting_after !== undefined ? { starting_after } : {}), ...(ending_before !== undefined ? { ending_before } : {}) }));
  return listObject(url, pageInMemory((cn.lines as { data: Array<{ id: string }> }).data, page), 'credit_note_line_item', page);
}

/** GET /v1/credit_notes/:id */
export async function retrieveCreditNote(ctx: Ctx, id: string): Promise<RawJson> {
  const text = await creditNotes.getText(ctx.db, ctx.account, id);
  if (text === undefined) throw errors.missingResource('credit_note', id);
  return new RawJson(text);
}

/** GET /v1/credit_notes/:id/lines */
export async function listCreditNoteLines(ctx: Ctx, id: string, params: FormObject, url: string): Promise<ListObject<object>> {
  const p = parseParams(listParams, params);
  const cn = await creditNotes.get(ctx.db, ctx.account, id);
  if (!cn) throw errors.missingResource('credit_note', id);
  const page = toPage(p);
  return listObject(url, pageInMemory((cn.lines as { data: Array<{ id: string }> }).data, page), 'credit_note_line_item', page);
}

/** POST /v1/credit_notes/:id: `memo` and `metadata`; emits `credit_note.updated` with the previous values. */
export async function updateCreditNote(ctx: Ctx, id: string, params: FormObject): Promise<CreditNote> {
  const p = parseParams({ memo: str({ max: 5000 }), metadata: metadata() }, params);
  const current = await creditNotes.getForUpdate(ctx.db, ctx.account, id);
  if (!current) throw errors.missingResource('credit_note', id);
  const next: CreditNote = { ...current, memo: p.memo ?? current.memo, metadata: mergeMetadata(current.metadata as Record<string, string>, p.metadata) };
  const prev = previousAttributes(current, next);
  if (Object.keys(prev).length === 0) return current;
  await creditNotes.update(ctx.db, ctx.account, next, creditNoteColumns(next));
  await emit(ctx, 'credit_note.updated', next, prev);
  return next;
}

/** POST /v1/credit_notes/:id/void: undoes an issued credit note; emits `credit_note.voided`. */
export async function voidCreditNote(ctx: Ctx, id: string, params: FormObject): Promise<CreditNote> {
  parseParams({}, params);
  const current = await creditNotes.getForUpdate(ctx.db, ctx.account, id);
  if (!current) throw errors.missingResource('credit_note', id);
  if (current.status === 'void') throw errors.invalid('This credit note has already been voided.', 'id');
  const now = await businessNow(ctx, null);
  // Refunds stay refunded: only the part credited to the balance goes back.
  const refunded = (current.refunds as Array<{ amount_refunded: number }>).reduce((sum, r) => sum + r.amount_refunded, 0);
  const toBalance = (current.total as number) - ((current.out_of_band_amount as number | null) ?? 0) - refunded;
  if (current.type === 'post_payment' && toBalance > 0) await moveBalance(ctx, current, toBalance);
  await applyCreditNote(ctx, current.invoice, current.type as 'pre_payment' | 'post_payment', -(current.total as number), now);
  const next: CreditNote = { ...current, status: 'void', voided_at: now };
  await creditNotes.update(ctx.db, ctx.account, next, creditNoteColumns(next));
  await emit(ctx, 'credit_note.voided', next, undefined, now);
  return next;
}

/** GET /v1/credit_notes: newest first; filters `customer`, `invoice`, `created`. */
export async function listCreditNotes(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<RawJson>> {
  const p = parseParams({ ...listParams, customer: str({ max: 5000 }), customer_account: str({ max: 5000 }), invoice: str({ max: 5000 }) }, params);
  const page = toPage(p);
  const filter: Filter = {};
  if (p.customer !== undefined) filter.customer_id = p.customer;
  if (p.invoice !== undefined) filter.invoice_id = p.invoice;
  const result = await creditNotes.listText(ctx.db, ctx.account, filter, page);
  return listObject(url, { ...result, data: result.data.map((t) => new RawJson(t)) }, 'credit_note', page);
}
