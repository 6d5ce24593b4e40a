/**
 * `GET /c/recover/:id`: an expired session's recovery URL (docs/decisions.md#recovering-an-expired-session).
 * It creates the copy of the session (or finds the open one an earlier visit made) and redirects
 * the buyer to its payment page; a link that names no recoverable session, or that expired, gets
 * a notice in the buyer's language.
 */
import { inTransaction, type Deps } from '../api/context.js';
import { StripeError } from '../api/errors.js';
import type { PathHandler } from '../api/server.js';
import { recoverSession } from '../resources/checkout-sessions/recovery.js';
import { findPageSession } from '../resources/checkout-sessions/store.js';
import { resolvePageLocale, textOf, type Catalog, type PageLocale } from './i18n.js';
import { noticeHtml, type Notice } from './layout.js';
import { idFromPath, linkPage, pathOf } from './route.js';

const PATH = /^\/c\/recover\/([^/?#]+)\/?$/;

const en = {
  invalidTitle: 'Link not valid',
  invalidHeading: 'This link is not valid',
  invalidText: 'There is no checkout to return to at this address.',
  expiredTitle: 'Link expired',
  expiredHeading: 'This link has expired',
  expiredText: 'This checkout can no longer be resumed. Please return to the shop to start again.',
};

const RECOVER_TEXT: Catalog<keyof typeof en> = {
  en,
  ja: {
    invalidTitle: '無効なリンク',
    invalidHeading: 'このリンクは無効です',
    invalidText: 'このアドレスには再開できるお支払い手続きがありません。',
    expiredTitle: 'リンクの有効期限切れ',
    expiredHeading: 'このリンクの有効期限が切れています',
    expiredText: 'このお支払い手続きは再開できなくなりました。お手数ですが、ショップに戻ってもう一度お試しください。',
  },
  fr: {
    invalidTitle: 'Lien non valide',
    invalidHeading: "Ce lien n'est pas valide",
    invalidText: "Aucun paiement à reprendre n'existe à cette adresse.",
    expiredTitle: 'Lien expiré',
    expiredHeading: 'Ce lien a expiré',
    expiredText: 'Ce paiement ne peut plus être repris. Retournez sur la boutique pour recommencer.',
  },
  de: {
    invalidTitle: 'Ungültiger Link',
    invalidHeading: 'Dieser Link ist ungültig',
    invalidText: 'Unter dieser Adresse gibt es keinen Bezahlvorgang, der fortgesetzt werden kann.',
    expiredTitle: 'Link abgelaufen',
    expiredHeading: 'Dieser Link ist abgelaufen',
    expiredText: 'Dieser Bezahlvorgang kann nicht mehr fortgesetzt werden. Bitte kehren Sie zum Shop zurück und beginnen Sie erneut.',
  },
  es: {
    invalidTitle: 'Enlace no válido',
    invalidHeading: 'Este enlace no es válido',
    invalidText: 'No hay ningún pago que retomar en esta dirección.',
    expiredTitle: 'Enlace caducado',
    expiredHeading: 'Este enlace ha caducado',
    expiredText: 'Este pago ya no se puede retomar. Vuelve a la tienda para empezar de nuevo.',
  },
  it: {
    invalidTitle: 'Link non valido',
    invalidHeading: 'Questo link non è valido',
    invalidText: 'A questo indirizzo non c’è alcun pagamento da riprendere.',
    expiredTitle: 'Link scaduto',
    expiredHeading: 'Questo link è scaduto',
    expiredText: 'Questo pagamento non può più essere ripreso. Torna al negozio per ricominciare.',
  },
  nl: {
    invalidTitle: 'Ongeldige link',
    invalidHeading: 'Deze link is niet geldig',
    invalidText: 'Op dit adres is geen betaling om te hervatten.',
    expiredTitle: 'Link verlopen',
    expiredHeading: 'Deze link is verlopen',
    expiredText: 'Deze betaling kan niet meer worden hervat. Ga terug naar de winkel om opnieuw te beginnen.',
  },
  pt: {
    invalidTitle: 'Link inválido',
    invalidHeading: 'Este link não é válido',
    invalidText: 'Não há nenhum pagamento para retomar neste endereço.',
    expiredTitle: 'Link expirado',
    expiredHeading: 'Este link expirou',
    expiredText: 'Este pagamento já não pode ser retomado. Volte à loja para começar de novo.',
  },
  zh: {
    invalidTitle: '链接无效',
    invalidHeading: '此链接无效',
    invalidText: '此地址没有可以继续的付款。',
    expiredTitle: '链接已过期',
    expiredHeading: '此链接已过期',
    expiredText: '此付款已无法继续。请返回商店重新开始。',
  },
  ko: {
    invalidTitle: '유효하지 않은 링크',
    invalidHeading: '이 링크는 유효하지 않습니다',
    invalidText: '이 주소에서 다시 시작할 수 있는 결제가 없습니다.',
    expiredTitle: '만료된 링크',
    expiredHeading: '이 링크는 만료되었습니다',
    expiredText: '이 결제는 더 이상 다시 시작할 수 없습니다. 상점으로 돌아가 다시 시작해 주세요.',
  },
};

function notice(kind: 'invalid' | 'expired', locale: PageLocale): Notice {
  const t = textOf(RECOVER_TEXT, locale);
  const n =
    kind === 'invalid'
      ? { kind: 'recovery-invalid', tone: 'warn' as const, locale, title: t.invalidTitle, heading: t.invalidHeading, text: t.invalidText }
      : { kind: 'recovery-expired', tone: 'warn' as const, locale, title: t.expiredTitle, heading: t.expiredHeading, text: t.expiredText };
  return n as Notice;
}

/** The recovery URL handler, registered beside the payment page in app.ts. */
export function createRecoveryHandler(deps: Deps): PathHandler {
  return async function recoveryPage(req, res, requestId) {
    const id = idFromPath(PATH, pathOf(req));
    if (id === undefined) return false;
    req.resume();
    const { nonce, send } = linkPage(req, res, requestId);
    const found = await findPageSession(deps.store.db, id).catch(() => null);
    const locale = resolvePageLocale(found?.session.locale, req.headers['accept-language']);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, noticeHtml(notice('invalid', locale), nonce));
    if (!found) return send(404, noticeHtml(notice('invalid', locale), nonce));
    try {
      // Opening the link creates a session: a HEAD (a link preview) must not, so it only looks.
      if (req.method === 'HEAD') return send(200, '');
      const copy = await inTransaction(deps, found.account, (ctx) => recoverSession(ctx, id), requestId);
      deps.log.info({ requestId, session: id, recovered: copy.id }, 'checkout session recovered');
      return send(303, '', copy.url ?? undefined);
    } catch (err) {
      if (err instanceof StripeError && err.status < 500) {
        const expired = err.body.code === 'checkout_session_recovery_expired';
        return send(expired ? 410 : 404, noticeHtml(notice(expired ? 'expired' : 'invalid', locale), nonce));
      }
      deps.log.error({ err, requestId, path: '/c/recover/:id' }, 'recovery link failed');
      return send(500, noticeHtml(notice('invalid', locale), nonce));
    }
  };
}
