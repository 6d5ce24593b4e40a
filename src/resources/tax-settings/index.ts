import type { ResourceModule } from '../module.js';
import { taxSettingsMigrations } from './migrations.js';
import { taxSettingsRoutes } from './routes.js';

/** Tax Settings: `/v1/tax/settings`, one per account. */
export const taxSettingsModule: ResourceModule = {
  name: 'tax-settings',
  routes: taxSettingsRoutes,
  events: ['tax.settings.updated'],
  migrations: taxSettingsMigrations,
};
