import type { Route } from '../../api/router.js';
import { createCustomerTaxId, deleteCustomerTaxId, listCustomerTaxIds, retrieveCustomerTaxId } from './service.js';

export const taxIdRoutes: Route[] = [
  { method: 'POST', path: '/v1/customers/:id/tax_ids', handler: (ctx, req) => createCustomerTaxId(ctx, req.path.id as string, req.params) },
  { method: 'GET', path: '/v1/customers/:id/tax_ids', handler: (ctx, req) => listCustomerTaxIds(ctx, req.path.id as string, req.params, req.url) },
  { method: 'GET', path: '/v1/customers/:id/tax_ids/:tax_id', handler: (ctx, req) => retrieveCustomerTaxId(ctx, req.path.id as string, req.path.tax_id as string, req.params) },
  { method: 'DELETE', path: '/v1/customers/:id/tax_ids/:tax_id', handler: (ctx, req) => deleteCustomerTaxId(ctx, req.path.id as string, req.path.tax_id as string, req.params) },
];
