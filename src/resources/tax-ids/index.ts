import type { ResourceModule } from '../module.js';
import { taxIdMigrations } from './migrations.js';
import { taxIdRoutes } from './routes.js';
import { addTaxIdFromData, findTaxId, listCustomerTaxIds } from './service.js';

/** Tax IDs: a customer's (`/v1/customers/:id/tax_ids`) and the account's (`/v1/tax_ids`) (docs/decisions.md#customer-tax-ids). */
export const taxIdsModule: ResourceModule = {
  name: 'tax-ids',
  routes: taxIdRoutes,
  expandable: { txi_: findTaxId },
  // Includable on Stripe: `expand[]=tax_ids` on a Customer gives the list of its tax IDs.
  virtualFields: { customer: { tax_ids: (ctx, parent) => listCustomerTaxIds(ctx, parent.id as string, {}, `/v1/customers/${parent.id as string}/tax_ids`) } },
  events: ['customer.tax_id.created', 'customer.tax_id.deleted'],
  hooks: { addCustomerTaxId: addTaxIdFromData },
  migrations: taxIdMigrations,
};
