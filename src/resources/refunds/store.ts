/** The `refunds` table's owner. */
import type { Ctx } from '../../api/context.js';
import { ObjectTable } from '../../store/objects.js';
import type { Refund } from './shape.js';

export const refunds = new ObjectTable<Refund>('refunds');

/** Queried columns of a refund row. */
export const refundColumns = (r: Refund) => ({ charge_id: r.charge, payment_intent_id: r.payment_intent, status: r.status });

/** The refund with this id in ctx's account, or undefined. */
export function findRefund(ctx: Ctx, id: string): Promise<Refund | undefined> {
  return refunds.get(ctx.db, ctx.account, id);
}
