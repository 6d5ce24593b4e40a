import { parseParams } from '../../api/params.js';
import type { Route } from '../../api/router.js';
import { advanceTestClock, createTestClock, deleteTestClock, listTestClocks, retrieveTestClock } from './service.js';

const BASE = '/v1/test_helpers/test_clocks';

export const testClockRoutes: Route[] = [
  { method: 'POST', path: BASE, handler: (ctx, req) => createTestClock(ctx, req.params) },
  { method: 'GET', path: BASE, handler: (ctx, req) => listTestClocks(ctx, req.params, req.url) },
  {
    method: 'GET',
    path: `${BASE}/:id`,
    handler: (ctx, req) => {
      parseParams({}, req.params);
      return retrieveTestClock(ctx, req.path.id as string);
    },
  },
  { method: 'POST', path: `${BASE}/:id/advance`, handler: (ctx, req) => advanceTestClock(ctx, req.path.id as string, req.params) },
  {
    method: 'DELETE',
    path: `${BASE}/:id`,
    handler: (ctx, req) => {
      parseParams({}, req.params);
      return deleteTestClock(ctx, req.path.id as string);
    },
  },
];
