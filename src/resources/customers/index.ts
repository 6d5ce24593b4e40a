import type { ResourceModule } from '../module.js';
import { customerRoutes } from './routes.js';
import { findCustomer } from './service.js';

/** Customers: `/v1/customers`. */
export const customersModule: ResourceModule = {
  name: 'customers',
  routes: customerRoutes,
  expandable: { cus_: findCustomer },
  events: ['customer.created', 'customer.updated', 'customer.deleted', 'customer.discount.created', 'customer.discount.updated', 'customer.discount.deleted'],
};
