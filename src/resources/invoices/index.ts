import type { ResourceModule } from '../module.js';
import { readRoutes } from '../shared/read-routes.js';
import { invoices } from './service.js';

/** Invoices: retrieve and list `/v1/invoices` (a subscription's first invoice, paid at Checkout). */
export const invoicesModule: ResourceModule = {
  name: 'invoices',
  routes: readRoutes({ base: '/v1/invoices', table: invoices, kind: 'invoice', filters: { customer: 'customer_id', subscription: 'subscription_id', status: 'status' } }),
  expandable: { in_: (ctx, id) => invoices.get(ctx.db, ctx.account, id) },
  events: ['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded'],
};
