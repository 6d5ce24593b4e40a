/**
 * Draft invoices of the Invoices API: create, update, delete, and the lines and amounts a draft
 * recomputes from its invoice items whenever they change (docs/decisions.md#invoices).
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { mergeMetadata, parseParams, type InferShape } from '../../api/params.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { requireCustomer } from '../customers/service.js';
import { itemsOfInvoice, pendingItems, saveItem, type DiscountCoupons, type ItemWithCoupons } from '../invoice-items/store.js';
import { findPaymentMethod } from '../payment-methods/service.js';
import { requireTaxRates } from '../tax-rates/service.js';
import type { TaxRate } from '../tax-rates/shape.js';
import { businessNow } from '../test-clocks/store.js';
import { resolveDiscounts } from './discounts.js';
import { newInvoice } from './new-invoice.js';
import { scheduleAutoFinalize, withAutoFinalize } from './auto-advance.js';
import { scheduleOverdue } from './overdue.js';
import { invoiceCreateShape, invoiceUpdateShape } from './params.js';
import { invoices, type Invoice } from './service.js';
import { insertInvoice, invoiceCoupons, lockInvoice, removeInvoice, saveInvoice } from './store.js';
import { invoiceAmounts } from './totals.js';
import { applyPaymentSettings, type PaymentSettings } from './params-payment-settings.js';

type WritableParams = InferShape<typeof invoiceUpdateShape>;

/** A line id is its item's id under the `il_` prefix, so `remove_lines` and `update_lines` find the item. */
export const lineIdOf = (itemId: string) => `il_${itemId.slice(3)}`;
export const itemIdOf = (lineId: string) => `ii_${lineId.slice(3)}`;

/** The invoice line of an invoice item, with its share of discounts and taxes. */
function itemLine(invoiceId: string, { item }: ItemWithCoupons, amounts: { discountAmounts: Array<{ amount: number; discount: string }>; taxes: unknown[] }) {
  return {
    id: lineIdOf(item.id),
    object: 'line_item',
    amount: item.amount,
    currency: item.currency,
    description: item.description,
    discount_amounts: amounts.discountAmounts,
    discountable: item.discountable,
    discounts: item.discounts,
    invoice: invoiceId,
    livemode: false,
    metadata: item.metadata,
    parent: {
      invoice_item_details: { invoice_item: item.id, proration: false, proration_details: { credited_items: null }, subscription: null },
      subscription_item_details: null,
      type: 'invoice_item_details',
    },
    period: item.period,
    pretax_credit_amounts: [],
    pricing: item.pricing,
    quantity: item.quantity,
    taxes: amounts.taxes,
  };
}

/**
 * The draft's lines and amounts from its items, discounts and default tax rates (an item with no
 * tax rates of its own takes the invoice's `default_tax_rates`). The balance of the customer is
 * not applied (docs/decisions.md#invoices).
 */
export function computeDraft(inv: Invoice, items: readonly ItemWithCoupons[], coupons: DiscountCoupons): Invoice {
  // An invoice its subscription made keeps the lines and amounts the subscription gave it (a preview is computed here).
  if (inv.parent !== null && !inv.id.startsWith('upcoming_')) return inv;
  const defaults = inv.default_tax_rates as TaxRate[];
  const amounts = invoiceAmounts(
    items.map(({ item, coupons: c }) => ({ amount: item.amount, discountable: item.discountable, discounts: c, taxRates: item.tax_rates.length > 0 ? item.tax_rates : defaults })),
    coupons,
    inv.currency as string,
  );
  const lines = items.map((it, i) => itemLine(inv.id, it, amounts.lines[i] ?? { discountAmounts: [], taxes: [] }));
  const credited = (inv.pre_payment_credit_notes_amount as number) ?? 0;
  const due = Math.max(0, amounts.total - credited);
  return {
    ...inv,
    amount_due: due,
    amount_remaining: due - (inv.amount_paid as number),
    discounts: Object.keys(coupons),
    lines: { object: 'list', data: lines, has_more: false, total_count: lines.length, url: `/v1/invoices/${inv.id}/lines` },
    subtotal: amounts.subtotal,
    subtotal_excluding_tax: amounts.subtotalExcludingTax,
    total: amounts.total,
    total_discount_amounts: amounts.totalDiscountAmounts,
    total_excluding_tax: amounts.totalExcludingTax,
    total_taxes: amounts.totalTaxes,
  };
}

/** Recomputes a draft after its items changed, and stores it. */
export async function refreshDraft(ctx: Ctx, id: string): Promise<Invoice> {
  const inv = await lockInvoice(ctx, id);
  const next = computeDraft(inv, await itemsOfInvoice(ctx, id), await invoiceCoupons(ctx, id));
  await saveInvoice(ctx, next);
  return next;
}

/** A draft invoice a write changes (locked); unknown -> 404, any other status -> Stripe's 400. */
export async function requireDraft(ctx: Ctx, id: string, param = 'id'): Promise<Invoice> {
  const inv = await lockInvoice(ctx, id, param);
  if (inv.status !== 'draft') {
    throw errors.invalid(`You can only modify draft invoices. This invoice (${id}) has status ${inv.status}.`, param, 'invoice_not_editable');
  }
  return inv;
}

/** Whether the invoice an item is on is still a draft (its items may change). */
export async function invoiceOfItem(ctx: Ctx, id: string): Promise<boolean> {
  const inv = await invoices.get(ctx.db, ctx.account, id);
  return inv?.status === 'draft';
}

/** `send_invoice` needs a due date, and only it takes one (Stripe's checks, made on the result). */
function checkCollection(next: Invoice, p: WritableParams): void {
  if (next.collection_method === 'send_invoice' && next.due_date === null) {
    throw errors.invalid('Invoices with `collection_method=send_invoice` must have a `due_date` or `days_until_due`.', 'days_until_due');
  }
  if (next.collection_method === 'charge_automatically' && (p.days_until_due !== undefined || p.due_date !== undefined)) {
    const param = p.days_until_due !== undefined ? 'days_until_due' : 'due_date';
    throw errors.invalid(`You can only set \`${param}\` if \`collection_method\` is \`send_invoice\`.`, param);
  }
}

/** A `default_payment_method` must exist (and belong to the customer when attached). */
async function checkPaymentMethod(ctx: Ctx, id: string | null | undefined, customer: string): Promise<void> {
  if (!id) return;
  const pm = await findPaymentMethod(ctx, id);
  if (!pm) throw errors.missingResource('payment_method', id, 'default_payment_method');
  if (pm.customer !== null && pm.customer !== customer) {
    throw errors.invalid(`The PaymentMethod ${id} does not belong to the Customer ${customer}.`, 'default_payment_method');
  }
}

/** The fields create and update both set, from their params. */
async function applyWritable(ctx: Ctx, inv: Invoice, p: WritableParams): Promise<Invoice> {
  const next: Invoice = { ...inv, metadata: mergeMetadata(inv.metadata as Record<string, string>, p.metadata) };
  if (p.auto_advance !== undefined) next.auto_advance = p.auto_advance;
  // Stripe Tax computes the invoice's tax at finalization (automatic-tax.ts).
  if (p.automatic_tax !== undefined) {
    const on = p.automatic_tax.enabled;
    next.automatic_tax = { disabled_reason: null, enabled: on, liability: on ? { type: 'self' } : null, provider: on ? 'stripe' : null, status: null };
  }
  if (p.collection_method !== undefined) next.collection_method = p.collection_method;
  if (p.custom_fields !== undefined) next.custom_fields = p.custom_fields.length > 0 ? p.custom_fields : null;
  if (p.description !== undefined) next.description = p.description;
  if (p.footer !== undefined) next.footer = p.footer;
  if (p.payment_settings !== undefined) next.payment_settings = applyPaymentSettings(inv.payment_settings as PaymentSettings, p.payment_settings);
  if (p.statement_descriptor !== undefined) next.statement_descriptor = p.statement_descriptor;
  if (p.default_payment_method !== undefined) {
    await checkPaymentMethod(ctx, p.default_payment_method, inv.customer as string);
    next.default_payment_method = p.default_payment_method;
  }
  if (p.default_tax_rates !== undefined) next.default_tax_rates = await requireTaxRates(ctx, p.default_tax_rates, 'default_tax_rates');
  if (p.number !== undefined) next.number = p.number;
  if (p.effective_at !== undefined) next.effective_at = p.effective_at;
  if (p.automatically_finalizes_at !== undefined) next.automatically_finalizes_at = p.automatically_finalizes_at;
  if (p.application_fee_amount !== undefined) next.application_fee_amount = p.application_fee_amount;
  if (p.due_date !== undefined) next.due_date = p.due_date;
  else if (p.days_until_due !== undefined) next.due_date = (inv.created as number) + p.days_until_due * 86_400;
  checkCollection(next, p);
  if (next.collection_method === 'charge_automatically') next.due_date = null;
  return next;
}

/**
 * POST /v1/invoices: a draft for `customer`. With `pending_invoice_items_behavior=include` the
 * customer's pending items in the invoice's currency become its lines. Emits `invoice.created`.
 */
export async function createInvoice(ctx: Ctx, params: FormObject): Promise<Invoice> {
  const p = parseParams(invoiceCreateShape, params);
  if (p.customer === undefined) throw errors.missingParam('customer');
  if (p.subscription !== undefined) {
    throw errors.invalid('Creating an invoice for a subscription is done by the subscription itself; leave `subscription` out.', 'subscription');
  }
  const customer = await requireCustomer(ctx, p.customer);
  const now = await businessNow(ctx, customer.test_clock);
  const include = p.pending_invoice_items_behavior === 'include';
  const pendingAny = include ? await pendingItems(ctx, customer.id, null) : [];
  const currency = (p.currency ?? customer.currency ?? pendingAny[0]?.item.currency ?? 'usd').toLowerCase();
  const pending = pendingAny.filter((i) => i.item.currency === currency);
  const id = newId('in_');
  const base = newInvoice(id, customer, currency, now, 'manual');
  const written = await applyWritable(ctx, base, p);
  const coupons = await resolveDiscounts(ctx, p.discounts ?? [], 'discounts');
  for (const it of pending) {
    it.item.invoice = id;
    await saveItem(ctx, it.item, it.coupons);
  }
  const inv = withAutoFinalize(computeDraft(written, pending, coupons));
  await insertInvoice(ctx, inv, coupons);
  await scheduleAutoFinalize(ctx, inv);
  await emit(ctx, 'invoice.created', inv, undefined, now);
  return inv;
}

/** Fields Stripe still lets change once an invoice is finalized. */
const FINALIZED_WRITABLE = new Set(['auto_advance', 'custom_fields', 'description', 'footer', 'metadata', 'rendering', 'days_until_due', 'due_date', 'expand']);

/**
 * POST /v1/invoices/:id: any field of a draft; once finalized only the few Stripe allows (a paid
 * or void invoice only `metadata` ... and the texts). Emits `invoice.updated` with the previous values.
 */
export async function updateInvoice(ctx: Ctx, id: string, params: FormObject): Promise<Invoice> {
  const p = parseParams(invoiceUpdateShape, params);
  const current = await lockInvoice(ctx, id, 'id');
  if (current.status !== 'draft') {
    for (const key of Object.keys(params)) {
      if (!FINALIZED_WRITABLE.has(key)) throw errors.invalid(`Finalized invoices can't be updated in this way: you can't set \`${key}\` once the invoice is finalized.`, key);
    }
    if ((current.status === 'paid' || current.status === 'void') && (p.days_until_due !== undefined || p.due_date !== undefined || p.auto_advance !== undefined)) {
      throw errors.invalid(`You can't change the due date or auto_advance of an invoice with status ${current.status}.`, p.auto_advance !== undefined ? 'auto_advance' : 'due_date');
    }
  }
  let next = await applyWritable(ctx, current, p);
  let coupons: DiscountCoupons | undefined;
  if (p.discounts !== undefined) coupons = await resolveDiscounts(ctx, p.discounts, 'discounts', await invoiceCoupons(ctx, id));
  if (next.status === 'draft') next = withAutoFinalize(computeDraft(next, await itemsOfInvoice(ctx, id), coupons ?? (await invoiceCoupons(ctx, id))));
  const prev = previousAttributes(current, next);
  if (Object.keys(prev).length === 0) return current;
  await saveInvoice(ctx, next, coupons);
  if ('due_date' in prev) await scheduleOverdue(ctx, next);
  if ('automatically_finalizes_at' in prev || 'auto_advance' in prev) await scheduleAutoFinalize(ctx, next);
  await emit(ctx, 'invoice.updated', next, prev);
  return next;
}

/** DELETE /v1/invoices/:id: only a draft; its items become pending again. Emits `invoice.deleted`. */
export async function deleteInvoice(ctx: Ctx, id: string): Promise<{ id: string; object: 'invoice'; deleted: true }> {
  const inv = await lockInvoice(ctx, id, 'id');
  if (inv.status !== 'draft') throw errors.invalid('You can only delete draft invoices.', 'id');
  for (const it of await itemsOfInvoice(ctx, id)) {
    it.item.invoice = null;
    await saveItem(ctx, it.item, it.coupons);
  }
  await removeInvoice(ctx, id);
  await emit(ctx, 'invoice.deleted', inv);
  return { id, object: 'invoice', deleted: true };
}
