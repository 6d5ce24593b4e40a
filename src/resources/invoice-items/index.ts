import { idRoute, type Route } from '../../api/router.js';
import type { ResourceModule } from '../module.js';
import { createInvoiceItem, deleteInvoiceItem, listInvoiceItems, retrieveInvoiceItem, updateInvoiceItem } from './service.js';
import { findInvoiceItem, invoiceItemMigrations } from './store.js';

const routes: Route[] = [
  { method: 'POST', path: '/v1/invoiceitems', handler: (ctx, req) => createInvoiceItem(ctx, req.params) },
  { method: 'GET', path: '/v1/invoiceitems', handler: (ctx, req) => listInvoiceItems(ctx, req.params, req.url) },
  idRoute('GET', '/v1/invoiceitems/:id', retrieveInvoiceItem),
  { method: 'POST', path: '/v1/invoiceitems/:id', handler: (ctx, req) => updateInvoiceItem(ctx, req.path.id as string, req.params) },
  idRoute('DELETE', '/v1/invoiceitems/:id', deleteInvoiceItem),
];

/** Invoice items: `/v1/invoiceitems`, one-off amounts pending for a customer's next invoice or on a draft. */
export const invoiceItemsModule: ResourceModule = {
  name: 'invoice-items',
  routes,
  expandable: { ii_: findInvoiceItem },
  events: ['invoiceitem.created', 'invoiceitem.deleted'],
  migrations: invoiceItemMigrations,
};
