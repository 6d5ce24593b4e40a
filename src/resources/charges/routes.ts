import { idRoute, type Route } from '../../api/router.js';
import { chargeSearchRoute } from './search.js';
import { listCharges, retrieveCharge, updateCharge } from './service.js';

export const chargeRoutes: Route[] = [
  { method: 'GET', path: '/v1/charges', handler: (ctx, req) => listCharges(ctx, req.params, req.url) },
  chargeSearchRoute,
  idRoute('GET', '/v1/charges/:id', retrieveCharge),
  { method: 'POST', path: '/v1/charges/:id', handler: (ctx, req) => updateCharge(ctx, req.path.id as string, req.params) },
];
