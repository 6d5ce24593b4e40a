/**
 * An invoice's lines: `GET /v1/invoices/:id/lines`, and a draft's `add_lines`, `update_lines`,
 * `remove_lines`. A draft's one-off line is an invoice item on it (docs/decisions.md#invoices).
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { listObject, listParams, pageInMemory, toPage, type ListObject } from '../../api/list.js';
import { arr, mergeMetadata, obj, oneOf, parseParams, required, str } from '../../api/params.js';
import { applyItemUpdate, createInvoiceItem, deleteInvoiceItem } from '../invoice-items/service.js';
import { assignItem, findInvoiceItem } from '../invoice-items/store.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { itemIdOf, refreshDraft, requireDraft } from './draft.js';
import { invoiceMetadataParam, lineShape } from './params.js';
import { invoices, type Invoice } from './service.js';
import { saveInvoice } from './store.js';

type Line = { id: string } & Record<string, unknown>;

/** GET /v1/invoices/:id/lines: the invoice's lines in order, paged. */
export async function listInvoiceLines(ctx: Ctx, id: string, params: FormObject, url: string): Promise<ListObject<Line>> {
  const p = parseParams(listParams, params);
  const inv = await invoices.get(ctx.db, ctx.account, id);
  if (!inv) throw errors.missingResource('invoice', id);
  const lines = (inv.lines as { data: Line[] }).data;
  const page = toPage(p);
  return listObject(url, pageInMemory(lines, page), 'line_item', page);
}

/** The `i`th element of an array param as sent (`a[0][x]=` or `a[][x]=`), in index order. */
function rawLine(value: unknown, i: number): FormObject {
  if (Array.isArray(value)) return value[i] as FormObject;
  const hash = value as Record<string, FormObject>;
  const key = Object.keys(hash).sort((a, b) => Number(a) - Number(b))[i] as string;
  return hash[key] as FormObject;
}

/** The item behind a draft's line, or a 404 naming `param`. */
async function itemOfLine(ctx: Ctx, inv: Invoice, lineId: string, param: string): Promise<string> {
  const item = lineId.startsWith('il_') ? await findInvoiceItem(ctx, itemIdOf(lineId)) : undefined;
  if (!item || item.invoice !== inv.id) throw errors.missingResource('line_item', lineId, param);
  return item.id;
}

/** `invoice_metadata` of a lines call, applied to the invoice (an `invoice.updated` when it changed). */
async function applyInvoiceMetadata(ctx: Ctx, id: string, update: Record<string, string | null> | null | undefined): Promise<Invoice> {
  const inv = await refreshDraft(ctx, id);
  if (update === undefined) return inv;
  const next: Invoice = { ...inv, metadata: mergeMetadata(inv.metadata as Record<string, string>, update) };
  const prev = previousAttributes(inv, next);
  if (Object.keys(prev).length === 0) return inv;
  await saveInvoice(ctx, next);
  await emit(ctx, 'invoice.updated', next, prev);
  return next;
}

const addShape = { lines: required(arr(obj({ ...lineShape, invoice_item: str({ max: 5000 }) }))), ...invoiceMetadataParam };

/** POST /v1/invoices/:id/add_lines: new one-off lines (invoice items), or a pending `invoice_item` moved onto the draft. */
export async function addLines(ctx: Ctx, id: string, params: FormObject): Promise<Invoice> {
  const p = parseParams(addShape, params);
  const inv = await requireDraft(ctx, id);
  for (const [i, line] of p.lines.entries()) {
    const { invoice_item: existing, ...fields } = line;
    if (existing !== undefined) {
      const item = await findInvoiceItem(ctx, existing);
      if (!item || item.customer !== inv.customer) throw errors.missingResource('invoiceitem', existing, `lines[${i}][invoice_item]`);
      if (item.invoice !== null) throw errors.invalid(`The invoice item ${existing} is already on an invoice.`, `lines[${i}][invoice_item]`);
      await assignItem(ctx, item.id, id);
      await applyItemUpdate(ctx, item.id, fields, `lines[${i}][`);
      continue;
    }
    const { tax_amounts: _ignored, ...form } = rawLine(params.lines, i);
    if (fields.amount === undefined && fields.pricing === undefined && fields.price_data === undefined) throw errors.missingParam(`lines[${i}][amount]`);
    await createInvoiceItem(ctx, { ...form, invoice: id });
  }
  return applyInvoiceMetadata(ctx, id, p.invoice_metadata);
}

const updateShape = { lines: required(arr(obj({ ...lineShape, id: required(str({ max: 5000 })) }))), ...invoiceMetadataParam };

/** POST /v1/invoices/:id/update_lines: changes lines of a draft by id. */
export async function updateLines(ctx: Ctx, id: string, params: FormObject): Promise<Invoice> {
  const p = parseParams(updateShape, params);
  const inv = await requireDraft(ctx, id);
  for (const [i, line] of p.lines.entries()) {
    const { id: lineId, ...fields } = line;
    await applyItemUpdate(ctx, await itemOfLine(ctx, inv, lineId, `lines[${i}][id]`), fields, `lines[${i}][`);
  }
  return applyInvoiceMetadata(ctx, id, p.invoice_metadata);
}

/** POST /v1/invoices/:id/lines/:line_id: one line of a draft. */
export async function updateLine(ctx: Ctx, id: string, lineId: string, params: FormObject): Promise<Line> {
  const p = parseParams(lineShape, params);
  const inv = await requireDraft(ctx, id);
  await applyItemUpdate(ctx, await itemOfLine(ctx, inv, lineId, 'line_item_id'), p);
  const next = await refreshDraft(ctx, id);
  return (next.lines as { data: Line[] }).data.find((l) => l.id === lineId) as Line;
}

const removeShape = { lines: required(arr(obj({ behavior: required(oneOf(['delete', 'unassign'] as const)), id: required(str({ max: 5000 })) }))), ...invoiceMetadataParam };

/** POST /v1/invoices/:id/remove_lines: each line's item deleted, or unassigned (pending again). */
export async function removeLines(ctx: Ctx, id: string, params: FormObject): Promise<Invoice> {
  const p = parseParams(removeShape, params);
  const inv = await requireDraft(ctx, id);
  for (const [i, line] of p.lines.entries()) {
    const itemId = await itemOfLine(ctx, inv, line.id, `lines[${i}][id]`);
    if (line.behavior === 'delete') await deleteInvoiceItem(ctx, itemId);
    else await assignItem(ctx, itemId, null);
  }
  return applyInvoiceMetadata(ctx, id, p.invoice_metadata);
}
