/**
 * `/p/session/:token`: the customer portal a `billing_portal.session`'s `url` opens
 * (docs/decisions.md#customer-portal). GET shows the customer's billing (or, for a session made
 * with `flow_data`, that flow's step); POST runs one action through the owning services and
 * answers with a redirect (303), Stripe's `after_completion` when it completes the session's flow.
 * The link opens within 5 minutes of its creation; the portal it opens takes actions for an hour.
 */
import type { IncomingMessage } from 'node:http';
import { inTransaction, type Deps } from '../../api/context.js';
import { StripeError } from '../../api/errors.js';
import type { Route } from '../../api/router.js';
import { readBody, type PathHandler } from '../../api/server.js';
import { unixNow } from '../../clock.js';
import { findConfiguration } from '../../resources/billing-portal/store.js';
import { sessionByToken, startVisit, type SessionRecord } from '../../resources/billing-portal/store.js';
import { VISIT_SECONDS } from '../../resources/billing-portal/sessions.js';
import type { PortalFlow } from '../../resources/billing-portal/shape.js';
import { checkCsrf, csrfToken } from '../csrf.js';
import type { FormError } from '../form.js';
import { resolvePageLocale, textOf, type PageLocale } from '../i18n.js';
import { noticeHtml, safeHref, type Notice } from '../layout.js';
import { NOTICES } from '../notices.js';
import { answerFormPage, idFromPath, newNonce, type PageReply } from '../route.js';
import { THREE_D_SECURE_TEXT } from '../three-d-secure.js';
import { SETUP_AUTHENTICATION_FAILURE } from '../../processor/index.js';
import { changeRules, finishAddedCard, loadPortal, planChoices, previewChange, readCtx, routeReader, runAction, type ActionOutcome, type ChangeRequest, type PortalAction, type PortalData } from './model.js';
import { TAX_ID_TYPE_FIELD, TAX_ID_VALUE_FIELD } from '../sections/tax-id.js';
import { portalHtml, type PortalView } from './page.js';
import { PORTAL_TEXT } from './text.js';

const PATH = /^\/p\/session\/([^/?#]+)\/?$/;
const MAX_FORM_BYTES = 64 * 1024;

/** Which flow an action completes. */
const COMPLETES: Record<PortalAction['kind'], PortalFlow['type'][]> = {
  cancel: ['subscription_cancel'],
  renew: [],
  pause: ['subscription_pause'],
  resume_payments: [],
  update: ['subscription_update', 'subscription_update_confirm'],
  add_card: ['payment_method_update'],
  set_default: [],
  remove: [],
  details: ['customer_update'],
  add_tax_id: [],
  remove_tax_id: [],
};

/** Actions that keep the customer on the billing details (the tax IDs are edited there). */
const STAYS_ON_DETAILS = new Set<PortalAction['kind']>(['add_tax_id', 'remove_tax_id']);

const DONE_TEXT = { cancel: 'doneCanceled', update: 'doneUpdated', add_card: 'doneCard', details: 'doneUpdated' } as const;

function originOf(url: string | null | undefined): string[] {
  if (!url) return [];
  try {
    return [new URL(url).origin];
  } catch {
    return [];
  }
}

export function createPortalHandler(deps: Deps, routes: Route[]): PathHandler {
  const read = routeReader(routes);
  const notice = (status: number, n: Notice): PageReply => {
    const nonce = newNonce();
    return { status, nonce, html: noticeHtml(n, nonce) };
  };
  const expired = (locale: PageLocale): PageReply => {
    const t = textOf(PORTAL_TEXT, locale);
    return notice(200, { kind: 'expired', tone: 'warn', locale, title: t.expiredTitle, heading: t.expiredHeading, text: t.expiredText });
  };
  const localeOf = (req: IncomingMessage, rec: SessionRecord | null) => resolvePageLocale(rec?.session.locale ?? null, req.headers['accept-language']);
  const pathOf = (token: string) => `/p/session/${encodeURIComponent(token)}`;

  /** Whether the session may be used now: its link not yet stale, or its visit not yet over. */
  function usable(rec: SessionRecord, now: number): boolean {
    return rec.visitEndsAt === null ? now < rec.expiresAt : now < rec.visitEndsAt;
  }

  /** Whether an action may run now: the link was opened, and its hour is not over. */
  function inVisit(rec: SessionRecord): boolean {
    return rec.visitEndsAt !== null && unixNow(deps.clock) < rec.visitEndsAt;
  }

  async function viewFor(account: string, data: PortalData, query: URLSearchParams, requestId: string): Promise<PortalView> {
    const ctx = readCtx(deps, account, requestId);
    const flow = data.session.flow;
    let kind = query.get('view');
    let subId = query.get('sub');
    let priceId = query.get('price');
    const q = query.get('quantity');
    let quantity = q !== null && /^\d{1,6}$/.test(q) ? Number(q) : undefined;
    let promo = query.get('promotion_code') || null;
    if (kind === null && flow) {
      if (flow.type === 'subscription_cancel') [kind, subId] = ['cancel', flow.subscription_cancel?.subscription ?? null];
      else if (flow.type === 'subscription_update') [kind, subId] = ['update', flow.subscription_update?.subscription ?? null];
      else if (flow.type === 'subscription_update_confirm') {
        const c = flow.subscription_update_confirm;
        kind = 'confirm';
        subId = c?.subscription ?? null;
        priceId = c?.items[0]?.price ?? null;
        quantity = c?.items[0]?.quantity;
        promo = null;
      } else if (flow.type === 'payment_method_update') kind = 'card';
      else if (flow.type === 'customer_update') kind = 'details';
    }
    const f = data.config.features;
    const shown = (id: string | null) => data.subscriptions.find((s) => s.sub.id === id)?.sub;
    if (kind === 'cancel' && f.subscription_cancel.enabled) {
      const sub = shown(subId);
      if (sub) return { kind: 'cancel', sub };
    }
    if ((kind === 'update' || kind === 'confirm') && f.subscription_update.enabled) {
      const sub = shown(subId);
      if (sub) {
        const choices = await planChoices(ctx, data.config);
        const item = sub.items.data[0];
        const price = priceId ?? (item?.price as unknown as { id: string }).id;
        const choice = choices.find((c) => c.price.id === price);
        if (kind === 'confirm' && choice) {
          const req: ChangeRequest = { subscription: sub.id, price: choice.price.id, quantity: quantity ?? item?.quantity, promotionCode: promo ?? undefined };
          const rules = changeRules(data.config, choice.price.id);
          // The current plan as it is (a quantity or a code still to choose): nothing to preview yet.
          const unchanged = choice.price.id === (item?.price as unknown as { id: string } | undefined)?.id && req.quantity === item?.quantity && !req.promotionCode;
          if (unchanged && flow?.type !== 'subscription_update_confirm') return { kind: 'confirm', sub, choice, preview: null, request: req, rules };
          try {
            const preview = await previewChange(deps, account, data.session, data.config, req, requestId);
            return { kind: 'confirm', sub, choice, preview, request: req, rules };
          } catch (err) {
            // A change the configuration or the services refuse is shown on the same step.
            if (!(err instanceof StripeError) || err.status >= 500) throw err;
            return { kind: 'confirm', sub, choice, preview: null, request: req, rules, refusal: refusalOf(err) };
          }
        }
        return { kind: 'update', sub, choices };
      }
    }
    if (kind === 'card' && f.payment_method_update.enabled) return { kind: 'card' };
    if (kind === 'details' && f.customer_update.enabled) return { kind: 'details' };
    return { kind: 'home' };
  }

  async function render(rec: SessionRecord, locale: PageLocale, query: URLSearchParams, requestId: string, status = 200, error?: FormError): Promise<PageReply> {
    const ctx = readCtx(deps, rec.account, requestId);
    const data = await loadPortal(ctx, read, rec.session, rec.loginEmail);
    if (!data) return notice(404, NOTICES.notFound(locale));
    const view = await viewFor(rec.account, data, query, requestId);
    const nonce = newNonce();
    const csrf = await csrfToken(deps.store.db, rec.session.id);
    const html = portalHtml({ data, locale, csrf, nonce, view, error });
    return { status, nonce, html, formOrigins: originOf(rec.session.flow?.after_completion.redirect?.return_url) };
  }

  /** The confirmation a flow's `after_completion: hosted_confirmation` shows. */
  function confirmation(rec: SessionRecord, locale: PageLocale, what: string | null): PageReply {
    const t = textOf(PORTAL_TEXT, locale);
    const key = DONE_TEXT[(what ?? '') as keyof typeof DONE_TEXT] ?? 'doneUpdated';
    const custom = rec.session.flow?.after_completion.hosted_confirmation?.custom_message;
    const home = `${deps.publicUrl()}${pathOf(tokenOf(rec))}?view=home`;
    const href = safeHref(rec.session.return_url) ?? home;
    return notice(200, { kind: 'portal-done', tone: 'ok', locale, title: t.doneTitle, heading: t[key], text: custom ?? '', link: { href, label: t.continue } });
  }
  const tokenOf = (rec: SessionRecord) => rec.session.url.slice(rec.session.url.lastIndexOf('/') + 1);

  async function show(req: IncomingMessage, token: string, requestId: string): Promise<PageReply> {
    const rec = await sessionByToken(deps.store.reader ?? deps.store.db, token);
    const locale = localeOf(req, rec);
    if (!rec) return notice(404, NOTICES.notFound(locale));
    const now = unixNow(deps.clock);
    if (!usable(rec, now)) return expired(locale);
    // The first opening starts the visit (a HEAD, a link preview, does not).
    if (rec.visitEndsAt === null && req.method === 'GET') {
      await inTransaction(deps, rec.account, (ctx) => startVisit(ctx, rec.session.id, now + VISIT_SECONDS), requestId);
    }
    const query = new URL(req.url ?? '/', 'http://portal.invalid').searchParams;
    if (query.get('view') === 'done') return confirmation(rec, locale, query.get('what'));
    if (query.get('view') === 'card' && query.has('setup_intent') && req.method === 'GET') return finishCard(rec, token, locale, query, requestId);
    return render(rec, locale, query, requestId);
  }

  function parseAction(body: URLSearchParams, locale: PageLocale, token: string): PortalAction | null {
    const v = (k: string) => body.get(k) ?? '';
    switch (body.get('action')) {
      case 'cancel':
        return { kind: 'cancel', subscription: v('subscription'), reason: body.get('reason') || null };
      case 'renew':
        return { kind: 'renew', subscription: v('subscription') };
      case 'pause':
        return { kind: 'pause', subscription: v('subscription'), option: /^\d{1,2}$/.test(v('option')) ? Number(v('option')) : null };
      case 'resume_payments':
        return { kind: 'resume_payments', subscription: v('subscription') };
      case 'update': {
        const qty = v('quantity');
        return {
          kind: 'update',
          subscription: v('subscription'),
          price: v('price'),
          quantity: /^\d{1,6}$/.test(qty) ? Number(qty) : undefined,
          promotionCode: v('promotion_code') || undefined,
          prorationDate: /^\d{1,12}$/.test(v('proration_date')) ? Number(v('proration_date')) : undefined,
        };
      }
      case 'add_card':
        return { kind: 'add_card', body, locale, returnUrl: `${deps.publicUrl()}${pathOf(token)}?view=card` };
      case 'set_default':
        return { kind: 'set_default', paymentMethod: v('payment_method') };
      case 'remove':
        return { kind: 'remove', paymentMethod: v('payment_method') };
      case 'details':
        return { kind: 'details', body };
      case 'add_tax_id':
        return { kind: 'add_tax_id', type: v(TAX_ID_TYPE_FIELD), value: v(TAX_ID_VALUE_FIELD).trim().toUpperCase() };
      case 'remove_tax_id':
        return { kind: 'remove_tax_id', taxId: v('tax_id') };
      default:
        return null;
    }
  }

  /** The view a refused action is shown again on. */
  function retryQuery(a: PortalAction): URLSearchParams {
    const q = new URLSearchParams();
    if (a.kind === 'cancel') q.set('view', 'cancel'), q.set('sub', a.subscription);
    else if (a.kind === 'update') {
      q.set('view', 'confirm'), q.set('sub', a.subscription), q.set('price', a.price);
      if (a.quantity !== undefined) q.set('quantity', String(a.quantity));
    }
    else if (a.kind === 'add_card') q.set('view', 'card');
    else if (a.kind === 'details' || STAYS_ON_DETAILS.has(a.kind)) q.set('view', 'details');
    else q.set('view', 'home');
    return q;
  }

  async function submit(req: IncomingMessage, token: string, requestId: string): Promise<PageReply> {
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_FORM_BYTES);
    } catch {
      return { ...notice(413, NOTICES.tooLarge(localeOf(req, null))), close: true };
    }
    const body = new URLSearchParams(raw.toString('utf8'));
    const rec = await sessionByToken(deps.store.db, token);
    const locale = localeOf(req, rec);
    if (!rec) return notice(404, NOTICES.notFound(locale));
    if (!(await checkCsrf(deps.store.db, rec.session.id, body.get('csrf_token')))) {
      deps.log.warn({ requestId, portal_session: rec.session.id }, 'portal post refused: bad CSRF token');
      return notice(403, NOTICES.forbidden(locale));
    }
    // An action needs an open visit: the link opened, and within its hour.
    if (!inVisit(rec)) return expired(locale);
    const action = parseAction(body, locale, token);
    if (!action) return notice(400, NOTICES.forbidden(locale));
    const config = await findConfiguration(readCtx(deps, rec.account, requestId), rec.session.configuration);
    if (!config) return notice(404, NOTICES.notFound(locale));
    let outcome: ActionOutcome;
    try {
      outcome = await inTransaction(deps, rec.account, (ctx) => runAction(ctx, rec.session, config, action, rec.loginEmail), requestId);
    } catch (err) {
      if (!(err instanceof StripeError) || err.status >= 500) throw err;
      const b = err.body;
      deps.log.info({ requestId, portal_session: rec.session.id, error: b }, 'portal action refused');
      return render(rec, locale, retryQuery(action), requestId, err.status === 402 ? 402 : 400, refusalOf(err));
    }
    if (outcome) {
      // The card asks for 3D Secure: the buyer authenticates it, and comes back to finishCard.
      deps.log.info({ requestId, portal_session: rec.session.id, action: action.kind }, 'portal card waits for authentication');
      return { status: 303, nonce: newNonce(), html: '', location: outcome.authenticateAt };
    }
    return done(rec, token, action.kind, requestId);
  }

  /**
   * The buyer is back from the 3D Secure page of a card added here: saved, the action is done
   * (and a flow completes) as if no authentication had been asked; failed, the card view shows why.
   */
  async function finishCard(rec: SessionRecord, token: string, locale: PageLocale, query: URLSearchParams, requestId: string): Promise<PageReply> {
    if (!inVisit(rec)) return expired(locale);
    try {
      await inTransaction(deps, rec.account, (ctx) => finishAddedCard(ctx, rec.session, query.get('setup_intent') ?? '', query.get('setup_intent_client_secret') ?? ''), requestId);
    } catch (err) {
      if (!(err instanceof StripeError) || err.status >= 500) throw err;
      deps.log.info({ requestId, portal_session: rec.session.id, error: err.body }, 'portal card not saved');
      const refusal = refusalOf(err);
      // The buyer reads why in their language, as the hosted page says it after a failed authentication.
      if (refusal.code === SETUP_AUTHENTICATION_FAILURE.code) refusal.message = textOf(THREE_D_SECURE_TEXT, locale).authenticationFailed;
      return render(rec, locale, new URLSearchParams({ view: 'card' }), requestId, err.status === 402 ? 402 : 400, refusal);
    }
    return done(rec, token, 'add_card', requestId);
  }

  /** Where the buyer goes once an action is done: the flow's after_completion, the details view, or home. */
  function done(rec: SessionRecord, token: string, kind: PortalAction['kind'], requestId: string): PageReply {
    deps.log.info({ requestId, portal_session: rec.session.id, action: kind }, 'portal action done');
    const flow = rec.session.flow;
    const home = `${deps.publicUrl()}${pathOf(token)}?view=home`;
    if (flow && COMPLETES[kind].includes(flow.type)) {
      const ac = flow.after_completion;
      if (ac.type === 'redirect' && ac.redirect) return { status: 303, nonce: newNonce(), html: '', location: ac.redirect.return_url, formOrigins: originOf(ac.redirect.return_url) };
      if (ac.type === 'hosted_confirmation') return { status: 303, nonce: newNonce(), html: '', location: `${deps.publicUrl()}${pathOf(token)}?view=done&what=${kind}` };
    }
    if (STAYS_ON_DETAILS.has(kind)) return { status: 303, nonce: newNonce(), html: '', location: `${deps.publicUrl()}${pathOf(token)}?view=details` };
    return { status: 303, nonce: newNonce(), html: '', location: home };
  }

  return async function portalPage(req, res, requestId) {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const token = idFromPath(PATH, path);
    if (token === undefined) return false;
    return answerFormPage(deps, req, res, requestId, token, {
      show: (r, id) => show(r, id, requestId),
      submit: (r, id) => submit(r, id, requestId),
      notAllowed: (r) => notice(405, NOTICES.method(localeOf(r, null))),
      failed: (r) => notice(500, NOTICES.failed(requestId, localeOf(r, null))),
      logPath: '/p/session/:token',
      logMessage: 'customer portal failed',
    });
  };
}

/** The form field an API error names (`card[number]` -> `cardNumber`, a tax ID's `value`), for `aria-invalid`. */
function fieldOf(param: string | undefined): string | undefined {
  if (!param) return undefined;
  if (param === 'value' || param === 'type') return TAX_ID_VALUE_FIELD;
  const m = /^card\[(\w+)\]$/.exec(param);
  const map: Record<string, string> = { number: 'cardNumber', exp_month: 'cardExpiry', exp_year: 'cardExpiry', cvc: 'cardCvc' };
  return m ? (map[m[1] as string] ?? param) : param;
}

/** A service's refusal as the form error the page shows. */
function refusalOf(err: StripeError): FormError {
  const b = err.body;
  return { code: b.code ?? 'invalid', message: b.message, field: fieldOf(b.param) };
}
