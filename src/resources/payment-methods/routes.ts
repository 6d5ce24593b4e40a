import { parseParams } from '../../api/params.js';
import type { Route } from '../../api/router.js';
import {
  attachPaymentMethod,
  createPaymentMethod,
  detachPaymentMethod,
  listCustomerPaymentMethods,
  listPaymentMethods,
  requirePaymentMethod,
  retrieveCustomerPaymentMethod,
  updatePaymentMethod,
} from './service.js';


const id = (path: Record<string, string>, name = 'id') => path[name] as string;

export const paymentMethodRoutes: Route[] = [
  { method: 'POST', path: '/v1/payment_methods', handler: (ctx, req) => createPaymentMethod(ctx, req.params) },
  { method: 'GET', path: '/v1/payment_methods', handler: (ctx, req) => listPaymentMethods(ctx, req.params, req.url) },
  {
    method: 'GET',
    path: '/v1/payment_methods/:id',
    handler: (ctx, req) => {
      parseParams({}, req.params);
      return requirePaymentMethod(ctx, id(req.path));
    },
  },
  { method: 'POST', path: '/v1/payment_methods/:id', handler: (ctx, req) => updatePaymentMethod(ctx, id(req.path), req.params) },
  { method: 'POST', path: '/v1/payment_methods/:id/attach', handler: (ctx, req) => attachPaymentMethod(ctx, id(req.path), req.params) },
  {
    method: 'POST',
    path: '/v1/payment_methods/:id/detach',
    handler: (ctx, req) => {
      parseParams({}, req.params);
      return detachPaymentMethod(ctx, id(req.path));
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customer/payment_methods',
    handler: (ctx, req) => listCustomerPaymentMethods(ctx, id(req.path, 'customer'), req.params, req.url),
  },
  {
    method: 'GET',
    path: '/v1/customers/:customer/payment_methods/:id',
    handler: (ctx, req) => {
      parseParams({}, req.params);
      return retrieveCustomerPaymentMethod(ctx, id(req.path, 'customer'), id(req.path));
    },
  },
];
