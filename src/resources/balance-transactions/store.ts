/** The `balance_transactions` table's owner. Other modules call these functions; none names the table. */
import { sql } from 'kysely';
import type { Ctx } from '../../api/context.js';
import { ObjectTable } from '../../store/objects.js';
import type { BalanceTransaction } from './shape.js';

export const balanceTransactions = new ObjectTable<BalanceTransaction>('balance_transactions');

const columns = (t: BalanceTransaction) => ({ type: t.type, source_id: t.source, currency: t.currency, available_on: t.available_on, net: t.net });

/** Stores a new balance transaction. */
export async function insertBalanceTransaction(ctx: Ctx, t: BalanceTransaction): Promise<void> {
  await balanceTransactions.insert(ctx.db, ctx.account, t, columns(t));
}

/** The stored balance transaction, or undefined. */
export function getBalanceTransaction(ctx: Ctx, id: string): Promise<BalanceTransaction | undefined> {
  return balanceTransactions.get(ctx.db, ctx.account, id);
}

/** Per currency, the net of what is available at `now` and of what is still pending. */
export async function balanceSums(ctx: Ctx, now: number): Promise<Array<{ currency: string; available: number; pending: number }>> {
  const rows = await sql<{ currency: string; available: string | number | null; pending: string | number | null }>`
    select currency,
      sum(case when available_on <= ${now} then net else 0 end) as available,
      sum(case when available_on > ${now} then net else 0 end) as pending
    from balance_transactions where account_id = ${ctx.account} group by currency order by currency`.execute(ctx.db);
  return rows.rows.map((r) => ({ currency: r.currency, available: Number(r.available ?? 0), pending: Number(r.pending ?? 0) }));
}
