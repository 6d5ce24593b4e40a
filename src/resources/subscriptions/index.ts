import type { ResourceModule } from '../module.js';
import { readRoutes } from '../shared/read-routes.js';
import { subscriptions } from './service.js';

/** Subscriptions: retrieve and list `/v1/subscriptions` (Checkout in subscription mode creates them). */
export const subscriptionsModule: ResourceModule = {
  name: 'subscriptions',
  routes: readRoutes({ base: '/v1/subscriptions', table: subscriptions, kind: 'subscription', filters: { customer: 'customer_id', status: 'status' } }),
  expandable: { sub_: (ctx, id) => subscriptions.get(ctx.db, ctx.account, id) },
  events: ['customer.subscription.created'],
};
