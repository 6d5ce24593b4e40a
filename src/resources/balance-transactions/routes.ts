import { idRoute, type Route } from '../../api/router.js';
import { listBalanceTransactions, retrieveBalance, retrieveBalanceTransaction } from './service.js';

export const balanceTransactionRoutes: Route[] = [
  { method: 'GET', path: '/v1/balance_transactions', handler: (ctx, req) => listBalanceTransactions(ctx, req.params, req.url) },
  idRoute('GET', '/v1/balance_transactions/:id', retrieveBalanceTransaction),
  { method: 'GET', path: '/v1/balance', handler: (ctx, req) => retrieveBalance(ctx, req.params) },
  idRoute('GET', '/v1/balance/history/:id', retrieveBalanceTransaction),
  { method: 'GET', path: '/v1/balance/history', handler: (ctx, req) => listBalanceTransactions(ctx, req.params, req.url) },
];
