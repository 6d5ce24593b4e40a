/**
 * Link: Stripe's wallet that keeps a buyer's payment details under their email. Offline there is
 * no Link network to sign in to, so the page offers Link as its own item that pays with the Link
 * account of the email typed above; the PaymentMethod is `{ type: 'link', link: { email } }` and
 * the payment succeeds at once, as Stripe's test-mode Link wallet does (docs/decisions.md#link).
 */
import { errors } from '../api/errors.js';
import { obj, type Infer } from '../api/params.js';
import { esc } from '../pages/escape.js';
import type { FormError } from '../pages/form.js';
import { textOf, type Catalog } from '../pages/i18n.js';
import type { LinkShape } from '../resources/payment-methods/shape.js';
import type { PageEntry, PaymentMethodType } from './types.js';

const TYPE = 'link';

const createParams = obj({});
const updateParams = obj({});

/** `link[...]` on create: Stripe takes no details; the email is the billing email. */
export type LinkParams = NonNullable<Infer<typeof createParams>>;

const TEXT: Catalog<'explain'> = {
  en: { explain: 'Pay with the Link account of the email above. Your saved payment details are used; nothing else to enter.' },
  ja: { explain: '上記のメールアドレスの Link アカウントで支払います。保存済みの支払い情報が使われるため、追加の入力は不要です。' },
  fr: { explain: "Payez avec le compte Link de l'adresse e-mail ci-dessus. Vos informations de paiement enregistrées sont utilisées ; rien d'autre à saisir." },
  de: { explain: 'Bezahlen Sie mit dem Link-Konto der oben angegebenen E-Mail-Adresse. Ihre gespeicherten Zahlungsdaten werden verwendet; weitere Angaben sind nicht nötig.' },
  es: { explain: 'Paga con la cuenta de Link del correo electrónico indicado arriba. Se usan tus datos de pago guardados; no tienes que introducir nada más.' },
  it: { explain: "Paga con l'account Link dell'indirizzo email indicato sopra. Vengono usati i tuoi dati di pagamento salvati; non devi inserire altro." },
  nl: { explain: 'Betaal met het Link-account van het e-mailadres hierboven. Je opgeslagen betaalgegevens worden gebruikt; je hoeft verder niets in te vullen.' },
  pt: { explain: 'Pague com a conta Link do e-mail acima. Seus dados de pagamento salvos são usados; não é preciso informar mais nada.' },
  zh: { explain: '使用上方电子邮件地址的 Link 账户付款。将使用您已保存的付款信息，无需再输入其他内容。' },
  ko: { explain: '위 이메일의 Link 계정으로 결제합니다. 저장된 결제 정보가 사용되므로 더 입력할 내용이 없습니다.' },
};

/** Nothing to read: the contact email names the Link account. */
function read(): PageEntry<LinkParams> | FormError {
  return { params: {}, save: false };
}

/** Link. */
export const link: PaymentMethodType<LinkShape, LinkParams, Record<string, never>> = {
  type: TYPE,
  noun: 'a Link account',
  settlement: 'immediate',
  prefillable: false,
  currencies: null,
  reusable: true,
  params: { create: createParams, update: updateParams },

  async build(c) {
    // A Link account is its email: Stripe's Link PaymentMethod carries it and nothing else.
    if (!c.billing.email) throw errors.missingParam('billing_details[email]');
    return { email: c.billing.email };
  },

  update(_now, current) {
    return current;
  },

  chargeDetails() {
    return { country: null };
  },
  async testDetails() {
    // Stripe has no ready-made Link PaymentMethod ids.
    return undefined;
  },

  page: {
    label: { en: 'Link', ja: 'Link', fr: 'Link', de: 'Link', es: 'Link', it: 'Link', nl: 'Link', pt: 'Link', zh: 'Link', ko: 'Link' },
    render({ locale }) {
      return `<p class="fine" data-testid="link-explain">${esc(textOf(TEXT, locale).explain)}</p>`;
    },
    read,
    kept: [],
    initial: {},
    fieldOfParam: {},
    requiresBillingFields: false,
  },
};
