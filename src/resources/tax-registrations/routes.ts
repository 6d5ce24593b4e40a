import { idRoute, type Route } from '../../api/router.js';
import { createRegistration, listRegistrations, retrieveRegistration, updateRegistration } from './service.js';

export const taxRegistrationRoutes: Route[] = [
  { method: 'POST', path: '/v1/tax/registrations', handler: (ctx, req) => createRegistration(ctx, req.params) },
  { method: 'GET', path: '/v1/tax/registrations', handler: (ctx, req) => listRegistrations(ctx, req.params, req.url) },
  idRoute('GET', '/v1/tax/registrations/:id', retrieveRegistration),
  { method: 'POST', path: '/v1/tax/registrations/:id', handler: (ctx, req) => updateRegistration(ctx, req.path.id as string, req.params) },
];
