import { idRoute, type Route } from '../../api/router.js';
import { advanceTestClock, createTestClock, deleteTestClock, listTestClocks, retrieveTestClock } from './service.js';

const BASE = '/v1/test_helpers/test_clocks';

export const testClockRoutes: Route[] = [
  { method: 'POST', path: BASE, handler: (ctx, req) => createTestClock(ctx, req.params) },
  { method: 'GET', path: BASE, handler: (ctx, req) => listTestClocks(ctx, req.params, req.url) },
  idRoute('GET', `${BASE}/:id`, retrieveTestClock),
  { method: 'POST', path: `${BASE}/:id/advance`, handler: (ctx, req) => advanceTestClock(ctx, req.path.id as string, req.params) },
  idRoute('DELETE', `${BASE}/:id`, deleteTestClock),
];
