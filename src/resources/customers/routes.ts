import type { Route } from '../../api/router.js';
import { parseParams } from '../../api/params.js';
import { createCustomer, deleteCustomer, listCustomers, retrieveCustomer, updateCustomer } from './service.js';

export const customerRoutes: Route[] = [
  { method: 'POST', path: '/v1/customers', handler: (ctx, req) => createCustomer(ctx, req.params) },
  { method: 'GET', path: '/v1/customers', handler: (ctx, req) => listCustomers(ctx, req.params, req.url) },
  {
    method: 'GET',
    path: '/v1/customers/:id',
    handler: (ctx, req) => {
      parseParams({}, req.params);
      return retrieveCustomer(ctx, req.path.id as string);
    },
  },
  { method: 'POST', path: '/v1/customers/:id', handler: (ctx, req) => updateCustomer(ctx, req.path.id as string, req.params) },
  {
    method: 'DELETE',
    path: '/v1/customers/:id',
    handler: (ctx, req) => {
      parseParams({}, req.params);
      return deleteCustomer(ctx, req.path.id as string);
    },
  },
];
