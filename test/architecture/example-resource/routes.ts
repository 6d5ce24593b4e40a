/** Step 6: the HTTP routes; each hands its params to the service. */
import { idRoute, type Route } from '../../../src/api/router.js';
import { cancelReminder, createReminder, listReminders, retrieveReminder } from './service.js';

export const reminderRoutes: Route[] = [
  { method: 'POST', path: '/v1/reminders', handler: (ctx, req) => createReminder(ctx, req.params) },
  { method: 'GET', path: '/v1/reminders', handler: (ctx, req) => listReminders(ctx, req.params, req.url) },
  idRoute('GET', '/v1/reminders/:id', retrieveReminder),
  idRoute('POST', '/v1/reminders/:id/cancel', cancelReminder),
];
