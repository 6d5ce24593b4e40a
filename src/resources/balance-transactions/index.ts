import type { ResourceModule } from '../module.js';
import { balanceTransactionMigrations } from './migrations.js';
import { balanceTransactionRoutes } from './routes.js';
import { findBalanceTransaction } from './service.js';

/** Balance transactions `/v1/balance_transactions` and the balance `/v1/balance` (docs/decisions.md#balance-transactions). */
export const balanceTransactionsModule: ResourceModule = {
  name: 'balance-transactions',
  routes: balanceTransactionRoutes,
  expandable: { txn_: findBalanceTransaction },
  migrations: balanceTransactionMigrations,
};
