import type { Route } from '../api/router.js';
import { checkoutSessionRoutes } from './checkout-sessions/routes.js';
import { customerRoutes } from './customers/routes.js';
import { eventRoutes } from './events/routes.js';
import { checkoutObjectRoutes } from './intents-routes.js';
import { paymentMethodRoutes } from './payment-methods/routes.js';
import { priceRoutes } from './prices/routes.js';
import { productRoutes } from './products/routes.js';
import { testClockRoutes } from './test-clocks/routes.js';
import { webhookEndpointRoutes } from './webhook-endpoints/routes.js';

/** Every /v1 route the server serves. */
export const routes: Route[] = [
  ...customerRoutes,
  ...paymentMethodRoutes,
  ...productRoutes,
  ...priceRoutes,
  ...checkoutSessionRoutes,
  ...checkoutObjectRoutes,
  ...testClockRoutes,
  ...eventRoutes,
  ...webhookEndpointRoutes,
];
