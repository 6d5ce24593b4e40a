/**
 * `tax_id_collection`: a tax ID (type and value) under the contact details, optional unless
 * `required: if_supported`; the value is checked against the type's format as the API checks it
 * (docs/decisions.md#customer-tax-ids).
 */
import { TAX_ID_TYPES, validTaxIdValue, type TaxIdType } from '../../resources/tax-ids/formats.js';
import { esc } from '../escape.js';
import { field } from '../fields.js';
import type { FormError, Values } from '../form.js';
import { textOf, type Catalog, type PageLocale } from '../i18n.js';
import type { PageView } from '../load.js';

/** The types the page offers, the most asked first. Any type the API takes is read if posted. */
const OFFERED = ['eu_vat', 'gb_vat', 'ch_vat', 'no_vat', 'jp_trn', 'jp_cn', 'jp_rn', 'au_abn', 'ca_bn', 'us_ein', 'kr_brn', 'in_gst'] as const;
type Offered = (typeof OFFERED)[number];

type Key = Offered | 'label' | 'optional' | 'value' | 'required' | 'invalid';

const TEXT: Catalog<Key> = {
  en: { label: 'Tax ID', optional: ' (Optional)', value: 'Tax ID number', required: 'Enter your tax ID.', invalid: 'This tax ID is not valid for the type chosen.', eu_vat: 'EU VAT number', gb_vat: 'UK VAT number', ch_vat: 'Swiss VAT number', no_vat: 'Norwegian VAT number', jp_trn: 'Japan: Qualified Invoice registration number', jp_cn: 'Japan: Corporate Number', jp_rn: 'Japan: Registered Foreign Business number', au_abn: 'Australian Business Number (ABN)', ca_bn: 'Canadian Business Number', us_ein: 'US EIN', kr_brn: 'Korean business registration number', in_gst: 'Indian GST number' },
  ja: { label: '税番号', optional: '（任意）', value: '番号', required: '税番号を入力してください。', invalid: '選択した種類の税番号として正しくありません。', eu_vat: 'EU VAT番号', gb_vat: '英国VAT番号', ch_vat: 'スイスVAT番号', no_vat: 'ノルウェーVAT番号', jp_trn: '適格請求書発行事業者登録番号（インボイス）', jp_cn: '法人番号', jp_rn: '登録国外事業者番号', au_abn: 'オーストラリア事業者番号（ABN）', ca_bn: 'カナダ事業者番号', us_ein: '米国EIN', kr_brn: '韓国事業者登録番号', in_gst: 'インドGST番号' },
  fr: { label: 'Numéro fiscal', optional: ' (Facultatif)', value: 'Numéro', required: 'Saisissez votre numéro fiscal.', invalid: 'Ce numéro n’est pas valide pour le type choisi.', eu_vat: 'Numéro de TVA intracommunautaire', gb_vat: 'Numéro de TVA britannique', ch_vat: 'Numéro de TVA suisse', no_vat: 'Numéro de TVA norvégien', jp_trn: 'Japon : numéro d’enregistrement de facture qualifiée', jp_cn: 'Japon : numéro d’entreprise', jp_rn: 'Japon : numéro d’entreprise étrangère enregistrée', au_abn: 'Numéro d’entreprise australien (ABN)', ca_bn: 'Numéro d’entreprise canadien', us_ein: 'EIN américain', kr_brn: 'Numéro d’entreprise coréen', in_gst: 'Numéro GST indien' },
  de: { label: 'Steuer-ID', optional: ' (Optional)', value: 'Nummer', required: 'Geben Sie Ihre Steuer-ID ein.', invalid: 'Diese Steuer-ID ist für den gewählten Typ ungültig.', eu_vat: 'EU-USt-IdNr.', gb_vat: 'Britische USt-Nummer', ch_vat: 'Schweizer MWST-Nummer', no_vat: 'Norwegische USt-Nummer', jp_trn: 'Japan: Registrierungsnummer für qualifizierte Rechnungen', jp_cn: 'Japan: Unternehmensnummer', jp_rn: 'Japan: Nummer registrierter ausländischer Unternehmen', au_abn: 'Australische Unternehmensnummer (ABN)', ca_bn: 'Kanadische Unternehmensnummer', us_ein: 'US-EIN', kr_brn: 'Koreanische Unternehmensnummer', in_gst: 'Indische GST-Nummer' },
  es: { label: 'Identificación fiscal', optional: ' (Opcional)', value: 'Número', required: 'Introduce tu identificación fiscal.', invalid: 'Esta identificación fiscal no es válida para el tipo elegido.', eu_vat: 'Número de IVA de la UE', gb_vat: 'Número de IVA del Reino Unido', ch_vat: 'Número de IVA suizo', no_vat: 'Número de IVA noruego', jp_trn: 'Japón: número de registro de factura cualificada', jp_cn: 'Japón: número corporativo', jp_rn: 'Japón: número de empresa extranjera registrada', au_abn: 'Número de empresa australiano (ABN)', ca_bn: 'Número de empresa canadiense', us_ein: 'EIN de EE. UU.', kr_brn: 'Número de registro empresarial coreano', in_gst: 'Número GST indio' },
  it: { label: 'Codice fiscale', optional: ' (Facoltativo)', value: 'Numero', required: 'Inserisci il tuo codice fiscale.', invalid: 'Questo codice non è valido per il tipo scelto.', eu_vat: 'Partita IVA UE', gb_vat: 'Partita IVA britannica', ch_vat: 'Numero IVA svizzero', no_vat: 'Partita IVA norvegese', jp_trn: 'Giappone: numero di registrazione per fatture qualificate', jp_cn: 'Giappone: numero societario', jp_rn: 'Giappone: numero di impresa estera registrata', au_abn: 'Numero di impresa australiano (ABN)', ca_bn: 'Numero di impresa canadese', us_ein: 'EIN statunitense', kr_brn: 'Numero di registrazione d’impresa coreano', in_gst: 'Numero GST indiano' },
  nl: { label: 'Belasting-ID', optional: ' (Optioneel)', value: 'Nummer', required: 'Vul je belasting-ID in.', invalid: 'Dit belasting-ID is niet geldig voor het gekozen type.', eu_vat: 'EU-btw-nummer', gb_vat: 'Brits btw-nummer', ch_vat: 'Zwitsers btw-nummer', no_vat: 'Noors btw-nummer', jp_trn: 'Japan: registratienummer voor gekwalificeerde facturen', jp_cn: 'Japan: ondernemingsnummer', jp_rn: 'Japan: nummer geregistreerde buitenlandse onderneming', au_abn: 'Australisch ondernemingsnummer (ABN)', ca_bn: 'Canadees ondernemingsnummer', us_ein: 'Amerikaans EIN', kr_brn: 'Koreaans ondernemingsnummer', in_gst: 'Indiaas GST-nummer' },
  pt: { label: 'Identificação fiscal', optional: ' (Opcional)', value: 'Número', required: 'Informe sua identificação fiscal.', invalid: 'Esta identificação fiscal não é válida para o tipo escolhido.', eu_vat: 'Número de IVA da UE', gb_vat: 'Número de IVA do Reino Unido', ch_vat: 'Número de IVA suíço', no_vat: 'Número de IVA norueguês', jp_trn: 'Japão: número de registro de fatura qualificada', jp_cn: 'Japão: número corporativo', jp_rn: 'Japão: número de empresa estrangeira registrada', au_abn: 'Número de empresa australiano (ABN)', ca_bn: 'Número de empresa canadense', us_ein: 'EIN dos EUA', kr_brn: 'Número de registro empresarial coreano', in_gst: 'Número GST indiano' },
  zh: { label: '税号', optional: '（选填）', value: '号码', required: '请输入您的税号。', invalid: '该税号与所选类型不符。', eu_vat: '欧盟增值税号', gb_vat: '英国增值税号', ch_vat: '瑞士增值税号', no_vat: '挪威增值税号', jp_trn: '日本：合格请求书发行事业者登记号码', jp_cn: '日本：法人编号', jp_rn: '日本：注册外国企业编号', au_abn: '澳大利亚企业编号（ABN）', ca_bn: '加拿大企业编号', us_ein: '美国 EIN', kr_brn: '韩国营业登记号', in_gst: '印度 GST 号' },
  ko: { label: '세금 ID', optional: ' (선택 사항)', value: '번호', required: '세금 ID를 입력하세요.', invalid: '선택한 유형에 맞지 않는 세금 ID입니다.', eu_vat: 'EU VAT 번호', gb_vat: '영국 VAT 번호', ch_vat: '스위스 VAT 번호', no_vat: '노르웨이 VAT 번호', jp_trn: '일본: 적격청구서 발행사업자 등록번호', jp_cn: '일본: 법인번호', jp_rn: '일본: 등록 외국사업자 번호', au_abn: '호주 사업자 번호(ABN)', ca_bn: '캐나다 사업자 번호', us_ein: '미국 EIN', kr_brn: '한국 사업자등록번호', in_gst: '인도 GST 번호' },
};

export const TAX_ID_TYPE_FIELD = 'taxIdType';
export const TAX_ID_VALUE_FIELD = 'taxIdValue';

const KNOWN: ReadonlySet<string> = new Set(TAX_ID_TYPES);

function asked(view: PageView): { required: boolean } | null {
  const c = view.session.tax_id_collection;
  return c?.enabled ? { required: c.required === 'if_supported' } : null;
}

/** The tax ID type and number, under the contact details; '' unless `tax_id_collection` is enabled. */
export function taxIdHtml(view: PageView, o: { values: Values; error?: FormError | undefined }): string {
  const a = asked(view);
  if (!a) return '';
  return taxIdFieldsHtml(view.locale, { ...o, required: a.required });
}

/**
 * The type and number fields (the most asked types first, the Japanese ones first on a Japanese
 * page), as Checkout asks them and the customer portal adds one.
 */
export function taxIdFieldsHtml(locale: PageLocale, o: { values: Values; error?: FormError | undefined; required: boolean; unlabelled?: boolean }): string {
  const t = textOf(TEXT, locale);
  const order = locale === 'ja' ? [...OFFERED.filter((x) => x.startsWith('jp_')), ...OFFERED.filter((x) => !x.startsWith('jp_'))] : OFFERED;
  const chosen = o.values[TAX_ID_TYPE_FIELD] || order[0];
  const options = order.map((type) => `<option value="${type}"${type === chosen ? ' selected' : ''}>${esc(t[type])}</option>`).join('');
  const invalid = o.error?.field === TAX_ID_VALUE_FIELD ? ' aria-invalid="true" aria-describedby="payment-error"' : '';
  return (
    // Unlabelled under a heading that already names it (the portal's section); the fields keep their aria-labels.
    `<div class="f" data-testid="tax-id">${o.unlabelled ? '' : `<span class="lbl">${esc(t.label)}${o.required ? '' : `<span class="opt">${esc(t.optional)}</span>`}</span>`}` +
    `<div class="grp"><select class="in" id="${TAX_ID_TYPE_FIELD}" name="${TAX_ID_TYPE_FIELD}" aria-label="${esc(t.label)}">${options}</select>` +
    `<input class="in" id="${TAX_ID_VALUE_FIELD}" name="${TAX_ID_VALUE_FIELD}" value="${esc(o.values[TAX_ID_VALUE_FIELD])}" placeholder="${esc(t.value)}" aria-label="${esc(t.value)}" autocomplete="off"${invalid}></div></div>`
  );
}

/** How a page names a tax ID's type (the types it offers by name, any other by its code), and the section's label. */
export function taxIdTypeName(type: string, locale: PageLocale): string {
  const t = textOf(TEXT, locale);
  return (OFFERED as readonly string[]).includes(type) ? t[type as Offered] : type.toUpperCase().replace('_', ' ');
}

/** The tax ID section's label ("Tax ID") and the message of a number not of its type's format. */
export function taxIdWords(locale: PageLocale): { label: string; invalid: string } {
  const t = textOf(TEXT, locale);
  return { label: t.label, invalid: t.invalid };
}

/** The tax ID fields as posted, to show them again. */
export function keptTaxId(body: URLSearchParams): Values {
  return { [TAX_ID_TYPE_FIELD]: field(body, TAX_ID_TYPE_FIELD), [TAX_ID_VALUE_FIELD]: field(body, TAX_ID_VALUE_FIELD) };
}

/** The tax ID posted (null when not asked or left empty), or the error to show. */
export function readTaxId(body: URLSearchParams, view: PageView): { taxId: { type: TaxIdType; value: string } | null } | { error: FormError } {
  const a = asked(view);
  if (!a) return { taxId: null };
  const t = textOf(TEXT, view.locale);
  const value = field(body, TAX_ID_VALUE_FIELD).toUpperCase();
  const type = field(body, TAX_ID_TYPE_FIELD);
  if (value === '') return a.required ? { error: { code: 'incomplete_field', field: TAX_ID_VALUE_FIELD, message: t.required } } : { taxId: null };
  if (!KNOWN.has(type) || !validTaxIdValue(type as TaxIdType, value)) return { error: { code: 'tax_id_invalid', field: TAX_ID_VALUE_FIELD, message: t.invalid } };
  return { taxId: { type: type as TaxIdType, value } };
}
