import { idRoute, type Route } from '../../api/router.js';
import { createCustomer, deleteCustomer, deleteCustomerDiscount, listCustomers, retrieveCustomer, searchCustomersRoute, updateCustomer } from './service.js';

export const customerRoutes: Route[] = [
  { method: 'POST', path: '/v1/customers', handler: (ctx, req) => createCustomer(ctx, req.params) },
  { method: 'GET', path: '/v1/customers', handler: (ctx, req) => listCustomers(ctx, req.params, req.url) },
  searchCustomersRoute,
  idRoute('GET', '/v1/customers/:id', retrieveCustomer),
  { method: 'POST', path: '/v1/customers/:id', handler: (ctx, req) => updateCustomer(ctx, req.path.id as string, req.params) },
  idRoute('DELETE', '/v1/customers/:id', deleteCustomer),
  idRoute('DELETE', '/v1/customers/:id/discount', deleteCustomerDiscount),
];
