/**
 * `consent_collection`: the terms of service box above the pay button (`terms_of_service:
 * required`; the merchant's `custom_text.terms_of_service_acceptance` as its sentence when set),
 * which must be ticked to pay, and the promotional e-mail opt-in under the e-mail address
 * (`promotions: auto`) (docs/decisions.md#what-the-page-asks-beside-payment).
 */
import { esc } from '../escape.js';
import type { FormError, Values } from '../form.js';
import { textOf, type Catalog } from '../i18n.js';
import type { PageView } from '../load.js';
import { merchantText } from './merchant-text.js';

const TEXT: Catalog<'terms' | 'terms_required' | 'promotions'> = {
  en: { terms: 'I agree to the Terms of Service.', terms_required: 'Accept the terms of service to continue.', promotions: 'Keep me updated with news and personalized offers' },
  ja: { terms: '利用規約に同意します。', terms_required: 'お支払いを続けるには、利用規約に同意してください。', promotions: 'ニュースやおすすめ情報をメールで受け取る' },
  fr: { terms: 'J’accepte les conditions d’utilisation.', terms_required: 'Acceptez les conditions d’utilisation pour continuer.', promotions: 'Me tenir informé·e des nouveautés et des offres personnalisées' },
  de: { terms: 'Ich stimme den Nutzungsbedingungen zu.', terms_required: 'Bitte stimmen Sie den Nutzungsbedingungen zu, um fortzufahren.', promotions: 'Über Neuigkeiten und persönliche Angebote informiert werden' },
  es: { terms: 'Acepto las condiciones del servicio.', terms_required: 'Acepta las condiciones del servicio para continuar.', promotions: 'Quiero recibir novedades y ofertas personalizadas' },
  it: { terms: 'Accetto i termini di servizio.', terms_required: 'Accetta i termini di servizio per continuare.', promotions: 'Tienimi aggiornato su novità e offerte personalizzate' },
  nl: { terms: 'Ik ga akkoord met de servicevoorwaarden.', terms_required: 'Ga akkoord met de servicevoorwaarden om door te gaan.', promotions: 'Houd me op de hoogte van nieuws en persoonlijke aanbiedingen' },
  pt: { terms: 'Concordo com os Termos de Serviço.', terms_required: 'Aceite os Termos de Serviço para continuar.', promotions: 'Quero receber novidades e ofertas personalizadas' },
  zh: { terms: '我同意服务条款。', terms_required: '请先同意服务条款再继续。', promotions: '通过电子邮件接收新闻和个性化优惠' },
  ko: { terms: '서비스 약관에 동의합니다.', terms_required: '계속하려면 서비스 약관에 동의하세요.', promotions: '뉴스 및 맞춤형 혜택 소식 받기' },
};

export const TERMS_FIELD = 'consentTermsOfService';
export const PROMOTIONS_FIELD = 'consentPromotions';

function checkbox(name: string, checked: boolean, labelHtml: string, testid: string, error: FormError | undefined): string {
  const invalid = error?.field === name ? ' aria-invalid="true" aria-describedby="payment-error"' : '';
  return (
    `<label class="check consent" data-testid="${testid}"><input type="checkbox" id="${name}" name="${name}" value="1"${checked ? ' checked' : ''}${invalid}>` +
    `<span>${labelHtml}</span></label>`
  );
}

/** The promotions opt-in, under the e-mail address; '' unless `promotions: auto`. */
export function promotionsConsentHtml(view: PageView, o: { values: Values; error?: FormError | undefined }): string {
  if (view.session.consent_collection?.promotions !== 'auto') return '';
  return checkbox(PROMOTIONS_FIELD, o.values[PROMOTIONS_FIELD] === '1', esc(textOf(TEXT, view.locale).promotions), 'consent-promotions', o.error);
}

/** The terms of service box, above the pay button; '' unless `terms_of_service: required`. */
export function termsConsentHtml(view: PageView, o: { values: Values; error?: FormError | undefined }): string {
  const s = view.session;
  if (s.consent_collection?.terms_of_service !== 'required') return '';
  const custom = s.custom_text?.terms_of_service_acceptance?.message;
  const label = custom ? merchantText(custom) : esc(textOf(TEXT, view.locale).terms);
  return `<div class="consent-terms">${checkbox(TERMS_FIELD, o.values[TERMS_FIELD] === '1', label, 'consent-terms', o.error)}</div>`;
}

/**
 * Whether the page shows the legal text about reusing the payment method (subscription and setup
 * mode): `consent_collection.payment_method_reuse_agreement.position: hidden` hides it, as on Stripe.
 */
export function showsReuseAgreement(view: PageView): boolean {
  return view.session.consent_collection?.payment_method_reuse_agreement?.position !== 'hidden';
}

/** The boxes as posted, to show them again after a refused submit. */
export function keptConsent(body: URLSearchParams): Values {
  return { [TERMS_FIELD]: body.get(TERMS_FIELD) === '1' ? '1' : '', [PROMOTIONS_FIELD]: body.get(PROMOTIONS_FIELD) === '1' ? '1' : '' };
}

/** The consents posted, or the error when the terms must be accepted and were not. */
export function readConsent(body: URLSearchParams, view: PageView): { consent: { termsOfService: boolean; promotions: boolean } } | { error: FormError } {
  const cc = view.session.consent_collection;
  const termsOfService = cc?.terms_of_service === 'required' && body.get(TERMS_FIELD) === '1';
  if (cc?.terms_of_service === 'required' && !termsOfService) {
    return { error: { code: 'terms_of_service_required', field: TERMS_FIELD, message: textOf(TEXT, view.locale).terms_required } };
  }
  return { consent: { termsOfService, promotions: cc?.promotions === 'auto' && body.get(PROMOTIONS_FIELD) === '1' } };
}
