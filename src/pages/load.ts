/**
 * What the hosted page of a session needs, read through the store and judged by the prefill rules
 * (src/checkout/prefill.ts — the page never re-decides a rule).
 */
import type { Ctx } from '../api/context.js';
import { paymentMethodsForPrefill } from '../checkout/payment-method.js';
import { prefill, type Prefill } from '../checkout/prefill.js';
import type { LineItem, StoredSession } from '../resources/checkout-sessions/shape.js';
import { sessions } from '../resources/checkout-sessions/store.js';
import { customers } from '../resources/customers/service.js';
import type { Customer } from '../resources/customers/shape.js';
import type { Db } from '../store/db.js';
import { exec } from '../store/objects.js';
import { businessNow } from '../time.js';

/** Everything one render of the page reads. */
export interface PageView {
  session: StoredSession;
  lineItems: LineItem[];
  customer: Customer | null;
  prefill: Prefill;
  /** Business time of the session's customer (its test clock, or the wall clock), unix seconds. */
  now: number;
  /** What the page shows: `open`, or why it refuses payment. */
  state: 'open' | 'complete' | 'expired';
}

/** Stripe-shaped session ids only: anything else is not looked up at all. */
const SESSION_ID = /^cs_(test|live)_[A-Za-z0-9]{16,200}$/;

export function isSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

/**
 * A session found by id alone, with its account and line items, in one read. The id is a bearer
 * link (>= 128 random bits), so whoever holds it may see that one session's page, and the page
 * then acts within that session's account only.
 */
export async function findPageSession(db: Db, id: string): Promise<{ account: string; session: StoredSession; lineItems: LineItem[] } | null> {
  if (!isSessionId(id)) return null;
  const { rows } = await exec<{ account_id: string; data: string; line_items: string }>(
    db,
    'page session',
    (p) => `select account_id, data, line_items from checkout_sessions where id = ${p(1)}`,
    [id],
  );
  const row = rows[0];
  return row ? { account: row.account_id, session: JSON.parse(row.data) as StoredSession, lineItems: JSON.parse(row.line_items) as LineItem[] } : null;
}

async function loadCustomer(ctx: Ctx, id: string | null): Promise<Customer | null> {
  if (!id) return null;
  const c = await customers.get(ctx.db, ctx.account, id);
  return !c || 'deleted' in c ? null : c;
}

/** Loads the page of session `id` in ctx's account; null when there is no such session. */
export async function loadPageView(ctx: Ctx, id: string): Promise<PageView | null> {
  const row = await sessions.row(ctx.db, ctx.account, id, ['data', 'line_items']);
  if (!row) return null;
  return pageView(ctx, JSON.parse(row.data as string) as StoredSession, JSON.parse(row.line_items as string) as LineItem[]);
}

/** The page of a loaded session: its customer and saved cards read side by side, then the rules. */
export async function pageView(ctx: Ctx, session: StoredSession, lineItems: LineItem[]): Promise<PageView> {
  const [customer, saved] = await Promise.all([
    loadCustomer(ctx, session.customer),
    session.customer ? paymentMethodsForPrefill(ctx, session.customer) : Promise.resolve([]),
  ]);
  const paymentMethods = customer ? saved : [];
  const now = await businessNow(ctx, customer?.test_clock ?? session._internal?.test_clock ?? null);
  const view = prefill({ session, customer, paymentMethods, now });
  // An open session past its expires_at is expired for the buyer even before the scheduler runs.
  const state = session.status === 'open' && now >= session.expires_at ? 'expired' : session.status;
  return { session, lineItems, customer, prefill: view, now, state };
}
