import type { ResourceModule } from '../module.js';
import { webhookEndpointRoutes } from './routes.js';

/** Webhook endpoints: `/v1/webhook_endpoints` (delivery itself lives in src/events/). */
export const webhookEndpointsModule: ResourceModule = {
  name: 'webhook-endpoints',
  routes: webhookEndpointRoutes,
};
