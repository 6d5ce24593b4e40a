import type { Route } from '../api/router.js';
import { customerRoutes } from './customers/routes.js';
import { testClockRoutes } from './test-clocks/routes.js';

/** Every /v1 route the server serves. */
export const routes: Route[] = [...customerRoutes, ...testClockRoutes];
