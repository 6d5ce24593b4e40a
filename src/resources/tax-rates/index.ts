import type { ResourceModule } from '../module.js';
import { taxRateMigrations } from './migrations.js';
import { taxRateRoutes } from './routes.js';
import { findTaxRate } from './store.js';

/** Tax rates: `/v1/tax_rates`, the rates Checkout applies by hand (`tax_rates`, `dynamic_tax_rates`). */
export const taxRatesModule: ResourceModule = {
  name: 'tax-rates',
  routes: taxRateRoutes,
  expandable: { txr_: findTaxRate },
  events: ['tax_rate.created', 'tax_rate.updated'],
  migrations: taxRateMigrations,
};
