import type { Route } from '../../api/router.js';
import { idRoute } from '../../api/router.js';
import { retrieveCheckout, updateCheckout } from './checkout.js';
import { confirmPaymentPage, retrievePaymentPage } from './service.js';

export const paymentPageRoutes: Route[] = [
  idRoute('GET', '/v1/payment_pages/:id', retrievePaymentPage),
  { method: 'POST', path: '/v1/payment_pages/:id/confirm', handler: (ctx, req) => confirmPaymentPage(ctx, req.path.id as string, req.params) },
  // The Checkout Elements SDK of the served Stripe.js (docs/decisions.md#checkout-elements).
  { method: 'GET', path: '/v1/payment_pages/:id/checkout', handler: (ctx, req) => retrieveCheckout(ctx, req.path.id as string, req.params) },
  { method: 'POST', path: '/v1/payment_pages/:id/checkout', handler: (ctx, req) => updateCheckout(ctx, req.path.id as string, req.params) },
];
