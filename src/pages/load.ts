/**
 * What the hosted page of a session needs, read through the store and judged by the prefill rules
 * (src/checkout/prefill.ts — the page never re-decides a rule).
 */
import type { Ctx } from '../api/context.js';
import { prefill, type Prefill } from '../checkout/prefill.js';
import { prefillInputFor } from '../checkout/prefill-explanation.js';
import type { LineItem, StoredSession } from '../resources/checkout-sessions/shape.js';
import { loadSessionWithItems } from '../resources/checkout-sessions/store.js';
import type { Customer } from '../resources/customers/shape.js';
import { resolvePageLocale, type PageLocale } from './i18n.js';

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
  /** The language the page speaks: the session's `locale`, or the buyer's `Accept-Language` (i18n.ts). */
  locale: PageLocale;
}

/** Loads the page of session `id` in ctx's account; null when there is no such session. */
export async function loadPageView(ctx: Ctx, id: string, acceptLanguage?: string): Promise<PageView | null> {
  const found = await loadSessionWithItems(ctx, id);
  return found ? pageView(ctx, found.session, found.lineItems, acceptLanguage) : null;
}

/** The page of a loaded session: its customer and saved cards read side by side, then the rules. */
export async function pageView(ctx: Ctx, session: StoredSession, lineItems: LineItem[], acceptLanguage?: string): Promise<PageView> {
  const input = await prefillInputFor(ctx, session);
  const { customer, now } = input;
  const view = prefill(input);
  // An open session past its expires_at is expired for the buyer even before the scheduler runs.
  const state = session.status === 'open' && now >= session.expires_at ? 'expired' : session.status;
  const locale = resolvePageLocale(session.locale, acceptLanguage);
  return { session, lineItems, customer, prefill: view, now, state, locale };
}
