/**
 * POST /v1/invoices/create_preview: the invoice a customer would get next, computed and stored
 * nowhere (docs/decisions.md#invoices): the customer's pending items and `invoice_items`, or a
 * subscription's next period at its current prices.
 */
import { currencyParam } from '../../money/currencies.js';
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { randomToken } from '../../api/ids.js';
import { arr, bool, int, metadata, obj, parseParams, required, str } from '../../api/params.js';
import { requireCustomer } from '../customers/service.js';
import { pendingItems, type InvoiceItem, type ItemWithCoupons } from '../invoice-items/store.js';
import { discountsInEffect } from '../subscriptions/discounts.js';
import { findSubscription, periodEnd } from '../subscriptions/service.js';
import { requireTaxRates } from '../tax-rates/service.js';
import type { TaxRate } from '../tax-rates/shape.js';
import { businessNow } from '../test-clocks/store.js';
import { resolveDiscounts } from './discounts.js';
import { computeDraft } from './draft.js';
import { newInvoice } from './new-invoice.js';
import { accepted, discountsParam, idList } from './params.js';
import { automaticInvoiceRate, invoiceAutomaticTax, taxLocation } from './automatic-tax.js';

const previewShape = {
  automatic_tax: obj({ enabled: required(bool()), liability: accepted() }),
  currency: currencyParam(),
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  customer_details: accepted(),
  discounts: discountsParam(),
  invoice_items: arr(
    obj({
      amount: int(),
      currency: currencyParam(),
      description: str({ max: 5000 }),
      discountable: accepted(),
      discounts: accepted(),
      invoiceitem: str({ max: 5000 }),
      metadata: metadata(),
      period: obj({ end: int(), start: int() }),
      price: str({ max: 5000 }),
      price_data: accepted(),
      quantity: int({ min: 0 }),
      quantity_decimal: accepted(),
      tax_behavior: accepted(),
      tax_code: accepted(),
      tax_rates: idList(),
      unit_amount: int(),
      unit_amount_decimal: accepted(),
    }),
  ),
  issuer: accepted(),
  on_behalf_of: accepted(),
  preview_mode: accepted(),
  schedule: accepted(),
  schedule_details: accepted(),
  subscription: str({ max: 5000 }),
  subscription_details: accepted(),
};

type RecurringPrice = { id: string; product: unknown; unit_amount: number | null; currency: string; recurring: { interval: 'day' | 'week' | 'month' | 'year'; interval_count: number } | null };

/** POST /v1/invoices/create_preview */
export async function createPreview(ctx: Ctx, params: FormObject): Promise<object> {
  const p = parseParams(previewShape, params);
  const sub = p.subscription !== undefined ? await findSubscription(ctx, p.subscription) : undefined;
  if (p.subscription !== undefined && !sub) throw errors.missingResource('subscription', p.subscription, 'subscription');
  const customerId = p.customer ?? (sub?.customer as string | undefined);
  if (customerId === undefined) throw errors.missingParam('customer');
  const customer = await requireCustomer(ctx, customerId);
  const now = await businessNow(ctx, customer.test_clock);
  const currency = (p.currency ?? (sub?.currency as string | undefined) ?? customer.currency ?? 'usd').toLowerCase();
  const items: ItemWithCoupons[] = (await pendingItems(ctx, customer.id, currency)).map((i) => ({ ...i, item: { ...i.item, invoice: null } }));
  const item = (n: Partial<InvoiceItem> & { amount: number }): InvoiceItem => ({
    id: `ii_${randomToken(24)}`,
    object: 'invoiceitem',
    currency,
    customer: customer.id,
    customer_account: null,
    date: now,
    description: null,
    discountable: true,
    discounts: [],
    invoice: null,
    livemode: false,
    metadata: {},
    net_amount: n.amount,
    parent: null,
    period: { end: now, start: now },
    pricing: null,
    proration: false,
    quantity: 1,
    quantity_decimal: '1',
    tax_rates: [],
    test_clock: customer.test_clock,
    created: now,
    ...n,
  });
  for (const [i, ii] of (p.invoice_items ?? []).entries()) {
    const quantity = ii.quantity ?? 1;
    const amount = ii.amount ?? (ii.unit_amount ?? 0) * quantity;
    const taxRates = await requireTaxRates(ctx, ii.tax_rates ?? [], `invoice_items[${i}][tax_rates]`);
    items.push({ item: item({ amount, description: ii.description ?? null, quantity, quantity_decimal: String(quantity), tax_rates: taxRates, metadata: {} }), coupons: {} });
  }
  for (const si of (sub?.items as { data: Array<{ price: RecurringPrice; quantity: number; current_period_end: number; tax_rates: TaxRate[] }> } | undefined)?.data ?? []) {
    const r = si.price.recurring ?? { interval: 'month' as const, interval_count: 1 };
    const start = si.current_period_end;
    const unit = si.price.unit_amount ?? 0;
    const name = typeof si.price.product === 'string' ? si.price.product : ((si.price.product as { name?: string }).name ?? '');
    items.push({
      item: item({
        amount: unit * si.quantity,
        description: `${si.quantity} × ${name}`,
        period: { start, end: periodEnd(start, r.interval, r.interval_count) },
        pricing: { price_details: { price: si.price.id, product: typeof si.price.product === 'string' ? si.price.product : (si.price.product as { id: string }).id }, type: 'price_details', unit_amount_decimal: String(unit) },
        quantity: si.quantity,
        quantity_decimal: String(si.quantity),
        tax_rates: si.tax_rates.length > 0 ? si.tax_rates : ((sub?.default_tax_rates as TaxRate[] | undefined) ?? []),
      }),
      coupons: {},
    });
  }
  // A subscription's next invoice gets the discounts its renewal would (its own, else its customer's), unless `discounts` are given.
  const coupons = p.discounts === undefined && sub ? await discountsInEffect(ctx, sub, customer, now) : await resolveDiscounts(ctx, p.discounts ?? [], 'discounts');
  const id = `upcoming_in_${randomToken(24)}`;
  const base = newInvoice(id, customer, currency, now, sub ? 'upcoming' : 'manual');
  // Stripe Tax, as the renewal (or the invoice) will apply it: the rate of the customer's location
  // on every line, or no tax and `requires_location_inputs` where the location is not recognized.
  const automatic = p.automatic_tax?.enabled ?? (sub ? (sub.automatic_tax as { enabled: boolean }).enabled : false);
  let taxed = items;
  if (automatic) {
    const location = taxLocation(customer);
    const rate = location ? await automaticInvoiceRate(ctx, location, now, now) : null;
    taxed = items.map((i) => ({ ...i, item: { ...i.item, tax_rates: rate ? [rate] : [] } }));
    base.automatic_tax = invoiceAutomaticTax(location !== null);
  }
  const preview = computeDraft({ ...base, ...(sub ? { parent: { quote_details: null, subscription_details: { metadata: sub.metadata, subscription: sub.id }, type: 'subscription_details' } } : {}) }, taxed, coupons);
  const lines = (preview.lines as { data: Array<Record<string, unknown>> }).data.map((l) => ({ ...l, id: `il_tmp_${randomToken(24)}` }));
  return { ...preview, lines: { ...(preview.lines as object), data: lines, url: `/v1/invoices/upcoming/lines` } };
}
