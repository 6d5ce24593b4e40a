import type { ResourceModule } from '../module.js';
import { refundMigrations } from './migrations.js';
import { refundRoutes } from './routes.js';
import { REFUND_SETTLE_JOB, runRefundSettleJob } from './service.js';
import { findRefund } from './store.js';

/** Refunds `/v1/refunds` (docs/decisions.md#charges-and-refunds). */
export const refundsModule: ResourceModule = {
  name: 'refunds',
  routes: refundRoutes,
  expandable: { re_: findRefund, pyr_: findRefund },
  jobs: { [REFUND_SETTLE_JOB]: runRefundSettleJob },
  events: ['refund.created', 'refund.updated', 'charge.refund.updated'],
  migrations: refundMigrations,
};
