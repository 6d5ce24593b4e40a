/** The `invoice_items` table (this folder owns it). Invoices read their lines through these functions. */
import type { Ctx } from '../../api/context.js';
import type { Metadata } from '../../api/params.js';
import type { StoreMigration } from '../../store/db.js';
import { ObjectTable } from '../../store/objects.js';
import { objectTable } from '../../store/tables.js';
import type { Coupon } from '../coupons/shape.js';
import type { TaxRate } from '../tax-rates/shape.js';

/** An InvoiceItem as served (stripe-node 23 `InvoiceItem`), in Stripe's field order. */
export interface InvoiceItem {
  id: string;
  object: 'invoiceitem';
  amount: number;
  currency: string;
  customer: string;
  customer_account: null;
  date: number;
  description: string | null;
  discountable: boolean;
  discounts: string[];
  invoice: string | null;
  livemode: false;
  metadata: Metadata;
  net_amount: number;
  parent: object | null;
  period: { end: number; start: number };
  pricing: { price_details: { price: string; product: string } | null; type: 'price_details'; unit_amount_decimal: string | null } | null;
  proration: boolean;
  quantity: number;
  quantity_decimal: string;
  tax_rates: TaxRate[];
  test_clock: string | null;
  created: number;
}

/** A discount of an item or an invoice: its `di_` id and the coupon it applies. */
export type DiscountCoupons = Record<string, Coupon>;

export const invoiceItems = new ObjectTable<InvoiceItem>('invoice_items');

/** Queried columns: the customer, the invoice (null while pending) and the discounts' coupons. */
export const itemColumns = (item: InvoiceItem, coupons: DiscountCoupons) => ({
  customer_id: item.customer,
  invoice_id: item.invoice,
  coupons: JSON.stringify(coupons),
});

export const invoiceItemMigrations: Record<string, StoreMigration> = {
  '2026_12_invoice_items': {
    async up(db, dialect) {
      await objectTable(
        db,
        dialect,
        'invoice_items',
        [['customer_id', 'text'], ['invoice_id', 'text', 'null'], ['coupons', 'text']],
        [['customer_id'], ['invoice_id']],
      );
    },
  },
};

/** An item with the coupons of its discounts. */
export interface ItemWithCoupons {
  item: InvoiceItem;
  coupons: DiscountCoupons;
}

async function withCoupons(ctx: Ctx, items: InvoiceItem[]): Promise<ItemWithCoupons[]> {
  const out: ItemWithCoupons[] = [];
  for (const item of items) {
    const row = await invoiceItems.row(ctx.db, ctx.account, item.id, ['coupons']);
    out.push({ item, coupons: JSON.parse(String(row?.coupons ?? '{}')) as DiscountCoupons });
  }
  return out;
}

/** The items on an invoice, oldest first (the order its lines are shown in). */
export async function itemsOfInvoice(ctx: Ctx, invoiceId: string): Promise<ItemWithCoupons[]> {
  const page = await invoiceItems.list(ctx.db, ctx.account, { invoice_id: invoiceId }, { limit: 250 });
  return withCoupons(ctx, page.data.reverse());
}

/** The customer's pending items (on no invoice yet) in `currency`, oldest first. */
export async function pendingItems(ctx: Ctx, customerId: string, currency: string | null): Promise<ItemWithCoupons[]> {
  const page = await invoiceItems.list(ctx.db, ctx.account, { customer_id: customerId, invoice_id: null }, { limit: 250 });
  return withCoupons(ctx, page.data.reverse().filter((i) => currency === null || i.currency === currency));
}

/** Writes an item and its discounts' coupons. */
export async function saveItem(ctx: Ctx, item: InvoiceItem, coupons: DiscountCoupons, isNew = false): Promise<void> {
  if (isNew) await invoiceItems.insert(ctx.db, ctx.account, item, itemColumns(item, coupons));
  else await invoiceItems.update(ctx.db, ctx.account, item, itemColumns(item, coupons));
}

/** The item with this id, or undefined. */
export function findInvoiceItem(ctx: Ctx, id: string): Promise<InvoiceItem | undefined> {
  return invoiceItems.get(ctx.db, ctx.account, id);
}

/** Deletes an item's row. */
export function removeItem(ctx: Ctx, id: string): Promise<void> {
  return invoiceItems.delete(ctx.db, ctx.account, id);
}

/** Puts an item on an invoice, or back to pending (null), keeping its discounts. */
export async function assignItem(ctx: Ctx, id: string, invoiceId: string | null): Promise<void> {
  const item = await invoiceItems.get(ctx.db, ctx.account, id);
  if (!item) return;
  const row = await invoiceItems.row(ctx.db, ctx.account, id, ['coupons']);
  await saveItem(ctx, { ...item, invoice: invoiceId }, JSON.parse(String(row?.coupons ?? '{}')) as DiscountCoupons);
}
