import { parseParams } from '../../api/params.js';
import type { Route } from '../../api/router.js';
import { createProduct, deleteProduct, listProducts, retrieveProduct, updateProduct } from './service.js';


const id = (path: Record<string, string>) => path.id as string;

export const productRoutes: Route[] = [
  { method: 'POST', path: '/v1/products', handler: (ctx, req) => createProduct(ctx, req.params) },
  { method: 'GET', path: '/v1/products', handler: (ctx, req) => listProducts(ctx, req.params, req.url) },
  {
    method: 'GET',
    path: '/v1/products/:id',
    handler: (ctx, req) => {
      parseParams({}, req.params);
      return retrieveProduct(ctx, id(req.path));
    },
  },
  { method: 'POST', path: '/v1/products/:id', handler: (ctx, req) => updateProduct(ctx, id(req.path), req.params) },
  {
    method: 'DELETE',
    path: '/v1/products/:id',
    handler: (ctx, req) => {
      parseParams({}, req.params);
      return deleteProduct(ctx, id(req.path));
    },
  },
];
