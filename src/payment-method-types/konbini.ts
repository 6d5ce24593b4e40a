/**
 * Konbini (Japanese convenience stores): the buyer gets a voucher with a confirmation number and
 * pays it in cash at a store before it expires. `jpy` only, ¥120 to ¥300,000, never saved. The
 * PaymentIntent waits in `requires_action` with `next_action.konbini_display_details`; the buyer's
 * email (Stripe's test emails) decides whether and when the voucher is paid
 * (docs/decisions.md#konbini).
 */
import { randomInt } from 'node:crypto';
import { errors } from '../api/errors.js';
import { int, nullableStr, obj, oneOf, type Field, type Infer } from '../api/params.js';
import { KONBINI_MINUTES } from '../processor/index.js';
import { esc } from '../pages/escape.js';
import { field, input } from '../pages/fields.js';
import type { FormError } from '../pages/form.js';
import { textOf, type Catalog, type PageLocale } from '../pages/i18n.js';
import type { KonbiniShape } from '../resources/payment-methods/shape.js';
import type { PageEntry, PaymentMethodType, Voucher, VoucherInput } from './types.js';

const TYPE = 'konbini';

const createParams = obj({});
const updateParams = obj({});

/** `konbini[...]` on create: Stripe takes no details. */
export type KonbiniParams = NonNullable<Infer<typeof createParams>>;

/** The stores Stripe's voucher names, in its order. */
export const KONBINI_STORES = ['familymart', 'lawson', 'ministop', 'seicomart'] as const;
export type KonbiniStore = (typeof KONBINI_STORES)[number];

/** `next_action.konbini_display_details` (stripe-node 23 `PaymentIntent.NextAction.KonbiniDisplayDetails`). */
export interface KonbiniDisplayDetails {
  expires_at: number;
  hosted_voucher_url: string | null;
  stores: Record<KonbiniStore, { confirmation_number: string; payment_code: string }>;
}

/** Stripe's default, and its range, for `payment_method_options.konbini.expires_after_days`. */
const DEFAULT_DAYS = 3;
const MAX_DAYS = 60;
const JST = 9 * 3600;
const DAY = 86400;

/**
 * When a voucher expires: 23:59:59 Japan time, `days` calendar days after today in Japan, as
 * Stripe's `expires_after_days` reads (docs/decisions.md#konbini).
 */
export function voucherExpiry(now: number, days: number): number {
  const today = Math.floor((now + JST) / DAY);
  return (today + days + 1) * DAY - 1 - JST;
}

function expiresAfterDays(options: VoucherInput['options']): number {
  const days = options?.expires_after_days;
  return typeof days === 'number' && Number.isInteger(days) && days >= 1 ? Math.min(days, MAX_DAYS) : DEFAULT_DAYS;
}

function digits(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(randomInt(10));
  return out;
}

/**
 * A PaymentIntent's `payment_method_options[konbini]` (stripe-node 23
 * `PaymentIntentCreateParams.PaymentMethodOptions.Konbini`): `expires_after_days` (1 to 60) or
 * `expires_at`, never both; `confirmation_number` of 10 or 11 digits, not all zeroes;
 * `product_description` up to 22 characters; an empty string unsets one (docs/decisions.md#konbini).
 */
const intentShape = {
  confirmation_number: nullableStr(),
  expires_after_days: nullableStr(),
  expires_at: nullableStr(),
  product_description: nullableStr({ max: 22 }),
  setup_future_usage: oneOf(['none'] as const),
};

const intentOptions: Field<Record<string, unknown> | undefined> = {
  parse(value, param) {
    const p = obj(intentShape).parse(value, param);
    if (p === undefined) return undefined;
    const out: Record<string, unknown> = {};
    if (p.confirmation_number != null) {
      if (!/^\d{10,11}$/.test(p.confirmation_number) || /^0+$/.test(p.confirmation_number)) {
        throw errors.invalid('The confirmation number must be a string of 10 or 11 digits, not all zeroes.', `${param}[confirmation_number]`);
      }
      out.confirmation_number = p.confirmation_number;
    }
    if (p.expires_after_days != null) {
      out.expires_after_days = int({ min: 1, max: MAX_DAYS }).parse(p.expires_after_days, `${param}[expires_after_days]`);
    }
    if (p.expires_at != null) out.expires_at = int({ min: 1 }).parse(p.expires_at, `${param}[expires_at]`);
    if (out.expires_after_days !== undefined && out.expires_at !== undefined) {
      throw errors.invalid('You may only specify one of these parameters: expires_after_days, expires_at.', `${param}[expires_at]`);
    }
    if (p.product_description != null) out.product_description = p.product_description;
    if (p.setup_future_usage !== undefined) out.setup_future_usage = p.setup_future_usage;
    return out;
  },
};

/**
 * The voucher a konbini payment shows: one confirmation number (the merchant's
 * `confirmation_number` if given), a payment code per store; it expires per the test email, else
 * at `expires_at`, else after `expires_after_days`.
 */
function voucher(i: VoucherInput): Voucher {
  const at = i.options?.expires_at;
  const expiresAt =
    i.expires === 'now'
      ? i.now
      : i.expires === 'after_minutes'
        ? i.now + KONBINI_MINUTES
        : typeof at === 'number' && at > i.now
          ? at
          : voucherExpiry(i.now, expiresAfterDays(i.options));
  const given = i.options?.confirmation_number;
  const confirmation = typeof given === 'string' ? given : digits(11);
  const stores = Object.fromEntries(KONBINI_STORES.map((s) => [s, { confirmation_number: confirmation, payment_code: digits(s === 'familymart' ? 6 : 11) }]));
  const details = { expires_at: expiresAt, hosted_voucher_url: i.voucherUrl, stores } as KonbiniDisplayDetails;
  return { nextAction: { type: 'konbini_display_details', konbini_display_details: details }, expiresAt };
}

const en = {
  nameMissing: 'Enter your full name.',
  name: 'Full name',
  namePlaceholder: 'Taro Yamada',
  explain:
    'After you submit, you will get a payment number. Pay in cash at a FamilyMart, Lawson, Ministop or Seicomart store before it expires.',
};

const TEXT: Catalog<keyof typeof en> = {
  en,
  ja: {
    nameMissing: '氏名を入力してください。',
    name: '氏名',
    namePlaceholder: '山田 太郎',
    explain: 'お申し込み後に支払い番号が発行されます。支払い期限までに、ファミリーマート・ローソン・ミニストップ・セイコーマートの店頭で現金でお支払いください。',
  },
  fr: {
    nameMissing: 'Saisissez votre nom complet.',
    name: 'Nom complet',
    namePlaceholder: 'Taro Yamada',
    explain: "Après validation, vous recevrez un numéro de paiement. Payez en espèces dans un magasin FamilyMart, Lawson, Ministop ou Seicomart avant son expiration.",
  },
  de: {
    nameMissing: 'Geben Sie Ihren vollständigen Namen ein.',
    name: 'Vollständiger Name',
    namePlaceholder: 'Taro Yamada',
    explain: 'Nach dem Absenden erhalten Sie eine Zahlungsnummer. Bezahlen Sie vor Ablauf bar in einer Filiale von FamilyMart, Lawson, Ministop oder Seicomart.',
  },
  es: {
    nameMissing: 'Introduce tu nombre completo.',
    name: 'Nombre completo',
    namePlaceholder: 'Taro Yamada',
    explain: 'Después de enviar, recibirás un número de pago. Paga en efectivo en una tienda FamilyMart, Lawson, Ministop o Seicomart antes de que caduque.',
  },
  it: {
    nameMissing: 'Inserisci nome e cognome.',
    name: 'Nome e cognome',
    namePlaceholder: 'Taro Yamada',
    explain: 'Dopo l’invio riceverai un numero di pagamento. Paga in contanti in un negozio FamilyMart, Lawson, Ministop o Seicomart prima della scadenza.',
  },
  nl: {
    nameMissing: 'Vul je volledige naam in.',
    name: 'Volledige naam',
    namePlaceholder: 'Taro Yamada',
    explain: 'Na het verzenden ontvang je een betaalnummer. Betaal contant bij een FamilyMart, Lawson, Ministop of Seicomart voordat het verloopt.',
  },
  pt: {
    nameMissing: 'Informe seu nome completo.',
    name: 'Nome completo',
    namePlaceholder: 'Taro Yamada',
    explain: 'Após enviar, você receberá um número de pagamento. Pague em dinheiro em uma loja FamilyMart, Lawson, Ministop ou Seicomart antes do vencimento.',
  },
  zh: {
    nameMissing: '请输入您的姓名。',
    name: '姓名',
    namePlaceholder: '山田 太郎',
    explain: '提交后您将获得一个付款编号。请在到期前到全家（FamilyMart）、罗森（Lawson）、Ministop 或 Seicomart 便利店用现金支付。',
  },
  ko: {
    nameMissing: '이름을 입력하세요.',
    name: '이름',
    namePlaceholder: '야마다 타로',
    explain: '제출하면 결제 번호가 발급됩니다. 만료 전에 패밀리마트, 로손, 미니스톱 또는 세이코마트 매장에서 현금으로 결제하세요.',
  },
};

/** The buyer's name, which Stripe prints on the voucher and requires. */
function read(body: URLSearchParams, locale: PageLocale = 'en'): PageEntry<KonbiniParams> | FormError {
  const name = field(body, 'konbiniName');
  if (name === '') return { code: 'incomplete_name', field: 'konbiniName', message: textOf(TEXT, locale).nameMissing };
  return { params: {}, save: false, billingName: name };
}

/** Konbini. */
export const konbini: PaymentMethodType<KonbiniShape, KonbiniParams, Record<string, never>> = {
  type: TYPE,
  noun: 'a konbini payment',
  settlement: 'delayed',
  prefillable: false,
  currencies: ['jpy'],
  reusable: false,
  // https://docs.stripe.com/payments/konbini: from ¥120 to ¥300,000.
  amountLimits: { jpy: { min: 120, max: 300000 } },
  voucher,
  intentOptions,
  params: { create: createParams, update: updateParams },

  async build() {
    // Stripe creates a konbini PaymentMethod from no details; the name and email come at payment.
    return {};
  },

  update(_now, current) {
    return current;
  },

  chargeDetails() {
    // The store the voucher is paid at is known only once it is paid.
    return { store: null };
  },
  async testDetails() {
    // Stripe has no ready-made konbini PaymentMethod ids.
    return undefined;
  },

  page: {
    label: {
      en: 'Konbini', ja: 'コンビニ決済', fr: 'Konbini (supérette)', de: 'Konbini (Convenience Store)', es: 'Konbini (tienda de conveniencia)',
      it: 'Konbini (minimarket)', nl: 'Konbini (gemakswinkel)', pt: 'Konbini (loja de conveniência)', zh: '便利店支付', ko: '편의점 결제',
    },
    render({ values: v, error, locale }) {
      const t = textOf(TEXT, locale);
      return (
        `<div class="f">${input('konbiniName', v.konbiniName, `autocomplete="name" placeholder="${esc(t.namePlaceholder)}" maxlength="40"`, { error }, esc(t.name))}</div>` +
        `<p class="fine" data-testid="konbini-explain">${esc(t.explain)}</p>`
      );
    },
    read,
    kept: ['konbiniName'],
    initial: {},
    fieldOfParam: {},
    requiresBillingFields: false,
  },
};

/** The details of a PaymentIntent's konbini voucher, when `next_action` is one. */
export function konbiniDetails(nextAction: unknown): KonbiniDisplayDetails | undefined {
  const n = nextAction as { type?: string; konbini_display_details?: KonbiniDisplayDetails } | null | undefined;
  return n?.type === 'konbini_display_details' ? n.konbini_display_details : undefined;
}

