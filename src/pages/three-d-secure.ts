/**
 * `GET/POST /c/3ds/:intent_id`: the test 3D Secure page (docs/decisions.md#3d-secure), like
 * Stripe's test-mode one: Complete (`#test-source-authorize-3ds`) and Fail
 * (`#test-source-fail-3ds`). The intent id is a bearer link, as a session id is for the hosted
 * page; the POST carries a CSRF token bound to the intent. Works without JavaScript.
 */
import { inTransaction, makeCtx, type Deps } from '../api/context.js';
import { readBody, type PathHandler } from '../api/server.js';
import { authenticationOrigins, describeAuthentication, finishAuthentication, sessionLocaleOf } from '../checkout/authentication.js';
import { completeSession } from '../checkout/complete.js';
import { findPageAuthentication } from '../resources/setup-intents/authentications.js';
import { checkCsrf, csrfToken } from './csrf.js';
import { esc } from './escape.js';
import { resolvePageLocale, textOf, type Catalog, type PageLocale } from './i18n.js';
import { documentHtml, footHtml, safeHref } from './layout.js';
import { formatAmount } from './money.js';
import { answerFormPage, idFromPath, newNonce, pathOf, type PageReply } from './route.js';
import { embeddedSession } from './embed.js';
import { EMBED_SCRIPT } from './embed-script.js';

const PATH = /^\/c\/3ds\/([^/?#]+)\/?$/;
const MAX_FORM_BYTES = 4 * 1024;

const en = {
  title: '3D Secure test page',
  heading: 'Authenticate this payment',
  testMode: 'Test mode',
  intro: 'This is a test authentication page. In live mode, the buyer’s bank asks them to confirm it is them.',
  payment: 'Payment of {amount}',
  setup: 'Save a card for future payments',
  complete: 'Complete authentication',
  fail: 'Fail authentication',
  completed: 'Authentication complete',
  completedText: 'You can close this page and return to the merchant.',
  failed: 'Authentication failed',
  failedText: 'The payment was not authenticated. Return to the merchant to try again.',
  notFound: 'This authentication link is not valid.',
  forbidden: 'This form has expired. Reload the page and try again.',
  declinedAfter: 'Your card was declined after authentication. Choose another payment method and try again.',
  authenticationFailed: 'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
};
type Key = keyof typeof en;

/** The page's strings, and the error the hosted page shows after a failed authentication. */
export const THREE_D_SECURE_TEXT: Catalog<Key> = {
  en,
  ja: {
    title: '3D セキュア テストページ',
    heading: 'お支払いの本人認証',
    testMode: 'テストモード',
    intro: 'これはテスト用の認証ページです。本番環境では、購入者のカード発行会社が本人確認を行います。',
    payment: '{amount} のお支払い',
    setup: '今後のお支払いのためにカードを保存',
    complete: '認証を完了する',
    fail: '認証を失敗させる',
    completed: '認証が完了しました',
    completedText: 'このページを閉じて、ショップの画面にお戻りください。',
    failed: '認証に失敗しました',
    failedText: 'お支払いは認証されませんでした。ショップの画面に戻って、もう一度お試しください。',
    notFound: 'この認証リンクは無効です。',
    forbidden: 'このフォームは有効期限が切れています。ページを再読み込みして、もう一度お試しください。',
    declinedAfter: '認証後にカードが拒否されました。別のお支払い方法を選んで、もう一度お試しください。',
    authenticationFailed: 'お支払い方法を認証できませんでした。別のお支払い方法を選んで、もう一度お試しください。',
  },
  fr: {
    title: 'Page de test 3D Secure',
    heading: 'Authentifier ce paiement',
    testMode: 'Mode test',
    intro: 'Ceci est une page d’authentification de test. En mode production, la banque de l’acheteur lui demande de confirmer son identité.',
    payment: 'Paiement de {amount}',
    setup: 'Enregistrer une carte pour de futurs paiements',
    complete: 'Valider l’authentification',
    fail: 'Faire échouer l’authentification',
    completed: 'Authentification terminée',
    completedText: 'Vous pouvez fermer cette page et revenir chez le marchand.',
    failed: 'Échec de l’authentification',
    failedText: 'Le paiement n’a pas été authentifié. Revenez chez le marchand pour réessayer.',
    notFound: 'Ce lien d’authentification n’est pas valide.',
    forbidden: 'Ce formulaire a expiré. Rechargez la page et réessayez.',
    declinedAfter: 'Votre carte a été refusée après l’authentification. Choisissez un autre moyen de paiement et réessayez.',
    authenticationFailed: 'Nous ne parvenons pas à authentifier votre moyen de paiement. Choisissez-en un autre et réessayez.',
  },
  de: {
    title: '3D Secure-Testseite',
    heading: 'Diese Zahlung bestätigen',
    testMode: 'Testmodus',
    intro: 'Dies ist eine Test-Authentifizierungsseite. Im Live-Modus bittet die Bank des Käufers ihn, sich zu bestätigen.',
    payment: 'Zahlung über {amount}',
    setup: 'Karte für künftige Zahlungen speichern',
    complete: 'Authentifizierung abschließen',
    fail: 'Authentifizierung fehlschlagen lassen',
    completed: 'Authentifizierung abgeschlossen',
    completedText: 'Sie können diese Seite schließen und zum Händler zurückkehren.',
    failed: 'Authentifizierung fehlgeschlagen',
    failedText: 'Die Zahlung wurde nicht authentifiziert. Kehren Sie zum Händler zurück, um es erneut zu versuchen.',
    notFound: 'Dieser Authentifizierungslink ist ungültig.',
    forbidden: 'Dieses Formular ist abgelaufen. Laden Sie die Seite neu und versuchen Sie es erneut.',
    declinedAfter: 'Ihre Karte wurde nach der Authentifizierung abgelehnt. Wählen Sie eine andere Zahlungsmethode und versuchen Sie es erneut.',
    authenticationFailed: 'Wir können Ihre Zahlungsmethode nicht authentifizieren. Bitte wählen Sie eine andere Zahlungsmethode und versuchen Sie es erneut.',
  },
  es: {
    title: 'Página de prueba de 3D Secure',
    heading: 'Autentica este pago',
    testMode: 'Modo de prueba',
    intro: 'Esta es una página de autenticación de prueba. En modo real, el banco del comprador le pide que confirme su identidad.',
    payment: 'Pago de {amount}',
    setup: 'Guardar una tarjeta para pagos futuros',
    complete: 'Completar la autenticación',
    fail: 'Hacer fallar la autenticación',
    completed: 'Autenticación completada',
    completedText: 'Puedes cerrar esta página y volver al comercio.',
    failed: 'La autenticación ha fallado',
    failedText: 'El pago no se ha autenticado. Vuelve al comercio para intentarlo de nuevo.',
    notFound: 'Este enlace de autenticación no es válido.',
    forbidden: 'Este formulario ha caducado. Vuelve a cargar la página e inténtalo de nuevo.',
    declinedAfter: 'Se ha rechazado tu tarjeta después de la autenticación. Elige otro método de pago e inténtalo de nuevo.',
    authenticationFailed: 'No podemos autenticar tu método de pago. Elige otro método de pago e inténtalo de nuevo.',
  },
  it: {
    title: 'Pagina di test 3D Secure',
    heading: 'Autentica questo pagamento',
    testMode: 'Modalità test',
    intro: 'Questa è una pagina di autenticazione di test. In modalità live, la banca dell’acquirente gli chiede di confermare la sua identità.',
    payment: 'Pagamento di {amount}',
    setup: 'Salva una carta per i pagamenti futuri',
    complete: 'Completa l’autenticazione',
    fail: 'Fai fallire l’autenticazione',
    completed: 'Autenticazione completata',
    completedText: 'Puoi chiudere questa pagina e tornare dal venditore.',
    failed: 'Autenticazione non riuscita',
    failedText: 'Il pagamento non è stato autenticato. Torna dal venditore per riprovare.',
    notFound: 'Questo link di autenticazione non è valido.',
    forbidden: 'Questo modulo è scaduto. Ricarica la pagina e riprova.',
    declinedAfter: 'La tua carta è stata rifiutata dopo l’autenticazione. Scegli un altro metodo di pagamento e riprova.',
    authenticationFailed: 'Non è possibile autenticare il tuo metodo di pagamento. Scegline un altro e riprova.',
  },
  nl: {
    title: '3D Secure-testpagina',
    heading: 'Deze betaling verifiëren',
    testMode: 'Testmodus',
    intro: 'Dit is een testpagina voor verificatie. In de live-modus vraagt de bank van de koper om te bevestigen dat hij het is.',
    payment: 'Betaling van {amount}',
    setup: 'Een kaart opslaan voor toekomstige betalingen',
    complete: 'Verificatie voltooien',
    fail: 'Verificatie laten mislukken',
    completed: 'Verificatie voltooid',
    completedText: 'Je kunt deze pagina sluiten en teruggaan naar de verkoper.',
    failed: 'Verificatie mislukt',
    failedText: 'De betaling is niet geverifieerd. Ga terug naar de verkoper om het opnieuw te proberen.',
    notFound: 'Deze verificatielink is ongeldig.',
    forbidden: 'Dit formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.',
    declinedAfter: 'Je kaart is na de verificatie geweigerd. Kies een andere betaalmethode en probeer het opnieuw.',
    authenticationFailed: 'We kunnen je betaalmethode niet verifiëren. Kies een andere betaalmethode en probeer het opnieuw.',
  },
  pt: {
    title: 'Página de teste do 3D Secure',
    heading: 'Autentique este pagamento',
    testMode: 'Modo de teste',
    intro: 'Esta é uma página de autenticação de teste. No modo de produção, o banco do comprador pede que ele confirme a identidade.',
    payment: 'Pagamento de {amount}',
    setup: 'Salvar um cartão para pagamentos futuros',
    complete: 'Concluir autenticação',
    fail: 'Falhar autenticação',
    completed: 'Autenticação concluída',
    completedText: 'Você pode fechar esta página e voltar ao lojista.',
    failed: 'Falha na autenticação',
    failedText: 'O pagamento não foi autenticado. Volte ao lojista para tentar novamente.',
    notFound: 'Este link de autenticação não é válido.',
    forbidden: 'Este formulário expirou. Recarregue a página e tente novamente.',
    declinedAfter: 'Seu cartão foi recusado após a autenticação. Escolha outra forma de pagamento e tente novamente.',
    authenticationFailed: 'Não foi possível autenticar sua forma de pagamento. Escolha outra forma de pagamento e tente novamente.',
  },
  zh: {
    title: '3D Secure 测试页面',
    heading: '验证此笔付款',
    testMode: '测试模式',
    intro: '这是一个测试验证页面。在正式模式下，买家的发卡银行会要求其确认身份。',
    payment: '付款金额 {amount}',
    setup: '保存卡片以用于今后的付款',
    complete: '完成验证',
    fail: '使验证失败',
    completed: '验证已完成',
    completedText: '您可以关闭此页面并返回商家。',
    failed: '验证失败',
    failedText: '此笔付款未通过验证。请返回商家重试。',
    notFound: '此验证链接无效。',
    forbidden: '此表单已过期。请刷新页面后重试。',
    declinedAfter: '您的卡在验证后被拒绝。请选择其他付款方式后重试。',
    authenticationFailed: '我们无法验证您的付款方式。请选择其他付款方式后重试。',
  },
  ko: {
    title: '3D Secure 테스트 페이지',
    heading: '이 결제 인증하기',
    testMode: '테스트 모드',
    intro: '테스트용 인증 페이지입니다. 라이브 모드에서는 구매자의 카드 발급 은행이 본인 확인을 요청합니다.',
    payment: '{amount} 결제',
    setup: '향후 결제를 위해 카드 저장',
    complete: '인증 완료',
    fail: '인증 실패',
    completed: '인증이 완료되었습니다',
    completedText: '이 페이지를 닫고 판매자에게 돌아가세요.',
    failed: '인증에 실패했습니다',
    failedText: '결제가 인증되지 않았습니다. 판매자에게 돌아가서 다시 시도하세요.',
    notFound: '유효하지 않은 인증 링크입니다.',
    forbidden: '이 양식이 만료되었습니다. 페이지를 새로 고친 후 다시 시도하세요.',
    declinedAfter: '인증 후 카드가 거절되었습니다. 다른 결제 수단을 선택하고 다시 시도하세요.',
    authenticationFailed: '결제 수단을 인증할 수 없습니다. 다른 결제 수단을 선택하고 다시 시도하세요.',
  },
};

const CSS =
  '.tds{max-width:440px;margin:8vh auto;padding:0 20px}' +
  '.tds .card{border:1px solid #e0e0e0;border-radius:10px;padding:24px;box-shadow:0 2px 8px rgba(0,0,0,.04)}' +
  '.tds .top{display:flex;justify-content:space-between;align-items:center;margin-bottom:16px;gap:8px}' +
  '.tds .brand{font-weight:600;letter-spacing:.02em;color:#555}' +
  '.tds h1{font-size:21px;font-weight:600;margin:0 0 8px}' +
  '.tds .what{font-size:17px;font-weight:500;margin:0 0 12px}' +
  '.tds .intro{color:#6b6b6b;line-height:1.55;margin:0 0 22px}' +
  '.tds .actions{display:flex;flex-direction:column;gap:10px}' +
  '.tds .actions .btn{width:100%;margin:0}' +
  '.tds .actions .btn{font:inherit;font-weight:600;padding:12px 16px;cursor:pointer}' +
  '.tds .btn.go{background:#0570de;color:#fff;border:0}' +
  '.tds .btn.fail{background:#fff;color:#c0123c;border:1px solid #e6b3c0}';

function message(locale: PageLocale, heading: string, text: string, ok: boolean, status: number): PageReply {
  const nonce = newNonce();
  const body =
    `<main class="notice" data-testid="three-d-secure-result" data-kind="${ok ? 'succeeded' : 'failed'}">` +
    `<div class="icon${ok ? '' : ' warn'}" aria-hidden="true">${ok ? '&#10003;' : '!'}</div><h1>${esc(heading)}</h1><p>${esc(text)}</p>${footHtml(locale)}</main>`;
  return { status, nonce, html: documentHtml(heading, nonce, body, false, locale) };
}

function render(intentId: string, what: string, csrf: string, locale: PageLocale, nonce: string, framed = false): string {
  const t = textOf(THREE_D_SECURE_TEXT, locale);
  const body =
    `<style nonce="${nonce}">${CSS}</style>` +
    `<main class="tds" data-testid="three-d-secure"><div class="card">` +
    `<div class="top"><span class="brand">3D Secure</span><span class="badge">${esc(t.testMode)}</span></div>` +
    `<h1>${esc(t.heading)}</h1><p class="what" data-testid="three-d-secure-what">${esc(what)}</p><p class="intro">${esc(t.intro)}</p>` +
    `<form method="post" action="/c/3ds/${esc(encodeURIComponent(intentId))}" class="actions">` +
    `<input type="hidden" name="csrf_token" value="${esc(csrf)}">` +
    `<button type="submit" class="btn go" id="test-source-authorize-3ds" name="action" value="complete">${esc(t.complete)}</button>` +
    `<button type="submit" class="btn fail" id="test-source-fail-3ds" name="action" value="fail">${esc(t.fail)}</button>` +
    `</form></div>${footHtml(locale)}</main>` +
    // In the merchant's frame it reports its height like the form it replaced (embed-script.ts).
    (framed ? `<script nonce="${nonce}">${EMBED_SCRIPT}</script>` : '');
  return documentHtml(t.title, nonce, body, false, locale);
}

/** The error the hosted page shows when the buyer comes back from a failed (or declined) authentication. */
export function authenticationRefusal(query: string, locale: PageLocale): { code: string; message: string } | undefined {
  const why = new URLSearchParams(query).get('authentication');
  const t = textOf(THREE_D_SECURE_TEXT, locale);
  if (why === 'failed') return { code: 'payment_intent_authentication_failure', message: t.authenticationFailed };
  if (why === 'declined') return { code: 'card_declined', message: t.declinedAfter };
  return undefined;
}

/** The authentication page's handler, registered beside the hosted page's in app.ts. */
export function createThreeDSecureHandler(deps: Deps): PathHandler {
  async function show(intentId: string, lang: string | undefined, requestId: string): Promise<PageReply> {
    const db = deps.store.reader ?? deps.store.db;
    const found = await findPageAuthentication(db, intentId);
    if (!found) {
      const l = resolvePageLocale(null, lang);
      return message(l, textOf(THREE_D_SECURE_TEXT, l).notFound, '', false, 404);
    }
    const ctx = makeCtx(deps, found.account, db, requestId);
    const locale = resolvePageLocale(await sessionLocaleOf(ctx, found.auth), lang);
    const t = textOf(THREE_D_SECURE_TEXT, locale);
    if (found.auth.status !== 'pending') {
      const ok = found.auth.status === 'succeeded';
      return message(locale, ok ? t.completed : t.failed, ok ? t.completedText : t.failedText, ok, 200);
    }
    const d = await describeAuthentication(ctx, found.auth);
    const what = 'setup' in d ? t.setup : t.payment.replace('{amount}', formatAmount(d.amount, d.currency, locale));
    const nonce = newNonce();
    const formOrigins = await authenticationOrigins(ctx, found.auth);
    // Opened from the embedded form, the page shows in the merchant's frame (docs/decisions.md#embedded-checkout).
    const frameable = found.auth.checkout_session ? await embeddedSession(db, found.auth.checkout_session) : false;
    return { status: 200, nonce, formOrigins, frameable, html: render(intentId, what, await csrfToken(deps.store.db, intentId), locale, nonce, frameable) };
  }

  async function submit(req: Parameters<PathHandler>[0], intentId: string, requestId: string): Promise<PageReply> {
    const lang = req.headers['accept-language'];
    const buyer = resolvePageLocale(null, lang);
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_FORM_BYTES);
    } catch {
      // The rest of the body was never read: the connection cannot carry another request.
      return { ...message(buyer, textOf(THREE_D_SECURE_TEXT, buyer).forbidden, '', false, 413), close: true };
    }
    const body = new URLSearchParams(raw.toString('utf8'));
    const found = await findPageAuthentication(deps.store.db, intentId);
    if (!found) return message(buyer, textOf(THREE_D_SECURE_TEXT, buyer).notFound, '', false, 404);
    if (!(await checkCsrf(deps.store.db, intentId, body.get('csrf_token')))) {
      deps.log.warn({ requestId, intent: intentId }, 'authentication page post refused: bad CSRF token');
      return message(buyer, textOf(THREE_D_SECURE_TEXT, buyer).forbidden, '', false, 403);
    }
    const completed = body.get('action') === 'complete';
    const end = await inTransaction(deps, found.account, (ctx) => finishAuthentication(ctx, intentId, completed, completeSession), requestId);
    const locale = resolvePageLocale(await sessionLocaleOf(makeCtx(deps, found.account, deps.store.db, requestId), found.auth), lang);
    const t = textOf(THREE_D_SECURE_TEXT, locale);
    if (!end) return message(locale, t.notFound, '', false, 404);
    const to = end.redirectTo && (end.redirectTo.startsWith('/') ? end.redirectTo : safeHref(end.redirectTo));
    if (to) return { status: 303, nonce: newNonce(), html: '', location: to };
    return message(locale, end.succeeded ? t.completed : t.failed, end.succeeded ? t.completedText : t.failedText, end.succeeded, 200);
  }

  return async function threeDSecurePage(req, res, requestId) {
    const id = idFromPath(PATH, pathOf(req));
    if (id === undefined) return false;
    return answerFormPage(deps, req, res, requestId, id, {
      show: (r, intentId) => show(intentId, r.headers['accept-language'], requestId),
      submit: (r, intentId) => submit(r, intentId, requestId),
      notAllowed: (r) => message(resolvePageLocale(null, r.headers['accept-language']), 'Method Not Allowed', '', false, 405),
      failed: (r) => message(resolvePageLocale(null, r.headers['accept-language']), 'Error', requestId, false, 500),
      logPath: '/c/3ds/:id',
      logMessage: 'authentication page failed',
    });
  };
}
