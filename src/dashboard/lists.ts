/**
 * The Dashboard's lists: one per section, each read through the API's list route (newest first,
 * Stripe's cursors), and the search by id or email (docs/decisions.md#dashboard).
 */
import { StripeError } from '../api/errors.js';
import { esc } from '../pages/escape.js';
import { fill } from '../pages/i18n.js';
import { formatAmount } from '../pages/money.js';
import type { DashboardClient, Json, JsonList } from './client.js';
import type { DashboardText } from './catalog.js';
import { badge, formatTime, type Section } from './layout.js';

export const PAGE_SIZE = 20;

/** What one section lists and how a row reads. */
export interface ListDef {
  api: string;
  /** Id prefixes of the section's objects (a search for such an id opens it). */
  prefixes: string[];
  /** The API list filters by `customer` (a search by email finds the customer's objects). */
  byCustomer: boolean;
  head(t: DashboardText): string[];
  row(o: Json, t: DashboardText, locale: string): string[];
  /** Columns hidden on a phone. */
  hideSm: number[];
}

const s = (v: unknown): string => (typeof v === 'string' ? v : '');
const n = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** A link to an object's page. */
export function objectLink(section: Section, id: unknown): string {
  if (typeof id !== 'string' || id === '') return '<span class="muted">—</span>';
  return `<a class="mono" href="/dashboard/${section}/${encodeURIComponent(id)}">${esc(id)}</a>`;
}

/** An amount in its currency, or a dash. */
export function money(amount: unknown, currency: unknown, locale: string): string {
  const a = n(amount);
  const c = s(currency);
  return a === null || c === '' ? '—' : `<span class="nowrap">${esc(formatAmount(a, c, locale))}</span>`;
}

const customerCell = (o: Json): string => objectLink('customers', typeof o.customer === 'string' ? o.customer : null);

export const LISTS: Readonly<Record<Section, ListDef>> = {
  customers: {
    api: '/v1/customers',
    prefixes: ['cus_'],
    byCustomer: false,
    head: (t) => [t.id, t.email, t.name, t.created],
    row: (o) => [objectLink('customers', o.id), esc(s(o.email)) || '—', esc(s(o.name)) || '—', esc(formatTime(n(o.created)))],
    hideSm: [2, 3],
  },
  checkout_sessions: {
    api: '/v1/checkout/sessions',
    prefixes: ['cs_'],
    byCustomer: true,
    head: (t) => [t.id, t.status, t.amount, t.customer, t.created],
    row: (o, _t, l) => [objectLink('checkout_sessions', o.id), badge(o.status), money(o.amount_total, o.currency, l), customerCell(o), esc(formatTime(n(o.created)))],
    hideSm: [3, 4],
  },
  payment_intents: {
    api: '/v1/payment_intents',
    prefixes: ['pi_'],
    byCustomer: true,
    head: (t) => [t.id, t.status, t.amount, t.customer, t.created],
    row: (o, _t, l) => [objectLink('payment_intents', o.id), badge(o.status), money(o.amount, o.currency, l), customerCell(o), esc(formatTime(n(o.created)))],
    hideSm: [3, 4],
  },
  subscriptions: {
    api: '/v1/subscriptions',
    prefixes: ['sub_'],
    byCustomer: true,
    head: (t) => [t.id, t.status, t.customer, t.created],
    row: (o) => [objectLink('subscriptions', o.id), badge(o.status), customerCell(o), esc(formatTime(n(o.created)))],
    hideSm: [2, 3],
  },
  invoices: {
    api: '/v1/invoices',
    prefixes: ['in_'],
    byCustomer: true,
    head: (t) => [t.id, t.status, t.amount, t.customer, t.created],
    row: (o, _t, l) => [objectLink('invoices', o.id), badge(o.status), money(o.total, o.currency, l), customerCell(o), esc(formatTime(n(o.created)))],
    hideSm: [3, 4],
  },
  events: {
    api: '/v1/events',
    prefixes: ['evt_'],
    byCustomer: false,
    head: (t) => [t.id, t.type, t.webhookEndpoints, t.created],
    // pending_webhooks: deliveries not yet made (retrying, or waiting for their first attempt).
    row: (o, t) => [objectLink('events', o.id), `<span class="mono">${esc(s(o.type))}</span>`, n(o.pending_webhooks) ? badge(fill(t.pending, { n: String(o.pending_webhooks) }), 'warn') : '<span class="muted">—</span>', esc(formatTime(n(o.created)))],
    hideSm: [2, 3],
  },
  webhook_endpoints: {
    api: '/v1/webhook_endpoints',
    prefixes: ['we_'],
    byCustomer: false,
    head: (t) => [t.id, t.url, t.status, t.created],
    row: (o) => [objectLink('webhook_endpoints', o.id), `<span class="mono">${esc(s(o.url))}</span>`, badge(o.status), esc(formatTime(n(o.created)))],
    hideSm: [3],
  },
  test_clocks: {
    api: '/v1/test_helpers/test_clocks',
    prefixes: ['clock_'],
    byCustomer: false,
    head: (t) => [t.id, t.name, t.frozenTime, t.status],
    row: (o) => [objectLink('test_clocks', o.id), esc(s(o.name)) || '—', esc(formatTime(n(o.frozen_time))), badge(o.status)],
    hideSm: [1],
  },
};

/** The section whose objects carry this id's prefix. */
export function sectionOfId(id: string): Section | null {
  for (const [section, def] of Object.entries(LISTS) as Array<[Section, ListDef]>) {
    if (def.prefixes.some((p) => id.startsWith(p))) return section;
  }
  return null;
}

/**
 * A page of a list or of a search's results, and the query params of the pages around it:
 * `previous`/`next` for Stripe's cursors, `newest` (back to the first page) and `next` for a
 * search that only goes forward (the API's search pages, a scan).
 */
export interface ResultPage {
  data: Json[];
  previous?: Record<string, string> | undefined;
  next?: Record<string, string> | undefined;
  /** The page is not the first of a forward-only search. */
  newest?: boolean;
  /** A scan stopped after looking through this many objects, before a page of matches was found. */
  scanned?: number;
}

/** The cursor params a page of a list or search may carry (others in the query are the search's own). */
export const PAGE_PARAMS = ['starting_after', 'ending_before', 'page', 'scan_after'] as const;

/** Objects a scan looks through per request at most (a search with no index behind it). */
export const SCAN_LIMIT = 1000;

/** A page of an API list, by Stripe's cursors (`starting_after`, `ending_before`), filtered by `filter`. */
async function cursorPage(api: DashboardClient, path: string, filter: Record<string, string>, query: URLSearchParams): Promise<ResultPage> {
  const after = query.get('starting_after') ?? undefined;
  const before = query.get('ending_before') ?? undefined;
  const backwards = Boolean(before && !after);
  const list = await api.list(path, { ...filter, limit: String(PAGE_SIZE), ...(backwards && before ? { ending_before: before } : after ? { starting_after: after } : {}) });
  const first = list.data[0]?.id;
  const last = list.data[list.data.length - 1]?.id;
  const hasNewer = backwards ? list.has_more : Boolean(after);
  const hasOlder = backwards || list.has_more;
  return {
    data: list.data,
    previous: hasNewer && typeof first === 'string' ? { ending_before: first } : undefined,
    next: hasOlder && typeof last === 'string' ? { starting_after: last } : undefined,
  };
}

/** A page of the API's own search (`/search`, Stripe's query language), forward by `page`. */
async function searchPage(api: DashboardClient, path: string, q: string, query: URLSearchParams): Promise<ResultPage> {
  const page = query.get('page') ?? undefined;
  const r = (await api.list(`${path}/search`, { query: q, limit: String(PAGE_SIZE), ...(page ? { page } : {}) })) as JsonList & { next_page?: string | null };
  return { data: r.data, next: r.has_more && r.next_page ? { page: r.next_page } : undefined, newest: Boolean(page) };
}

/**
 * A page of the objects of a list that `accept` keeps, found by reading the list newest first
 * from `scan_after` (the last object the previous page looked at): complete, however far back
 * the matches are, at most SCAN_LIMIT objects per page.
 */
async function scanPage(api: DashboardClient, path: string, query: URLSearchParams, accept: (o: Json) => boolean): Promise<ResultPage> {
  const from = query.get('scan_after') ?? undefined;
  let after = from;
  const hits: Json[] = [];
  let scanned = 0;
  let lastSeen: string | undefined;
  let done = false;
  while (!done && hits.length < PAGE_SIZE && scanned < SCAN_LIMIT) {
    const list = await api.list(path, { limit: '100', ...(after ? { starting_after: after } : {}) });
    for (const [i, o] of list.data.entries()) {
      scanned++;
      lastSeen = String(o.id);
      if (accept(o)) hits.push(o);
      if (hits.length === PAGE_SIZE) {
        done = i === list.data.length - 1 && !list.has_more;
        break;
      }
    }
    if (hits.length === PAGE_SIZE) break;
    if (!list.has_more || list.data.length === 0) done = true;
    after = lastSeen;
  }
  return {
    data: hits,
    next: !done && lastSeen ? { scan_after: lastSeen } : undefined,
    newest: Boolean(from),
    ...(!done && hits.length < PAGE_SIZE ? { scanned } : {}),
  };
}

/** One page of a section, newest first, by Stripe's cursors. */
export function listPage(api: DashboardClient, section: Section, query: URLSearchParams): Promise<ResultPage> {
  return cursorPage(api, LISTS[section].api, {}, query);
}

/** The emails an object carries of its own (a guest's session, a receipt). */
function emailsOf(o: Json): string[] {
  const details = o.customer_details as Json | null | undefined;
  return [details?.email, o.customer_email, o.receipt_email].filter((e): e is string => typeof e === 'string').map((e) => e.toLowerCase());
}

/** Sections whose objects may carry an email of their own (emailsOf). */
const OWN_EMAIL: ReadonlySet<Section> = new Set(['checkout_sessions', 'payment_intents', 'invoices']);

/**
 * A page of a search, every kind paginated (docs/decisions.md#dashboard, "Search"):
 * - a customer id in a section that lists by customer: that customer's objects;
 * - an email: the customers with that email (the API's `email` filter) and, in a section that
 *   lists by customer, the objects of those customers or carrying that email (a scan);
 * - in Events, an event type (`checkout.session.*`): the API's `type` filter;
 * - `key:value` (or `key=value`): objects whose metadata has that value, through the API's own
 *   search where the resource has one, else a scan.
 * Null when the text is none of these.
 */
export async function search(api: DashboardClient, section: Section, q: string, query: URLSearchParams): Promise<ResultPage | null> {
  const def = LISTS[section];
  if (def.byCustomer && q.startsWith('cus_')) return cursorPage(api, def.api, { customer: q }, query);
  if (q.includes('@')) {
    if (section === 'customers') return cursorPage(api, '/v1/customers', { email: q }, query);
    if (!def.byCustomer) return { data: [] };
    const ids = new Set((await api.list('/v1/customers', { email: q, limit: '100' })).data.map((c) => c.id));
    if (ids.size === 0 && !OWN_EMAIL.has(section)) return { data: [] };
    const email = q.toLowerCase();
    return scanPage(api, def.api, query, (o) => ids.has(o.customer) || emailsOf(o).includes(email));
  }
  if (section === 'events' && /^[a-z_.*]+$/.test(q)) return cursorPage(api, '/v1/events', { type: q }, query);
  const meta = /^([^:=\s]+)\s*[:=]\s*(.+)$/.exec(q);
  if (meta) return searchMetadata(api, section, meta[1] as string, (meta[2] as string).trim(), query);
  return null;
}

/** Sections whose API has Stripe's search endpoint, which matches metadata itself. */
const SEARCHABLE: ReadonlySet<Section> = new Set(['customers', 'payment_intents', 'subscriptions', 'invoices']);

/**
 * `key:value` finds the objects whose metadata has that value: through the API's own search
 * (`metadata['key']:'value'`) where the resource has one, else by a scan of the whole list.
 */
async function searchMetadata(api: DashboardClient, section: Section, key: string, value: string, query: URLSearchParams): Promise<ResultPage> {
  const def = LISTS[section];
  if (SEARCHABLE.has(section)) {
    const quote = (x: string) => x.replaceAll('\\', '\\\\').replaceAll("'", "\\'");
    return searchPage(api, def.api, `metadata['${quote(key)}']:'${quote(value)}'`, query);
  }
  if (section === 'events') return { data: [] };
  return scanPage(api, def.api, query, (o) => (o.metadata as Record<string, unknown> | undefined)?.[key] === value);
}

/** The object an id names in the signed-in account, or null. */
export async function findById(api: DashboardClient, section: Section, id: string): Promise<Json | null> {
  try {
    return await api.get(`${LISTS[section].api}/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err instanceof StripeError && err.status === 404) return null;
    throw err;
  }
}
