/** The `/v1/payment_links` routes; each hands its params to the service. */
import { idRoute, type Route } from '../../api/router.js';
import { createPaymentLink, listPaymentLinkLineItems, listPaymentLinks, retrievePaymentLink, updatePaymentLink } from './service.js';

const BASE = '/v1/payment_links';

export const paymentLinkRoutes: Route[] = [
  { method: 'POST', path: BASE, handler: (ctx, req) => createPaymentLink(ctx, req.params) },
  { method: 'GET', path: BASE, handler: (ctx, req) => listPaymentLinks(ctx, req.params, req.url) },
  idRoute('GET', `${BASE}/:id`, retrievePaymentLink),
  { method: 'POST', path: `${BASE}/:id`, handler: (ctx, req) => updatePaymentLink(ctx, req.path.id as string, req.params) },
  { method: 'GET', path: `${BASE}/:id/line_items`, handler: (ctx, req) => listPaymentLinkLineItems(ctx, req.path.id as string, req.params, req.url) },
];
