import { idRoute, type Route } from '../../api/router.js';
import { productSearchRoute } from './search.js';
import { createProduct, deleteProduct, listProducts, retrieveProduct, updateProduct } from './service.js';


const id = (path: Record<string, string>) => path.id as string;

export const productRoutes: Route[] = [
  { method: 'POST', path: '/v1/products', handler: (ctx, req) => createProduct(ctx, req.params) },
  { method: 'GET', path: '/v1/products', handler: (ctx, req) => listProducts(ctx, req.params, req.url) },
  productSearchRoute,
  idRoute('GET', '/v1/products/:id', retrieveProduct),
  { method: 'POST', path: '/v1/products/:id', handler: (ctx, req) => updateProduct(ctx, id(req.path), req.params) },
  idRoute('DELETE', '/v1/products/:id', deleteProduct),
];
