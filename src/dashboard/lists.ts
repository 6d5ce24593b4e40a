/**
 * The Dashboard's lists: one per section, each read through the API's list route (newest first,
 * Stripe's cursors), and the search by id or email (docs/decisions.md#dashboard).
 */
import { StripeError } from '../api/errors.js';
import { esc } from '../pages/escape.js';
import { fill } from '../pages/i18n.js';
import { formatAmount } from '../pages/money.js';
import type { DashboardClient, Json } from './client.js';
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
  return a === null || c === '' ? '—' : esc(formatAmount(a, c, locale));
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

/** One page of a section, by Stripe's cursors. */
export async function listPage(api: DashboardClient, section: Section, cursor: { starting_after?: string; ending_before?: string }) {
  return api.list(LISTS[section].api, { limit: String(PAGE_SIZE), ...cursor });
}

/**
 * A search: an email finds the customers with that email and, in a section that lists by customer,
 * their objects; in Events, an event type (`checkout.session.*`) filters by type; `key:value`
 * finds objects by their metadata.
 */
export async function search(api: DashboardClient, section: Section, q: string): Promise<Json[]> {
  const def = LISTS[section];
  if (q.includes('@')) {
    const customers = (await api.list('/v1/customers', { email: q, limit: '100' })).data;
    if (section === 'customers') return customers;
    if (!def.byCustomer) return [];
    const found = await Promise.all(customers.slice(0, 10).map(async (c) => (await api.list(def.api, { customer: String(c.id), limit: '100' })).data));
    return found.flat().sort((a, b) => (n(b.created) ?? 0) - (n(a.created) ?? 0));
  }
  if (section === 'events' && /^[a-z_.*]+$/.test(q)) return (await api.list('/v1/events', { type: q, limit: '100' })).data;
  const meta = /^([^:=\s]+)\s*[:=]\s*(.+)$/.exec(q);
  if (meta) return searchMetadata(api, section, meta[1] as string, (meta[2] as string).trim());
  return [];
}

/** Sections whose API has Stripe's search endpoint, which matches metadata itself. */
const SEARCHABLE: ReadonlySet<Section> = new Set(['customers', 'payment_intents', 'subscriptions', 'invoices']);

/**
 * `key:value` finds the objects whose metadata has that value: through the API's own search
 * (`metadata['key']:'value'`) where the resource has one, else among the newest 100 objects.
 */
async function searchMetadata(api: DashboardClient, section: Section, key: string, value: string): Promise<Json[]> {
  const def = LISTS[section];
  if (SEARCHABLE.has(section)) {
    const quote = (x: string) => x.replaceAll('\\', '\\\\').replaceAll("'", "\\'");
    return (await api.list(`${def.api}/search`, { query: `metadata['${quote(key)}']:'${quote(value)}'`, limit: '100' })).data;
  }
  if (section === 'events') return [];
  const newest = (await api.list(def.api, { limit: '100' })).data;
  return newest.filter((o) => (o.metadata as Record<string, unknown> | undefined)?.[key] === value);
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
