import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { ObjectTable } from '../../store/objects.js';
import type { LineItem, StoredSession } from './shape.js';

export const sessions = new ObjectTable<StoredSession>('checkout_sessions');

/** The job kind that expires a session (scheduled by service.ts, cancelled by completion). */
const EXPIRE_JOB_KIND = 'checkout_session.expire';

export function sessionColumns(s: StoredSession) {
  return {
    customer_id: s.customer,
    status: s.status,
    payment_intent_id: s.payment_intent,
    subscription_id: s.subscription,
    expires_at: s.expires_at,
  };
}

export async function loadSession(ctx: Ctx, id: string, param = 'session'): Promise<StoredSession> {
  const s = await sessions.get(ctx.db, ctx.account, id);
  if (!s) throw errors.missingResource('checkout.session', id, param);
  return s;
}

export async function saveSession(ctx: Ctx, s: StoredSession): Promise<void> {
  await sessions.update(ctx.db, ctx.account, s, sessionColumns(s));
}

export async function loadLineItems(ctx: Ctx, id: string): Promise<LineItem[]> {
  const row = await sessions.row(ctx.db, ctx.account, id, ['line_items']);
  return row ? (JSON.parse(row.line_items as string) as LineItem[]) : [];
}

/**
 * Locks the session row for the rest of the transaction (PostgreSQL `FOR UPDATE`; SQLite has one
 * writer), so concurrent submits of one session serialise and the second sees it complete.
 */
export async function lockSession(ctx: Ctx, id: string): Promise<StoredSession> {
  let q = ctx.db.selectFrom('checkout_sessions').select('data').where('account_id', '=', ctx.account).where('id', '=', id);
  if (ctx.deps.store.dialect === 'postgres') {
    // Lock order: the session's expiry job row first, then the session. The expiry job takes them
    // in that order (its claim deletes the job row, then it locks the session); a payment or an
    // expire that locked the session first and then cancelled the job would deadlock against it.
    await ctx.db.selectFrom('jobs').select('seq').where('kind', '=', EXPIRE_JOB_KIND).where('subject_id', '=', id).forUpdate().execute();
    q = q.forUpdate();
  }
  const row = await q.executeTakeFirst();
  if (!row) throw errors.missingResource('checkout.session', id);
  return JSON.parse(row.data) as StoredSession;
}
