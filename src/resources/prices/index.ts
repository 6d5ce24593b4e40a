import type { ResourceModule } from '../module.js';
import { priceRoutes } from './routes.js';
import { findPrice } from './service.js';

/** Prices: `/v1/prices` (a price created with inline `product_data` also creates its product). */
export const pricesModule: ResourceModule = {
  name: 'prices',
  routes: priceRoutes,
  expandable: { price_: findPrice },
  events: ['price.created', 'price.updated', 'product.created'],
};
