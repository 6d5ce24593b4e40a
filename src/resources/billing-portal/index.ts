import type { ResourceModule } from '../module.js';
import { billingPortalMigrations } from './migrations.js';
import { billingPortalRoutes } from './routes.js';
import { findConfiguration } from './store.js';

/**
 * The customer portal: `/v1/billing_portal/configurations` and `/v1/billing_portal/sessions`, and
 * the sessions the portal page (pages/portal/) opens. See docs/decisions.md#customer-portal.
 */
export const billingPortalModule: ResourceModule = {
  name: 'billing-portal',
  routes: billingPortalRoutes,
  expandable: { bpc_: (ctx, id) => findConfiguration(ctx, id) },
  events: ['billing_portal.configuration.created', 'billing_portal.configuration.updated', 'billing_portal.session.created'],
  migrations: billingPortalMigrations,
};
