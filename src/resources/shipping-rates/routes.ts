import { idRoute, type Route } from '../../api/router.js';
import { createShippingRate, listShippingRates, retrieveShippingRate, updateShippingRate } from './service.js';

export const shippingRateRoutes: Route[] = [
  { method: 'POST', path: '/v1/shipping_rates', handler: (ctx, req) => createShippingRate(ctx, req.params) },
  { method: 'GET', path: '/v1/shipping_rates', handler: (ctx, req) => listShippingRates(ctx, req.params, req.url) },
  idRoute('GET', '/v1/shipping_rates/:id', retrieveShippingRate),
  { method: 'POST', path: '/v1/shipping_rates/:id', handler: (ctx, req) => updateShippingRate(ctx, req.path.id as string, req.params) },
];
