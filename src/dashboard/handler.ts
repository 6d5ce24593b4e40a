/**
 * `/dashboard`: the local Dashboard (docs/decisions.md#dashboard), on the API's port. A client of
 * the same routes and services as the API, in the signed-in account only. Server-rendered HTML, no
 * script, under a strict CSP with a per-response nonce (the hosted page's `pageHeaders`); every
 * form carries a CSRF token bound to the sign-in (src/pages/csrf.ts).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Deps } from '../api/context.js';
import { StripeError } from '../api/errors.js';
import type { Route } from '../api/router.js';
import { readBody, type PathHandler } from '../api/server.js';
import { unixNow } from '../clock.js';
import { checkCsrf, csrfToken } from '../pages/csrf.js';
import { esc } from '../pages/escape.js';
import { fill } from '../pages/i18n.js';
import { newNonce, pageHeaders } from '../pages/route.js';
import { adminAccounts, cookieValue, issueToken, LOGIN_COOKIE, readToken, SESSION_COOKIE, SESSION_SECONDS, setCookie, signInWith, type DashboardSession } from './auth.js';
import { DASHBOARD_TEXT, dashboardLocale, type DashboardLocale, type DashboardText } from './catalog.js';
import { clientFactory, type DashboardClient } from './client.js';
import { detailHtml } from './detail.js';
import { badge, csrfField, documentHtml, noticeHtml, SECTIONS, shellHtml, table, type Section, type Shell } from './layout.js';
import { findById, LISTS, listPage, search, sectionOfId, type ResultPage } from './lists.js';
import { logDetailPage, logsPage } from './logs.js';

const MAX_FORM_BYTES = 16 * 1024;
const SECTION_NAMES: ReadonlySet<string> = new Set(SECTIONS.map(([s]) => s));

interface Reply {
  status: number;
  html?: string;
  nonce?: string;
  location?: string;
  cookies?: string[];
}

/** Success notices an action redirects with (`?notice=`). */
const NOTICES = { resent: 'resent', disabled: 'endpointDisabled', enabled: 'endpointEnabled', created: 'clockCreated', advanced: 'clockAdvanced' } as const;

const redirect = (location: string, cookies?: string[]): Reply => ({ status: 303, location, ...(cookies ? { cookies } : {}) });

function send(res: ServerResponse, requestId: string, r: Reply, head: boolean): void {
  const html = r.html ?? '';
  const headers: Record<string, string | string[]> = { ...pageHeaders(r.nonce ?? newNonce()), 'Request-Id': requestId, 'Content-Length': String(Buffer.byteLength(html)) };
  if (r.location) headers.Location = r.location;
  if (r.cookies) headers['Set-Cookie'] = r.cookies;
  res.writeHead(r.status, headers);
  res.end(head ? undefined : html);
}

/** The Dashboard's handler, registered beside the API in app.ts; `routes` are the API's assembled routes. */
export function createDashboardHandler(deps: Deps, routes: Route[]): PathHandler {
  const client = clientFactory(deps, routes);
  const now = () => unixNow(deps.clock);

  function loginPage(locale: DashboardLocale, status: number, error?: string): Promise<Reply> {
    return (async () => {
      const t = DASHBOARD_TEXT[locale];
      const nonce = newNonce();
      const login = randomBytes(16).toString('base64url');
      const csrf = await csrfToken(deps.store.db, `dashboard-login:${login}`);
      const help = deps.config.apiKeys ? t.signInHelpStrict : t.signInHelpDev;
      const body =
        `<div class="login"><h1>${esc(t.title)}</h1><div class="card">${error ? noticeHtml(error, true) : ''}<p class="muted">${esc(help)}</p>` +
        `<form method="post" action="/dashboard/login"><input type="hidden" name="csrf_token" value="${esc(csrf)}">` +
        `<label for="secret">${esc(t.secretKey)}</label><input type="password" id="secret" name="secret" autocomplete="off" spellcheck="false" required placeholder="sk_test_…">` +
        `<button type="submit" class="primary">${esc(t.signIn)}</button></form><p class="muted">${esc(t.keyNotKept)}</p></div></div>`;
      return { status, nonce, html: documentHtml(locale, t.signInTitle, nonce, body), cookies: [setCookie(deps, LOGIN_COOKIE, login, 3600)] };
    })();
  }

  async function signIn(req: IncomingMessage, form: URLSearchParams, locale: DashboardLocale): Promise<Reply> {
    const t = DASHBOARD_TEXT[locale];
    const login = cookieValue(req.headers.cookie, LOGIN_COOKIE);
    if (!login || !(await checkCsrf(deps.store.db, `dashboard-login:${login}`, form.get('csrf_token')))) return loginPage(locale, 403, t.forbidden);
    const result = signInWith(deps, form.get('secret') ?? '');
    if ('refused' in result) return loginPage(locale, 401, result.refused === 'publishable' ? t.refusedPublishable : t.refusedInvalid);
    const token = await issueToken(deps, result, now());
    return redirect('/dashboard', [setCookie(deps, SESSION_COOKIE, token, SESSION_SECONDS), setCookie(deps, LOGIN_COOKIE, '', 0)]);
  }

  async function shellFor(session: DashboardSession, locale: DashboardLocale, section: Section | null): Promise<Shell> {
    return {
      t: DASHBOARD_TEXT[locale],
      locale,
      nonce: newNonce(),
      csrf: await csrfToken(deps.store.db, `dashboard:${session.sid}`),
      account: session.account,
      accounts: session.role === 'admin' ? adminAccounts(deps) : null,
      section,
    };
  }

  function page(sh: Shell, status: number, title: string, content: string): Reply {
    return { status, nonce: sh.nonce, html: shellHtml(sh, title, content) };
  }

  async function listView(api: DashboardClient, sh: Shell, section: Section, query: URLSearchParams): Promise<Reply> {
    const { t } = sh;
    const def = LISTS[section];
    const title = t[SECTIONS.find(([s]) => s === section)?.[1] ?? 'customers'];
    const q = (query.get('q') ?? '').trim().slice(0, 200);
    let result: ResultPage;
    if (q === '') result = await listPage(api, section, query);
    else {
      // An id opens its object, unless it is a customer's in a list of customers' objects.
      const asId = sectionOfId(q);
      const byCustomer = asId === 'customers' && def.byCustomer;
      if (asId && !byCustomer) {
        const found = await findById(api, asId, q);
        if (found) return redirect(`/dashboard/${asId}/${encodeURIComponent(q)}`);
        result = { data: [] };
      } else result = (await search(api, section, q, query)) ?? { data: [] };
    }
    const searchBar = `<form class="bar" method="get" action="/dashboard/${section}" role="search"><input type="search" name="q" value="${esc(q)}" placeholder="${esc(t.search)}" aria-label="${esc(t.search)}"><button type="submit">${esc(t.searchButton)}</button></form>`;
    const create = section === 'test_clocks' ? createClockForm(sh) : '';
    const notice = noticeOf(t, query);
    const scanned = result.scanned !== undefined ? `<p class="muted" data-testid="scanned">${esc(fill(t.scannedSoFar, { n: String(result.scanned) }))}</p>` : '';
    const rows = table(def.head(t), result.data.map((o) => def.row(o, t, sh.locale)), { testid: 'list', empty: t.noResults, hideSm: def.hideSm });
    return page(sh, 200, title, `${notice}<h1>${esc(title)}</h1>${create}${searchBar}${rows}${scanned}${pagerOf(sh, section, q, result)}`);
  }

  /** The links to the pages around a list's or search's page, keeping the search. */
  function pagerOf(sh: Shell, section: Section, q: string, r: ResultPage): string {
    const { t } = sh;
    const href = (params: Record<string, string>) => {
      const u = new URLSearchParams(q ? { q, ...params } : params);
      return `/dashboard/${section}${u.size ? `?${u.toString()}` : ''}`;
    };
    const link = (label: string, params: Record<string, string> | undefined, testid: string) =>
      params ? `<a href="${esc(href(params))}" data-testid="${testid}">${esc(label)}</a>` : `<span>${esc(label)}</span>`;
    const back = r.newest ? link(t.newest, {}, 'pager-newest') : link(t.previous, r.previous, 'pager-previous');
    if (!r.newest && !r.previous && !r.next) return '';
    return `<div class="pager">${back}${link(t.next, r.next, 'pager-next')}</div>`;
  }

  function createClockForm(sh: Shell): string {
    const { t } = sh;
    return (
      `<div class="card spaced"><div class="inline"><form method="post" action="/dashboard/test_clocks">${csrfField(sh)}` +
      `<input type="text" name="name" placeholder="${esc(t.name)}" aria-label="${esc(t.name)}" maxlength="300">` +
      `<label for="frozen-time">${esc(t.frozenTime)} (UTC)</label><input type="datetime-local" id="frozen-time" name="frozen_time" step="1">` +
      `<button type="submit" class="primary">${esc(t.createClock)}</button></form></div></div>`
    );
  }

  function noticeOf(t: DashboardText, query: URLSearchParams): string {
    const key = query.get('notice');
    return key && key in NOTICES ? noticeHtml(t[NOTICES[key as keyof typeof NOTICES]]) : '';
  }

  async function detailView(api: DashboardClient, sh: Shell, section: Section, id: string, query: URLSearchParams): Promise<Reply> {
    const found = await findById(api, section, id);
    if (!found) return page(sh, 404, sh.t.notFound, `${noticeHtml(sh.t.notFound, true)}<p><a href="/dashboard/${section}">${esc(sh.t.back)}</a></p>`);
    const title = `<h1><span class="mono">${esc(id)}</span> ${typeof found.status === 'string' ? badge(found.status) : ''}</h1>`;
    return page(sh, 200, id, noticeOf(sh.t, query) + title + (await detailHtml(deps, api, sh, section, found, query)));
  }

  /** UTC `YYYY-MM-DDTHH:MM[:SS]` from a datetime-local field, as unix seconds. */
  function utcSeconds(value: string | null): number | null {
    if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
    const ms = Date.parse(`${value}Z`);
    return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
  }

  /** A form post of a signed-in session (the CSRF token was checked). */
  async function act(api: DashboardClient, sh: Shell, session: DashboardSession, path: string, form: URLSearchParams): Promise<Reply> {
    if (path === '/dashboard/logout') return redirect('/dashboard/login', [setCookie(deps, SESSION_COOKIE, '', 0)]);
    if (path === '/dashboard/account') {
      const target = adminAccounts(deps).find((a) => a.account === form.get('account'));
      if (session.role !== 'admin' || !target) return refused(sh, 400, sh.t.notFound);
      return redirect('/dashboard', [setCookie(deps, SESSION_COOKIE, await issueToken(deps, { account: target.account, tag: session.tag }, now()), SESSION_SECONDS)]);
    }
    let m = /^\/dashboard\/events\/([^/]+)\/resend$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1] as string);
      await api.post(`/v1/events/${encodeURIComponent(id)}/retry`, { webhook_endpoint: form.get('webhook_endpoint') ?? '' });
      return redirect(`/dashboard/events/${encodeURIComponent(id)}?notice=resent`);
    }
    m = /^\/dashboard\/webhook_endpoints\/([^/]+)\/(disable|enable)$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1] as string);
      await api.post(`/v1/webhook_endpoints/${encodeURIComponent(id)}`, { disabled: m[2] === 'disable' ? 'true' : 'false' });
      return redirect(`/dashboard/webhook_endpoints/${encodeURIComponent(id)}?notice=${m[2] === 'disable' ? 'disabled' : 'enabled'}`);
    }
    if (path === '/dashboard/test_clocks') {
      const frozen = form.get('frozen_time') ? utcSeconds(form.get('frozen_time')) : now();
      if (frozen === null) return refused(sh, 400, sh.t.badTime);
      const name = (form.get('name') ?? '').trim();
      const clock = await api.post('/v1/test_helpers/test_clocks', { frozen_time: String(frozen), ...(name ? { name } : {}) });
      return redirect(`/dashboard/test_clocks/${encodeURIComponent(String(clock.id))}?notice=created`);
    }
    m = /^\/dashboard\/test_clocks\/([^/]+)\/advance$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1] as string);
      const clock = await findById(api, 'test_clocks', id);
      if (!clock) return refused(sh, 404, sh.t.notFound);
      const by = Number(form.get('by'));
      const to = form.get('by') ? (Number.isInteger(by) && by > 0 ? Number(clock.frozen_time) + by : null) : utcSeconds(form.get('to'));
      if (to === null) return refused(sh, 400, sh.t.badTime);
      await api.post(`/v1/test_helpers/test_clocks/${encodeURIComponent(id)}/advance`, { frozen_time: String(to) });
      return redirect(`/dashboard/test_clocks/${encodeURIComponent(id)}?notice=advanced`);
    }
    return refused(sh, 404, sh.t.notFound);
  }

  function refused(sh: Shell, status: number, message: string): Reply {
    return page(sh, status, sh.t.refused, `<h1>${esc(sh.t.refused)}</h1>${noticeHtml(message, true)}<p><a href="/dashboard">${esc(sh.t.back)}</a></p>`);
  }

  async function handle(req: IncomingMessage, path: string, query: URLSearchParams, requestId: string): Promise<Reply> {
    const method = req.method ?? 'GET';
    const locale = dashboardLocale(req.headers['accept-language']);
    const t = DASHBOARD_TEXT[locale];
    const isGet = method === 'GET' || method === 'HEAD';
    if (!isGet && method !== 'POST') {
      req.resume();
      return { status: 405, html: '' };
    }
    let form = new URLSearchParams();
    if (method === 'POST') {
      try {
        form = new URLSearchParams((await readBody(req, MAX_FORM_BYTES)).toString('utf8'));
      } catch {
        return { status: 413, html: '' };
      }
    } else req.resume();

    if (path === '/dashboard/login') return isGet ? loginPage(locale, 200) : signIn(req, form, locale);
    const session = await readToken(deps, cookieValue(req.headers.cookie, SESSION_COOKIE), now());
    if (!session) return isGet ? redirect('/dashboard/login') : loginPage(locale, 403, t.forbidden);

    const segments = path.split('/').filter(Boolean).slice(1);
    const section = SECTION_NAMES.has(segments[0] ?? '') ? (segments[0] as Section) : null;
    const sh = await shellFor(session, locale, section);
    const api = client(session.account, requestId);
    try {
      if (method === 'POST') {
        if (!(await checkCsrf(deps.store.db, `dashboard:${session.sid}`, form.get('csrf_token')))) {
          deps.log.warn({ requestId, path }, 'dashboard post refused: bad CSRF token');
          return refused(sh, 403, t.forbidden);
        }
        return await act(api, sh, session, path, form);
      }
      if (segments.length === 0) return redirect('/dashboard/customers');
      if (segments[0] === 'logs' && segments.length <= 2) {
        sh.logs = true;
        if (segments.length === 1) {
          const r = await logsPage(deps, sh, query);
          return page(sh, r.status, t.logs, r.content);
        }
        const id = decodeURIComponent(segments[1] as string);
        const detail = await logDetailPage(deps, sh, id);
        return detail ? page(sh, 200, id, detail) : page(sh, 404, t.notFound, `${noticeHtml(t.notFound, true)}<p><a href="/dashboard/logs">${esc(t.back)}</a></p>`);
      }
      if (!section || segments.length > 2) return refused(sh, 404, t.notFound);
      if (segments.length === 1) return await listView(api, sh, section, query);
      return await detailView(api, sh, section, decodeURIComponent(segments[1] as string), query);
    } catch (err) {
      if (err instanceof StripeError && err.status < 500) return refused(sh, err.status, err.body.message);
      if (err instanceof URIError) return refused(sh, 400, t.notFound);
      throw err;
    }
  }

  return async function dashboard(req, res, requestId) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (path !== '/dashboard' && !path.startsWith('/dashboard/')) return false;
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    let reply: Reply;
    try {
      reply = await handle(req, path.replace(/\/+$/, '') || '/dashboard', query, requestId);
    } catch (err) {
      deps.log.error({ err, requestId, path: '/dashboard' }, 'dashboard failed');
      const locale = dashboardLocale(req.headers['accept-language']);
      const nonce = newNonce();
      reply = { status: 500, nonce, html: documentHtml(locale, DASHBOARD_TEXT[locale].refused, nonce, `<div class="login">${noticeHtml(DASHBOARD_TEXT[locale].failedRequest.replace('{id}', requestId), true)}</div>`) };
    }
    if (reply.status === 405) res.setHeader('Allow', 'GET, HEAD, POST');
    send(res, requestId, reply, req.method === 'HEAD');
    return true;
  };
}
