/**
 * `GET/POST /c/microdeposits/:intent_id`: the hosted microdeposit verification page
 * (`next_action.verify_with_microdeposits.hosted_verification_url`,
 * docs/decisions.md#ach-microdeposits). The buyer types the descriptor code or the two amounts;
 * the page calls the same verification as `verify_microdeposits`. The intent id is a bearer link,
 * as for the 3D Secure page; the POST carries a CSRF token bound to the intent.
 */
import { inTransaction, type Deps } from '../api/context.js';
import { StripeError } from '../api/errors.js';
import { readBody, type PathHandler } from '../api/server.js';
import type { MicrodepositValues } from '../payment-method-types/index.js';
import { awaitsMicrodeposits } from '../payment-method-types/index.js';
import { verifyPageIntentMicrodeposits } from '../resources/payment-intents/api.js';
import { findPageIntent } from '../resources/payment-intents/service.js';
import { verifySetupMicrodeposits } from '../resources/setup-intents/confirm.js';
import { findPageSetupIntent, requireSetupIntent } from '../resources/setup-intents/service.js';
import { checkCsrf, csrfToken } from './csrf.js';
import { esc } from './escape.js';
import { resolvePageLocale, textOf, type Catalog, type PageLocale } from './i18n.js';
import { documentHtml, footHtml } from './layout.js';
import { answerFormPage, idFromPath, newNonce, pathOf, type PageReply } from './route.js';

const PATH = /^\/c\/microdeposits\/([^/?#]+)\/?$/;
const MAX_FORM_BYTES = 4 * 1024;

const en = {
  title: 'Verify your bank account',
  testMode: 'Test mode',
  intro: 'We sent a small deposit to your bank account. Enter the 6-character code starting with SM from its statement description, or the two amounts in cents.',
  code: 'Descriptor code',
  or: 'or',
  first: 'First amount (cents)',
  second: 'Second amount (cents)',
  verify: 'Verify',
  verified: 'Bank account verified',
  verifiedText: 'You can close this page and return to the merchant.',
  ended: 'Verification failed',
  endedText: 'This bank account could not be verified. Return to the merchant to pay another way.',
  mismatch: 'The values entered do not match the deposit. Check your statement and try again.',
  notWaiting: 'This bank account is not waiting for verification.',
  notFound: 'This verification link is not valid.',
  forbidden: 'This form has expired. Reload the page and try again.',
};
type Key = keyof typeof en;

/** The page's strings in every page locale. */
export const MICRODEPOSIT_TEXT: Catalog<Key> = {
  en,
  ja: {
    title: '銀行口座の確認',
    testMode: 'テストモード',
    intro: 'お客様の銀行口座に少額の入金を行いました。明細の摘要に記載された SM で始まる 6 文字のコード、または 2 つの入金額（セント）を入力してください。',
    code: '摘要コード',
    or: 'または',
    first: '1 つ目の金額（セント）',
    second: '2 つ目の金額（セント）',
    verify: '確認する',
    verified: '銀行口座を確認しました',
    verifiedText: 'このページを閉じて、ショップの画面にお戻りください。',
    ended: '確認に失敗しました',
    endedText: 'この銀行口座を確認できませんでした。ショップの画面に戻って、別の方法でお支払いください。',
    mismatch: '入力された値が入金内容と一致しません。明細を確認して、もう一度お試しください。',
    notWaiting: 'この銀行口座は確認待ちではありません。',
    notFound: 'この確認リンクは無効です。',
    forbidden: 'このフォームは有効期限が切れています。ページを再読み込みして、もう一度お試しください。',
  },
  fr: {
    title: 'Vérifiez votre compte bancaire',
    testMode: 'Mode test',
    intro: 'Nous avons envoyé un petit dépôt sur votre compte bancaire. Saisissez le code de 6 caractères commençant par SM figurant dans le libellé, ou les deux montants en cents.',
    code: 'Code du libellé',
    or: 'ou',
    first: 'Premier montant (cents)',
    second: 'Second montant (cents)',
    verify: 'Vérifier',
    verified: 'Compte bancaire vérifié',
    verifiedText: 'Vous pouvez fermer cette page et revenir chez le marchand.',
    ended: 'Échec de la vérification',
    endedText: 'Ce compte bancaire n’a pas pu être vérifié. Revenez chez le marchand pour payer autrement.',
    mismatch: 'Les valeurs saisies ne correspondent pas au dépôt. Vérifiez votre relevé et réessayez.',
    notWaiting: 'Ce compte bancaire n’attend pas de vérification.',
    notFound: 'Ce lien de vérification n’est pas valide.',
    forbidden: 'Ce formulaire a expiré. Rechargez la page et réessayez.',
  },
  de: {
    title: 'Bankkonto bestätigen',
    testMode: 'Testmodus',
    intro: 'Wir haben eine kleine Einzahlung auf Ihr Bankkonto gesendet. Geben Sie den 6-stelligen Code mit SM am Anfang aus dem Verwendungszweck oder die beiden Beträge in Cent ein.',
    code: 'Code im Verwendungszweck',
    or: 'oder',
    first: 'Erster Betrag (Cent)',
    second: 'Zweiter Betrag (Cent)',
    verify: 'Bestätigen',
    verified: 'Bankkonto bestätigt',
    verifiedText: 'Sie können diese Seite schließen und zum Händler zurückkehren.',
    ended: 'Bestätigung fehlgeschlagen',
    endedText: 'Dieses Bankkonto konnte nicht bestätigt werden. Kehren Sie zum Händler zurück, um anders zu bezahlen.',
    mismatch: 'Die eingegebenen Werte stimmen nicht mit der Einzahlung überein. Prüfen Sie Ihren Kontoauszug und versuchen Sie es erneut.',
    notWaiting: 'Dieses Bankkonto wartet nicht auf eine Bestätigung.',
    notFound: 'Dieser Bestätigungslink ist ungültig.',
    forbidden: 'Dieses Formular ist abgelaufen. Laden Sie die Seite neu und versuchen Sie es erneut.',
  },
  es: {
    title: 'Verifica tu cuenta bancaria',
    testMode: 'Modo de prueba',
    intro: 'Hemos enviado un pequeño depósito a tu cuenta bancaria. Introduce el código de 6 caracteres que empieza por SM de su concepto, o los dos importes en centavos.',
    code: 'Código del concepto',
    or: 'o',
    first: 'Primer importe (centavos)',
    second: 'Segundo importe (centavos)',
    verify: 'Verificar',
    verified: 'Cuenta bancaria verificada',
    verifiedText: 'Puedes cerrar esta página y volver al comercio.',
    ended: 'La verificación ha fallado',
    endedText: 'No se ha podido verificar esta cuenta bancaria. Vuelve al comercio para pagar de otra forma.',
    mismatch: 'Los valores introducidos no coinciden con el depósito. Revisa tu extracto e inténtalo de nuevo.',
    notWaiting: 'Esta cuenta bancaria no está pendiente de verificación.',
    notFound: 'Este enlace de verificación no es válido.',
    forbidden: 'Este formulario ha caducado. Vuelve a cargar la página e inténtalo de nuevo.',
  },
  it: {
    title: 'Verifica il tuo conto bancario',
    testMode: 'Modalità test',
    intro: 'Abbiamo inviato un piccolo deposito sul tuo conto bancario. Inserisci il codice di 6 caratteri che inizia con SM presente nella causale, oppure i due importi in centesimi.',
    code: 'Codice della causale',
    or: 'oppure',
    first: 'Primo importo (centesimi)',
    second: 'Secondo importo (centesimi)',
    verify: 'Verifica',
    verified: 'Conto bancario verificato',
    verifiedText: 'Puoi chiudere questa pagina e tornare dal venditore.',
    ended: 'Verifica non riuscita',
    endedText: 'Non è stato possibile verificare questo conto bancario. Torna dal venditore per pagare in un altro modo.',
    mismatch: 'I valori inseriti non corrispondono al deposito. Controlla l’estratto conto e riprova.',
    notWaiting: 'Questo conto bancario non è in attesa di verifica.',
    notFound: 'Questo link di verifica non è valido.',
    forbidden: 'Questo modulo è scaduto. Ricarica la pagina e riprova.',
  },
  nl: {
    title: 'Je bankrekening verifiëren',
    testMode: 'Testmodus',
    intro: 'We hebben een klein bedrag op je bankrekening gestort. Voer de code van 6 tekens die met SM begint uit de omschrijving in, of de twee bedragen in centen.',
    code: 'Code uit de omschrijving',
    or: 'of',
    first: 'Eerste bedrag (centen)',
    second: 'Tweede bedrag (centen)',
    verify: 'Verifiëren',
    verified: 'Bankrekening geverifieerd',
    verifiedText: 'Je kunt deze pagina sluiten en teruggaan naar de verkoper.',
    ended: 'Verificatie mislukt',
    endedText: 'Deze bankrekening kon niet worden geverifieerd. Ga terug naar de verkoper om op een andere manier te betalen.',
    mismatch: 'De ingevoerde waarden komen niet overeen met de storting. Controleer je afschrift en probeer het opnieuw.',
    notWaiting: 'Deze bankrekening wacht niet op verificatie.',
    notFound: 'Deze verificatielink is ongeldig.',
    forbidden: 'Dit formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.',
  },
  pt: {
    title: 'Verifique sua conta bancária',
    testMode: 'Modo de teste',
    intro: 'Enviamos um pequeno depósito para sua conta bancária. Digite o código de 6 caracteres que começa com SM na descrição do extrato, ou os dois valores em centavos.',
    code: 'Código da descrição',
    or: 'ou',
    first: 'Primeiro valor (centavos)',
    second: 'Segundo valor (centavos)',
    verify: 'Verificar',
    verified: 'Conta bancária verificada',
    verifiedText: 'Você pode fechar esta página e voltar ao lojista.',
    ended: 'Falha na verificação',
    endedText: 'Não foi possível verificar esta conta bancária. Volte ao lojista para pagar de outra forma.',
    mismatch: 'Os valores digitados não correspondem ao depósito. Confira seu extrato e tente novamente.',
    notWaiting: 'Esta conta bancária não está aguardando verificação.',
    notFound: 'Este link de verificação não é válido.',
    forbidden: 'Este formulário expirou. Recarregue a página e tente novamente.',
  },
  zh: {
    title: '验证您的银行账户',
    testMode: '测试模式',
    intro: '我们已向您的银行账户存入一笔小额款项。请输入账单摘要中以 SM 开头的 6 位代码，或两笔金额（美分）。',
    code: '摘要代码',
    or: '或',
    first: '第一笔金额（美分）',
    second: '第二笔金额（美分）',
    verify: '验证',
    verified: '银行账户已验证',
    verifiedText: '您可以关闭此页面并返回商家。',
    ended: '验证失败',
    endedText: '无法验证此银行账户。请返回商家使用其他方式付款。',
    mismatch: '输入的值与存款不符。请核对账单后重试。',
    notWaiting: '此银行账户无需验证。',
    notFound: '此验证链接无效。',
    forbidden: '此表单已过期。请刷新页面后重试。',
  },
  ko: {
    title: '은행 계좌 확인',
    testMode: '테스트 모드',
    intro: '고객님의 은행 계좌로 소액을 입금했습니다. 거래 내역 적요에 있는 SM으로 시작하는 6자리 코드 또는 두 입금액(센트)을 입력하세요.',
    code: '적요 코드',
    or: '또는',
    first: '첫 번째 금액(센트)',
    second: '두 번째 금액(센트)',
    verify: '확인',
    verified: '은행 계좌가 확인되었습니다',
    verifiedText: '이 페이지를 닫고 판매자에게 돌아가세요.',
    ended: '확인에 실패했습니다',
    endedText: '이 은행 계좌를 확인할 수 없습니다. 판매자에게 돌아가서 다른 방법으로 결제하세요.',
    mismatch: '입력한 값이 입금 내역과 일치하지 않습니다. 거래 내역을 확인하고 다시 시도하세요.',
    notWaiting: '이 은행 계좌는 확인 대기 중이 아닙니다.',
    notFound: '유효하지 않은 확인 링크입니다.',
    forbidden: '이 양식이 만료되었습니다. 페이지를 새로 고친 후 다시 시도하세요.',
  },
};

const CSS =
  '.mdv{max-width:440px;margin:8vh auto;padding:0 20px}' +
  '.mdv .card{border:1px solid #e0e0e0;border-radius:10px;padding:24px;box-shadow:0 2px 8px rgba(0,0,0,.04)}' +
  '.mdv .top{display:flex;justify-content:flex-end;margin-bottom:8px}' +
  '.mdv h1{font-size:21px;font-weight:600;margin:0 0 8px}' +
  '.mdv .intro{color:#6b6b6b;line-height:1.55;margin:0 0 18px}' +
  '.mdv .or{text-align:center;color:#6b6b6b;margin:10px 0}' +
  '.mdv .err{color:#c0123c;margin:0 0 12px}' +
  '.mdv .btn{width:100%;margin-top:16px;font:inherit;font-weight:600;padding:12px 16px;cursor:pointer;background:#0570de;color:#fff;border:0}';

/** The intent behind a link: a PaymentIntent or a SetupIntent, in its account. */
async function findIntent(db: Deps['store']['db'], id: string): Promise<{ account: string; nextAction: { type?: unknown } | null; status: string } | null> {
  if (id.startsWith('seti_')) {
    const s = await findPageSetupIntent(db, id);
    return s && { account: s.account, nextAction: s.si.next_action, status: s.si.status };
  }
  const p = await findPageIntent(db, id);
  return p && { account: p.account, nextAction: p.pi.next_action, status: p.pi.status };
}

function message(locale: PageLocale, heading: string, text: string, kind: 'verified' | 'failed' | 'notice', status: number): PageReply {
  const nonce = newNonce();
  const ok = kind === 'verified';
  const body =
    `<main class="notice" data-testid="microdeposits-result" data-kind="${kind}">` +
    `<div class="icon${ok ? '' : ' warn'}" aria-hidden="true">${ok ? '&#10003;' : '!'}</div><h1>${esc(heading)}</h1><p>${esc(text)}</p>${footHtml(locale)}</main>`;
  return { status, nonce, html: documentHtml(heading, nonce, body, false, locale) };
}

function render(intentId: string, csrf: string, locale: PageLocale, nonce: string, error?: string): string {
  const t = textOf(MICRODEPOSIT_TEXT, locale);
  const num = 'inputmode="numeric" autocomplete="off" maxlength="2"';
  const body =
    `<style nonce="${nonce}">${CSS}</style>` +
    `<main class="mdv" data-testid="microdeposits"><div class="card">` +
    `<div class="top"><span class="badge">${esc(t.testMode)}</span></div>` +
    `<h1>${esc(t.title)}</h1><p class="intro">${esc(t.intro)}</p>` +
    (error ? `<p class="err" role="alert" data-testid="microdeposits-error">${esc(error)}</p>` : '') +
    `<form method="post" action="/c/microdeposits/${esc(encodeURIComponent(intentId))}">` +
    `<input type="hidden" name="csrf_token" value="${esc(csrf)}">` +
    `<div class="f"><label for="descriptorCode">${esc(t.code)}</label><input class="in" id="descriptorCode" name="descriptorCode" autocomplete="off" maxlength="6" placeholder="SM11AA"></div>` +
    `<p class="or">${esc(t.or)}</p>` +
    `<div class="two"><div class="f"><label for="amount1">${esc(t.first)}</label><input class="in" id="amount1" name="amount1" ${num} placeholder="32"></div>` +
    `<div class="f"><label for="amount2">${esc(t.second)}</label><input class="in" id="amount2" name="amount2" ${num} placeholder="45"></div></div>` +
    `<button type="submit" class="btn" id="verify">${esc(t.verify)}</button>` +
    `</form></div>${footHtml(locale)}</main>`;
  return documentHtml(t.title, nonce, body, false, locale);
}

/** The form's values as `verify_microdeposits` takes them: the code when typed, else the two amounts. */
function valuesOf(body: URLSearchParams): MicrodepositValues {
  const code = (body.get('descriptorCode') ?? '').trim().toUpperCase();
  if (code !== '') return { descriptor_code: code.slice(0, 10) };
  const amounts = ['amount1', 'amount2'].map((k) => (body.get(k) ?? '').trim()).filter((s) => s !== '');
  return { amounts: amounts.map((s) => (/^\d{1,6}$/.test(s) ? Number(s) : 0)) };
}

/** The verification page's handler, registered beside the 3D Secure page's in app.ts. */
export function createMicrodepositHandler(deps: Deps): PathHandler {
  async function show(intentId: string, lang: string | undefined): Promise<PageReply> {
    const locale = resolvePageLocale(null, lang);
    const t = textOf(MICRODEPOSIT_TEXT, locale);
    const found = await findIntent(deps.store.reader ?? deps.store.db, intentId);
    if (!found) return message(locale, t.notFound, '', 'notice', 404);
    if (found.status !== 'requires_action' || !awaitsMicrodeposits(found.nextAction)) return message(locale, t.notWaiting, '', 'notice', 200);
    const nonce = newNonce();
    return { status: 200, nonce, html: render(intentId, await csrfToken(deps.store.db, intentId), locale, nonce) };
  }

  async function submit(req: Parameters<PathHandler>[0], intentId: string, requestId: string): Promise<PageReply> {
    const locale = resolvePageLocale(null, req.headers['accept-language']);
    const t = textOf(MICRODEPOSIT_TEXT, locale);
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_FORM_BYTES);
    } catch {
      // The rest of the body was never read: the connection cannot carry another request.
      return { ...message(locale, t.forbidden, '', 'notice', 413), close: true };
    }
    const body = new URLSearchParams(raw.toString('utf8'));
    const found = await findIntent(deps.store.db, intentId);
    if (!found) return message(locale, t.notFound, '', 'notice', 404);
    if (!(await checkCsrf(deps.store.db, intentId, body.get('csrf_token')))) {
      deps.log.warn({ requestId, intent: intentId }, 'microdeposit page post refused: bad CSRF token');
      return message(locale, t.forbidden, '', 'notice', 403);
    }
    const values = valuesOf(body);
    let outcome: unknown;
    try {
      outcome = await inTransaction(
        deps,
        found.account,
        async (ctx) => {
          // The intent is read under its row lock in this transaction, as the API's verification reads it.
          if (intentId.startsWith('seti_')) return verifySetupMicrodeposits(ctx, await requireSetupIntent(ctx, intentId, true), values);
          return verifyPageIntentMicrodeposits(ctx, intentId, values);
        },
        requestId,
      );
    } catch (err) {
      // A mismatch (or a malformed entry) leaves the intent waiting: the form again, with the error.
      if (!(err instanceof StripeError) || err.status >= 500) throw err;
      if (/unexpected_state/.test(err.body.code ?? '')) return message(locale, t.notWaiting, '', 'notice', 200);
      const nonce = newNonce();
      return { status: 200, nonce, html: render(intentId, await csrfToken(deps.store.db, intentId), locale, nonce, t.mismatch) };
    }
    if (outcome === undefined) return message(locale, t.notFound, '', 'notice', 404);
    // A wrong value was counted (committed) and the intent still waits: the form again, with the error.
    if (outcome instanceof StripeError && /_mismatch$/.test(outcome.body.code ?? '')) {
      const nonce = newNonce();
      return { status: 200, nonce, html: render(intentId, await csrfToken(deps.store.db, intentId), locale, nonce, t.mismatch) };
    }
    if (outcome instanceof StripeError) return message(locale, t.ended, t.endedText, 'failed', 200);
    return message(locale, t.verified, t.verifiedText, 'verified', 200);
  }

  return async function microdepositPage(req, res, requestId) {
    const id = idFromPath(PATH, pathOf(req));
    if (id === undefined) return false;
    return answerFormPage(deps, req, res, requestId, id, {
      show: (r, intentId) => show(intentId, r.headers['accept-language']),
      submit: (r, intentId) => submit(r, intentId, requestId),
      notAllowed: (r) => message(resolvePageLocale(null, r.headers['accept-language']), 'Method Not Allowed', '', 'notice', 405),
      failed: (r) => message(resolvePageLocale(null, r.headers['accept-language']), 'Error', requestId, 'notice', 500),
      logPath: '/c/microdeposits/:id',
      logMessage: 'microdeposit page failed',
    });
  };
}
