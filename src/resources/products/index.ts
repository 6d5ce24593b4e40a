import type { ResourceModule } from '../module.js';
import { findProduct } from './model.js';
import { productRoutes } from './routes.js';

/** Products: `/v1/products`. */
export const productsModule: ResourceModule = {
  name: 'products',
  routes: productRoutes,
  expandable: { prod_: findProduct },
  events: ['product.created', 'product.updated', 'product.deleted'],
};
