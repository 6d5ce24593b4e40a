/** The `charges` table's owner. Other modules call these functions; none names the table. */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { ObjectTable } from '../../store/objects.js';
import type { Charge } from './shape.js';

export const charges = new ObjectTable<Charge>('charges');

/** Queried columns of a charge row. */
export const chargeColumns = (c: Charge) => ({ customer_id: c.customer, payment_intent_id: c.payment_intent, status: c.status });

/** The charge with this id in ctx's account, or undefined. */
export function findCharge(ctx: Ctx, id: string): Promise<Charge | undefined> {
  return charges.get(ctx.db, ctx.account, id);
}

/**
 * The charge, locked for the rest of the transaction: two refunds of one charge read and write it
 * one after the other, so together they never refund more than was captured.
 */
export async function lockCharge(ctx: Ctx, id: string, param = 'charge'): Promise<Charge> {
  const c = await charges.getForUpdate(ctx.db, ctx.account, id);
  if (!c) throw errors.missingResource('charge', id, param);
  return c;
}

/** Stores a new charge. */
export async function insertCharge(ctx: Ctx, c: Charge): Promise<void> {
  await charges.insert(ctx.db, ctx.account, c, chargeColumns(c));
}

/** Stores a changed charge. */
export async function saveCharge(ctx: Ctx, c: Charge): Promise<void> {
  await charges.update(ctx.db, ctx.account, c, chargeColumns(c));
}
