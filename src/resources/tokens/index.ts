import type { ResourceModule } from '../module.js';
import { tokenMigrations } from './migrations.js';
import { tokenRoutes } from './routes.js';

/** Tokens: `/v1/tokens`, card tokens a front end makes with a publishable key. Stripe emits no events for them. */
export const tokensModule: ResourceModule = {
  name: 'tokens',
  routes: tokenRoutes,
  migrations: tokenMigrations,
};
