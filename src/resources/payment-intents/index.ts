import type { ResourceModule } from '../module.js';
import { readRoutes } from '../shared/read-routes.js';
import { paymentIntents } from './service.js';

/** PaymentIntents: retrieve and list `/v1/payment_intents` (Checkout creates them). */
export const paymentIntentsModule: ResourceModule = {
  name: 'payment-intents',
  routes: readRoutes({ base: '/v1/payment_intents', table: paymentIntents, kind: 'payment_intent', filters: { customer: 'customer_id' } }),
  expandable: { pi_: (ctx, id) => paymentIntents.get(ctx.db, ctx.account, id) },
  events: ['payment_intent.created', 'payment_intent.processing', 'payment_intent.succeeded', 'payment_intent.payment_failed'],
};
