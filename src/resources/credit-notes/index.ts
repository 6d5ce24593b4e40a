import type { Route } from '../../api/router.js';
import type { ResourceModule } from '../module.js';
import {
  createCreditNote,
  listCreditNoteLines,
  listCreditNotes,
  previewCreditNote,
  previewCreditNoteLines,
  retrieveCreditNote,
  updateCreditNote,
  voidCreditNote,
} from './service.js';
import { creditNoteMigrations, creditNotes } from './store.js';
import { parseParams } from '../../api/params.js';

const routes: Route[] = [
  { method: 'GET', path: '/v1/credit_notes/preview', handler: (ctx, req) => previewCreditNote(ctx, req.params) },
  { method: 'GET', path: '/v1/credit_notes/preview/lines', handler: (ctx, req) => previewCreditNoteLines(ctx, req.params, req.url) },
  { method: 'POST', path: '/v1/credit_notes', handler: (ctx, req) => createCreditNote(ctx, req.params) },
  { method: 'GET', path: '/v1/credit_notes', handler: (ctx, req) => listCreditNotes(ctx, req.params, req.url) },
  {
    method: 'GET',
    path: '/v1/credit_notes/:id',
    handler: (ctx, req) => {
      parseParams({}, req.params);
      return retrieveCreditNote(ctx, req.path.id as string);
    },
  },
  { method: 'POST', path: '/v1/credit_notes/:id', handler: (ctx, req) => updateCreditNote(ctx, req.path.id as string, req.params) },
  { method: 'POST', path: '/v1/credit_notes/:id/void', handler: (ctx, req) => voidCreditNote(ctx, req.path.id as string, req.params) },
  { method: 'GET', path: '/v1/credit_notes/:id/lines', handler: (ctx, req) => listCreditNoteLines(ctx, req.path.id as string, req.params, req.url) },
];

/** Credit notes: `/v1/credit_notes`, credits against an open or paid invoice (docs/decisions.md#credit-notes). */
export const creditNotesModule: ResourceModule = {
  name: 'credit-notes',
  routes,
  expandable: { cn_: (ctx, id) => creditNotes.get(ctx.db, ctx.account, id) },
  events: ['credit_note.created', 'credit_note.updated', 'credit_note.voided'],
  migrations: creditNoteMigrations,
};
