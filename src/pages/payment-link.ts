/**
 * `GET /b/:token`: a Payment Link's public URL (docs/decisions.md#payment-links). Each visit makes
 * a fresh Checkout Session of the link's settings (resources/payment-links, through the session
 * service) and redirects (303) to its hosted page. A link that no longer takes payments shows a
 * page saying so, with the merchant's `inactive_message` when there is one; an unknown link, a
 * notice that it is not valid. Both speak the buyer's `Accept-Language`.
 */
import { inTransaction, type Deps } from '../api/context.js';
import { StripeError } from '../api/errors.js';
import type { PathHandler } from '../api/server.js';
import { findLinkByToken, LINK_INACTIVE, openLinkSession, type Visit } from '../resources/payment-links/service.js';
import { pageLocaleOf, resolvePageLocale, textOf, type Catalog, type PageLocale } from './i18n.js';
import { noticeHtml, type Notice } from './layout.js';
import { NOTICES } from './notices.js';
import { idFromPath, linkPage } from './route.js';

const PATH = /^\/b\/([^/?#]+)\/?$/;

const en = {
  inactiveTitle: 'Link unavailable',
  inactiveHeading: 'This link is no longer available',
  inactiveText: 'The seller has stopped accepting payments through this link. Contact them if you still want to buy.',
};

const LINK_TEXT: Catalog<keyof typeof en> = {
  en,
  ja: {
    inactiveTitle: 'リンクは利用できません',
    inactiveHeading: 'このリンクは現在ご利用いただけません',
    inactiveText: '販売者はこのリンクでのお支払いの受け付けを終了しました。購入をご希望の場合は販売者にお問い合わせください。',
  },
  fr: {
    inactiveTitle: 'Lien indisponible',
    inactiveHeading: "Ce lien n'est plus disponible",
    inactiveText: "Le vendeur n'accepte plus de paiements via ce lien. Contactez-le si vous souhaitez toujours acheter.",
  },
  de: {
    inactiveTitle: 'Link nicht verfügbar',
    inactiveHeading: 'Dieser Link ist nicht mehr verfügbar',
    inactiveText: 'Der Verkäufer nimmt über diesen Link keine Zahlungen mehr an. Wenden Sie sich an ihn, wenn Sie dennoch kaufen möchten.',
  },
  es: {
    inactiveTitle: 'Enlace no disponible',
    inactiveHeading: 'Este enlace ya no está disponible',
    inactiveText: 'El vendedor ya no acepta pagos a través de este enlace. Ponte en contacto con él si todavía quieres comprar.',
  },
  it: {
    inactiveTitle: 'Link non disponibile',
    inactiveHeading: 'Questo link non è più disponibile',
    inactiveText: 'Il venditore non accetta più pagamenti tramite questo link. Contattalo se desideri ancora acquistare.',
  },
  nl: {
    inactiveTitle: 'Link niet beschikbaar',
    inactiveHeading: 'Deze link is niet meer beschikbaar',
    inactiveText: 'De verkoper accepteert geen betalingen meer via deze link. Neem contact met de verkoper op als u toch wilt kopen.',
  },
  pt: {
    inactiveTitle: 'Link indisponível',
    inactiveHeading: 'Este link já não está disponível',
    inactiveText: 'O vendedor deixou de aceitar pagamentos por este link. Entre em contato com ele se ainda quiser comprar.',
  },
  zh: {
    inactiveTitle: '链接不可用',
    inactiveHeading: '此链接已不再可用',
    inactiveText: '卖家已停止通过此链接收款。如果您仍想购买，请联系卖家。',
  },
  ko: {
    inactiveTitle: '링크를 사용할 수 없음',
    inactiveHeading: '이 링크는 더 이상 사용할 수 없습니다',
    inactiveText: '판매자가 이 링크를 통한 결제를 더 이상 받지 않습니다. 구매를 원하시면 판매자에게 문의해 주세요.',
  },
};

/** The page of a link that takes no more payments: the merchant's `inactive_message`, or ours. */
export function inactiveNotice(locale: PageLocale, inactiveMessage: string | null): Notice {
  const t = textOf(LINK_TEXT, locale);
  return { kind: 'payment-link-inactive', tone: 'warn', locale, title: t.inactiveTitle, heading: t.inactiveHeading, text: inactiveMessage ?? t.inactiveText };
}

/** Stripe's URL parameters of a payment link that the session takes (`prefilled_email`, `client_reference_id`, `locale`). */
function visitOf(query: URLSearchParams): Visit {
  const visit: Visit = {};
  const email = query.get('prefilled_email');
  const ref = query.get('client_reference_id');
  const locale = query.get('locale');
  if (email) visit.customer_email = email;
  // Stripe takes letters, digits, `-` and `_` (200 at most) and ignores anything else.
  if (ref && /^[A-Za-z0-9_-]{1,200}$/.test(ref)) visit.client_reference_id = ref;
  if (locale) visit.locale = locale;
  return visit;
}

/** The payment link handler, registered beside the payment page in app.ts. */
export function createPaymentLinkHandler(deps: Deps): PathHandler {
  return async function paymentLinkPage(req, res, requestId) {
    const url = new URL(req.url ?? '/', 'http://link.invalid');
    const token = idFromPath(PATH, url.pathname);
    if (token === undefined) return false;
    req.resume();
    const { nonce, send } = linkPage(req, res, requestId);
    // The link's `?locale=` when it names a page language, else the buyer's Accept-Language.
    const asked = url.searchParams.get('locale');
    const locale = resolvePageLocale(asked && pageLocaleOf(asked) ? asked : null, req.headers['accept-language']);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, noticeHtml(NOTICES.method(locale), nonce));
    try {
      const found = await findLinkByToken(deps.store.reader ?? deps.store.db, token);
      if (!found) return send(404, noticeHtml(NOTICES.notFound(locale), nonce));
      const { link } = found.record;
      const inactive = () => send(200, noticeHtml(inactiveNotice(locale, link.inactive_message), nonce));
      // A HEAD (a link preview) must not make a session: it only looks.
      if (req.method === 'HEAD') return link.active ? send(200, '') : inactive();
      try {
        const session = await inTransaction(deps, found.account, (ctx) => openLinkSession(ctx, link.id, visitOf(url.searchParams)), requestId);
        deps.log.info({ requestId, payment_link: link.id, session: session.id }, 'payment link opened a checkout session');
        return send(303, '', session.url ?? undefined);
      } catch (err) {
        if (!(err instanceof StripeError) || err.status >= 500) throw err;
        // Inactive, at its limit, or its settings no longer make a session (an archived price).
        if (err.body.code !== LINK_INACTIVE) deps.log.warn({ requestId, payment_link: link.id, error: err.body }, 'payment link could not open a session');
        return inactive();
      }
    } catch (err) {
      deps.log.error({ err, requestId, path: '/b/:token' }, 'payment link page failed');
      return send(500, noticeHtml(NOTICES.failed(requestId, locale), nonce));
    }
  };
}
