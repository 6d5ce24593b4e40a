/**
 * The page's words for a refusal by completion or by a change before paying
 * (docs/decisions.md#page-languages). The API answers in Stripe's English; the page shows its own
 * message in the buyer's language, chosen by Stripe's error code and, for a card decline, its
 * `decline_code` (src/processor/declines.ts). A code the page has no words for shows the API's
 * message on an English page and a general message in the page's language on any other.
 */
import type { FormError } from './form.js';
import { fill, textOf } from './i18n.js';
import type { PageView } from './load.js';
import { formatAmount } from './money.js';
import { MESSAGE_TEXT, type MessageText } from './text/messages.js';

type MessageKey = keyof MessageText;

/** A refusal as completion (or the API error of a change) reports it. */
export interface Refusal {
  code: string;
  declineCode?: string | undefined;
  message: string;
  /** The form field the refusal is about (the page's id). */
  field?: string | undefined;
}

/** Messages by error `code`. */
const BY_CODE: Readonly<Record<string, MessageKey>> = {
  expired_card: 'expiredCard',
  incorrect_cvc: 'incorrectCvc',
  invalid_cvc: 'invalidCvc',
  processing_error: 'processingError',
  authentication_required: 'authenticationRequired',
  incorrect_number: 'incorrectNumber',
  invalid_number: 'invalidNumber',
  invalid_expiry_month: 'invalidExpiryMonth',
  invalid_expiry_year: 'invalidExpiryYear',
  incorrect_zip: 'incorrectZip',
  card_decline_rate_limit_exceeded: 'declineRateLimit',
  payment_method_unavailable: 'methodUnavailable',
  saved_card_unavailable: 'savedCardUnusable',
  routing_number_invalid: 'routingInvalid',
  account_number_invalid: 'accountInvalid',
  payment_method_provider_decline: 'bankBlocked',
  amount_changed: 'amountChanged',
};

/**
 * Messages of `card_declined` by `decline_code`. Stripe tells the buyer only why it can act on:
 * a lost, stolen or fraudulent card reads as a plain decline.
 */
const BY_DECLINE_CODE: Readonly<Record<string, MessageKey>> = {
  insufficient_funds: 'insufficientFunds',
  card_velocity_exceeded: 'velocity',
  expired_card: 'expiredCard',
  incorrect_cvc: 'incorrectCvc',
  processing_error: 'processingError',
  authentication_required: 'authenticationRequired',
};

/** Messages by the field a refusal names, for codes the page has no words of their own for. */
const BY_FIELD: Readonly<Record<string, MessageKey>> = {
  promotionCode: 'promotionCodeInvalid',
  shippingRate: 'shippingRateInvalid',
};

function keyOf(r: Refusal): MessageKey | undefined {
  if (r.code === 'card_declined') return BY_DECLINE_CODE[r.declineCode ?? ''] ?? 'declined';
  if (r.code.startsWith('saved_card_')) return 'savedCardUnusable';
  return BY_CODE[r.code] ?? (r.field ? BY_FIELD[r.field] : undefined);
}

/** What the page of `view` shows for a refusal, in its language. */
export function refusalMessage(r: Refusal, view: PageView): string {
  const key = keyOf(r);
  if (!key) return view.locale === 'en' ? r.message : textOf(MESSAGE_TEXT, view.locale).generic;
  const text = textOf(MESSAGE_TEXT, view.locale)[key];
  // The total the page now shows is the repriced one.
  const s = view.session;
  return key === 'amountChanged' ? fill(text, { amount: formatAmount(s.amount_total ?? 0, s.currency ?? 'usd', view.locale) }) : text;
}

/** The page's own refusal of an empty promotion code (the Apply button pressed on an empty field). */
export function missingPromotionCode(view: PageView): FormError {
  return { code: 'promotion_code_missing', field: 'promotionCode', message: textOf(MESSAGE_TEXT, view.locale).promotionCodeMissing };
}
