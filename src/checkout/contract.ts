/**
 * What the hosted page hands to Checkout completion, and what it gets back. The page parses and
 * checks the form's shape; completion (src/checkout/complete.ts) applies every business rule.
 */
import type { PageEntry } from '../payment-method-types/index.js';
import type { Session } from '../resources/checkout-sessions/shape.js';
import type { SupportedType } from '../resources/payment-methods/shape.js';
import type { Address } from '../resources/shared/params.js';
import type { PageAnswers } from './answers.js';

export type PaymentChoice =
  /** A saved card the page listed (re-checked at submit: still attached, eligible, in the window). */
  | { kind: 'saved_card'; paymentMethod: string }
  /**
   * A payment method typed on the page, read by its type's module into the details the API takes.
   * A card or account number is never stored or logged whole: completion keeps last4 and a fingerprint.
   */
  | ({ kind: 'new'; type: SupportedType } & PageEntry<unknown>)
  /** A PaymentMethod created through the API beforehand (the Stripe CLI's private confirm call). */
  | { kind: 'existing'; paymentMethod: string; type: string; /** The buyer's "save" tick, kept across 3D Secure (checkout/authentication.ts). */ save?: boolean }
  /** No payment method: a free trial with `payment_method_collection: if_required` (checkout/no-payment-method.ts). */
  | { kind: 'none' };

/** The type a choice pays with. A saved one is a card: Checkout only prefills cards. */
export function choiceType(p: PaymentChoice): string {
  return p.kind === 'saved_card' ? 'card' : p.kind === 'none' ? 'none' : p.type;
}

export interface CompletionForm {
  email: string | null;
  phone: string | null;
  billing: { name: string | null; address: Address };
  shipping: { name: string; address: Address } | null;
  payment: PaymentChoice;
  /** The total the page showed; a payment whose repriced total differs is refused, not charged. */
  expectedTotal: number | null;
  /** The shipping option the buyer chose (`shipping_options`). */
  shippingRate: string | null;
  /** What the page asked beside payment (custom fields, consent, names); none from the payment-page API. */
  answers?: PageAnswers;
  /**
   * The buyer's browser, which accepted a debit's mandate on the page: the Mandate's online
   * acceptance. Absent from the payment-page API, whose caller is no buyer (an offline acceptance).
   */
  acceptance?: { ipAddress: string | null; userAgent: string | null };
}

/** Codes of card errors (HTTP 402 on Stripe); other refusals are validation errors (400). */
const CARD_ERROR_CODES = new Set([
  'card_declined', 'expired_card', 'incorrect_cvc', 'incorrect_number', 'incorrect_zip', 'invalid_cvc', 'invalid_expiry_month',
  'invalid_expiry_year', 'invalid_number', 'processing_error', 'authentication_required', 'card_decline_rate_limit_exceeded',
]);

/** Whether a refusal is a card error (402 on Stripe), as the page and the API both answer it. */
export function isCardRefusal(r: { code: string; declineCode?: string | undefined }): boolean {
  return CARD_ERROR_CODES.has(r.code) || r.declineCode !== undefined;
}

export type CompletionResult =
  | { ok: true; session: Session; redirectTo: string | null }
  /** The buyer can fix it and submit again; `field` names the form field the message belongs to. */
  | { ok: false; message: string; code: string; declineCode?: string; field?: string };
