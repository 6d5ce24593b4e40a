import { idRoute, type Route } from '../../api/router.js';
import { listEvents, retrieveEvent, retryEvent } from './service.js';

/** `/v1/events`: list and retrieve, plus `retry` (resend to an endpoint, as the Stripe CLI does). */
export const eventRoutes: Route[] = [
  { method: 'GET', path: '/v1/events', handler: (ctx, req) => listEvents(ctx, req.params, req.url) },
  idRoute('GET', '/v1/events/:id', retrieveEvent),
  { method: 'POST', path: '/v1/events/:id/retry', handler: (ctx, req) => retryEvent(ctx, req.path.id as string, req.params) },
];
