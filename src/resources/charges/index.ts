import type { ResourceModule } from '../module.js';
import { chargeMigrations } from './migrations.js';
import { chargeRoutes } from './routes.js';
import { findCharge } from './store.js';

/** Charges `/v1/charges`: made by PaymentIntents, retrieved, listed and updated (docs/decisions.md#charges-and-refunds). */
export const chargesModule: ResourceModule = {
  name: 'charges',
  routes: chargeRoutes,
  expandable: { ch_: findCharge, py_: findCharge },
  events: ['charge.succeeded', 'charge.failed', 'charge.pending', 'charge.captured', 'charge.refunded', 'charge.updated'],
  migrations: chargeMigrations,
};
