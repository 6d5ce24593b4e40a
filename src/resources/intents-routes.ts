import type { Route } from '../api/router.js';
import { invoices } from './invoices/service.js';
import { paymentIntents } from './payment-intents/service.js';
import { setupIntents } from './setup-intents/service.js';
import { readRoutes } from './shared/read-routes.js';
import { subscriptions } from './subscriptions/service.js';

/** The objects Checkout creates: retrievable and listable, tied to their customer. */
export const checkoutObjectRoutes: Route[] = [
  ...readRoutes({ base: '/v1/payment_intents', table: paymentIntents, kind: 'payment_intent', prefix: 'pi_', filters: { customer: 'customer_id' } }),
  ...readRoutes({ base: '/v1/setup_intents', table: setupIntents, kind: 'setup_intent', prefix: 'seti_', filters: { customer: 'customer_id' } }),
  ...readRoutes({
    base: '/v1/subscriptions',
    table: subscriptions,
    kind: 'subscription',
    prefix: 'sub_',
    filters: { customer: 'customer_id', status: 'status' },
  }),
  ...readRoutes({
    base: '/v1/invoices',
    table: invoices,
    kind: 'invoice',
    prefix: 'in_',
    filters: { customer: 'customer_id', subscription: 'subscription_id', status: 'status' },
  }),
];
