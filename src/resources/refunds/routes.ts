import { idRoute, type Route } from '../../api/router.js';
import { cancelRefund, createRefund, listRefunds, retrieveRefund, updateRefund } from './service.js';

export const refundRoutes: Route[] = [
  { method: 'POST', path: '/v1/refunds', handler: (ctx, req) => createRefund(ctx, req.params) },
  { method: 'GET', path: '/v1/refunds', handler: (ctx, req) => listRefunds(ctx, req.params, req.url) },
  idRoute('GET', '/v1/refunds/:id', retrieveRefund),
  { method: 'POST', path: '/v1/refunds/:id', handler: (ctx, req) => updateRefund(ctx, req.path.id as string, req.params) },
  idRoute('POST', '/v1/refunds/:id/cancel', cancelRefund),
];
