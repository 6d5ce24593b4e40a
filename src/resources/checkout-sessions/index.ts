import { runSettleJob, SETTLE_JOB } from '../../checkout/settle.js';
import type { ResourceModule } from '../module.js';
import { checkoutSessionMigrations } from './migrations.js';
import { checkoutSessionRoutes } from './routes.js';
import { listLineItems, retrieveSession, runExpireJob, totalsBreakdown } from './service.js';
import { EXPIRE_JOB } from './store.js';

/**
 * Checkout Sessions: `/v1/checkout/sessions`, their expiry, and the settlement of their delayed
 * payments (checkout/settle.ts). The hosted page (pages/) completes them through checkout/.
 */
export const checkoutSessionsModule: ResourceModule = {
  name: 'checkout-sessions',
  routes: checkoutSessionRoutes,
  expandable: { cs_: (ctx, id) => retrieveSession(ctx, id).catch(() => undefined) },
  virtualFields: {
    'checkout.session': {
      line_items: (ctx, parent) => listLineItems(ctx, parent.id as string, {}, `/v1/checkout/sessions/${parent.id as string}/line_items`),
      'total_details.breakdown': (ctx, parent) => totalsBreakdown(ctx, parent.id as string),
    },
  },
  jobs: { [EXPIRE_JOB]: runExpireJob, [SETTLE_JOB]: runSettleJob },
  events: [
    'checkout.session.completed',
    'checkout.session.expired',
    'checkout.session.async_payment_succeeded',
    'checkout.session.async_payment_failed',
  ],
  migrations: checkoutSessionMigrations,
};
