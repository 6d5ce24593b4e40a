/** The `customer_balance_transactions` table (this folder owns it). */
import type { StoreMigration } from '../../store/db.js';
import { ObjectTable } from '../../store/objects.js';
import { objectTable } from '../../store/tables.js';

/** A CustomerBalanceTransaction as served (stripe-node 23 `CustomerBalanceTransaction`). */
export type CustomerBalanceTransaction = {
  id: string;
  object: 'customer_balance_transaction';
  amount: number;
  checkout_session: string | null;
  created: number;
  credit_note: string | null;
  currency: string;
  customer: string;
  customer_account: string | null;
  description: string | null;
  ending_balance: number;
  invoice: string | null;
  livemode: false;
  metadata: Record<string, string>;
  type: string;
};

export const balanceTransactions = new ObjectTable<CustomerBalanceTransaction>('customer_balance_transactions');

export const balanceTransactionColumns = (t: CustomerBalanceTransaction) => ({ customer_id: t.customer });

export const customerBalanceTransactionMigrations: Record<string, StoreMigration> = {
  '2026_12_06d_customer_balance_transactions': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'customer_balance_transactions', [['customer_id', 'text']], [['customer_id']]);
    },
  },
};
