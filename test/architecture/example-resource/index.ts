/**
 * Step 7: the resource's description. Step 8 is one line in src/resources/index.ts; this fixture
 * is served beside the real resources by its test instead (`modules: [...resources, remindersModule]`).
 */
import type { ResourceModule } from '../../../src/resources/module.js';
import { reminderMigrations } from './migrations.js';
import { reminderRoutes } from './routes.js';
import { runSendJob, SEND_JOB } from './service.js';
import { findReminder } from './store.js';

export const remindersModule: ResourceModule = {
  name: 'reminders',
  routes: reminderRoutes,
  expandable: { rem_: findReminder },
  jobs: { [SEND_JOB]: runSendJob },
  events: ['reminder.created', 'reminder.canceled', 'reminder.sent'],
  migrations: reminderMigrations,
};
