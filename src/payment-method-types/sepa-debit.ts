/**
 * SEPA Direct Debit: an IBAN (Stripe's test IBANs only, as in Stripe's test mode) and the account
 * holder's name, settled later by the settlement job like ACH, in `eur` only, with the mandate
 * text shown beside the field (docs/decisions.md#sepa-direct-debit).
 */
import { errors } from '../api/errors.js';
import { obj, str, type Infer } from '../api/params.js';
import { describeIban, normalizeIban, testIbanDetails, type IbanDetails } from '../processor/index.js';
import { esc } from '../pages/escape.js';
import { field, input } from '../pages/fields.js';
import type { FormError } from '../pages/form.js';
import { textOf, type Catalog, type PageLocale } from '../pages/i18n.js';
import type { SepaDebitShape } from '../resources/payment-methods/shape.js';
import type { PageEntry, PaymentMethodType } from './types.js';

const TYPE = 'sepa_debit';

const createParams = obj({ iban: str({ max: 50 }) });
const updateParams = obj({});

/** `sepa_debit[...]` on create. The IBAN is never stored whole. */
export type SepaDebitParams = Partial<NonNullable<Infer<typeof createParams>>>;

/** `PaymentMethod.sepa_debit` from what the processor tells about an IBAN. */
export function toSepaShape(d: IbanDetails): SepaDebitShape {
  return { bank_code: d.bank_code, branch_code: d.branch_code, country: d.country, fingerprint: d.fingerprint, generated_from: null, last4: d.last4 };
}

const en = {
  ibanIncomplete: 'Your IBAN is incomplete.',
  ibanInvalid: 'Your IBAN is invalid.',
  holderMissing: 'Enter the account holder name.',
  iban: 'IBAN',
  holder: 'Account holder name',
  fullName: 'Full name',
  mandate:
    'By providing your payment information and confirming this payment, you authorise (A) this business and its payment service provider to send instructions to your bank to debit your account and (B) your bank to debit your account in accordance with those instructions. As part of your rights, you are entitled to a refund from your bank under the terms and conditions of your agreement with your bank. A refund must be claimed within 8 weeks starting from the date on which your account was debited. Your rights are explained in a statement that you can obtain from your bank. You agree to receive notifications for future debits up to 2 days before they occur.',
};

/** The SEPA item's strings; the mandate follows the text Stripe's page shows. */
const TEXT: Catalog<keyof typeof en> = {
  en,
  ja: {
    ibanIncomplete: 'IBAN が不完全です。',
    ibanInvalid: 'IBAN が無効です。',
    holderMissing: '口座名義を入力してください。',
    iban: 'IBAN',
    holder: '口座名義',
    fullName: '氏名',
    mandate:
      '支払い情報を入力してこの支払いを確定することにより、お客様は (A) 本事業者およびその決済代行会社がお客様の取引銀行に口座からの引き落としを指示すること、ならびに (B) お客様の取引銀行がその指示に従って口座から引き落とすことを承認します。お客様は権利の一部として、取引銀行との契約条件に基づき、銀行から返金を受けることができます。返金は、口座から引き落とされた日から 8 週間以内に請求する必要があります。お客様の権利については、取引銀行から入手できる説明書に記載されています。お客様は、今後の引き落としについて、実行日の最大 2 日前までに通知を受け取ることに同意します。',
  },
  fr: {
    ibanIncomplete: 'Votre IBAN est incomplet.',
    ibanInvalid: 'Votre IBAN est invalide.',
    holderMissing: 'Saisissez le nom du titulaire du compte.',
    iban: 'IBAN',
    holder: 'Titulaire du compte',
    fullName: 'Nom complet',
    mandate:
      "En fournissant vos informations de paiement et en confirmant ce paiement, vous autorisez (A) ce commerçant et son prestataire de services de paiement à envoyer des instructions à votre banque pour débiter votre compte, et (B) votre banque à débiter votre compte conformément à ces instructions. Vous avez notamment droit à un remboursement par votre banque selon les conditions de la convention conclue avec elle. Le remboursement doit être demandé dans un délai de 8 semaines à compter de la date à laquelle votre compte a été débité. Vos droits sont expliqués dans un document que vous pouvez obtenir auprès de votre banque. Vous acceptez de recevoir les notifications des prélèvements à venir jusqu'à 2 jours avant leur exécution.",
  },
  de: {
    ibanIncomplete: 'Ihre IBAN ist unvollständig.',
    ibanInvalid: 'Ihre IBAN ist ungültig.',
    holderMissing: 'Geben Sie den Namen des Kontoinhabers ein.',
    iban: 'IBAN',
    holder: 'Kontoinhaber',
    fullName: 'Vollständiger Name',
    mandate:
      'Indem Sie Ihre Zahlungsinformationen angeben und diese Zahlung bestätigen, ermächtigen Sie (A) dieses Unternehmen und seinen Zahlungsdienstleister, Ihrer Bank Anweisungen zur Belastung Ihres Kontos zu erteilen, und (B) Ihre Bank, Ihr Konto gemäß diesen Anweisungen zu belasten. Im Rahmen Ihrer Rechte haben Sie Anspruch auf Erstattung durch Ihre Bank gemäß den Bedingungen Ihres Vertrags mit Ihrer Bank. Eine Erstattung muss innerhalb von 8 Wochen ab dem Tag der Belastung Ihres Kontos verlangt werden. Ihre Rechte werden in einer Erklärung erläutert, die Sie von Ihrer Bank erhalten können. Sie sind damit einverstanden, Benachrichtigungen über künftige Lastschriften bis zu 2 Tage vor deren Ausführung zu erhalten.',
  },
  es: {
    ibanIncomplete: 'Tu IBAN está incompleto.',
    ibanInvalid: 'Tu IBAN no es válido.',
    holderMissing: 'Introduce el nombre del titular de la cuenta.',
    iban: 'IBAN',
    holder: 'Titular de la cuenta',
    fullName: 'Nombre completo',
    mandate:
      'Al proporcionar tus datos de pago y confirmar este pago, autorizas (A) a este comercio y a su proveedor de servicios de pago a enviar instrucciones a tu banco para adeudar tu cuenta y (B) a tu banco a adeudar tu cuenta de acuerdo con dichas instrucciones. Entre tus derechos, puedes obtener un reembolso de tu banco según los términos y condiciones del contrato que tengas con él. El reembolso debe solicitarse en un plazo de 8 semanas a partir de la fecha en que se adeudó tu cuenta. Tus derechos se explican en un documento que puedes obtener de tu banco. Aceptas recibir notificaciones de los adeudos futuros hasta 2 días antes de que se produzcan.',
  },
  it: {
    ibanIncomplete: 'Il tuo IBAN è incompleto.',
    ibanInvalid: 'Il tuo IBAN non è valido.',
    holderMissing: 'Inserisci il nome dell’intestatario del conto.',
    iban: 'IBAN',
    holder: 'Intestatario del conto',
    fullName: 'Nome e cognome',
    mandate:
      "Fornendo i tuoi dati di pagamento e confermando questo pagamento, autorizzi (A) questa attività e il suo fornitore di servizi di pagamento a inviare istruzioni alla tua banca per addebitare il tuo conto e (B) la tua banca ad addebitare il tuo conto in conformità a tali istruzioni. Tra i tuoi diritti, hai diritto a un rimborso dalla tua banca secondo i termini e le condizioni del contratto stipulato con essa. Il rimborso deve essere richiesto entro 8 settimane dalla data di addebito sul tuo conto. I tuoi diritti sono illustrati in un documento che puoi ottenere dalla tua banca. Accetti di ricevere le notifiche degli addebiti futuri fino a 2 giorni prima che vengano effettuati.",
  },
  nl: {
    ibanIncomplete: 'Je IBAN is onvolledig.',
    ibanInvalid: 'Je IBAN is ongeldig.',
    holderMissing: 'Vul de naam van de rekeninghouder in.',
    iban: 'IBAN',
    holder: 'Naam rekeninghouder',
    fullName: 'Volledige naam',
    mandate:
      'Door je betaalgegevens te verstrekken en deze betaling te bevestigen, machtig je (A) deze onderneming en haar betaaldienstverlener om je bank opdracht te geven je rekening te debiteren en (B) je bank om je rekening overeenkomstig die opdrachten te debiteren. Je hebt onder meer recht op terugbetaling door je bank volgens de voorwaarden van je overeenkomst met je bank. Een terugbetaling moet worden aangevraagd binnen 8 weken na de datum waarop je rekening is gedebiteerd. Je rechten worden uitgelegd in een verklaring die je bij je bank kunt krijgen. Je gaat ermee akkoord meldingen over toekomstige afschrijvingen tot 2 dagen van tevoren te ontvangen.',
  },
  pt: {
    ibanIncomplete: 'Seu IBAN está incompleto.',
    ibanInvalid: 'Seu IBAN é inválido.',
    holderMissing: 'Informe o nome do titular da conta.',
    iban: 'IBAN',
    holder: 'Titular da conta',
    fullName: 'Nome completo',
    mandate:
      'Ao fornecer seus dados de pagamento e confirmar este pagamento, você autoriza (A) esta empresa e seu provedor de serviços de pagamento a enviar instruções ao seu banco para debitar sua conta e (B) o seu banco a debitar sua conta de acordo com essas instruções. Entre os seus direitos, você pode obter um reembolso do seu banco nos termos e condições do contrato firmado com ele. O reembolso deve ser solicitado em até 8 semanas a partir da data em que sua conta foi debitada. Seus direitos são explicados em uma declaração que você pode obter no seu banco. Você concorda em receber notificações de débitos futuros até 2 dias antes de sua realização.',
  },
  zh: {
    ibanIncomplete: '您的 IBAN 不完整。',
    ibanInvalid: '您的 IBAN 无效。',
    holderMissing: '请输入账户持有人姓名。',
    iban: 'IBAN',
    holder: '账户持有人姓名',
    fullName: '全名',
    mandate:
      '提供您的付款信息并确认此笔付款，即表示您授权 (A) 本商家及其支付服务提供商向您的银行发出从您的账户扣款的指令，以及 (B) 您的银行按照这些指令从您的账户扣款。作为您的权利之一，您有权根据与银行所签协议的条款和条件向银行申请退款。退款须在您的账户被扣款之日起 8 周内申请。有关您权利的说明可向您的银行索取。您同意在今后每次扣款前最多 2 天收到通知。',
  },
  ko: {
    ibanIncomplete: 'IBAN이 불완전합니다.',
    ibanInvalid: 'IBAN이 유효하지 않습니다.',
    holderMissing: '예금주 이름을 입력하세요.',
    iban: 'IBAN',
    holder: '예금주 이름',
    fullName: '이름',
    mandate:
      '결제 정보를 제공하고 이 결제를 확인하면 (A) 이 사업자와 그 결제 서비스 제공업체가 귀하의 은행에 계좌 출금 지시를 보내는 것과 (B) 귀하의 은행이 그 지시에 따라 계좌에서 출금하는 것을 승인하게 됩니다. 귀하는 권리의 일부로 은행과의 계약 조건에 따라 은행으로부터 환불을 받을 수 있습니다. 환불은 계좌에서 출금된 날로부터 8주 이내에 청구해야 합니다. 귀하의 권리는 은행에서 받을 수 있는 안내문에 설명되어 있습니다. 귀하는 향후 출금에 대해 최대 2일 전까지 알림을 받는 데 동의합니다.',
  },
};

/** Only the form's shape is checked here; the processor checks the country, length and check digits. */
function read(body: URLSearchParams, locale: PageLocale = 'en'): PageEntry<SepaDebitParams> | FormError {
  const t = textOf(TEXT, locale);
  const iban = normalizeIban(body.get('iban') ?? '');
  const holder = field(body, 'accountHolderName');
  if (iban === '') return { code: 'incomplete_iban', field: 'iban', message: t.ibanIncomplete };
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return { code: 'invalid_iban', field: 'iban', message: t.ibanInvalid };
  if (holder === '') return { code: 'incomplete_name', field: 'accountHolderName', message: t.holderMissing };
  return { params: { iban }, save: false, billingName: holder };
}

/** SEPA Direct Debit. */
export const sepaDebit: PaymentMethodType<SepaDebitShape, SepaDebitParams, Record<string, never>> = {
  type: TYPE,
  noun: 'a SEPA Direct Debit account',
  settlement: 'delayed',
  prefillable: false,
  currencies: ['eur'],
  reusable: true,
  params: { create: createParams, update: updateParams },

  async build(c, p) {
    if (!p) throw errors.missingParam(TYPE);
    if (p.iban === undefined) throw errors.missingParam(`${TYPE}[iban]`);
    const result = await describeIban(c.db, p.iban);
    if (!result.ok) throw errors.invalid(result.error.message, `${TYPE}[iban]`, result.error.code);
    // A SEPA mandate names the account holder: Stripe requires the name to debit the account.
    if (!c.billing.name) throw errors.missingParam('billing_details[name]');
    return toSepaShape(result.iban);
  },

  update(_now, current) {
    return current;
  },

  chargeDetails(s, c) {
    return { bank_code: s.bank_code, branch_code: s.branch_code, country: s.country, fingerprint: s.fingerprint, last4: s.last4, mandate: c.mandate ?? null };
  },
  // Stripe's SEPA mandate has a reference the bank statement shows and a page with its text.
  mandateDetails: (m) => ({ reference: m.id.slice(-16).toUpperCase(), url: m.url }),
  async testDetails(db, id) {
    const details = await testIbanDetails(db, id);
    return details ? toSepaShape(details) : undefined;
  },

  page: {
    label: {
      en: 'SEPA Direct Debit', ja: 'SEPA ダイレクトデビット', fr: 'Prélèvement SEPA', de: 'SEPA-Lastschrift', es: 'Adeudo directo SEPA',
      it: 'Addebito diretto SEPA', nl: 'SEPA-incasso', pt: 'Débito direto SEPA', zh: 'SEPA 直接借记', ko: 'SEPA 자동이체',
    },
    render({ values: v, error, locale }) {
      const t = textOf(TEXT, locale);
      const o = { error };
      return (
        `<div class="f">${input('iban', v.iban, 'autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="DE00 0000 0000 0000 0000 00" maxlength="42"', o, esc(t.iban))}</div>` +
        `<div class="f">${input('accountHolderName', v.accountHolderName, `autocomplete="name" placeholder="${esc(t.fullName)}"`, o, esc(t.holder))}</div>` +
        `<p class="fine" data-testid="sepa-mandate">${esc(t.mandate)}</p>`
      );
    },
    read,
    // The IBAN is an account number: never shown again after a refused submit.
    kept: ['accountHolderName'],
    initial: {},
    fieldOfParam: { iban: 'iban' },
    // The account holder's name is the billing name; the debit needs no billing address.
    requiresBillingFields: false,
  },
};
