/**
 * `GET /c/pay/:id` and `POST /c/pay/:id`: the hosted payment page. The session id is a bearer
 * link: the session is found by id across accounts, and everything after acts within its account.
 * Load = the prefill rules (load.ts); submit = Checkout completion in one transaction.
 */
import type { IncomingMessage } from 'node:http';
import { inTransaction, makeCtx, type Deps } from '../api/context.js';
import { StripeError } from '../api/errors.js';
import { readBody, type PathHandler } from '../api/server.js';
import { adjustSession, type PageAdjustment } from '../checkout/adjust.js';
import { completeSession } from '../checkout/complete.js';
import { isCardRefusal, type CompletionResult } from '../checkout/contract.js';
import { HOSTED_PAYMENT_METHOD_TYPES } from '../payment-method-types/index.js';
import { checkCsrf, csrfToken } from './csrf.js';
import { initialValues, keptValues, parseSubmission, pricingAddress, type FormError, type Values } from './form.js';
import { field } from './fields.js';
import { noticeHtml, type Notice } from './layout.js';
import { findPageSession } from '../resources/checkout-sessions/store.js';
import { loadPageView, pageView, type PageView } from './load.js';
import { resolvePageLocale } from './i18n.js';
import { closedNotice, NOTICES } from './notices.js';
import { linkConfirmationMessage } from '../resources/payment-links/service.js';
import { missingPromotionCode, refusalMessage } from './refusals.js';
import { renderPaymentPage } from './template.js';
import { isItemsAction, itemsChange, pendingAction } from './sections/index.js';
import { voucherLocation, voucherReply } from './voucher.js';
import { answerFormPage, idFromPath, newNonce, pathOf, sendPage, type PageReply } from './route.js';
import { authenticationRefusal } from './three-d-secure.js';
import { redirectOrigin } from '../checkout/origins.js';
import { isEmbedded } from '../resources/checkout-sessions/shape.js';
import { EMBED_DONE_PATH, EMBED_PATH, embedAllowed, embedDoneReply } from './embed.js';
import { ELEMENT_DONE_PATH, ELEMENT_PATH, elementBody, elementDoneReply, isElements } from './element.js';

const PATH = /^\/c\/pay\/([^/?#]+)\/?$/;
const MAX_FORM_BYTES = 64 * 1024;

/**
 * Completion names params as the API does (`card[number]`); the page's fields are Stripe's ids,
 * and each payment method type says which of its fields a param inside `<type>[...]` is about.
 */
const FIELD_OF_PARAM: ReadonlyMap<string, string> = new Map(
  HOSTED_PAYMENT_METHOD_TYPES.flatMap((t) => Object.entries(t.page.fieldOfParam).map(([param, id]) => [`${t.type}[${param}]`, id] as const)),
);

function notice(status: number, n: Notice): PageReply {
  const nonce = newNonce();
  return { status, html: noticeHtml(n, nonce), nonce };
}

function origins(view: PageView): string[] {
  return [redirectOrigin(view.session.success_url), redirectOrigin(view.session.cancel_url)].filter((o): o is string => o !== null);
}

async function paymentPage(deps: Deps, view: PageView, status: number, values: Values, error?: FormError): Promise<PageReply> {
  const nonce = newNonce();
  const csrf = await csrfToken(deps.store.db, view.session.id);
  // An embedded session's form is the same page, rendered for the merchant's frame (docs/decisions.md#embedded-checkout);
  // an Elements session's is its payment fields alone, the Payment Element (docs/decisions.md#checkout-elements).
  const element = isElements(view.session);
  const embed = isEmbedded(view.session);
  return { status, nonce, formOrigins: origins(view), html: renderPaymentPage(view, { values, csrf, nonce, error, embed, element }), frameable: embed || element };
}

/** A notice in the frame of an embedded session, or on the hosted page. */
function noticeFor(embed: boolean, status: number, n: Notice): PageReply {
  return { ...notice(status, n), frameable: embed };
}

/** The hosted payment page handler, registered beside the API in app.ts. */
export function createPageHandler(deps: Deps): PathHandler {
  async function view(account: string, id: string, requestId: string, lang: string | undefined): Promise<PageView | null> {
    return loadPageView(makeCtx(deps, account, deps.store.db, requestId), id, lang);
  }

  async function show(id: string, requestId: string, lang: string | undefined, query = '', frame: 'embed' | 'element' | null = null): Promise<PageReply> {
    const embed = frame !== null;
    // Showing the page only reads: on SQLite that goes to the read-only connection, beside writes.
    const db = deps.store.reader ?? deps.store.db;
    const found = await findPageSession(db, id);
    // The hosted page of an embedded or Elements session is its frame's (back from 3D Secure); a form session has no page.
    if (found && !embed && found.session.ui_mode !== 'hosted_page') {
      // An Elements session has no page of its own: only the end of a failed 3D Secure comes back here, to its Payment Element.
      const back = new URLSearchParams(query).has('authentication');
      const to = isEmbedded(found.session) ? 'embed' : isElements(found.session) && back ? 'element' : null;
      if (!to) return notice(404, NOTICES.notFound(resolvePageLocale(null, lang)));
      return { status: 303, nonce: newNonce(), html: '', location: `/c/${to}/${encodeURIComponent(id)}${query ? `?${query}` : ''}` };
    }
    // Each frame shows only its own kind of session, for its own client_secret and account (embed.ts).
    const ofFrame = (s: { ui_mode: string | null }) => (frame === 'element' ? isElements(s) : isEmbedded(s));
    if (embed && found && !ofFrame(found.session)) return noticeFor(true, 404, NOTICES.notFound(resolvePageLocale(null, lang)));
    if (embed && found && !embedAllowed(deps, found, query)) return noticeFor(true, 403, NOTICES.forbidden(resolvePageLocale(null, lang)));
    if (embed && found?.session.status === 'complete') return { status: 303, nonce: newNonce(), html: '', location: `/c/${frame}/${encodeURIComponent(id)}/done` };
    const v = found ? await pageView(makeCtx(deps, found.account, db, requestId), found.session, found.lineItems, lang) : null;
    if (!v) return noticeFor(embed, 404, NOTICES.notFound(resolvePageLocale(null, lang)));
    if (v.state === 'complete' && found) {
      // A session completed with a voucher still to pay (konbini) shows the voucher again.
      const voucherAt = await voucherLocation(deps, found.account, v.session, requestId);
      if (voucherAt) return { status: 303, nonce: newNonce(), html: '', location: voucherAt };
    }
    if (v.state !== 'open') return noticeFor(embed, 200, closedNotice(v));
    // Back from a failed 3D Secure authentication (three-d-secure.ts): its error, and the buyer pays another way.
    return paymentPage(deps, v, 200, initialValues(v), authenticationRefusal(query, v.locale));
  }

  async function submit(req: IncomingMessage, id: string, requestId: string): Promise<PageReply> {
    const lang = req.headers['accept-language'];
    // Before the session is read, notices speak the buyer's Accept-Language.
    const buyerLocale = resolvePageLocale(null, lang);
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_FORM_BYTES);
    } catch {
      return { ...notice(413, NOTICES.tooLarge(buyerLocale)), close: true };
    }
    let body = new URLSearchParams(raw.toString('utf8'));
    const found = await findPageSession(deps.store.db, id);
    if (!found) return notice(404, NOTICES.notFound(buyerLocale));
    // The Payment Element posts its payment fields; what the merchant's page gave (email, shipping) comes with the session.
    if (isElements(found.session)) body = elementBody(body, found.session);
    if (!(await checkCsrf(deps.store.db, id, body.get('csrf_token')))) {
      deps.log.warn({ requestId, session: id }, 'hosted page post refused: bad CSRF token');
      return notice(403, NOTICES.forbidden(buyerLocale));
    }
    const { account } = found;
    const v = await pageView(makeCtx(deps, account, deps.store.db, requestId), found.session, found.lineItems, lang);
    const embed = isEmbedded(found.session) || isElements(found.session);
    if (v.state !== 'open') return noticeFor(embed, 409, closedNotice(v));

    const action = pendingAction(body, v, body.get('action') ?? 'pay');
    if (action !== 'pay') return adjust(body, action, v, account, id, requestId, lang);

    const parsed = parseSubmission(body, v);
    if ('error' in parsed) return paymentPage(deps, v, 400, keptValues(body, v), parsed.error);

    let result: CompletionResult;
    try {
      // The buyer accepts a debit's mandate on this page: its Mandate records their browser (docs/decisions.md#mandates).
      const acceptance = { ipAddress: clientAddress(req), userAgent: req.headers['user-agent'] ?? null };
      result = await inTransaction(deps, account, (ctx) => completeSession(ctx, id, { ...parsed.form, acceptance }), requestId);
    } catch (err) {
      if (!(err instanceof StripeError) || err.status >= 500) throw err;
      const b = err.body;
      result = { ok: false, message: b.message, code: b.code ?? 'invalid', ...(b.param ? { field: b.param } : {}) };
    }
    if (result.ok) {
      deps.log.info({ requestId, session: id }, 'checkout session completed on the hosted page');
      const voucherAt = await voucherLocation(deps, account, result.session, requestId);
      if (voucherAt) return { status: 303, nonce: newNonce(), html: '', location: voucherAt };
      if (result.redirectTo) return { status: 303, nonce: newNonce(), html: '', location: result.redirectTo };
      // A payment link's hosted confirmation shows the merchant's message (docs/decisions.md#payment-links).
      const message = result.session.payment_link ? await linkConfirmationMessage(makeCtx(deps, account, deps.store.db, requestId), result.session.payment_link) : null;
      const paid = NOTICES.paid(result.session.mode, v.locale);
      return notice(200, message ? { ...paid, text: message } : paid);
    }
    // Refused: the session may have been completed or expired meanwhile (a concurrent submit).
    const after = await view(account, id, requestId, lang);
    if (!after) return notice(404, NOTICES.notFound(v.locale));
    if (after.state !== 'open') return noticeFor(embed, 409, closedNotice(after));
    const card = isCardRefusal(result);
    const field = result.field ? FIELD_OF_PARAM.get(result.field) ?? result.field : undefined;
    return paymentPage(deps, after, card ? 402 : 400, keptValues(body, after), { code: result.code, message: refusalMessage({ ...result, field }, after), field, ...(result.declineCode ? { declineCode: result.declineCode } : {}) });
  }

  /** A change before paying (a promotion code, a shipping rate, the address tax needs): reprice and show the page again. */
  async function adjust(body: URLSearchParams, action: string, v: PageView, account: string, id: string, requestId: string, lang: string | undefined): Promise<PageReply> {
    let change: PageAdjustment | undefined;
    if (action === 'apply_promotion_code') change = { kind: 'apply_promotion_code', code: field(body, 'promotionCode') };
    else if (action === 'remove_promotion_code') change = { kind: 'remove_promotion_code' };
    else if (action === 'select_shipping_rate') change = { kind: 'select_shipping_rate', rate: field(body, 'shippingRate') };
    else if (action === 'update_address') {
      const address = pricingAddress(body, v);
      if (address) change = { kind: 'update_address', address };
    } else if (isItemsAction(action)) {
      const asked = itemsChange(body, action, v);
      if ('message' in asked) return paymentPage(deps, v, 400, keptValues(body, v), asked);
      change = asked;
    }
    if (!change) return paymentPage(deps, v, 200, keptValues(body, v));
    if (change.kind === 'apply_promotion_code' && change.code === '') return paymentPage(deps, v, 400, keptValues(body, v), missingPromotionCode(v));
    try {
      const priced = await inTransaction(deps, account, (ctx) => adjustSession(ctx, id, change), requestId);
      const after = await pageView(makeCtx(deps, account, deps.store.db, requestId), priced.session, priced.items, lang);
      const values = keptValues(body, after);
      if (change.kind === 'apply_promotion_code') values.promotionCode = '';
      return paymentPage(deps, after, 200, values);
    } catch (err) {
      if (!(err instanceof StripeError) || err.status >= 500) throw err;
      const b = err.body;
      const fieldName = b.param === 'promotionCode' || b.param === 'shippingRate' ? b.param : undefined;
      const code = b.code ?? 'invalid';
      return paymentPage(deps, v, 400, keptValues(body, v), { code, message: refusalMessage({ code, message: b.message, field: fieldName }, v), field: fieldName });
    }
  }

  return async function hostedPage(req, res, requestId) {
    const path = pathOf(req);
    if (req.method === 'GET' || req.method === 'HEAD') {
      // A konbini voucher (`/c/pay/:id/voucher`, voucher.ts).
      const v = await voucherReply(deps, path, req.headers['accept-language'], requestId).catch((err: unknown) => {
        deps.log.error({ err, requestId, path: '/c/pay/:id/voucher' }, 'voucher page failed');
        return { status: 500, html: null, nonce: '' };
      });
      if (v) {
        req.resume();
        const buyer = resolvePageLocale(null, req.headers['accept-language']);
        const reply = v.html !== null ? { status: v.status, html: v.html, nonce: v.nonce } : notice(v.status, v.status === 404 ? NOTICES.notFound(buyer) : NOTICES.failed(requestId, buyer));
        sendPage(res, requestId, reply, req.method === 'HEAD');
        return true;
      }
    }
    const done = idFromPath(EMBED_DONE_PATH, path);
    if (done !== undefined && (req.method === 'GET' || req.method === 'HEAD')) {
      req.resume();
      sendPage(res, requestId, await embedDoneReply(deps, done, req.headers['accept-language']), req.method === 'HEAD');
      return true;
    }
    const elementDone = idFromPath(ELEMENT_DONE_PATH, path);
    if (elementDone !== undefined && (req.method === 'GET' || req.method === 'HEAD')) {
      req.resume();
      sendPage(res, requestId, await elementDoneReply(deps, elementDone, req.headers['accept-language']), req.method === 'HEAD');
      return true;
    }
    const embedId = idFromPath(EMBED_PATH, path);
    const elementId = embedId === undefined ? idFromPath(ELEMENT_PATH, path) : undefined;
    const id = embedId ?? elementId ?? idFromPath(PATH, path);
    if (id === undefined) return false;
    const frame = embedId !== undefined ? 'embed' : elementId !== undefined ? 'element' : null;
    return answerFormPage(deps, req, res, requestId, id, {
      show: (r, pageId) => show(pageId, requestId, r.headers['accept-language'], (r.url ?? '').split('?')[1], frame),
      submit: (r, pageId) => submit(r, pageId, requestId),
      notAllowed: (r) => notice(405, NOTICES.method(resolvePageLocale(null, r.headers['accept-language']))),
      failed: (r) => notice(500, NOTICES.failed(requestId, resolvePageLocale(null, r.headers['accept-language']))),
      logPath: '/c/pay/:id',
      logMessage: 'hosted page failed',
    });
  };
}

/** The address the request came from, IPv4 without its IPv6 mapping (`::ffff:127.0.0.1` -> `127.0.0.1`). */
function clientAddress(req: IncomingMessage): string | null {
  const a = req.socket.remoteAddress;
  if (!a) return null;
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}
