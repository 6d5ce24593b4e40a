/**
 * `GET /c/pay/:id/voucher`: the konbini voucher of a session paid at a convenience store
 * (`next_action.konbini_display_details.hosted_voucher_url`), or of a PaymentIntent confirmed
 * with konbini through the API (`:id` its id). The buyer lands here after
 * submitting the page, and may come back to it: the amount, the expiry (Japan time), the
 * confirmation number and each store's payment code, in the page's language; then whether it was
 * paid or expired (docs/decisions.md#konbini).
 */
import { makeCtx, type Deps } from '../api/context.js';
import { voucherPath } from '../checkout/settle.js';
import { findPaymentMethodType, konbiniDetails, KONBINI_STORES, type KonbiniDisplayDetails } from '../payment-method-types/index.js';
import type { Session } from '../resources/checkout-sessions/shape.js';
import { findPageSession } from '../resources/checkout-sessions/store.js';
import { findPageIntent, findPaymentIntent, type PaymentIntent } from '../resources/payment-intents/service.js';
import { findPaymentMethod } from '../resources/payment-methods/service.js';
import { esc } from './escape.js';
import { fill, resolvePageLocale, textOf, type Catalog, type PageLocale } from './i18n.js';
import { idFromPath, newNonce } from './route.js';
import { documentHtml, footHtml, safeHref } from './layout.js';
import { formatAmount } from './money.js';

const PATH = /^\/c\/pay\/([^/?#]+)\/voucher\/?$/;

type Store = (typeof KONBINI_STORES)[number];

const en = {
  title: 'Konbini payment',
  heading: 'Pay at a convenience store',
  payBy: 'Pay by {date} (Japan time)',
  confirmationNumber: 'Confirmation number',
  paymentCode: 'Payment code',
  store: 'Store',
  step1: 'Go to a FamilyMart, Lawson, Ministop or Seicomart store.',
  step2: 'Give the payment code and the confirmation number at the register, or enter them at the store terminal.',
  step3: 'Pay {amount} in cash and keep the receipt.',
  waiting: 'Waiting for payment',
  paid: 'This voucher has been paid. Thank you.',
  expired: 'This voucher has expired. It can no longer be paid.',
  done: 'Done',
  testMode: 'Test mode',
  familymart: 'FamilyMart',
  lawson: 'Lawson',
  ministop: 'Ministop',
  seicomart: 'Seicomart',
};

/** The voucher's strings: Japanese buyers read it at the register, so it reads as Stripe's does. */
const TEXT: Catalog<keyof typeof en> = {
  en,
  ja: {
    title: 'コンビニ決済',
    heading: 'コンビニでのお支払い',
    payBy: 'お支払い期限：{date}（日本時間）',
    confirmationNumber: '確認番号',
    paymentCode: 'お客様番号',
    store: '店舗',
    step1: 'ファミリーマート、ローソン、ミニストップ、セイコーマートのいずれかの店舗へお越しください。',
    step2: 'レジでお客様番号と確認番号をお伝えいただくか、店内の端末に入力してください。',
    step3: '{amount}を現金でお支払いください。領収書は大切に保管してください。',
    waiting: 'お支払い待ち',
    paid: 'お支払いが完了しました。ありがとうございました。',
    expired: 'お支払い期限を過ぎたため、この払込票はご利用いただけません。',
    done: '完了',
    testMode: 'テストモード',
    familymart: 'ファミリーマート',
    lawson: 'ローソン',
    ministop: 'ミニストップ',
    seicomart: 'セイコーマート',
  },
  fr: {
    title: 'Paiement Konbini',
    heading: 'Payer dans une supérette',
    payBy: 'À payer avant le {date} (heure du Japon)',
    confirmationNumber: 'Numéro de confirmation',
    paymentCode: 'Code de paiement',
    store: 'Magasin',
    step1: 'Rendez-vous dans un magasin FamilyMart, Lawson, Ministop ou Seicomart.',
    step2: 'Communiquez le code de paiement et le numéro de confirmation en caisse, ou saisissez-les sur la borne du magasin.',
    step3: 'Payez {amount} en espèces et conservez le reçu.',
    waiting: 'En attente de paiement',
    paid: 'Ce bon a été payé. Merci.',
    expired: 'Ce bon a expiré. Il ne peut plus être payé.',
    done: 'Terminé',
    testMode: 'Mode test',
    familymart: 'FamilyMart',
    lawson: 'Lawson',
    ministop: 'Ministop',
    seicomart: 'Seicomart',
  },
  de: {
    title: 'Konbini-Zahlung',
    heading: 'Im Convenience Store bezahlen',
    payBy: 'Zahlbar bis {date} (japanische Zeit)',
    confirmationNumber: 'Bestätigungsnummer',
    paymentCode: 'Zahlungscode',
    store: 'Geschäft',
    step1: 'Gehen Sie in eine Filiale von FamilyMart, Lawson, Ministop oder Seicomart.',
    step2: 'Nennen Sie an der Kasse den Zahlungscode und die Bestätigungsnummer oder geben Sie beides am Terminal im Geschäft ein.',
    step3: 'Bezahlen Sie {amount} bar und bewahren Sie den Beleg auf.',
    waiting: 'Zahlung ausstehend',
    paid: 'Dieser Zahlschein wurde bezahlt. Vielen Dank.',
    expired: 'Dieser Zahlschein ist abgelaufen und kann nicht mehr bezahlt werden.',
    done: 'Fertig',
    testMode: 'Testmodus',
    familymart: 'FamilyMart',
    lawson: 'Lawson',
    ministop: 'Ministop',
    seicomart: 'Seicomart',
  },
  es: {
    title: 'Pago en Konbini',
    heading: 'Paga en una tienda de conveniencia',
    payBy: 'Paga antes del {date} (hora de Japón)',
    confirmationNumber: 'Número de confirmación',
    paymentCode: 'Código de pago',
    store: 'Tienda',
    step1: 'Ve a una tienda FamilyMart, Lawson, Ministop o Seicomart.',
    step2: 'Indica el código de pago y el número de confirmación en la caja, o introdúcelos en el terminal de la tienda.',
    step3: 'Paga {amount} en efectivo y guarda el recibo.',
    waiting: 'Pendiente de pago',
    paid: 'Este comprobante ya está pagado. Gracias.',
    expired: 'Este comprobante ha caducado y ya no se puede pagar.',
    done: 'Listo',
    testMode: 'Modo de prueba',
    familymart: 'FamilyMart',
    lawson: 'Lawson',
    ministop: 'Ministop',
    seicomart: 'Seicomart',
  },
  it: {
    title: 'Pagamento Konbini',
    heading: 'Paga in un minimarket',
    payBy: 'Paga entro il {date} (ora del Giappone)',
    confirmationNumber: 'Numero di conferma',
    paymentCode: 'Codice di pagamento',
    store: 'Negozio',
    step1: 'Recati in un negozio FamilyMart, Lawson, Ministop o Seicomart.',
    step2: 'Comunica alla cassa il codice di pagamento e il numero di conferma, oppure inseriscili nel terminale del negozio.',
    step3: 'Paga {amount} in contanti e conserva la ricevuta.',
    waiting: 'In attesa di pagamento',
    paid: 'Questo voucher è stato pagato. Grazie.',
    expired: 'Questo voucher è scaduto e non può più essere pagato.',
    done: 'Fine',
    testMode: 'Modalità test',
    familymart: 'FamilyMart',
    lawson: 'Lawson',
    ministop: 'Ministop',
    seicomart: 'Seicomart',
  },
  nl: {
    title: 'Konbini-betaling',
    heading: 'Betaal in een gemakswinkel',
    payBy: 'Betaal vóór {date} (Japanse tijd)',
    confirmationNumber: 'Bevestigingsnummer',
    paymentCode: 'Betaalcode',
    store: 'Winkel',
    step1: 'Ga naar een FamilyMart, Lawson, Ministop of Seicomart.',
    step2: 'Geef de betaalcode en het bevestigingsnummer door aan de kassa, of voer ze in op de terminal in de winkel.',
    step3: 'Betaal {amount} contant en bewaar het bonnetje.',
    waiting: 'Wacht op betaling',
    paid: 'Deze betaalbon is betaald. Bedankt.',
    expired: 'Deze betaalbon is verlopen en kan niet meer worden betaald.',
    done: 'Klaar',
    testMode: 'Testmodus',
    familymart: 'FamilyMart',
    lawson: 'Lawson',
    ministop: 'Ministop',
    seicomart: 'Seicomart',
  },
  pt: {
    title: 'Pagamento Konbini',
    heading: 'Pague em uma loja de conveniência',
    payBy: 'Pague até {date} (horário do Japão)',
    confirmationNumber: 'Número de confirmação',
    paymentCode: 'Código de pagamento',
    store: 'Loja',
    step1: 'Vá a uma loja FamilyMart, Lawson, Ministop ou Seicomart.',
    step2: 'Informe o código de pagamento e o número de confirmação no caixa ou digite-os no terminal da loja.',
    step3: 'Pague {amount} em dinheiro e guarde o recibo.',
    waiting: 'Aguardando pagamento',
    paid: 'Este comprovante foi pago. Obrigado.',
    expired: 'Este comprovante expirou e não pode mais ser pago.',
    done: 'Concluir',
    testMode: 'Modo de teste',
    familymart: 'FamilyMart',
    lawson: 'Lawson',
    ministop: 'Ministop',
    seicomart: 'Seicomart',
  },
  zh: {
    title: '便利店支付',
    heading: '在便利店付款',
    payBy: '请于 {date}（日本时间）前付款',
    confirmationNumber: '确认号码',
    paymentCode: '付款编号',
    store: '店铺',
    step1: '前往全家、罗森、Ministop 或 Seicomart 便利店。',
    step2: '在收银台出示付款编号和确认号码，或在店内终端机上输入。',
    step3: '用现金支付 {amount}，并保留收据。',
    waiting: '等待付款',
    paid: '此付款单已付款。谢谢。',
    expired: '此付款单已过期，无法再付款。',
    done: '完成',
    testMode: '测试模式',
    familymart: '全家',
    lawson: '罗森',
    ministop: 'Ministop',
    seicomart: 'Seicomart',
  },
  ko: {
    title: '편의점 결제',
    heading: '편의점에서 결제하기',
    payBy: '{date}(일본 시간)까지 결제하세요',
    confirmationNumber: '확인 번호',
    paymentCode: '결제 코드',
    store: '매장',
    step1: '패밀리마트, 로손, 미니스톱 또는 세이코마트 매장을 방문하세요.',
    step2: '계산대에서 결제 코드와 확인 번호를 알려 주거나 매장 단말기에 입력하세요.',
    step3: '{amount}을(를) 현금으로 결제하고 영수증을 보관하세요.',
    waiting: '결제 대기 중',
    paid: '이 결제 전표는 결제가 완료되었습니다. 감사합니다.',
    expired: '이 결제 전표는 만료되어 더 이상 결제할 수 없습니다.',
    done: '완료',
    testMode: '테스트 모드',
    familymart: '패밀리마트',
    lawson: '로손',
    ministop: '미니스톱',
    seicomart: '세이코마트',
  },
};

/** The voucher page's own styles (beside the page's stylesheet, under the same nonce). */
const CSS =
  '.voucher{max-width:520px;margin:6vh auto;padding:0 20px}' +
  '.voucher .top{display:flex;justify-content:space-between;align-items:center;margin-bottom:20px}' +
  '.voucher h1{font-size:22px;font-weight:600;margin:0 0 6px}' +
  '.v-amount{font-size:32px;font-weight:600;margin:0 0 4px}' +
  '.v-exp{color:#6b6b6b;margin:0 0 20px}' +
  '.v-status{border-radius:6px;padding:10px 12px;margin:0 0 20px;font-weight:500;background:#f3f4f6}' +
  '.v-status.paid{background:#e3f4ea;color:#1a7f4b}.v-status.expired{background:#fdf1e5;color:#bb5504}' +
  '.v-conf{border:1px solid #e0e0e0;border-radius:8px;padding:14px 16px;margin:0 0 16px;display:flex;justify-content:space-between;align-items:baseline;gap:12px;flex-wrap:wrap}' +
  '.v-conf strong{font-size:24px;letter-spacing:.08em;font-variant-numeric:tabular-nums}' +
  '.v-stores{width:100%;border-collapse:collapse;margin:0 0 20px;font-size:14px}' +
  '.v-stores th,.v-stores td{text-align:left;padding:8px 6px;border-bottom:1px solid #eee}' +
  '.v-stores td.code{font-variant-numeric:tabular-nums;letter-spacing:.04em;text-align:right}.v-stores th.code{text-align:right}' +
  '.v-steps{padding-left:20px;color:#333;margin:0 0 24px;line-height:1.6}';

/** `expires_at` as the locale writes a date and time, in Japan time (where the stores are). */
function japanTime(unix: number, locale: PageLocale): string {
  // Intl reads a bare language as its main region (`ja` as ja-JP, `pt` as pt-BR).
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(unix * 1000));
}

type State = { kind: 'waiting'; details: KonbiniDisplayDetails } | { kind: 'paid' } | { kind: 'expired' };

/** What the session's voucher is now, or null when the session was not paid by voucher. */
async function voucherState(deps: Deps, account: string, s: Session, requestId: string): Promise<State | null> {
  if (!s.payment_intent) return null;
  const ctx = makeCtx(deps, account, deps.store.reader ?? deps.store.db, requestId);
  const pi: PaymentIntent | undefined = await findPaymentIntent(ctx, s.payment_intent);
  return pi ? intentVoucherState(deps, account, pi, requestId) : null;
}

/** What a PaymentIntent's voucher is now, or null when it was not paid by voucher. */
async function intentVoucherState(deps: Deps, account: string, pi: PaymentIntent, requestId: string): Promise<State | null> {
  const ctx = makeCtx(deps, account, deps.store.reader ?? deps.store.db, requestId);
  const details = konbiniDetails(pi.next_action);
  if (pi.status === 'requires_action' && details) return { kind: 'waiting', details };
  const pmId = pi.payment_method ?? (pi.last_payment_error?.payment_method as { id?: string } | null)?.id;
  const pm = pmId ? await findPaymentMethod(ctx, pmId) : undefined;
  // Only a type that pays by voucher has a voucher page.
  if (!pm || !findPaymentMethodType(pm.type)?.voucher) return null;
  if (pi.status === 'succeeded') return { kind: 'paid' };
  return pi.last_payment_error ? { kind: 'expired' } : null;
}

/**
 * Where the hosted page sends a buyer who has just paid by voucher: the voucher page; null for
 * any other payment (the buyer goes to `success_url`).
 */
export async function voucherLocation(deps: Deps, account: string, s: Session, requestId: string): Promise<string | null> {
  const state = await voucherState(deps, account, s, requestId);
  return state?.kind === 'waiting' ? voucherPath(s.id) : null;
}

/** What the page shows beside the voucher: the amount, and where "Done" leads (a session's `success_url`). */
interface Subject {
  amount: number;
  currency: string;
  doneUrl: string | undefined;
}

function render(s: Subject, state: State, locale: PageLocale, nonce: string): string {
  const t = textOf(TEXT, locale);
  const amount = formatAmount(s.amount, s.currency, locale);
  const done = safeHref(s.doneUrl);
  let middle: string;
  if (state.kind === 'waiting') {
    const d = state.details;
    const confirmation = d.stores.familymart?.confirmation_number ?? '';
    const rows = KONBINI_STORES.map((store: Store) => {
      const code = d.stores[store]?.payment_code;
      return code ? `<tr data-testid="voucher-store" data-store="${store}"><td>${esc(t[store])}</td><td class="code">${esc(code)}</td></tr>` : '';
    }).join('');
    middle =
      `<p class="v-exp" data-testid="voucher-expires">${esc(fill(t.payBy, { date: japanTime(d.expires_at, locale) }))}</p>` +
      `<div class="v-status" data-testid="voucher-status" data-state="waiting">${esc(t.waiting)}</div>` +
      `<div class="v-conf"><span>${esc(t.confirmationNumber)}</span><strong data-testid="voucher-confirmation-number">${esc(confirmation)}</strong></div>` +
      `<table class="v-stores"><thead><tr><th>${esc(t.store)}</th><th class="code">${esc(t.paymentCode)}</th></tr></thead><tbody>${rows}</tbody></table>` +
      `<ol class="v-steps"><li>${esc(t.step1)}</li><li>${esc(t.step2)}</li><li>${esc(fill(t.step3, { amount }))}</li></ol>`;
  } else {
    middle = `<div class="v-status ${state.kind}" data-testid="voucher-status" data-state="${state.kind}">${esc(state.kind === 'paid' ? t.paid : t.expired)}</div>`;
  }
  const body =
    `<style nonce="${nonce}">${CSS}</style>` +
    `<main class="voucher" data-testid="konbini-voucher"><div class="top"><span class="badge">${esc(t.testMode)}</span></div>` +
    `<h1>${esc(t.heading)}</h1><p class="v-amount" data-testid="voucher-amount">${esc(amount)}</p>` +
    middle +
    (done ? `<a class="btn" href="${esc(done)}" data-testid="voucher-done">${esc(t.done)}</a>` : '') +
    `${footHtml(locale)}</main>`;
  return documentHtml(t.title, nonce, body, false, locale);
}

/**
 * The voucher page for a `GET` of `path`, or null when `path` is not a voucher's (the hosted page
 * handles it). A session without a voucher answers 404 (null html: the caller's not-found notice).
 */
export async function voucherReply(
  deps: Deps,
  path: string,
  acceptLanguage: string | undefined,
  requestId: string,
): Promise<{ status: number; html: string | null; nonce: string } | null> {
  const id = idFromPath(PATH, path);
  if (id === undefined) return null;
  const nonce = newNonce();
  const db = deps.store.reader ?? deps.store.db;
  // A PaymentIntent confirmed through the API has its voucher at the same path, by its id.
  const intent = await findPageIntent(db, id);
  if (intent) {
    const state = await intentVoucherState(deps, intent.account, intent.pi, requestId);
    if (!state) return { status: 404, html: null, nonce };
    const subject = { amount: intent.pi.amount, currency: intent.pi.currency, doneUrl: undefined };
    return { status: 200, html: render(subject, state, resolvePageLocale(null, acceptLanguage), nonce), nonce };
  }
  const found = await findPageSession(db, id);
  const state = found ? await voucherState(deps, found.account, found.session, requestId) : null;
  if (!found || !state) return { status: 404, html: null, nonce };
  const locale = resolvePageLocale(found.session.locale, acceptLanguage);
  const s = found.session;
  const subject = { amount: s.amount_total ?? 0, currency: s.currency ?? 'jpy', doneUrl: s.success_url?.replaceAll('{CHECKOUT_SESSION_ID}', s.id) };
  return { status: 200, html: render(subject, state, locale, nonce), nonce };
}
