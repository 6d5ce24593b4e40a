/** Step 6: the HTTP routes; each hands its params to the service. */
import { parseParams } from '../../../src/api/params.js';
import type { Route } from '../../../src/api/router.js';
import { cancelReminder, createReminder, listReminders, retrieveReminder } from './service.js';

export const reminderRoutes: Route[] = [
  { method: 'POST', path: '/v1/reminders', handler: (ctx, req) => createReminder(ctx, req.params) },
  { method: 'GET', path: '/v1/reminders', handler: (ctx, req) => listReminders(ctx, req.params, req.url) },
  {
    method: 'GET',
    path: '/v1/reminders/:id',
    handler: (ctx, req) => {
      parseParams({}, req.params);
      return retrieveReminder(ctx, req.path.id as string);
    },
  },
  {
    method: 'POST',
    path: '/v1/reminders/:id/cancel',
    handler: (ctx, req) => {
      parseParams({}, req.params);
      return cancelReminder(ctx, req.path.id as string);
    },
  },
];
