import type { Ctx } from '../../api/context.js';
import { ObjectTable, type Columns } from '../../store/objects.js';
import type { PaymentMethod } from './shape.js';

/** The `payment_methods` table: the object as served, plus customer, type and allow_redisplay columns. */
export const paymentMethods = new ObjectTable<PaymentMethod>('payment_methods');

/**
 * `customer_id` of a PaymentMethod that was detached: Stripe never lets it be attached again, and
 * the served object cannot say so (its `customer` is null either way). No customer id is empty.
 */
export const DETACHED = '';

/** Queried columns of a new PaymentMethod row. */
export function pmColumns(pm: PaymentMethod): Columns {
  return { customer_id: pm.customer, type: pm.type, allow_redisplay: pm.allow_redisplay };
}

/** Overwrites a PaymentMethod; `detached` marks it as never attachable again. */
export async function savePaymentMethod(ctx: Ctx, pm: PaymentMethod, opts: { detached?: boolean } = {}): Promise<void> {
  const cols: Columns = { type: pm.type, allow_redisplay: pm.allow_redisplay };
  // A null customer leaves the column alone, so a detached method stays detached.
  if (opts.detached) cols.customer_id = DETACHED;
  else if (pm.customer !== null) cols.customer_id = pm.customer;
  await paymentMethods.update(ctx.db, ctx.account, pm, cols);
}

/** The PaymentMethod with this id in ctx's account, or undefined. */
export function findPaymentMethod(ctx: Ctx, id: string): Promise<PaymentMethod | undefined> {
  return paymentMethods.get(ctx.db, ctx.account, id);
}

/** The customer's attached payment methods, oldest first. */
export async function customerPaymentMethods(ctx: Ctx, customerId: string): Promise<PaymentMethod[]> {
  const rows = await paymentMethods.select(ctx.db, ctx.account, { customer_id: customerId }, ['data']);
  return rows.map((r) => JSON.parse(r.data as string) as PaymentMethod);
}

/** Was this PaymentMethod detached from a customer (and so may not be attached again)? */
export async function isDetached(ctx: Ctx, id: string): Promise<boolean> {
  const row = await paymentMethods.row(ctx.db, ctx.account, id, ['customer_id']);
  return row?.customer_id === DETACHED;
}
