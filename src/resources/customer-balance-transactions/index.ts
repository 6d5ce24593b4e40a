import type { Route } from '../../api/router.js';
import type { ResourceModule } from '../module.js';
import {
  createCustomerBalanceTransaction,
  findCustomerBalanceTransaction,
  listCustomerBalanceTransactions,
  retrieveCustomerBalanceTransaction,
  updateCustomerBalanceTransaction,
} from './service.js';
import { customerBalanceTransactionMigrations } from './store.js';

const routes: Route[] = [
  { method: 'POST', path: '/v1/customers/:id/balance_transactions', handler: (ctx, req) => createCustomerBalanceTransaction(ctx, req.path.id as string, req.params) },
  { method: 'GET', path: '/v1/customers/:id/balance_transactions', handler: (ctx, req) => listCustomerBalanceTransactions(ctx, req.path.id as string, req.params, req.url) },
  { method: 'GET', path: '/v1/customers/:id/balance_transactions/:transaction', handler: (ctx, req) => retrieveCustomerBalanceTransaction(ctx, req.path.id as string, req.path.transaction as string, req.params) },
  { method: 'POST', path: '/v1/customers/:id/balance_transactions/:transaction', handler: (ctx, req) => updateCustomerBalanceTransaction(ctx, req.path.id as string, req.path.transaction as string, req.params) },
];

/** Customer balance transactions: `/v1/customers/:id/balance_transactions` (docs/decisions.md#customer-balance-transactions). */
export const customerBalanceTransactionsModule: ResourceModule = {
  name: 'customer-balance-transactions',
  routes,
  expandable: { cbtxn_: findCustomerBalanceTransaction },
  events: [],
  migrations: customerBalanceTransactionMigrations,
};
