/**
 * What the hosted page of a session needs, read through the store and judged by the prefill rules
 * (src/checkout/prefill.ts — the page never re-decides a rule).
 */
import type { Ctx } from '../api/context.js';
import { paymentMethodsForPrefill } from '../checkout/payment-method.js';
import { prefill, type Prefill } from '../checkout/prefill.js';
import type { LineItem, StoredSession } from '../resources/checkout-sessions/shape.js';
import { loadLineItems, sessions } from '../resources/checkout-sessions/store.js';
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
 * The account a session belongs to, found by id alone: the id is a bearer link (>= 128 random
 * bits), so whoever holds it may see that one session's page, and the page then acts within that
 * account only.
 */
export async function findSessionAccount(db: Db, id: string): Promise<string | null> {
  if (!isSessionId(id)) return null;
  const { rows } = await exec<{ account_id: string }>(db, 'session account', (p) => `select account_id from checkout_sessions where id = ${p(1)}`, [id]);
  return rows[0]?.account_id ?? null;
}

async function loadCustomer(ctx: Ctx, id: string | null): Promise<Customer | null> {
  if (!id) return null;
  const c = await customers.get(ctx.db, ctx.account, id);
  return !c || 'deleted' in c ? null : c;
}

/** Loads the page of session `id` in ctx's account; null when there is no such session. */
export async function loadPageView(ctx: Ctx, id: string): Promise<PageView | null> {
  const session = await sessions.get(ctx.db, ctx.account, id);
  if (!session) return null;
  const [lineItems, customer] = await Promise.all([loadLineItems(ctx, id), loadCustomer(ctx, session.customer)]);
  const [paymentMethods, now] = await Promise.all([
    customer ? paymentMethodsForPrefill(ctx, customer.id) : Promise.resolve([]),
    businessNow(ctx, customer?.test_clock ?? session._internal?.test_clock ?? null),
  ]);
  const view = prefill({ session, customer, paymentMethods, now });
  // An open session past its expires_at is expired for the buyer even before the scheduler runs.
  const state = session.status === 'open' && now >= session.expires_at ? 'expired' : session.status;
  return { session, lineItems, customer, prefill: view, now, state };
}
