/**
 * Cards: typed on the page or sent as `card[...]` (or a test token), validated by the processor,
 * settled at once, the only type Checkout prefills
 * (docs/decisions.md#the-processor-and-test-numbers, docs/decisions.md#prefill-of-a-saved-card).
 */
import { errors, StripeError } from '../api/errors.js';
import { int, nullableStr, obj, str, type Infer } from '../api/params.js';
import { checkExpiry, fullExpiryYear, testCardDetails, tokenizeCard, type CardDetails, type CardInputError } from '../processor/index.js';
import { esc } from '../pages/escape.js';
import { field, input } from '../pages/fields.js';
import type { FormError } from '../pages/form.js';
import type { PageLocale } from '../pages/i18n.js';
import type { CardShape } from '../resources/payment-methods/shape.js';
import { CARD_TEXT } from './text/card.js';
import type { PageEntry, PaymentMethodType } from './types.js';

const TYPE = 'card';

const createParams = obj({
  // The number and CVC are validated by the processor; their length caps never echo the value.
  number: str({ max: 40 }),
  exp_month: int(),
  exp_year: int(),
  cvc: str({ max: 10 }),
  token: str({ max: 5000 }),
  networks: obj({ preferred: str({ max: 50 }) }),
});
const updateParams = obj({ exp_month: int(), exp_year: int(), networks: obj({ preferred: nullableStr({ max: 50 }) }) });

/** `card[...]` on create; the page fills number, expiry and CVC. */
export type CardParams = Partial<NonNullable<Infer<typeof createParams>>>;
type CardUpdate = NonNullable<Infer<typeof updateParams>>;

/**
 * A card input problem as Stripe answers it: 402 card_error naming the field. It is a validation
 * failure, so an idempotent retry with corrected data is not answered with it
 * (docs/decisions.md#idempotency).
 */
export function cardInputError(e: CardInputError): StripeError {
  const { status, body } = errors.card(e.code, e.message, { param: `${TYPE}[${e.field}]` });
  return new StripeError(status, body, false);
}

/** `PaymentMethod.card` from what the processor tells about a card. */
export function toCardShape(d: CardDetails, preferredNetwork: string | null = null): CardShape {
  return {
    brand: d.brand,
    checks: { ...d.checks },
    country: d.country,
    display_brand: d.display_brand,
    exp_month: d.exp_month,
    exp_year: d.exp_year,
    fingerprint: d.fingerprint,
    funding: d.funding,
    generated_from: null,
    last4: d.last4,
    networks: { available: d.networks.available, preferred: preferredNetwork },
    regulated_status: 'unregulated',
    three_d_secure_usage: { supported: d.three_d_secure_supported },
    wallet: null,
  };
}

/** `1234`, `12/34`, `12 / 34`, `12/2034` -> month and four-digit year; null when not an expiry. */
export function parseExpiry(raw: string): { month: number; year: number } | null {
  const m = /^(\d{1,2})\/?(\d{2}|\d{4})$/.exec(raw.replace(/\s+/g, ''));
  if (!m) return null;
  const month = Number(m[1]);
  const yy = m[2] as string;
  const year = yy.length === 2 ? 2000 + Number(yy) : Number(yy);
  return month >= 1 && month <= 12 ? { month, year } : null;
}

/** Only the form's shape is checked here (digits, an expiry); the processor applies the card rules. */
function read(body: URLSearchParams, locale: PageLocale = 'en'): PageEntry<CardParams> | FormError {
  const t = CARD_TEXT[locale];
  const number = (body.get('cardNumber') ?? '').replace(/[\s-]/g, '');
  if (number === '') return { code: 'incomplete_number', field: 'cardNumber', message: t.numberIncomplete };
  if (!/^\d{12,19}$/.test(number)) return { code: 'invalid_number', field: 'cardNumber', message: t.numberInvalid };
  const rawExpiry = field(body, 'cardExpiry');
  if (rawExpiry === '') return { code: 'incomplete_expiry', field: 'cardExpiry', message: t.expiryIncomplete };
  const expiry = parseExpiry(rawExpiry);
  if (!expiry) return { code: 'invalid_expiry', field: 'cardExpiry', message: t.expiryInvalid };
  const cvc = (body.get('cardCvc') ?? '').trim();
  if (!/^\d{3,4}$/.test(cvc)) return { code: 'incomplete_cvc', field: 'cardCvc', message: t.cvcIncomplete };
  const save = body.get('savePaymentMethod') === 'on' || body.get('savePaymentMethod') === 'true';
  return { params: { number, exp_month: expiry.month, exp_year: expiry.year, cvc }, save };
}

/** Cards. */
export const card: PaymentMethodType<CardShape, CardParams, CardUpdate> = {
  type: TYPE,
  noun: 'a card',
  settlement: 'immediate',
  prefillable: true,
  currencies: null,
  reusable: true,
  params: { create: createParams, update: updateParams },

  async build(c, p) {
    if (!p) throw errors.missingParam(TYPE);
    if (p.token !== undefined) {
      if (p.number !== undefined || p.exp_month !== undefined || p.exp_year !== undefined || p.cvc !== undefined) {
        throw errors.invalid('You cannot provide card details together with card[token].', 'card[token]');
      }
      // Stripe's test tokens (`tok_visa`), else one the account made with `POST /v1/tokens`, used once.
      const details = p.token.startsWith('tok_')
        ? ((await testCardDetails(c.db, p.token, c.now, c.billing.address)) ?? (await c.redeemCardToken?.(p.token, 'card[token]')))
        : undefined;
      if (!details) throw errors.missingResource('token', p.token, 'card[token]');
      return toCardShape(details, p.networks?.preferred ?? null);
    }
    if (p.number === undefined) throw errors.missingParam('card[number]');
    if (p.exp_month === undefined) throw errors.missingParam('card[exp_month]');
    if (p.exp_year === undefined) throw errors.missingParam('card[exp_year]');
    const typed = { number: p.number, exp_month: p.exp_month, exp_year: p.exp_year, cvc: p.cvc };
    const result = await tokenizeCard(c.db, typed, c.now, c.billing.address);
    if (!result.ok) throw cardInputError(result.error);
    return toCardShape(result.card);
  },

  update(now, current, change) {
    const month = change.exp_month ?? current.exp_month;
    const year = change.exp_year === undefined ? current.exp_year : fullExpiryYear(change.exp_year, new Date(now * 1000).getUTCFullYear());
    const problem = checkExpiry(month, year, now);
    if (problem) throw cardInputError(problem);
    const preferred = change.networks?.preferred;
    return {
      ...current,
      exp_month: month,
      exp_year: year,
      networks: preferred === undefined ? current.networks : { ...current.networks, preferred },
    };
  },

  chargeDetails(c, o) {
    return {
      amount_authorized: o.amount,
      authorization_code: null,
      brand: c.brand,
      ...(o.manual ? { capture_before: o.created + 7 * 86400 } : {}),
      checks: c.checks,
      country: c.country,
      exp_month: c.exp_month,
      exp_year: c.exp_year,
      extended_authorization: { status: 'disabled' },
      fingerprint: c.fingerprint,
      funding: c.funding,
      incremental_authorization: { status: 'unavailable' },
      installments: null,
      last4: c.last4,
      mandate: null,
      multicapture: { status: 'unavailable' },
      network: c.brand === 'unknown' ? null : c.brand,
      network_token: { used: false },
      network_transaction_id: null,
      overcapture: { maximum_amount_capturable: o.amount, status: 'unavailable' },
      regulated_status: c.regulated_status,
      three_d_secure: o.authenticated
        ? { authentication_flow: 'challenge', electronic_commerce_indicator: '05', exemption_indicator: null, result: 'authenticated', result_reason: null, transaction_id: null, version: '2.2.0' }
        : null,
      wallet: null,
    };
  },
  async testDetails(db, id, now) {
    const details = await testCardDetails(db, id, now);
    return details ? toCardShape(details) : undefined;
  },

  page: {
    label: { en: 'Card', ja: 'カード', fr: 'Carte', de: 'Karte', es: 'Tarjeta', it: 'Carta', nl: 'Kaart', pt: 'Cartão', zh: '银行卡', ko: '카드' },
    labelBesideSaved: { en: 'New card', ja: '新しいカード', fr: 'Nouvelle carte', de: 'Neue Karte', es: 'Nueva tarjeta', it: 'Nuova carta', nl: 'Nieuwe kaart', pt: 'Novo cartão', zh: '新卡', ko: '새 카드' },
    render({ values: v, error, offerSave, locale }) {
      const o = { error };
      const t = CARD_TEXT[locale];
      return (
        `<span class="lbl">${esc(t.cardInformation)}</span><div class="grp">` +
        `<div class="cardrow">${input('cardNumber', '', `type="text" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" aria-label="${esc(t.cardNumber)}" maxlength="23"`, o)}` +
        '<span class="brands" aria-hidden="true"><span class="brand">Visa</span><span class="brand">MC</span><span class="brand">Amex</span></span></div>' +
        '<div class="split">' +
        input('cardExpiry', v.cardExpiry, `type="text" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY" aria-label="${esc(t.expiration)}" maxlength="9"`, o) +
        input('cardCvc', '', `type="text" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC" aria-label="${esc(t.securityCode)}" maxlength="4"`, o) +
        '</div></div>' +
        (offerSave
          ? `<label class="check"><input type="checkbox" id="savePaymentMethod" name="savePaymentMethod" value="on" data-testid="save-payment-method-checkbox"${v.savePaymentMethod === 'on' ? ' checked' : ''}>` +
            `<span>${esc(t.saveCard)}</span></label>`
          : '')
      );
    },
    read,
    kept: ['cardExpiry', 'savePaymentMethod'],
    initial: {},
    fieldOfParam: { number: 'cardNumber', exp_month: 'cardExpiry', exp_year: 'cardExpiry', cvc: 'cardCvc' },
    requiresBillingFields: true,
  },
};
