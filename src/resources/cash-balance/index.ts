import type { Route } from '../../api/router.js';
import type { ResourceModule } from '../module.js';
import { fundCashBalance, listCashTransactions, retrieveCashBalance, retrieveCashTransaction, updateCashBalance } from './service.js';
import { cashBalanceMigrations, findCashTransaction } from './store.js';

const routes: Route[] = [
  { method: 'GET', path: '/v1/customers/:id/cash_balance', handler: (ctx, req) => retrieveCashBalance(ctx, req.path.id as string, req.params) },
  { method: 'POST', path: '/v1/customers/:id/cash_balance', handler: (ctx, req) => updateCashBalance(ctx, req.path.id as string, req.params) },
  { method: 'GET', path: '/v1/customers/:id/cash_balance_transactions', handler: (ctx, req) => listCashTransactions(ctx, req.path.id as string, req.params, req.url) },
  {
    method: 'GET',
    path: '/v1/customers/:id/cash_balance_transactions/:transaction',
    handler: (ctx, req) => retrieveCashTransaction(ctx, req.path.id as string, req.path.transaction as string, req.params),
  },
  { method: 'POST', path: '/v1/test_helpers/customers/:id/fund_cash_balance', handler: (ctx, req) => fundCashBalance(ctx, req.path.id as string, req.params) },
];

/**
 * A customer's cash balance and its transactions, and the test helper that funds it
 * (docs/decisions.md#bank-transfers-and-the-cash-balance).
 */
export const cashBalanceModule: ResourceModule = {
  name: 'cash-balance',
  routes,
  expandable: { ccsbtxn_: findCashTransaction },
  events: ['customer_cash_balance_transaction.created', 'cash_balance.funds_available'],
  migrations: cashBalanceMigrations,
};
