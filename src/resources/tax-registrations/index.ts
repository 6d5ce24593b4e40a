import type { ResourceModule } from '../module.js';
import { taxRegistrationMigrations } from './migrations.js';
import { taxRegistrationRoutes } from './routes.js';
import { findRegistration } from './service.js';

/**
 * Tax registrations: `/v1/tax/registrations`, where the account collects tax, and automatic tax
 * for Checkout (`automaticTaxRate`). Stripe emits no events for registrations.
 */
export const taxRegistrationsModule: ResourceModule = {
  name: 'tax-registrations',
  routes: taxRegistrationRoutes,
  expandable: { taxreg_: findRegistration },
  migrations: taxRegistrationMigrations,
};
