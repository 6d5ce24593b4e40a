/** The `/v1/billing_portal` routes; each hands its params to the service. */
import { idRoute, type Route } from '../../api/router.js';
import { createConfiguration, listConfigurations, retrieveConfiguration, updateConfiguration } from './configurations.js';
import { createPortalSession } from './sessions.js';

const CONFIGS = '/v1/billing_portal/configurations';

export const billingPortalRoutes: Route[] = [
  { method: 'POST', path: CONFIGS, handler: (ctx, req) => createConfiguration(ctx, req.params) },
  { method: 'GET', path: CONFIGS, handler: (ctx, req) => listConfigurations(ctx, req.params, req.url) },
  idRoute('GET', `${CONFIGS}/:id`, retrieveConfiguration),
  { method: 'POST', path: `${CONFIGS}/:id`, handler: (ctx, req) => updateConfiguration(ctx, req.path.id as string, req.params) },
  { method: 'POST', path: '/v1/billing_portal/sessions', handler: (ctx, req) => createPortalSession(ctx, req.params) },
];
