import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { lockJob } from '../../scheduler/jobs.js';
import { exec, ObjectTable } from '../../store/objects.js';
import type { Db } from '../../store/db.js';
import type { LineItem, StoredSession } from './shape.js';

export const sessions = new ObjectTable<StoredSession>('checkout_sessions');

/**
 * The job kind that expires a session (scheduled by service.ts, cancelled by completion; see
 * docs/architecture.md#time-and-jobs).
 */
export const EXPIRE_JOB = 'checkout_session.expire';

/** Stripe-shaped session ids only: anything else is not looked up at all. */
const SESSION_ID = /^cs_(test|live)_[A-Za-z0-9]{16,200}$/;

/** Queried columns of a session row. */
export function sessionColumns(s: StoredSession) {
  return {
    customer_id: s.customer,
    status: s.status,
    payment_intent_id: s.payment_intent,
    subscription_id: s.subscription,
    expires_at: s.expires_at,
    payment_link_id: s.payment_link,
  };
}

/** The session with this id; unknown -> 404 naming `param`. */
export async function loadSession(ctx: Ctx, id: string, param = 'session'): Promise<StoredSession> {
  const s = await sessions.get(ctx.db, ctx.account, id);
  if (!s) throw errors.missingResource('checkout.session', id, param);
  return s;
}

/** The session whose PaymentIntent this is (a delayed payment settling), or undefined. */
export async function sessionOfPaymentIntent(ctx: Ctx, paymentIntentId: string): Promise<StoredSession | undefined> {
  const page = await sessions.list(ctx.db, ctx.account, { payment_intent_id: paymentIntentId }, { limit: 1 });
  return page.data[0];
}

/** The session and its line items in one read, or null (the hosted page of a known account). */
export async function loadSessionWithItems(ctx: Ctx, id: string): Promise<{ session: StoredSession; lineItems: LineItem[] } | null> {
  const row = await sessions.row(ctx.db, ctx.account, id, ['data', 'line_items']);
  if (!row) return null;
  return { session: JSON.parse(row.data as string) as StoredSession, lineItems: JSON.parse(row.line_items as string) as LineItem[] };
}

/**
 * A session found by id alone, with its account and line items, in one read. The id is a bearer
 * link (>= 128 random bits), so whoever holds it may see that one session's page, and the page
 * then acts within that session's account only.
 */
export async function findPageSession(db: Db, id: string): Promise<{ account: string; session: StoredSession; lineItems: LineItem[] } | null> {
  if (!SESSION_ID.test(id)) return null;
  const { rows } = await exec<{ account_id: string; data: string; line_items: string }>(
    db,
    'page session',
    (p) => `select account_id, data, line_items from checkout_sessions where id = ${p(1)}`,
    [id],
  );
  const row = rows[0];
  return row ? { account: row.account_id, session: JSON.parse(row.data) as StoredSession, lineItems: JSON.parse(row.line_items) as LineItem[] } : null;
}

/** Overwrites a session (object and queried columns). */
export async function saveSession(ctx: Ctx, s: StoredSession): Promise<void> {
  await sessions.update(ctx.db, ctx.account, s, sessionColumns(s));
}

/** Overwrites a session and its line items (a repricing changes both). */
export async function saveSessionWithItems(ctx: Ctx, s: StoredSession, items: LineItem[]): Promise<void> {
  await sessions.update(ctx.db, ctx.account, s, { ...sessionColumns(s), line_items: JSON.stringify(items) });
}

/** The session's line items, in order (empty for an unknown session). */
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
    await lockJob(ctx, EXPIRE_JOB, id);
    q = q.forUpdate();
  }
  const row = await q.executeTakeFirst();
  if (!row) throw errors.missingResource('checkout.session', id);
  return JSON.parse(row.data) as StoredSession;
}
