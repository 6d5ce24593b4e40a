/**
 * `GET /c/bank-transfer/:payment_intent_id`: the hosted instructions of a PaymentIntent paid by
 * bank transfer (`next_action.display_bank_transfer_instructions.hosted_instructions_url`,
 * docs/decisions.md#bank-transfers-and-the-cash-balance): the amount still to send, the reference
 * to write on the transfer and the customer's virtual bank account, in the buyer's language; then
 * whether it was paid. The PaymentIntent id is a bearer link, as for the konbini voucher.
 */
import type { Deps } from '../api/context.js';
import type { PathHandler } from '../api/server.js';
import { bankTransferInstructions } from '../payment-method-types/index.js';
import { findPageIntent } from '../resources/payment-intents/service.js';
import { esc } from './escape.js';
import { resolvePageLocale, textOf, type Catalog, type PageLocale } from './i18n.js';
import { documentHtml, footHtml } from './layout.js';
import { formatAmount } from './money.js';
import { idFromPath, linkPage, pathOf } from './route.js';

const PATH = /^\/c\/bank-transfer\/([^/?#]+)\/?$/;

const en = {
  title: 'Bank transfer',
  heading: 'Pay by bank transfer',
  remaining: 'Amount to transfer',
  reference: 'Reference',
  referenceHint: 'Write this reference on your transfer so it is matched to this payment.',
  account: 'Transfer to',
  paid: 'This payment has been received. Thank you.',
  closed: 'This payment no longer waits for a transfer.',
  notFound: 'These instructions are not valid.',
  testMode: 'Test mode',
};

const TEXT: Catalog<keyof typeof en> = {
  en,
  ja: {
    title: '銀行振込',
    heading: '銀行振込でのお支払い',
    remaining: 'お振込金額',
    reference: '振込参照番号',
    referenceHint: 'このお支払いと照合できるよう、振込時にこの参照番号をご記入ください。',
    account: '振込先',
    paid: 'お支払いを確認しました。ありがとうございました。',
    closed: 'このお支払いは現在お振込を受け付けていません。',
    notFound: 'この振込案内は無効です。',
    testMode: 'テストモード',
  },
  fr: {
    title: 'Virement bancaire',
    heading: 'Payer par virement bancaire',
    remaining: 'Montant à virer',
    reference: 'Référence',
    referenceHint: 'Indiquez cette référence sur votre virement pour qu’il soit rapproché de ce paiement.',
    account: 'Compte bénéficiaire',
    paid: 'Ce paiement a été reçu. Merci.',
    closed: 'Ce paiement n’attend plus de virement.',
    notFound: 'Ces instructions ne sont pas valides.',
    testMode: 'Mode test',
  },
  de: {
    title: 'Banküberweisung',
    heading: 'Per Banküberweisung bezahlen',
    remaining: 'Zu überweisender Betrag',
    reference: 'Verwendungszweck',
    referenceHint: 'Geben Sie diese Referenz bei Ihrer Überweisung an, damit sie dieser Zahlung zugeordnet wird.',
    account: 'Empfängerkonto',
    paid: 'Diese Zahlung ist eingegangen. Vielen Dank.',
    closed: 'Diese Zahlung wartet nicht mehr auf eine Überweisung.',
    notFound: 'Diese Anweisungen sind ungültig.',
    testMode: 'Testmodus',
  },
  es: {
    title: 'Transferencia bancaria',
    heading: 'Pagar por transferencia bancaria',
    remaining: 'Importe a transferir',
    reference: 'Referencia',
    referenceHint: 'Indica esta referencia en tu transferencia para que se asocie a este pago.',
    account: 'Cuenta de destino',
    paid: 'Hemos recibido este pago. Gracias.',
    closed: 'Este pago ya no espera una transferencia.',
    notFound: 'Estas instrucciones no son válidas.',
    testMode: 'Modo de prueba',
  },
  it: {
    title: 'Bonifico bancario',
    heading: 'Paga con bonifico bancario',
    remaining: 'Importo da trasferire',
    reference: 'Causale',
    referenceHint: 'Indica questo riferimento nel bonifico perché venga abbinato a questo pagamento.',
    account: 'Conto del beneficiario',
    paid: 'Abbiamo ricevuto questo pagamento. Grazie.',
    closed: 'Questo pagamento non attende più un bonifico.',
    notFound: 'Queste istruzioni non sono valide.',
    testMode: 'Modalità test',
  },
  nl: {
    title: 'Bankoverschrijving',
    heading: 'Betalen per bankoverschrijving',
    remaining: 'Over te maken bedrag',
    reference: 'Kenmerk',
    referenceHint: 'Vermeld dit kenmerk bij je overschrijving, zodat die aan deze betaling wordt gekoppeld.',
    account: 'Rekening van de begunstigde',
    paid: 'Deze betaling is ontvangen. Bedankt.',
    closed: 'Deze betaling wacht niet meer op een overschrijving.',
    notFound: 'Deze instructies zijn niet geldig.',
    testMode: 'Testmodus',
  },
  pt: {
    title: 'Transferência bancária',
    heading: 'Pagar por transferência bancária',
    remaining: 'Valor a transferir',
    reference: 'Referência',
    referenceHint: 'Informe esta referência na transferência para que ela seja associada a este pagamento.',
    account: 'Conta de destino',
    paid: 'Recebemos este pagamento. Obrigado.',
    closed: 'Este pagamento não aguarda mais uma transferência.',
    notFound: 'Estas instruções não são válidas.',
    testMode: 'Modo de teste',
  },
  zh: {
    title: '银行转账',
    heading: '通过银行转账付款',
    remaining: '转账金额',
    reference: '付款参考号',
    referenceHint: '请在转账时填写此参考号，以便与本笔付款匹配。',
    account: '收款账户',
    paid: '已收到此笔付款，谢谢。',
    closed: '此笔付款已不再等待转账。',
    notFound: '此转账说明无效。',
    testMode: '测试模式',
  },
  ko: {
    title: '계좌 이체',
    heading: '계좌 이체로 결제',
    remaining: '이체 금액',
    reference: '참조 번호',
    referenceHint: '이 결제와 대조할 수 있도록 이체 시 이 참조 번호를 입력하세요.',
    account: '받는 계좌',
    paid: '결제가 확인되었습니다. 감사합니다.',
    closed: '이 결제는 더 이상 이체를 기다리지 않습니다.',
    notFound: '이 이체 안내는 유효하지 않습니다.',
    testMode: '테스트 모드',
  },
};

const FIELD_KEYS = ['account_holder_name', 'account_number', 'account_type', 'bank_code', 'bank_name', 'branch_code', 'branch_name', 'routing_number', 'swift_code', 'iban', 'bic', 'country', 'sort_code', 'clabe'] as const;
type FieldKey = (typeof FIELD_KEYS)[number];

/** The labels of a virtual account's fields, in every page locale. */
const FIELD_TEXT: Catalog<FieldKey> = {
  en: { account_holder_name: 'Account holder', account_number: 'Account number', account_type: 'Account type', bank_code: 'Bank code', bank_name: 'Bank', branch_code: 'Branch code', branch_name: 'Branch', routing_number: 'Routing number', swift_code: 'SWIFT code', iban: 'IBAN', bic: 'BIC', country: 'Country', sort_code: 'Sort code', clabe: 'CLABE' },
  ja: { account_holder_name: '口座名義', account_number: '口座番号', account_type: '口座種別', bank_code: '金融機関コード', bank_name: '金融機関名', branch_code: '支店コード', branch_name: '支店名', routing_number: 'ルーティング番号', swift_code: 'SWIFT コード', iban: 'IBAN', bic: 'BIC', country: '国', sort_code: 'ソートコード', clabe: 'CLABE' },
  fr: { account_holder_name: 'Titulaire du compte', account_number: 'Numéro de compte', account_type: 'Type de compte', bank_code: 'Code banque', bank_name: 'Banque', branch_code: 'Code agence', branch_name: 'Agence', routing_number: 'Numéro de routage', swift_code: 'Code SWIFT', iban: 'IBAN', bic: 'BIC', country: 'Pays', sort_code: 'Sort code', clabe: 'CLABE' },
  de: { account_holder_name: 'Kontoinhaber', account_number: 'Kontonummer', account_type: 'Kontoart', bank_code: 'Bankleitzahl', bank_name: 'Bank', branch_code: 'Filialnummer', branch_name: 'Filiale', routing_number: 'Routing-Nummer', swift_code: 'SWIFT-Code', iban: 'IBAN', bic: 'BIC', country: 'Land', sort_code: 'Sort Code', clabe: 'CLABE' },
  es: { account_holder_name: 'Titular de la cuenta', account_number: 'Número de cuenta', account_type: 'Tipo de cuenta', bank_code: 'Código del banco', bank_name: 'Banco', branch_code: 'Código de sucursal', branch_name: 'Sucursal', routing_number: 'Número de ruta', swift_code: 'Código SWIFT', iban: 'IBAN', bic: 'BIC', country: 'País', sort_code: 'Sort code', clabe: 'CLABE' },
  it: { account_holder_name: 'Intestatario del conto', account_number: 'Numero di conto', account_type: 'Tipo di conto', bank_code: 'Codice banca', bank_name: 'Banca', branch_code: 'Codice filiale', branch_name: 'Filiale', routing_number: 'Numero di routing', swift_code: 'Codice SWIFT', iban: 'IBAN', bic: 'BIC', country: 'Paese', sort_code: 'Sort code', clabe: 'CLABE' },
  nl: { account_holder_name: 'Rekeninghouder', account_number: 'Rekeningnummer', account_type: 'Soort rekening', bank_code: 'Bankcode', bank_name: 'Bank', branch_code: 'Filiaalcode', branch_name: 'Filiaal', routing_number: 'Routingnummer', swift_code: 'SWIFT-code', iban: 'IBAN', bic: 'BIC', country: 'Land', sort_code: 'Sortcode', clabe: 'CLABE' },
  pt: { account_holder_name: 'Titular da conta', account_number: 'Número da conta', account_type: 'Tipo de conta', bank_code: 'Código do banco', bank_name: 'Banco', branch_code: 'Código da agência', branch_name: 'Agência', routing_number: 'Número de roteamento', swift_code: 'Código SWIFT', iban: 'IBAN', bic: 'BIC', country: 'País', sort_code: 'Sort code', clabe: 'CLABE' },
  zh: { account_holder_name: '账户名', account_number: '账号', account_type: '账户类型', bank_code: '银行代码', bank_name: '银行', branch_code: '分行代码', branch_name: '分行', routing_number: '路由号码', swift_code: 'SWIFT 代码', iban: 'IBAN', bic: 'BIC', country: '国家/地区', sort_code: '银行分类代码', clabe: 'CLABE' },
  ko: { account_holder_name: '예금주', account_number: '계좌번호', account_type: '계좌 유형', bank_code: '은행 코드', bank_name: '은행', branch_code: '지점 코드', branch_name: '지점', routing_number: '라우팅 번호', swift_code: 'SWIFT 코드', iban: 'IBAN', bic: 'BIC', country: '국가', sort_code: '소트 코드', clabe: 'CLABE' },
};

const CSS =
  '.bt{max-width:480px;margin:48px auto;padding:0 20px}.bt .top{display:flex;justify-content:flex-end}' +
  '.bt h1{font-size:21px;font-weight:600;margin:0 0 8px}.bt .amt{font-size:28px;font-weight:600;margin:0 0 16px}' +
  '.bt dl{display:grid;grid-template-columns:auto 1fr;gap:6px 16px;margin:0 0 16px}.bt dt{color:#6b6b6b}.bt dd{margin:0;font-variant-numeric:tabular-nums}' +
  '.bt .ref{border:1px solid #e0e0e0;border-radius:8px;padding:12px 16px;margin:0 0 8px;display:flex;justify-content:space-between;gap:12px}' +
  '.bt .ref strong{letter-spacing:.08em}.bt .hint{color:#6b6b6b;margin:0 0 20px}.bt h2{font-size:16px;margin:16px 0 8px}';

/** The fields of a financial address worth showing (names and numbers, labelled in `locale`; not the empty addresses). */
function accountRows(address: Record<string, unknown>, locale: PageLocale): Array<[string, string]> {
  const type = String(address.type ?? '');
  const details = (address[type] ?? {}) as Record<string, unknown>;
  const labels = textOf(FIELD_TEXT, locale);
  return FIELD_KEYS.filter((k) => typeof details[k] === 'string' && details[k] !== '').map((k) => [labels[k], details[k] as string]);
}

function page(locale: PageLocale, nonce: string, inner: string): string {
  const t = textOf(TEXT, locale);
  const body =
    `<style nonce="${nonce}">${CSS}</style><main class="bt" data-testid="bank-transfer"><div class="top"><span class="badge">${esc(t.testMode)}</span></div>` +
    `<h1>${esc(t.heading)}</h1>${inner}${footHtml(locale)}</main>`;
  return documentHtml(t.title, nonce, body, false, locale);
}

/** The hosted instructions page's handler, registered beside the other pages in app.ts. */
export function createBankTransferHandler(deps: Deps): PathHandler {
  return async function bankTransferPage(req, res, requestId) {
    const id = idFromPath(PATH, pathOf(req));
    if (id === undefined) return false;
    req.resume();
    const { nonce, send } = linkPage(req, res, requestId);
    const locale = resolvePageLocale(null, req.headers['accept-language']);
    const t = textOf(TEXT, locale);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, page(locale, nonce, ''));
    const found = await findPageIntent(deps.store.reader ?? deps.store.db, id);
    const pi = found?.pi;
    const instructions = pi ? bankTransferInstructions(pi.next_action) : undefined;
    if (!pi || (!instructions && pi.status !== 'succeeded')) {
      return send(404, page(locale, nonce, `<p data-testid="bank-transfer-status" data-state="not-found">${esc(t.notFound)}</p>`));
    }
    if (!instructions || pi.status !== 'requires_action') {
      const state = pi.status === 'succeeded' ? 'paid' : 'closed';
      return send(200, page(locale, nonce, `<p data-testid="bank-transfer-status" data-state="${state}">${esc(state === 'paid' ? t.paid : t.closed)}</p>`));
    }
    const addresses = ((pi.next_action?.display_bank_transfer_instructions as { financial_addresses?: Array<Record<string, unknown>> } | undefined)?.financial_addresses ?? [])
      .map((a) => `<dl data-testid="bank-transfer-account">${accountRows(a, locale).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`)
      .join('');
    const inner =
      `<p>${esc(t.remaining)}</p><p class="amt" data-testid="bank-transfer-remaining">${esc(formatAmount(instructions.amount_remaining, instructions.currency, locale))}</p>` +
      `<div class="ref"><span>${esc(t.reference)}</span><strong data-testid="bank-transfer-reference">${esc(instructions.reference)}</strong></div>` +
      `<p class="hint">${esc(t.referenceHint)}</p><h2>${esc(t.account)}</h2>${addresses}` +
      `<p hidden data-testid="bank-transfer-status" data-state="waiting"></p>`;
    return send(200, page(locale, nonce, inner));
  };
}
