import { idRoute, type Route } from '../../api/router.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  retrieveWebhookEndpoint,
  updateWebhookEndpoint,
} from './service.js';

/** `/v1/webhook_endpoints`: create (returns the signing secret once), retrieve, update, list, delete. */
export const webhookEndpointRoutes: Route[] = [
  { method: 'POST', path: '/v1/webhook_endpoints', handler: (ctx, req) => createWebhookEndpoint(ctx, req.params) },
  { method: 'GET', path: '/v1/webhook_endpoints', handler: (ctx, req) => listWebhookEndpoints(ctx, req.params, req.url) },
  idRoute('GET', '/v1/webhook_endpoints/:id', retrieveWebhookEndpoint),
  { method: 'POST', path: '/v1/webhook_endpoints/:id', handler: (ctx, req) => updateWebhookEndpoint(ctx, req.path.id as string, req.params) },
  idRoute('DELETE', '/v1/webhook_endpoints/:id', deleteWebhookEndpoint),
];
