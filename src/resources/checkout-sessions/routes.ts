import { idRoute, type Route } from '../../api/router.js';
import { explainSessionPrefill } from '../../checkout/prefill-explanation.js';
import { createSession, expireSession, listLineItems, listSessions, retrieveSession, updateSession } from './service.js';

const BASE = '/v1/checkout/sessions';

export const checkoutSessionRoutes: Route[] = [
  { method: 'POST', path: BASE, handler: (ctx, req) => createSession(ctx, req.params) },
  { method: 'GET', path: BASE, handler: (ctx, req) => listSessions(ctx, req.params, req.url) },
  idRoute('GET', `${BASE}/:id`, retrieveSession),
  { method: 'POST', path: `${BASE}/:id`, handler: (ctx, req) => updateSession(ctx, req.path.id as string, req.params) },
  { method: 'POST', path: `${BASE}/:id/expire`, handler: (ctx, req) => expireSession(ctx, req.path.id as string, req.params) },
  { method: 'GET', path: `${BASE}/:id/line_items`, handler: (ctx, req) => listLineItems(ctx, req.path.id as string, req.params, req.url) },
  // An OpenCheckout extension: docs/decisions.md#prefill-explanation.
  { method: 'GET', path: `${BASE}/:id/prefill_explanation`, handler: (ctx, req) => explainSessionPrefill(ctx, req.path.id as string, req.params) },
];
