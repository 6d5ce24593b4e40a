import type { ResourceModule } from '../module.js';
import { readRoutes } from '../shared/read-routes.js';
import { setupIntentMigrations } from './migrations.js';
import { setupIntents } from './service.js';

/** SetupIntents: retrieve and list `/v1/setup_intents` (Checkout in setup mode creates them). */
export const setupIntentsModule: ResourceModule = {
  name: 'setup-intents',
  routes: readRoutes({ base: '/v1/setup_intents', table: setupIntents, kind: 'setup_intent', filters: { customer: 'customer_id' } }),
  expandable: { seti_: (ctx, id) => setupIntents.get(ctx.db, ctx.account, id) },
  events: ['setup_intent.created', 'setup_intent.succeeded'],
  migrations: setupIntentMigrations,
};
