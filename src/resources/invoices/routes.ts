import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { listObject, toPage, type ListObject } from '../../api/list.js';
import { parseParams, str } from '../../api/params.js';
import { RawJson } from '../../api/raw.js';
import { idRoute, type Route } from '../../api/router.js';
import type { Filter } from '../../store/objects.js';
import { createInvoice, deleteInvoice, updateInvoice } from './draft.js';
import { finalizeInvoice, markUncollectible, payInvoiceAnswer, sendInvoice, voidInvoice } from './lifecycle.js';
import { addLines, listInvoiceLines, removeLines, updateLine, updateLines } from './lines.js';
import { invoiceListShape } from './params.js';
import { createPreview } from './preview.js';
import { invoiceSearchRoute } from './search.js';
import { invoices } from './service.js';

/** GET /v1/invoices/:id, as stored and served. */
async function retrieveInvoice(ctx: Ctx, id: string, params: FormObject): Promise<RawJson> {
  parseParams({ client_secret: str() }, params);
  const text = await invoices.getText(ctx.db, ctx.account, id);
  if (text === undefined) throw errors.missingResource('invoice', id);
  return new RawJson(text);
}

/** GET /v1/invoices: newest first; filters `customer`, `subscription`, `status`, `collection_method`, `created`. */
async function listInvoices(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<RawJson>> {
  const p = parseParams(invoiceListShape, params);
  const page = toPage(p);
  const filter: Filter = {};
  if (p.customer !== undefined) filter.customer_id = p.customer;
  if (p.subscription !== undefined) filter.subscription_id = p.subscription;
  if (p.status !== undefined) filter.status = p.status;
  if (p.collection_method !== undefined) filter.collection_method = p.collection_method;
  const result = await invoices.listText(ctx.db, ctx.account, filter, page);
  return listObject(url, { ...result, data: result.data.map((t) => new RawJson(t)) }, 'invoice', page);
}

const post = (path: string, fn: (ctx: Ctx, id: string, params: FormObject) => Promise<unknown>): Route => ({
  method: 'POST',
  path,
  handler: (ctx, req) => fn(ctx, req.path.id as string, req.params),
});

export const invoiceRoutes: Route[] = [
  { method: 'POST', path: '/v1/invoices/create_preview', handler: (ctx, req) => createPreview(ctx, req.params) },
  { method: 'POST', path: '/v1/invoices', handler: (ctx, req) => createInvoice(ctx, req.params) },
  { method: 'GET', path: '/v1/invoices', handler: (ctx, req) => listInvoices(ctx, req.params, req.url) },
  invoiceSearchRoute,
  { method: 'GET', path: '/v1/invoices/:id', handler: (ctx, req) => retrieveInvoice(ctx, req.path.id as string, req.params) },
  post('/v1/invoices/:id', updateInvoice),
  idRoute('DELETE', '/v1/invoices/:id', deleteInvoice),
  post('/v1/invoices/:id/finalize', finalizeInvoice),
  post('/v1/invoices/:id/pay', payInvoiceAnswer),
  post('/v1/invoices/:id/void', voidInvoice),
  post('/v1/invoices/:id/mark_uncollectible', markUncollectible),
  post('/v1/invoices/:id/send', sendInvoice),
  post('/v1/invoices/:id/add_lines', addLines),
  post('/v1/invoices/:id/update_lines', updateLines),
  post('/v1/invoices/:id/remove_lines', removeLines),
  { method: 'GET', path: '/v1/invoices/:id/lines', handler: (ctx, req) => listInvoiceLines(ctx, req.path.id as string, req.params, req.url) },
  { method: 'POST', path: '/v1/invoices/:id/lines/:line', handler: (ctx, req) => updateLine(ctx, req.path.id as string, req.path.line as string, req.params) },
];
