import type { ResourceModule } from '../module.js';
import { shippingRateMigrations } from './migrations.js';
import { shippingRateRoutes } from './routes.js';
import { findShippingRate } from './store.js';

/** Shipping rates: `/v1/shipping_rates`. Stripe emits no events for them, so none are declared. */
export const shippingRatesModule: ResourceModule = {
  name: 'shipping-rates',
  routes: shippingRateRoutes,
  expandable: { shr_: findShippingRate },
  migrations: shippingRateMigrations,
};
