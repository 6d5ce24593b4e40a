/**
 * The `cash_balances` and `customer_cash_balance_transactions` tables (this folder owns them): a
 * customer's cash balance, the money bank transfers brought in and not yet applied to a payment,
 * per currency, and every move of it (docs/decisions.md#bank-transfers-and-the-cash-balance).
 */
import type { Ctx } from '../../api/context.js';
import type { StoreMigration } from '../../store/db.js';
import { exec, ObjectTable } from '../../store/objects.js';
import { objectTable } from '../../store/tables.js';

/** How funds that arrive are applied: to waiting payments at once, or only when the merchant says. */
export type ReconciliationMode = 'automatic' | 'manual';

/** A customer's cash balance as stored: one row per customer (its id is the customer's). */
export interface StoredCashBalance {
  id: string;
  created: number;
  /** Money not yet applied, by currency (smallest unit). */
  available: Record<string, number>;
  /** The customer's own mode; null: the account's default (`automatic`). */
  reconciliation_mode: ReconciliationMode | null;
}

/** `CustomerCashBalanceTransaction` (stripe-node 23): one move of a cash balance. */
export interface CashBalanceTransaction {
  id: string;
  object: 'customer_cash_balance_transaction';
  applied_to_payment?: { payment_intent: string };
  created: number;
  currency: string;
  customer: string;
  customer_account: null;
  ending_balance: number;
  funded?: { bank_transfer: { reference: string | null; type: string } & Record<string, unknown> };
  livemode: false;
  net_amount: number;
  refunded_from_payment?: { refund: string };
  type: 'applied_to_payment' | 'funded' | 'refunded_from_payment' | 'unapplied_from_payment';
  unapplied_from_payment?: { payment_intent: string };
}

const balances = new ObjectTable<StoredCashBalance>('cash_balances');
export const cashTransactions = new ObjectTable<CashBalanceTransaction>('customer_cash_balance_transactions');

export const cashTransactionColumns = (t: CashBalanceTransaction) => ({ customer_id: t.customer });

export const cashBalanceMigrations: Record<string, StoreMigration> = {
  '2026_12_07_cash_balances': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'cash_balances', [], []);
      await objectTable(db, dialect, 'customer_cash_balance_transactions', [['customer_id', 'text']], [['customer_id']]);
    },
  },
};

/** The customer's cash balance as stored, or undefined when it never had one. */
export function findCashBalance(ctx: Ctx, customerId: string): Promise<StoredCashBalance | undefined> {
  return balances.get(ctx.db, ctx.account, customerId);
}

/**
 * The customer's cash balance, its row locked until the transaction ends (made empty the first
 * time): every move of one balance applies in turn, on one instance or several. The row is made
 * with `on conflict do nothing`, so two first moves at once both find the one row.
 */
export async function lockCashBalance(ctx: Ctx, customerId: string, now: number): Promise<StoredCashBalance> {
  const blank: StoredCashBalance = { id: customerId, created: now, available: {}, reconciliation_mode: null };
  await exec(
    ctx.db,
    'insert cash_balances if missing',
    (p) => `insert into "cash_balances" ("account_id", "id", "created", "data") values (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}) on conflict ("account_id", "id") do nothing`,
    [ctx.account, customerId, now, JSON.stringify(blank)],
  );
  return (await balances.getForUpdate(ctx.db, ctx.account, customerId)) ?? blank;
}

export async function saveCashBalance(ctx: Ctx, b: StoredCashBalance): Promise<void> {
  await balances.update(ctx.db, ctx.account, b);
}

export async function insertCashTransaction(ctx: Ctx, t: CashBalanceTransaction): Promise<void> {
  await cashTransactions.insert(ctx.db, ctx.account, t, cashTransactionColumns(t));
}

export function findCashTransaction(ctx: Ctx, id: string): Promise<CashBalanceTransaction | undefined> {
  return cashTransactions.get(ctx.db, ctx.account, id);
}
