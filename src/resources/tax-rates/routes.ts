import { idRoute, type Route } from '../../api/router.js';
import { createTaxRate, listTaxRates, retrieveTaxRate, updateTaxRate } from './service.js';

export const taxRateRoutes: Route[] = [
  { method: 'POST', path: '/v1/tax_rates', handler: (ctx, req) => createTaxRate(ctx, req.params) },
  { method: 'GET', path: '/v1/tax_rates', handler: (ctx, req) => listTaxRates(ctx, req.params, req.url) },
  idRoute('GET', '/v1/tax_rates/:id', retrieveTaxRate),
  { method: 'POST', path: '/v1/tax_rates/:id', handler: (ctx, req) => updateTaxRate(ctx, req.path.id as string, req.params) },
];
