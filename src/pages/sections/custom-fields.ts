/**
 * `custom_fields`: the merchant's own questions (text, numeric, dropdown), rendered above the
 * payment method and read back as Stripe checks them: required unless `optional`, a text or
 * numeric answer within `minimum_length`..`maximum_length` (255 at most), a numeric one digits
 * only, a dropdown one among the options (docs/decisions.md#what-the-page-asks-beside-payment).
 */
import type { CustomField } from '../../resources/checkout-sessions/shape.js';
import { esc } from '../escape.js';
import { field } from '../fields.js';
import type { FormError, Values } from '../form.js';
import { fill, textOf, type Catalog, type PageLocale } from '../i18n.js';
import type { PageView } from '../load.js';

/** `optional` is written with its brackets and spacing: full-width （…） in Japanese and Chinese. */
const TEXT: Catalog<'optional' | 'choose' | 'required' | 'choose_required' | 'too_short' | 'too_long' | 'digits' | 'not_an_option'> = {
  en: {
    optional: ' (Optional)',
    choose: 'Select…',
    required: 'Enter {label}.',
    choose_required: 'Select an option for {label}.',
    too_short: '{label} must be at least {n} characters.',
    too_long: '{label} must be at most {n} characters.',
    digits: '{label} may contain digits only.',
    not_an_option: 'Select one of the options for {label}.',
  },
  ja: {
    optional: '（任意）',
    choose: '選択してください',
    required: '「{label}」を入力してください。',
    choose_required: '「{label}」を選択してください。',
    too_short: '「{label}」は{n}文字以上で入力してください。',
    too_long: '「{label}」は{n}文字以内で入力してください。',
    digits: '「{label}」には数字のみを入力してください。',
    not_an_option: '「{label}」は選択肢の中から選んでください。',
  },
  fr: {
    optional: ' (Facultatif)',
    choose: 'Sélectionner…',
    required: 'Renseignez le champ « {label} ».',
    choose_required: 'Choisissez une option pour « {label} ».',
    too_short: '« {label} » doit comporter au moins {n} caractères.',
    too_long: '« {label} » doit comporter au plus {n} caractères.',
    digits: '« {label} » ne peut contenir que des chiffres.',
    not_an_option: 'Choisissez l’une des options proposées pour « {label} ».',
  },
  de: {
    optional: ' (Optional)',
    choose: 'Auswählen…',
    required: 'Bitte „{label}“ ausfüllen.',
    choose_required: 'Bitte eine Option für „{label}“ auswählen.',
    too_short: '„{label}“ muss mindestens {n} Zeichen lang sein.',
    too_long: '„{label}“ darf höchstens {n} Zeichen lang sein.',
    digits: '„{label}“ darf nur Ziffern enthalten.',
    not_an_option: 'Bitte eine der angebotenen Optionen für „{label}“ auswählen.',
  },
  es: {
    optional: ' (Opcional)',
    choose: 'Seleccionar…',
    required: 'Completa «{label}».',
    choose_required: 'Selecciona una opción para «{label}».',
    too_short: '«{label}» debe tener al menos {n} caracteres.',
    too_long: '«{label}» debe tener como máximo {n} caracteres.',
    digits: '«{label}» solo puede contener dígitos.',
    not_an_option: 'Selecciona una de las opciones de «{label}».',
  },
  it: {
    optional: ' (Facoltativo)',
    choose: 'Seleziona…',
    required: 'Compila «{label}».',
    choose_required: 'Seleziona un’opzione per «{label}».',
    too_short: '«{label}» deve contenere almeno {n} caratteri.',
    too_long: '«{label}» può contenere al massimo {n} caratteri.',
    digits: '«{label}» può contenere solo cifre.',
    not_an_option: 'Seleziona una delle opzioni proposte per «{label}».',
  },
  nl: {
    optional: ' (Optioneel)',
    choose: 'Selecteer…',
    required: 'Vul „{label}” in.',
    choose_required: 'Kies een optie voor „{label}”.',
    too_short: '„{label}” moet minstens {n} tekens lang zijn.',
    too_long: '„{label}” mag hoogstens {n} tekens lang zijn.',
    digits: '„{label}” mag alleen cijfers bevatten.',
    not_an_option: 'Kies een van de opties voor „{label}”.',
  },
  pt: {
    optional: ' (Opcional)',
    choose: 'Selecionar…',
    required: 'Preencha "{label}".',
    choose_required: 'Selecione uma opção para "{label}".',
    too_short: '"{label}" deve ter pelo menos {n} caracteres.',
    too_long: '"{label}" deve ter no máximo {n} caracteres.',
    digits: '"{label}" só pode conter dígitos.',
    not_an_option: 'Selecione uma das opções de "{label}".',
  },
  zh: {
    optional: '（选填）',
    choose: '请选择',
    required: '请填写“{label}”。',
    choose_required: '请为“{label}”选择一个选项。',
    too_short: '“{label}”至少需要 {n} 个字符。',
    too_long: '“{label}”最多 {n} 个字符。',
    digits: '“{label}”只能包含数字。',
    not_an_option: '请从“{label}”的选项中选择。',
  },
  ko: {
    optional: ' (선택 사항)',
    choose: '선택하세요',
    required: '"{label}" 항목을 입력하세요.',
    choose_required: '"{label}" 항목에서 옵션을 선택하세요.',
    too_short: '"{label}" 항목은 {n}자 이상이어야 합니다.',
    too_long: '"{label}" 항목은 {n}자 이하여야 합니다.',
    digits: '"{label}" 항목에는 숫자만 입력할 수 있습니다.',
    not_an_option: '"{label}" 항목의 옵션 중에서 선택하세요.',
  },
};

/** Stripe's cap on a text or numeric answer when the merchant sets none. */
const MAX_ANSWER = 255;

/** The posted name (and element id) of a custom field. */
export function customFieldName(key: string): string {
  return `custom_field_${key}`;
}

const labelOf = (f: CustomField): string => f.label.custom ?? f.key;

function bounds(f: CustomField): { min: number; max: number } {
  const s = f.text ?? f.numeric;
  return { min: s?.minimum_length ?? 0, max: Math.min(s?.maximum_length ?? MAX_ANSWER, MAX_ANSWER) };
}

/** The values the fields start with: each one's `default_value`. */
export function customFieldDefaults(view: PageView): Values {
  const out: Values = {};
  for (const f of view.session.custom_fields) {
    const d = (f.dropdown ?? f.text ?? f.numeric)?.default_value;
    if (d) out[customFieldName(f.key)] = d;
  }
  return out;
}

/** The posted values to show again after a refused submit. */
export function keptCustomFields(body: URLSearchParams, view: PageView): Values {
  return Object.fromEntries(view.session.custom_fields.map((f) => [customFieldName(f.key), field(body, customFieldName(f.key))]));
}

function fieldHtml(f: CustomField, o: { values: Values; error?: FormError | undefined }, locale: PageLocale): string {
  const t = textOf(TEXT, locale);
  const name = customFieldName(f.key);
  const value = o.values[name] ?? '';
  const invalid = o.error?.field === name ? ' aria-invalid="true" aria-describedby="payment-error"' : '';
  const label =
    `<label for="${esc(name)}">${esc(labelOf(f))}` +
    (f.optional ? `<span class="opt">${esc(t.optional)}</span>` : '') +
    '</label>';
  if (f.dropdown) {
    const options = f.dropdown.options
      .map((opt) => `<option value="${esc(opt.value)}"${opt.value === value ? ' selected' : ''}>${esc(opt.label)}</option>`)
      .join('');
    const none = `<option value=""${value === '' ? ' selected' : ''}>${esc(t.choose)}</option>`;
    return `<div class="f" data-testid="custom-field">${label}<select class="in" id="${esc(name)}" name="${esc(name)}"${invalid}>${none}${options}</select></div>`;
  }
  const { max } = bounds(f);
  const kind = f.numeric ? ' inputmode="numeric" autocomplete="off"' : ' autocomplete="off"';
  return `<div class="f" data-testid="custom-field">${label}<input class="in" id="${esc(name)}" name="${esc(name)}" value="${esc(value)}" maxlength="${max}"${kind}${invalid}></div>`;
}

/** The session's custom fields, in its order; '' when it has none. */
export function customFieldsHtml(view: PageView, o: { values: Values; error?: FormError | undefined }): string {
  const fields = view.session.custom_fields;
  if (fields.length === 0) return '';
  return `<section class="custom-fields">${fields.map((f) => fieldHtml(f, o, view.locale)).join('')}</section>`;
}

/** One field's answer, or the error to show: null when left empty (completion decides if that may be). */
function readOne(f: CustomField, raw: string, locale: PageLocale): string | null | FormError {
  const t = textOf(TEXT, locale);
  const field = customFieldName(f.key);
  const err = (template: string, n?: number): FormError => ({ code: 'custom_field_invalid', field, message: fill(template, { label: labelOf(f), n: n ?? 0 }) });
  if (f.dropdown) {
    if (raw === '') return f.optional ? null : err(t.choose_required);
    return f.dropdown.options.some((opt) => opt.value === raw) ? raw : err(t.not_an_option);
  }
  // Digits are what a numeric field holds; spaces a buyer types between them are not kept.
  const value = f.numeric ? raw.replace(/\s+/g, '') : raw;
  if (value === '') return f.optional ? null : err(t.required);
  if (f.numeric && !/^\d+$/.test(value)) return err(t.digits);
  const { min, max } = bounds(f);
  const length = [...value].length;
  if (length < min) return err(t.too_short, min);
  if (length > max) return err(t.too_long, max);
  return value;
}

/** The posted answers by key, or the first field's error. */
export function readCustomFields(body: URLSearchParams, view: PageView): { values: Record<string, string | null> } | { error: FormError } {
  const values: Record<string, string | null> = {};
  for (const f of view.session.custom_fields) {
    // Read whole (not capped at the page's usual 500): the length rule must see what was typed.
    const read = readOne(f, (body.get(customFieldName(f.key)) ?? '').trim(), view.locale);
    if (read !== null && typeof read === 'object') return { error: read };
    values[f.key] = read;
  }
  return { values };
}
