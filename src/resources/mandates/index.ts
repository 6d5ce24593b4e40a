import type { ResourceModule } from '../module.js';
import { findMandate, retrieveMandate } from './service.js';
import { mandateMigrations } from './store.js';

/** Mandates: `GET /v1/mandates/:id` (docs/decisions.md#mandates). */
export const mandatesModule: ResourceModule = {
  name: 'mandates',
  routes: [{ method: 'GET', path: '/v1/mandates/:id', handler: (ctx, req) => retrieveMandate(ctx, req.path.id as string, req.params) }],
  expandable: { mandate_: findMandate },
  events: [],
  migrations: mandateMigrations,
};
