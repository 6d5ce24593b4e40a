import { idRoute, type Route } from '../../api/router.js';
import { createToken, retrieveToken } from './service.js';

export const tokenRoutes: Route[] = [
  { method: 'POST', path: '/v1/tokens', handler: (ctx, req) => createToken(ctx, req.params) },
  idRoute('GET', '/v1/tokens/:id', retrieveToken),
];
