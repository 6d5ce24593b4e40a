import { idRoute, type Route } from '../../api/router.js';
import { priceSearchRoute } from './search.js';
import { createPrice, listPrices, requirePrice, updatePrice } from './service.js';

const id = (path: Record<string, string>) => path.id as string;

export const priceRoutes: Route[] = [
  { method: 'POST', path: '/v1/prices', handler: (ctx, req) => createPrice(ctx, req.params) },
  { method: 'GET', path: '/v1/prices', handler: (ctx, req) => listPrices(ctx, req.params, req.url) },
  priceSearchRoute,
  idRoute('GET', '/v1/prices/:id', requirePrice),
  { method: 'POST', path: '/v1/prices/:id', handler: (ctx, req) => updatePrice(ctx, id(req.path), req.params) },
];
