import type { ResourceModule } from '../module.js';
import { taxIdMigrations } from './migrations.js';
import { taxIdRoutes } from './routes.js';
import { findTaxId } from './service.js';

/** Customer tax IDs: `/v1/customers/:id/tax_ids` (docs/decisions.md#customer-tax-ids). */
export const taxIdsModule: ResourceModule = {
  name: 'tax-ids',
  routes: taxIdRoutes,
  expandable: { txi_: findTaxId },
  events: ['customer.tax_id.created', 'customer.tax_id.deleted'],
  migrations: taxIdMigrations,
};
