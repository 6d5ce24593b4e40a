import type { Route } from '../../api/router.js';
import { idRoute } from '../../api/router.js';
import { confirmPaymentPage, retrievePaymentPage } from './service.js';

export const paymentPageRoutes: Route[] = [
  idRoute('GET', '/v1/payment_pages/:id', retrievePaymentPage),
  { method: 'POST', path: '/v1/payment_pages/:id/confirm', handler: (ctx, req) => confirmPaymentPage(ctx, req.path.id as string, req.params) },
];
