/**
 * `name_collection`: the business name and the individual's full name, asked under the contact
 * details when enabled, required unless `optional` (docs/decisions.md#what-the-page-asks-beside-payment).
 */
import { esc } from '../escape.js';
import { field } from '../fields.js';
import type { FormError, Values } from '../form.js';
import { textOf, type Catalog } from '../i18n.js';
import type { PageView } from '../load.js';

const TEXT: Catalog<'business' | 'individual' | 'optional' | 'business_required' | 'individual_required'> = {
  en: { business: 'Business name', individual: 'Full name', optional: ' (Optional)', business_required: 'Enter your business name.', individual_required: 'Enter your full name.' },
  ja: { business: '会社名', individual: '氏名', optional: '（任意）', business_required: '会社名を入力してください。', individual_required: '氏名を入力してください。' },
  fr: { business: 'Nom de l’entreprise', individual: 'Nom complet', optional: ' (Facultatif)', business_required: 'Saisissez le nom de votre entreprise.', individual_required: 'Saisissez votre nom complet.' },
  de: { business: 'Firmenname', individual: 'Vollständiger Name', optional: ' (Optional)', business_required: 'Geben Sie Ihren Firmennamen ein.', individual_required: 'Geben Sie Ihren vollständigen Namen ein.' },
  es: { business: 'Nombre de la empresa', individual: 'Nombre completo', optional: ' (Opcional)', business_required: 'Introduce el nombre de tu empresa.', individual_required: 'Introduce tu nombre completo.' },
  it: { business: 'Ragione sociale', individual: 'Nome e cognome', optional: ' (Facoltativo)', business_required: 'Inserisci la ragione sociale.', individual_required: 'Inserisci nome e cognome.' },
  nl: { business: 'Bedrijfsnaam', individual: 'Volledige naam', optional: ' (Optioneel)', business_required: 'Vul je bedrijfsnaam in.', individual_required: 'Vul je volledige naam in.' },
  pt: { business: 'Nome da empresa', individual: 'Nome completo', optional: ' (Opcional)', business_required: 'Informe o nome da sua empresa.', individual_required: 'Informe seu nome completo.' },
  zh: { business: '公司名称', individual: '全名', optional: '（选填）', business_required: '请输入公司名称。', individual_required: '请输入您的全名。' },
  ko: { business: '회사명', individual: '이름', optional: ' (선택 사항)', business_required: '회사명을 입력하세요.', individual_required: '이름을 입력하세요.' },
};

export const BUSINESS_FIELD = 'businessName';
export const INDIVIDUAL_FIELD = 'individualName';

type Which = 'business' | 'individual';
const FIELD: Record<Which, string> = { business: BUSINESS_FIELD, individual: INDIVIDUAL_FIELD };

function asked(view: PageView, which: Which): { optional: boolean } | null {
  const n = view.session.name_collection?.[which];
  return n?.enabled ? { optional: n.optional } : null;
}

function inputHtml(view: PageView, which: Which, o: { values: Values; error?: FormError | undefined }): string {
  const a = asked(view, which);
  if (!a) return '';
  const t = textOf(TEXT, view.locale);
  const id = FIELD[which];
  const invalid = o.error?.field === id ? ' aria-invalid="true" aria-describedby="payment-error"' : '';
  const auto = which === 'business' ? 'organization' : 'name';
  return (
    `<div class="f"><label for="${id}">${esc(t[which])}${a.optional ? `<span class="opt">${esc(t.optional)}</span>` : ''}</label>` +
    `<input class="in" id="${id}" name="${id}" value="${esc(o.values[id])}" autocomplete="${auto}" maxlength="255" data-testid="${which}-name"${invalid}></div>`
  );
}

/** The name fields the session asks, under the contact details; '' when none. */
export function nameFieldsHtml(view: PageView, o: { values: Values; error?: FormError | undefined }): string {
  return inputHtml(view, 'business', o) + inputHtml(view, 'individual', o);
}

/** The names as posted, to show them again. */
export function keptNames(body: URLSearchParams): Values {
  return { [BUSINESS_FIELD]: field(body, BUSINESS_FIELD), [INDIVIDUAL_FIELD]: field(body, INDIVIDUAL_FIELD) };
}

/** The names posted (null when not asked or left empty), or the error of a required one left empty. */
export function readNames(body: URLSearchParams, view: PageView): { businessName: string | null; individualName: string | null } | { error: FormError } {
  const t = textOf(TEXT, view.locale);
  const out: Record<Which, string | null> = { business: null, individual: null };
  for (const which of ['business', 'individual'] as const) {
    const a = asked(view, which);
    if (!a) continue;
    const value = field(body, FIELD[which]).slice(0, 255);
    if (value === '' && !a.optional) return { error: { code: 'incomplete_field', field: FIELD[which], message: t[`${which}_required`] } };
    out[which] = value === '' ? null : value;
  }
  return { businessName: out.business, individualName: out.individual };
}
