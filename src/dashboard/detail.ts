/**
 * One object's page: its key facts, what belongs to it (a customer's saved cards, a session's line
 * items and prefill decision, an event's delivery attempts), its JSON and the timeline of its
 * events. Everything is read through the API's routes and the events module's functions.
 */
import type { Deps } from '../api/context.js';
import { endpointAttempts, eventAttempts } from '../events/attempts.js';
import type { StripeEvent } from '../events/emit.js';
import { listEventsAbout, type TimelinePosition } from '../events/read.js';
import { esc } from '../pages/escape.js';
import { fill } from '../pages/i18n.js';
import type { DashboardClient, Json } from './client.js';
import { badge, csrfField, facts, formatTime, jsonBlock, table, type Section, type Shell } from './layout.js';
import { money, objectLink } from './lists.js';

const s = (v: unknown): string => (typeof v === 'string' ? v : '');
const n = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});

/** Events per page of a timeline, and advances per page of a test clock. */
export const TIMELINE_PAGE = 20;
/** The most events shown as having come due in one advance of a test clock. */
const DUE_LIMIT = 100;

/** A timeline position from the query (`<created>.<seq>`), or undefined. */
function positionOf(query: URLSearchParams, name: string): TimelinePosition | undefined {
  const m = /^(-?\d{1,16})\.(\d{1,16})$/.exec(query.get(name) ?? '');
  return m ? { created: Number(m[1]), seq: Number(m[2]) } : undefined;
}

/** Newest / older links of a paged part of an object's page, keeping the rest of the query. */
function pagerHtml(sh: Shell, path: string, query: URLSearchParams, name: string, current: TimelinePosition | undefined, last: TimelinePosition | undefined, hasMore: boolean, anchor: string): string {
  if (!current && !hasMore) return '';
  const keep = new URLSearchParams(query);
  keep.delete('notice');
  keep.delete(name);
  const href = (q: URLSearchParams) => `${path}${q.size ? `?${q.toString()}` : ''}#${anchor}`;
  const newest = current ? `<a href="${esc(href(keep))}">${esc(sh.t.newest)}</a>` : `<span>${esc(sh.t.newest)}</span>`;
  let older = `<span>${esc(sh.t.older)}</span>`;
  if (hasMore && last) {
    const next = new URLSearchParams(keep);
    next.set(name, `${last.created}.${last.seq}`);
    older = `<a href="${esc(href(next))}" data-testid="${anchor}-older">${esc(sh.t.older)}</a>`;
  }
  return `<div class="pager">${newest}${older}</div>`;
}

/** The events about an object (its own, and those of objects that point at it), a page at a time. */
async function timelineHtml(deps: Deps, sh: Shell, path: string, id: string, query: URLSearchParams): Promise<string> {
  const after = positionOf(query, 'timeline_after');
  const page = await listEventsAbout(deps.store.reader ?? deps.store.db, sh.account, id, { limit: TIMELINE_PAGE, after });
  const rows = page.data.map((e) => [esc(formatTime(e.created)), `<span class="mono">${esc(e.type)}</span>`, objectLink('events', e.id)]);
  return (
    `<h2 id="timeline">${esc(sh.t.timeline)}</h2>` +
    table([sh.t.time, sh.t.type, sh.t.id], rows, { testid: 'timeline', empty: sh.t.noEvents, hideSm: [2] }) +
    pagerHtml(sh, path, query, 'timeline_after', after, page.last, page.hasMore, 'timeline')
  );
}

/** An attempt's status, duration and response (its error, or the first 2 KB of the body). */
function attemptCells(a: { status_code: number | null; latency_ms: number; error: string | null; response_body: string | null }): string[] {
  const ok = a.status_code !== null && a.status_code >= 200 && a.status_code < 300;
  return [badge(a.status_code === null ? '—' : String(a.status_code), ok ? 'good' : 'bad'), `<span class="num">${esc(`${a.latency_ms} ms`)}</span>`, responseCell(a.error, a.response_body)];
}

/** An attempt's error, or the first 2 KB of its response body. */
function responseCell(error: string | null, body: string | null): string {
  if (error) return `<span class="mono">${esc(error)}</span>`;
  if (body) return `<pre class="body">${esc(body)}</pre>`;
  return '<span class="muted">—</span>';
}

function cardLabel(pm: Json): string {
  const card = obj(pm.card);
  if (pm.type === 'card' && typeof card.last4 === 'string') {
    const exp = typeof card.exp_month === 'number' ? ` · ${String(card.exp_month).padStart(2, '0')}/${String(card.exp_year)}` : '';
    return `${esc(s(card.brand))} •••• ${esc(card.last4)}<span class="muted">${esc(exp)}</span>`;
  }
  return esc(s(pm.type));
}

async function customerPage(api: DashboardClient, sh: Shell, c: Json): Promise<string> {
  const { t } = sh;
  const id = s(c.id);
  const dflt = s(obj(c.invoice_settings).default_payment_method);
  const [pms, sessions, payments] = await Promise.all([
    api.list(`/v1/customers/${encodeURIComponent(id)}/payment_methods`, { limit: '100' }),
    api.list('/v1/checkout/sessions', { customer: id, limit: '10' }),
    api.list('/v1/payment_intents', { customer: id, limit: '10' }),
  ]);
  const pmRows = pms.data.map((pm) => [
    `${cardLabel(pm)}${pm.id === dflt ? ` <span class="badge info">${esc(t.defaultMethod)}</span>` : ''}`,
    `<span class="mono">${esc(s(pm.id))}</span>`,
    `<span class="mono">${esc(s(pm.allow_redisplay))}</span>`,
    esc(formatTime(n(pm.created))),
  ]);
  const sessionRows = sessions.data.map((x) => [objectLink('checkout_sessions', x.id), badge(x.status), money(x.amount_total, x.currency, sh.locale), esc(formatTime(n(x.created)))]);
  const paymentRows = payments.data.map((x) => [objectLink('payment_intents', x.id), badge(x.status), money(x.amount, x.currency, sh.locale), esc(formatTime(n(x.created)))]);
  // The whole list of the customer's objects: a search by the customer's id in that list.
  const viewAll = (section: Section) => `<p class="more"><a href="/dashboard/${section}?q=${encodeURIComponent(id)}" data-testid="view-all-${section}">${esc(t.viewAll)}</a></p>`;
  return (
    facts([
      [t.email, esc(s(c.email)) || '—'],
      [t.name, esc(s(c.name)) || '—'],
      [t.created, esc(formatTime(n(c.created)))],
      [t.defaultMethod, dflt ? `<span class="mono">${esc(dflt)}</span>` : '—'],
      ...(c.test_clock ? [[t.testClocks, objectLink('test_clocks', c.test_clock)] as [string, string]] : []),
    ]) +
    `<h2>${esc(t.paymentMethods)}</h2>` +
    table([t.paymentMethods, t.id, 'allow_redisplay', t.created], pmRows, { testid: 'payment-methods', empty: t.noPaymentMethods, hideSm: [1, 3] }) +
    `<h2>${esc(t.checkoutSessions)}</h2>` +
    table([t.id, t.status, t.amount, t.created], sessionRows, { empty: t.noResults, hideSm: [3] }) +
    (sessions.has_more ? viewAll('checkout_sessions') : '') +
    `<h2>${esc(t.paymentIntents)}</h2>` +
    table([t.id, t.status, t.amount, t.created], paymentRows, { empty: t.noResults, hideSm: [3] }) +
    (payments.has_more ? viewAll('payment_intents') : '')
  );
}

const RULE_KEYS = new Set(['has_customer', 'session_open', 'mode_payment_or_subscription', 'within_prefill_window', 'is_card', 'redisplay_allowed', 'billing_details_complete', 'newer_card_chosen', 'default_payment_method_chosen']);

function ruleText(sh: Shell, rule: unknown): string {
  const id = s(rule);
  const key = `rule_${id}` as keyof Shell['t'];
  return RULE_KEYS.has(id) ? esc(sh.t[key]) : esc(id);
}

/** The prefill decision card by card, from GET /v1/checkout/sessions/:id/prefill_explanation. */
async function prefillHtml(api: DashboardClient, sh: Shell, session: Json): Promise<string> {
  const { t } = sh;
  const e = await api.get(`/v1/checkout/sessions/${encodeURIComponent(s(session.id))}/prefill_explanation`);
  const rules = (e.session_rules as Json[]).map((r) => [`<span class="mono rule">${esc(s(r.rule))}</span>`, ruleText(sh, r.rule), r.passed ? badge(t.passed, 'good') : badge(t.failed, 'bad')]);
  const cards = (e.payment_methods as Json[]).map((pm) => {
    const missing = (pm.missing_billing_details as string[]).length > 0 ? `<br><span class="muted">${esc(fill(t.missing, { fields: (pm.missing_billing_details as string[]).join(', ') }))}</span>` : '';
    const cls = pm.outcome === 'prefilled' ? 'good' : pm.outcome === 'listed' ? 'info' : 'bad';
    const reason = pm.rule ? `<span class="mono rule">${esc(s(pm.rule))}</span><br>${ruleText(sh, pm.rule)}${missing}` : esc(t.prefilledCard);
    return [`${cardLabel(pm)}<br><span class="mono muted">${esc(s(pm.id))}</span>`, badge(t[`outcome_${s(pm.outcome)}` as 'outcome_prefilled'] ?? pm.outcome, cls), reason];
  });
  const summary = e.prefilled_payment_method ? `${esc(t.prefilledCard)} <span class="mono">${esc(s(e.prefilled_payment_method))}</span>` : esc(t.prefillNone);
  return (
    `<h2>${esc(t.prefillTitle)}</h2><div class="card" data-testid="prefill"><p class="inline">${summary}<span class="muted">${esc(fill(t.windowEnds, { time: formatTime(n(e.prefill_window_ends_at)) }))}</span></p>` +
    `</div><h2>${esc(t.sessionRules)}</h2>` +
    table(['rule', t.details, t.status], rules, { testid: 'prefill-session-rules', hideSm: [0] }) +
    `<h2>${esc(t.paymentMethods)}</h2>` +
    table([t.paymentMethods, t.status, t.details], cards, { testid: 'prefill-cards', empty: t.prefillNoCards, stack: true })
  );
}

async function sessionPage(api: DashboardClient, sh: Shell, x: Json): Promise<string> {
  const { t } = sh;
  const id = s(x.id);
  const items = await api.list(`/v1/checkout/sessions/${encodeURIComponent(id)}/line_items`, { limit: '100' });
  const itemRows = items.data.map((li) => [esc(s(li.description)), `<span class="num">${esc(String(li.quantity ?? ''))}</span>`, money(li.amount_total, li.currency, sh.locale)]);
  const url = s(x.url);
  const open = x.status === 'open' && /^https?:\/\//.test(url);
  return (
    facts([
      [t.status, `${badge(x.status)} ${badge(x.payment_status)}`],
      ['mode', `<span class="mono">${esc(s(x.mode))}</span>`],
      [t.total, money(x.amount_total, x.currency, sh.locale)],
      [t.customer, objectLink('customers', x.customer)],
      [t.email, esc(s(obj(x.customer_details).email) || s(x.customer_email)) || '—'],
      ['payment_intent', objectLink('payment_intents', x.payment_intent)],
      ...(x.subscription ? [['subscription', objectLink('subscriptions', x.subscription)] as [string, string]] : []),
      [t.created, esc(formatTime(n(x.created)))],
      [t.expires, esc(formatTime(n(x.expires_at)))],
    ]) +
    (open ? `<p><a data-testid="hosted-page" href="${esc(url)}" target="_blank" rel="noopener noreferrer">${esc(t.hostedPage)} ↗</a></p>` : '') +
    `<h2>${esc(t.lineItems)}</h2>` +
    table([t.name, t.quantity, t.amount], itemRows, { empty: t.noResults }) +
    (x.customer ? await prefillHtml(api, sh, x) : '')
  );
}

async function eventPage(deps: Deps, api: DashboardClient, sh: Shell, e: Json): Promise<string> {
  const { t } = sh;
  const id = s(e.id);
  const [{ attempts }, endpoints] = await Promise.all([eventAttempts(deps.store.reader ?? deps.store.db, api.account, id), api.list('/v1/webhook_endpoints', { limit: '100' })]);
  const o = obj(obj(e.data).object);
  const rows = attempts.map((a) => [
    esc(formatTime(Math.floor(a.at / 1000))),
    `${objectLink('webhook_endpoints', a.endpoint)}<br><span class="mono muted">${esc(a.url ?? '')}</span>`,
    esc(`#${a.attempt}`),
    ...attemptCells(a),
  ]);
  const enabled = endpoints.data.filter((w) => w.status === 'enabled');
  const resend =
    enabled.length > 0
      ? `<div class="card"><div class="inline"><form method="post" action="/dashboard/events/${encodeURIComponent(id)}/resend">${csrfField(sh)}<label for="resend-endpoint">${esc(t.resendTo)}</label>` +
        `<select id="resend-endpoint" name="webhook_endpoint">${enabled.map((w) => `<option value="${esc(s(w.id))}">${esc(s(w.url))}</option>`).join('')}</select>` +
        `<button type="submit" class="primary" data-testid="resend">${esc(t.resend)}</button></form></div></div>`
      : `<div class="card"><p class="inline muted">${esc(t.noEndpoints)}</p></div>`;
  const section = sectionFor(s(o.object));
  return (
    facts([
      [t.type, `<span class="mono">${esc(s(e.type))}</span>`],
      [t.created, esc(formatTime(n(e.created)))],
      ['object', section ? objectLink(section, o.id) : `<span class="mono">${esc(s(o.id))}</span>`],
      ['pending_webhooks', esc(String(e.pending_webhooks ?? 0))],
    ]) +
    `<h2>${esc(t.attempts)}</h2>` +
    table([t.time, t.endpoint, '#', t.status, t.duration, t.response], rows, { testid: 'attempts', empty: t.noAttempts, stack: true }) +
    `<h2>${esc(t.resend)}</h2>` +
    resend
  );
}

async function endpointPage(deps: Deps, api: DashboardClient, sh: Shell, w: Json): Promise<string> {
  const { t } = sh;
  const id = encodeURIComponent(s(w.id));
  const attempts = await endpointAttempts(deps.store.reader ?? deps.store.db, api.account, s(w.id));
  const rows = attempts.map((a) => [esc(formatTime(Math.floor(a.at / 1000))), objectLink('events', a.event), ...attemptCells(a)]);
  const enabled = w.status === 'enabled';
  // An answer outside 2xx (or none) is a failure, as Stripe counts a delivery (docs/decisions.md#dashboard).
  const failed = attempts.filter((a) => a.status_code === null || a.status_code < 200 || a.status_code >= 300).length;
  const failureRate = attempts.length === 0 ? t.failureRateNone : fill(t.failureRateValue, { pct: Math.round((failed / attempts.length) * 100), failed, total: attempts.length });
  const toggle = `<form method="post" action="/dashboard/webhook_endpoints/${id}/${enabled ? 'disable' : 'enable'}">${csrfField(sh)}<button type="submit" data-testid="toggle-endpoint">${esc(enabled ? t.disable : t.enable)}</button></form>`;
  return (
    facts([
      [t.url, `<span class="mono">${esc(s(w.url))}</span>`],
      [t.status, badge(w.status)],
      [t.enabledEvents, `<span class="mono">${esc(((w.enabled_events as string[]) ?? []).join(', '))}</span>`],
      [t.failureRate, `<span data-testid="endpoint-failure-rate">${esc(failureRate)}</span>`],
      [t.created, esc(formatTime(n(w.created)))],
    ]) +
    `<div class="inline">${toggle}</div>` +
    `<h2>${esc(t.attempts)}</h2>` +
    table([t.time, t.event, t.status, t.duration, t.response], rows, { testid: 'endpoint-attempts', empty: t.noAttempts, stack: true })
  );
}

/** The advance form of a test clock (shortcuts and an exact time). */
function advanceForm(sh: Shell, c: Json): string {
  const { t } = sh;
  const action = `/dashboard/test_clocks/${encodeURIComponent(s(c.id))}/advance`;
  const shortcut = (seconds: number, label: string) => `<form method="post" action="${action}">${csrfField(sh)}<input type="hidden" name="by" value="${seconds}"><button type="submit">${esc(label)}</button></form>`;
  return (
    `<div class="card"><div class="inline">${shortcut(3600, t.plusHour)}${shortcut(86400, t.plusDay)}${shortcut(31 * 86400, t.plusMonth)}` +
    `<form method="post" action="${action}">${csrfField(sh)}<label for="advance-to">${esc(t.advanceTo)}</label><input type="datetime-local" id="advance-to" name="to" step="1" required>` +
    `<button type="submit" class="primary">${esc(t.advance)}</button></form></div></div>`
  );
}

/** One advance of a clock: from and to (business time), and the events its due work emitted. */
interface Advance {
  from: number | null;
  to: number | null;
  events: StripeEvent[];
  /** More came due than are shown. */
  more: boolean;
  done: boolean;
}

/**
 * A page of a clock's advances, newest first, from the events about the clock (about.ts): each
 * `test_helpers.test_clock.advancing` of the clock is one advance (from its `frozen_time` to its
 * target), and what came due in it are the events about objects on the clock (their `test_clock`)
 * created, in the clock's time, after the start and before the target (an object created at the
 * very moment the clock stands at is not told apart from work of the advance that ended there).
 */
async function clockAdvances(deps: Deps, sh: Shell, clock: Json, after: TimelinePosition | undefined) {
  const db = deps.store.reader ?? deps.store.db;
  const clockId = s(clock.id);
  const page = await listEventsAbout(db, sh.account, clockId, { limit: TIMELINE_PAGE, after, type: 'test_helpers.test_clock.advancing' });
  const advances: Advance[] = [];
  for (const e of page.data) {
    const o = obj(e.data.object);
    if (o.id !== clockId) continue;
    const from = n(o.frozen_time);
    const to = n(obj(obj(o.status_details).advancing).target_frozen_time);
    let events: StripeEvent[] = [];
    let more = false;
    if (from !== null && to !== null && to > from + 1) {
      const due = await listEventsAbout(db, sh.account, clockId, { limit: DUE_LIMIT, created: { gt: from, lt: to } });
      events = due.data.filter((x) => obj(x.data.object).id !== clockId).reverse();
      more = due.hasMore;
    }
    const done = !(clock.status === 'advancing' && to !== null && to > (n(clock.frozen_time) ?? 0) && to === n(obj(obj(clock.status_details).advancing).target_frozen_time));
    advances.push({ from, to, events, more, done });
  }
  return { advances, page };
}

function advancesHtml(sh: Shell, advances: Advance[]): string {
  const { t } = sh;
  const rows = advances.map((a) => [
    esc(fill(t.fromTo, { from: formatTime(a.from), to: formatTime(a.to) })) + (a.done ? '' : ` ${badge('advancing')}`),
    a.events.length
      ? `<ul class="due">${a.events.map((e) => `<li><span class="mono">${esc(e.type)}</span> ${objectLink('events', e.id)}</li>`).join('')}</ul>` +
        (a.more ? `<p class="muted">${esc(fill(t.dueMore, { n: String(DUE_LIMIT) }))}</p>` : '')
      : `<span class="muted">${esc(t.nothingDue)}</span>`,
  ]);
  return `<h2 id="advances">${esc(t.clockAdvances)}</h2>` + table([t.frozenTime, t.cameDue], rows, { testid: 'advances', empty: t.noAdvances, stack: true });
}

async function clockPage(deps: Deps, api: DashboardClient, sh: Shell, c: Json, query: URLSearchParams): Promise<string> {
  const { t } = sh;
  const customers = await api.list('/v1/customers', { test_clock: s(c.id), limit: '100' });
  const after = positionOf(query, 'advances_after');
  const { advances, page } = await clockAdvances(deps, sh, c, after);
  return (
    facts([
      [t.name, esc(s(c.name)) || '—'],
      [t.frozenTime, esc(formatTime(n(c.frozen_time)))],
      [t.status, badge(c.status)],
    ]) +
    `<h2>${esc(t.advance)}</h2>` +
    (c.status === 'ready' ? advanceForm(sh, c) : '') +
    advancesHtml(sh, advances) +
    pagerHtml(sh, `/dashboard/test_clocks/${encodeURIComponent(s(c.id))}`, query, 'advances_after', after, page.last, page.hasMore, 'advances') +
    `<h2>${esc(t.customers)}</h2>` +
    table([t.id, t.email], customers.data.map((x) => [objectLink('customers', x.id), esc(s(x.email)) || '—']), { empty: t.noResults })
  );
}

function genericFacts(sh: Shell, x: Json): string {
  const { t } = sh;
  const pairs: Array<[string, string]> = [[t.status, badge(x.status)]];
  if (typeof x.amount === 'number') pairs.push([t.amount, money(x.amount, x.currency, sh.locale)]);
  if (typeof x.total === 'number') pairs.push([t.total, money(x.total, x.currency, sh.locale)]);
  pairs.push([t.customer, objectLink('customers', x.customer)]);
  if (typeof x.subscription === 'string') pairs.push(['subscription', objectLink('subscriptions', x.subscription)]);
  if (typeof x.payment_method === 'string') pairs.push(['payment_method', `<span class="mono">${esc(x.payment_method)}</span>`]);
  pairs.push([t.created, esc(formatTime(n(x.created)))]);
  return facts(pairs) + linesHtml(sh, x);
}

/** A subscription's items or an invoice's lines, as the API lists them inside the object. */
function linesHtml(sh: Shell, x: Json): string {
  const { t } = sh;
  const list = (v: unknown): Json[] => (Array.isArray(obj(v).data) ? (obj(v).data as Json[]) : []);
  if (x.object === 'subscription') {
    const rows = list(x.items).map((i) => {
      const price = obj(i.price);
      return [`<span class="mono">${esc(s(price.id))}</span>`, esc(String(i.quantity ?? '')), money(price.unit_amount, price.currency, sh.locale), esc(formatTime(n(i.current_period_end)))];
    });
    return `<h2>${esc(t.lineItems)}</h2>` + table(['price', t.quantity, t.amount, 'current_period_end'], rows, { empty: t.noResults, hideSm: [3] });
  }
  if (x.object === 'invoice') {
    const rows = list(x.lines).map((l) => [esc(s(l.description)) || '—', esc(String(l.quantity ?? '')), money(l.amount, l.currency, sh.locale)]);
    return `<h2>${esc(t.lineItems)}</h2>` + table([t.name, t.quantity, t.amount], rows, { empty: t.noResults });
  }
  return '';
}

/** The section an API object type lives in. */
export function sectionFor(objectType: string): Section | null {
  const map: Record<string, Section> = {
    customer: 'customers',
    'checkout.session': 'checkout_sessions',
    payment_intent: 'payment_intents',
    subscription: 'subscriptions',
    invoice: 'invoices',
    event: 'events',
    webhook_endpoint: 'webhook_endpoints',
    'test_helpers.test_clock': 'test_clocks',
  };
  return map[objectType] ?? null;
}

/** The body of an object's page (below its title). */
export async function detailHtml(deps: Deps, api: DashboardClient, sh: Shell, section: Section, x: Json, query: URLSearchParams): Promise<string> {
  let body: string;
  if (x.deleted === true) body = facts([[sh.t.status, badge('deleted', 'bad')]]);
  else if (section === 'customers') body = await customerPage(api, sh, x);
  else if (section === 'checkout_sessions') body = await sessionPage(api, sh, x);
  else if (section === 'events') body = await eventPage(deps, api, sh, x);
  else if (section === 'webhook_endpoints') body = await endpointPage(deps, api, sh, x);
  else if (section === 'test_clocks') body = await clockPage(deps, api, sh, x, query);
  else body = genericFacts(sh, x);
  const events = section === 'events' ? '' : await timelineHtml(deps, sh, `/dashboard/${section}/${encodeURIComponent(s(x.id))}`, s(x.id), query);
  return body + events + `<h2>${esc(sh.t.json)}</h2>` + jsonBlock(x);
}
