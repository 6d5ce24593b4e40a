import type { ResourceModule } from '../module.js';
import { eventRoutes } from './routes.js';

/** Events: `/v1/events` (the log itself and its outbox live in src/events/). */
export const eventsModule: ResourceModule = {
  name: 'events',
  routes: eventRoutes,
};
