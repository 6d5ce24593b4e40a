/**
 * Invoice items (`/v1/invoiceitems`): one-off amounts for a customer, pending until an invoice
 * takes them in, or added straight to a draft invoice (docs/decisions.md#invoices).
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, toPage, type ListObject } from '../../api/list.js';
import { mergeMetadata, parseParams } from '../../api/params.js';
import { RawJson } from '../../api/raw.js';
import { emit } from '../../events/emit.js';
import type { Filter } from '../../store/objects.js';
import { requireCustomer } from '../customers/service.js';
import { resolveDiscounts } from '../invoices/discounts.js';
import { invoiceOfItem, refreshDraft, requireDraft } from '../invoices/draft.js';
import { createInlinePrice, requirePrice } from '../prices/service.js';
import { requireTaxRates } from '../tax-rates/service.js';
import { businessNow } from '../test-clocks/store.js';
import { itemCreateShape, itemListShape, itemUpdateShape } from './params.js';
import { findInvoiceItem, invoiceItems, removeItem, saveItem, type DiscountCoupons, type InvoiceItem } from './store.js';

type ItemParams = ReturnType<typeof parseCreate>;
const parseCreate = (params: FormObject) => parseParams(itemCreateShape, params);

/** `created` is kept for the store's order but is not a field of Stripe's InvoiceItem: not served. */
function hideCreated<T extends object>(object: T, created: number): T & { created: number } {
  Object.defineProperty(object, 'created', { value: created, enumerable: false, writable: true });
  return object as T & { created: number };
}

/** The unit amount and pricing a price, `price_data` or `unit_amount_decimal` gives the item. */
async function pricingOf(ctx: Ctx, p: Partial<ItemParams>): Promise<{ unit: number | null; currency: string | null; pricing: InvoiceItem['pricing'] }> {
  const sources = [p.pricing?.price, p.price_data, p.unit_amount_decimal, p.amount].filter((x) => x !== undefined).length;
  if (sources > 1) throw errors.invalid('You may only specify one of these parameters: amount, price_data, pricing, unit_amount_decimal.', 'amount');
  if (p.pricing?.price !== undefined || p.price_data !== undefined) {
    const price = p.pricing?.price !== undefined ? await requirePrice(ctx, p.pricing.price, 'pricing[price]') : await createInlinePrice(ctx, p.price_data, 'price_data');
    if (price.type === 'recurring' && p.pricing?.price !== undefined) {
      throw errors.invalid(`The price specified is set to \`type=recurring\` but this field only accepts prices with \`type=one_time\`.`, 'pricing[price]');
    }
    const unit = price.unit_amount ?? 0;
    return { unit, currency: price.currency, pricing: { price_details: { price: price.id, product: price.product as string }, type: 'price_details', unit_amount_decimal: String(unit) } };
  }
  if (p.unit_amount_decimal !== undefined) {
    const unit = Math.round(Number(p.unit_amount_decimal));
    return { unit, currency: null, pricing: { price_details: null, type: 'price_details', unit_amount_decimal: p.unit_amount_decimal } };
  }
  return { unit: null, currency: null, pricing: null };
}

/** POST /v1/invoiceitems: a pending item of the customer, or a line of a draft `invoice`; emits `invoiceitem.created`. */
export async function createInvoiceItem(ctx: Ctx, params: FormObject): Promise<InvoiceItem> {
  const p = parseCreate(params);
  const invoice = p.invoice !== undefined ? await requireDraft(ctx, p.invoice, 'invoice') : undefined;
  const customerId = p.customer ?? (invoice?.customer as string | undefined);
  if (customerId === undefined) throw errors.missingParam('customer');
  if (invoice && invoice.customer !== customerId) throw errors.invalid(`The invoice '${invoice.id}' does not belong to the customer '${customerId}'.`, 'invoice');
  const customer = await requireCustomer(ctx, customerId);
  const priced = await pricingOf(ctx, p);
  const currency = (p.currency ?? priced.currency ?? (invoice?.currency as string | undefined) ?? customer.currency ?? '').toLowerCase();
  if (priced.unit === null && p.amount === undefined) throw errors.missingParam('amount');
  if (currency === '') throw errors.missingParam('currency');
  if (priced.currency !== null && p.currency !== undefined && p.currency.toLowerCase() !== priced.currency) {
    throw errors.invalid(`The price's currency (${priced.currency}) does not match the currency passed (${p.currency.toLowerCase()}).`, 'currency');
  }
  if (invoice && invoice.currency !== currency) {
    throw errors.invalid(`The currency of the invoice item (${currency}) must match the currency of the invoice (${String(invoice.currency)}).`, 'currency');
  }
  const quantity = p.quantity ?? 1;
  const amount = priced.unit !== null ? priced.unit * quantity : (p.amount as number);
  const now = await businessNow(ctx, customer.test_clock);
  const coupons = await resolveDiscounts(ctx, p.discounts ?? [], 'discounts');
  const taxRates = await requireTaxRates(ctx, p.tax_rates ?? [], 'tax_rates');
  const item: InvoiceItem = hideCreated(
    {
      id: newId('ii_'),
      object: 'invoiceitem',
      amount,
      currency,
      customer: customer.id,
      customer_account: null,
      date: now,
      description: p.description ?? null,
      discountable: p.discountable ?? true,
      discounts: Object.keys(coupons),
      invoice: invoice?.id ?? null,
      livemode: false,
      metadata: mergeMetadata({}, p.metadata),
      net_amount: amount,
      parent: null,
      period: p.period ?? { end: now, start: now },
      pricing: priced.pricing,
      proration: false,
      quantity,
      quantity_decimal: String(quantity),
      tax_rates: taxRates,
      test_clock: customer.test_clock,
    } as Omit<InvoiceItem, 'created'> as InvoiceItem,
    now,
  );
  await saveItem(ctx, item, coupons, true);
  await emit(ctx, 'invoiceitem.created', item, undefined, now);
  if (invoice) await refreshDraft(ctx, invoice.id);
  return item;
}

/** GET /v1/invoiceitems/:id */
export async function retrieveInvoiceItem(ctx: Ctx, id: string): Promise<RawJson> {
  const text = await invoiceItems.getText(ctx.db, ctx.account, id);
  if (text === undefined) throw errors.missingResource('invoiceitem', id);
  return new RawJson(text);
}

/** An item that may still change: pending, or on a draft invoice. */
async function requireChangeable(ctx: Ctx, id: string): Promise<InvoiceItem> {
  const item = await invoiceItems.getForUpdate(ctx.db, ctx.account, id);
  if (!item) throw errors.missingResource('invoiceitem', id);
  if (item.invoice !== null && !(await invoiceOfItem(ctx, item.invoice))) {
    throw errors.invalid(`Invoice item ${id} is on an invoice that is no longer a draft, and can no longer be updated.`, 'id');
  }
  return item;
}

/** The coupons column of an item. */
async function couponsOf(ctx: Ctx, id: string): Promise<DiscountCoupons> {
  const row = await invoiceItems.row(ctx.db, ctx.account, id, ['coupons']);
  return JSON.parse(String(row?.coupons ?? '{}')) as DiscountCoupons;
}

/**
 * Applies line params to an item (`POST /v1/invoiceitems/:id`, and an invoice's `update_lines`):
 * the new amount, pricing, quantity, discounts, tax rates. Refreshes its draft invoice.
 */
export async function applyItemUpdate(ctx: Ctx, id: string, p: Partial<ItemParams>, param = ''): Promise<InvoiceItem> {
  const current = await requireChangeable(ctx, id);
  const next: InvoiceItem = hideCreated({ ...current }, current.date);
  const coupons = p.discounts !== undefined ? await resolveDiscounts(ctx, p.discounts, `${param}discounts`, await couponsOf(ctx, id)) : await couponsOf(ctx, id);
  const repriced = p.pricing !== undefined || p.price_data !== undefined || p.unit_amount_decimal !== undefined;
  if (repriced) {
    const priced = await pricingOf(ctx, p);
    next.pricing = priced.pricing;
  }
  if (p.quantity !== undefined) next.quantity = p.quantity;
  next.quantity_decimal = String(next.quantity);
  if (p.amount !== undefined) {
    next.amount = p.amount;
    next.pricing = null;
  } else if (next.pricing?.unit_amount_decimal != null) {
    next.amount = Math.round(Number(next.pricing.unit_amount_decimal) * next.quantity);
  } else if (p.quantity !== undefined && current.quantity > 0) {
    next.amount = Math.round((current.amount / current.quantity) * next.quantity);
  }
  next.net_amount = next.amount;
  if (p.description !== undefined) next.description = p.description;
  if (p.discountable !== undefined) next.discountable = p.discountable;
  if (p.period !== undefined) next.period = p.period;
  if (p.tax_rates !== undefined) next.tax_rates = await requireTaxRates(ctx, p.tax_rates, `${param}tax_rates`);
  next.discounts = Object.keys(coupons);
  next.metadata = mergeMetadata(current.metadata, p.metadata);
  await saveItem(ctx, next, coupons);
  if (next.invoice !== null) await refreshDraft(ctx, next.invoice);
  return next;
}

/** POST /v1/invoiceitems/:id */
export async function updateInvoiceItem(ctx: Ctx, id: string, params: FormObject): Promise<InvoiceItem> {
  return applyItemUpdate(ctx, id, parseParams(itemUpdateShape, params));
}

/** DELETE /v1/invoiceitems/:id: a pending item, or one on a draft; emits `invoiceitem.deleted`. */
export async function deleteInvoiceItem(ctx: Ctx, id: string): Promise<{ id: string; object: 'invoiceitem'; deleted: true }> {
  const item = await requireChangeable(ctx, id);
  await removeItem(ctx, id);
  await emit(ctx, 'invoiceitem.deleted', item);
  if (item.invoice !== null) await refreshDraft(ctx, item.invoice);
  return { id, object: 'invoiceitem', deleted: true };
}

/** GET /v1/invoiceitems: newest first; filters `customer`, `invoice`, `pending`, `created`. */
export async function listInvoiceItems(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<RawJson>> {
  const p = parseParams(itemListShape, params);
  const page = toPage(p);
  const filter: Filter = {};
  if (p.customer !== undefined) filter.customer_id = p.customer;
  if (p.invoice !== undefined) filter.invoice_id = p.invoice;
  if (p.pending === true) filter.invoice_id = null;
  if (p.pending === false && p.invoice === undefined) filter.invoice_id = { like: 'in\\_%' };
  const result = await invoiceItems.listText(ctx.db, ctx.account, filter, page);
  return listObject(url, { ...result, data: result.data.map((t) => new RawJson(t)) }, 'invoiceitem', page);
}
