import type { ResourceModule } from '../module.js';
import { testClockRoutes } from './routes.js';
import { ADVANCE_JOB, runAdvanceJob } from './service.js';

/** Test clocks: `/v1/test_helpers/test_clocks`; an advance runs as a job (scheduler/). */
export const testClocksModule: ResourceModule = {
  name: 'test-clocks',
  routes: testClockRoutes,
  jobs: { [ADVANCE_JOB]: runAdvanceJob },
  events: [
    'test_helpers.test_clock.created',
    'test_helpers.test_clock.advancing',
    'test_helpers.test_clock.ready',
    'test_helpers.test_clock.deleted',
  ],
};
