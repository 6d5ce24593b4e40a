/** Reads and writes of the `invoices` table for the Invoices API (this folder owns it). */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { exec } from '../../store/objects.js';
import type { DiscountCoupons } from '../invoice-items/store.js';
import { invoices, type Invoice } from './service.js';

/** The queried columns of an invoice row. */
export function invoiceColumns(inv: Invoice, coupons?: DiscountCoupons) {
  const parent = inv.parent as { subscription_details?: { subscription?: string } } | null;
  return {
    customer_id: inv.customer as string,
    status: inv.status,
    subscription_id: parent?.subscription_details?.subscription ?? null,
    collection_method: inv.collection_method as string,
    ...(coupons ? { coupons: JSON.stringify(coupons) } : {}),
  };
}

/** Stores a new invoice with its discounts' coupons. */
export async function insertInvoice(ctx: Ctx, inv: Invoice, coupons: DiscountCoupons): Promise<void> {
  await invoices.insert(ctx.db, ctx.account, inv, invoiceColumns(inv, coupons));
}

/** Writes a changed invoice (and its coupons when given). */
export async function saveInvoice(ctx: Ctx, inv: Invoice, coupons?: DiscountCoupons): Promise<void> {
  await invoices.update(ctx.db, ctx.account, inv, invoiceColumns(inv, coupons));
}

/** The invoice a write changes, its row locked until commit; unknown -> 404 naming `param`. */
export async function lockInvoice(ctx: Ctx, id: string, param = 'invoice'): Promise<Invoice> {
  const inv = await invoices.getForUpdate(ctx.db, ctx.account, id);
  if (!inv) throw errors.missingResource('invoice', id, param);
  return inv;
}

/** The coupons behind the invoice's discounts. */
export async function invoiceCoupons(ctx: Ctx, id: string): Promise<DiscountCoupons> {
  const row = await invoices.row(ctx.db, ctx.account, id, ['coupons']);
  return JSON.parse(String(row?.coupons ?? '{}')) as DiscountCoupons;
}

/** The invoice with this id in any account, for its PDF link (an `in_` id is unguessable, like a page's). */
export async function invoiceById(db: Ctx['db'], id: string): Promise<Invoice | undefined> {
  const { rows } = await exec<{ data: string }>(db, 'invoice by id', (p) => `select "data" from "invoices" where "id" = ${p(1)}`, [id]);
  return rows[0] ? (JSON.parse(rows[0].data) as Invoice) : undefined;
}

/** An invoice by its id alone, with its account: the hosted invoice page's lookup (its unguessable id is the credential). */
export async function invoiceWithAccount(db: Ctx['db'], id: string): Promise<{ account: string; invoice: Invoice } | undefined> {
  const { rows } = await exec<{ account_id: string; data: string }>(db, 'invoice with account', (p) => `select "account_id", "data" from "invoices" where "id" = ${p(1)}`, [id]);
  return rows[0] ? { account: rows[0].account_id, invoice: JSON.parse(rows[0].data) as Invoice } : undefined;
}

/** Deletes a draft's row. */
export function removeInvoice(ctx: Ctx, id: string): Promise<void> {
  return invoices.delete(ctx.db, ctx.account, id);
}
