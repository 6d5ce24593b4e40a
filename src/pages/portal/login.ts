/**
 * `/p/login/:token`: the customer portal's login page, a configuration's `login_page.url`
 * (docs/decisions.md#customer-portal). The customer gives an email; the page makes a portal
 * session for the customer with that email (the newest one with a subscription not ended, else the
 * newest) through the sessions service, and delivers its link to the account's test mailbox
 * (`GET /_admin/portal_login_links`, read with the account's secret key), never to the visitor: the
 * page answers the same whether or not a customer has the email. In dev mode the link is also
 * written to the server's log.
 */
import type { IncomingMessage } from 'node:http';
import { inTransaction, type Deps } from '../../api/context.js';
import type { Route } from '../../api/router.js';
import { readBody, type PathHandler } from '../../api/server.js';
import { LINK_SECONDS, openSession } from '../../resources/billing-portal/sessions.js';
import { configurationByLoginToken, countLoginLinks } from '../../resources/billing-portal/store.js';
import type { PortalConfiguration } from '../../resources/billing-portal/shape.js';
import { checkCsrf, csrfToken } from '../csrf.js';
import { esc } from '../escape.js';
import { fill, pageLocaleOf, resolvePageLocale, textOf, type PageLocale } from '../i18n.js';
import { documentHtml, footHtml, noticeHtml } from '../layout.js';
import { NOTICES } from '../notices.js';
import { answerFormPage, idFromPath, newNonce, type PageReply } from '../route.js';
import { readCtx, routeReader, type RouteReader } from './model.js';
import { LOGIN_TEXT } from './login-text.js';

const PATH = /^\/p\/login\/([^/?#]+)\/?$/;
const MAX_FORM_BYTES = 8 * 1024;
/** A loose email shape: the link goes to a test mailbox, so this only catches typing slips. */
const EMAIL = /^[^\s@]{1,200}@[^\s@]{1,200}\.[^\s@]{1,60}$/;
/** At most this many login links to one email address per window, so the page cannot be used to flood a mailbox. */
const LINKS_PER_WINDOW = 5;
const LINK_WINDOW_SECONDS = 15 * 60;
/** Subscriptions that make a customer the one the login opens, as Stripe picks "an active subscription". */
const LIVE = new Set(['active', 'trialing', 'past_due', 'unpaid', 'paused', 'incomplete']);

const LOGIN_CSS = `
.login form{margin-top:20px;text-align:left}
.login .fl{display:block;font-size:13px;color:#6b6b6b;margin:0 0 4px}
.login .in{width:100%}
.login .btn{width:100%;margin-top:16px;border:0;cursor:pointer;font:inherit;font-weight:500;background:#0570de;color:#fff;padding:11px 16px}
.login .btn:hover{background:#0461c2}
.login .foot{margin-top:32px}
.login .err{color:#df1b41;font-size:14px;margin:8px 0 0}
.login .note{font-size:12px;color:#6b6b6b;margin-top:18px}
.login .headline{font-weight:600}
`;

/** The customer the login opens for `email`: the newest with a subscription not yet ended, else the newest. */
async function customerFor(deps: Deps, read: RouteReader, account: string, email: string, requestId: string): Promise<string | null> {
  const ctx = readCtx(deps, account, requestId);
  const found = (await read(ctx, '/v1/customers', { email, limit: '10' })) as { data: Array<{ id: string }> };
  for (const c of found.data) {
    const subs = (await read(ctx, '/v1/subscriptions', { customer: c.id, status: 'all', limit: '10' })) as { data: Array<{ status: string }> };
    if (subs.data.some((s) => LIVE.has(s.status))) return c.id;
  }
  return found.data[0]?.id ?? null;
}

export function createPortalLoginHandler(deps: Deps, routes: Route[]): PathHandler {
  const read = routeReader(routes);
  const notice = (status: number, n: Parameters<typeof noticeHtml>[0]): PageReply => {
    const nonce = newNonce();
    return { status, nonce, html: noticeHtml(n, nonce) };
  };
  /** The URL's `locale`, when it names a page language (the portal session it makes speaks it too). */
  const askedLocale = (req: IncomingMessage): PageLocale | null => {
    const asked = new URL(req.url ?? '/', 'http://login.invalid').searchParams.get('locale');
    return asked ? pageLocaleOf(asked) : null;
  };
  /** The page's language: the URL's `locale`, else the browser's. */
  const localeOf = (req: IncomingMessage): PageLocale => askedLocale(req) ?? resolvePageLocale(null, req.headers['accept-language']);
  const csrfId = (token: string) => `portal-login:${token}`;

  function page(config: PortalConfiguration, locale: PageLocale, csrf: string, o: { email: string; error?: string; sent?: boolean }, status = 200): PageReply {
    const t = textOf(LOGIN_TEXT, locale);
    const nonce = newNonce();
    const headline = config.business_profile.headline;
    const body = o.sent
      ? `<div class="icon" aria-hidden="true">&#9993;</div><h1>${esc(t.sentHeading)}</h1><p data-testid="login-sent">${esc(fill(t.sentText, { email: o.email }))}</p>` +
        `<p class="note" data-testid="login-test-note">${esc(t.testNote)}</p>`
      : `<h1>${esc(t.heading)}</h1>` +
        (headline ? `<p class="headline" data-testid="headline">${esc(headline)}</p>` : '') +
        `<p>${esc(t.intro)}</p>` +
        `<form method="post" novalidate><input type="hidden" name="csrf_token" value="${esc(csrf)}">` +
        `<label class="fl" for="email">${esc(t.email)}</label><input class="in" id="email" name="email" type="email" autocomplete="email" value="${esc(o.email)}" data-testid="login-email"${o.error ? ' aria-invalid="true" aria-describedby="login-error"' : ''}>` +
        (o.error ? `<p class="err" role="alert" id="login-error" data-testid="login-error">${esc(o.error)}</p>` : '') +
        `<button class="btn" type="submit" data-testid="login-submit">${esc(t.submit)}</button></form>`;
    const html = documentHtml(t.title, nonce, `<style nonce="${nonce}">${LOGIN_CSS}</style><main class="notice login" data-testid="portal-login" data-kind="${o.sent ? 'sent' : 'form'}">${body}${footHtml(locale)}</main>`, false, locale);
    return { status, nonce, html };
  }

  /** The configuration behind a login URL, if its login page is on and it is active. */
  async function configFor(token: string): Promise<{ account: string; config: PortalConfiguration } | null> {
    const found = await configurationByLoginToken(deps.store.reader ?? deps.store.db, token);
    return found && found.config.active && found.config.login_page.enabled ? found : null;
  }

  async function show(req: IncomingMessage, token: string): Promise<PageReply> {
    const locale = localeOf(req);
    const found = await configFor(token);
    if (!found) return notice(404, NOTICES.notFound(locale));
    const prefilled = new URL(req.url ?? '/', 'http://login.invalid').searchParams.get('prefilled_email') ?? '';
    return page(found.config, locale, await csrfToken(deps.store.db, csrfId(token)), { email: prefilled.slice(0, 512) });
  }

  /** Links sent to the email in the last LINK_WINDOW_SECONDS, counted from the store (every instance's). */
  async function linksSentLately(account: string, email: string): Promise<number> {
    const now = Math.floor(deps.clock.now() / 1000);
    return countLoginLinks(deps.store.db, account, email, now - LINK_WINDOW_SECONDS + LINK_SECONDS);
  }

  async function submit(req: IncomingMessage, token: string, requestId: string): Promise<PageReply> {
    const locale = localeOf(req);
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_FORM_BYTES);
    } catch {
      return { ...notice(413, NOTICES.tooLarge(locale)), close: true };
    }
    const found = await configFor(token);
    if (!found) return notice(404, NOTICES.notFound(locale));
    const body = new URLSearchParams(raw.toString('utf8'));
    if (!(await checkCsrf(deps.store.db, csrfId(token), body.get('csrf_token')))) return notice(403, NOTICES.forbidden(locale));
    const csrf = await csrfToken(deps.store.db, csrfId(token));
    const email = (body.get('email') ?? '').trim();
    const t = textOf(LOGIN_TEXT, locale);
    if (!EMAIL.test(email)) return page(found.config, locale, csrf, { email, error: t.invalidEmail }, 400);
    const { account, config } = found;
    const customer = await customerFor(deps, read, account, email, requestId);
    if (customer && (await linksSentLately(account, email)) >= LINKS_PER_WINDOW) {
      // Past the limit nothing is sent, and the page answers as it always does (it tells no one who is a customer).
      deps.log.warn({ requestId, account }, 'portal login link not sent: too many asked for this email lately');
    } else if (customer) {
      const session = await inTransaction(
        deps,
        account,
        (ctx) => openSession(ctx, { config, customer, flow: null, locale: askedLocale(req) ?? 'auto', onBehalfOf: null, returnUrl: config.default_return_url }, email),
        requestId,
      );
      // Dev mode serves one developer: the link is in the log too. Strict mode logs that it was made, not the link.
      if (deps.config.apiKeys) deps.log.info({ requestId, account, portal_session: session.id }, 'portal login link sent to the test mailbox');
      else deps.log.info({ requestId, account, portal_session: session.id, email, url: session.url }, 'portal login link sent to the test mailbox');
    } else {
      deps.log.info({ requestId, account }, 'portal login asked for an email no customer has');
    }
    // The same answer either way: the page does not tell who is a customer.
    return page(config, locale, csrf, { email, sent: true });
  }

  return async function portalLogin(req, res, requestId) {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const token = idFromPath(PATH, path);
    if (token === undefined) return false;
    return answerFormPage(deps, req, res, requestId, token, {
      show: (r, id) => show(r, id),
      submit: (r, id) => submit(r, id, requestId),
      notAllowed: (r) => notice(405, NOTICES.method(localeOf(r))),
      failed: (r) => notice(500, NOTICES.failed(requestId, localeOf(r))),
      logPath: '/p/login/:token',
      logMessage: 'portal login page failed',
    });
  };
}
