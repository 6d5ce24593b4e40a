import { idRoute, type Route } from '../../api/router.js';
import { createCustomerTaxId, createTaxId, deleteCustomerTaxId, deleteTaxId, listCustomerTaxIds, listTaxIds, retrieveCustomerTaxId, retrieveTaxId } from './service.js';

export const taxIdRoutes: Route[] = [
  { method: 'POST', path: '/v1/tax_ids', handler: (ctx, req) => createTaxId(ctx, req.params) },
  { method: 'GET', path: '/v1/tax_ids', handler: (ctx, req) => listTaxIds(ctx, req.params, req.url) },
  idRoute('GET', '/v1/tax_ids/:id', retrieveTaxId),
  idRoute('DELETE', '/v1/tax_ids/:id', deleteTaxId),
  { method: 'POST', path: '/v1/customers/:id/tax_ids', handler: (ctx, req) => createCustomerTaxId(ctx, req.path.id as string, req.params) },
  { method: 'GET', path: '/v1/customers/:id/tax_ids', handler: (ctx, req) => listCustomerTaxIds(ctx, req.path.id as string, req.params, req.url) },
  { method: 'GET', path: '/v1/customers/:id/tax_ids/:tax_id', handler: (ctx, req) => retrieveCustomerTaxId(ctx, req.path.id as string, req.path.tax_id as string, req.params) },
  { method: 'DELETE', path: '/v1/customers/:id/tax_ids/:tax_id', handler: (ctx, req) => deleteCustomerTaxId(ctx, req.path.id as string, req.path.tax_id as string, req.params) },
];
