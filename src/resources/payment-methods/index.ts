import type { ResourceModule } from '../module.js';
import { paymentMethodRoutes } from './routes.js';
import { microdepositMigrations } from './microdeposit-attempts.js';
import { customerHooks, findPaymentMethod } from './service.js';

/** PaymentMethods: `/v1/payment_methods` and a customer's `/payment_methods`. */
export const paymentMethodsModule: ResourceModule = {
  name: 'payment-methods',
  routes: paymentMethodRoutes,
  expandable: { pm_: findPaymentMethod },
  events: ['payment_method.attached', 'payment_method.detached', 'payment_method.updated'],
  hooks: customerHooks,
  migrations: microdepositMigrations,
};
