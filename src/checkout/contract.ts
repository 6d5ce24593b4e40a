/**
 * What the hosted page hands to Checkout completion, and what it gets back. The page parses and
 * checks the form's shape; completion (src/checkout/complete.ts) applies every business rule.
 */
import type { Address } from '../resources/shared/params.js';
import type { Session } from '../resources/checkout-sessions/shape.js';

export type PaymentChoice =
  /** A saved card the page listed (re-checked at submit: still attached, eligible, in the window). */
  | { kind: 'saved_card'; paymentMethod: string }
  /** Card data typed on the page. Never stored or logged whole: completion keeps brand, last4, exp, fingerprint. */
  | { kind: 'new_card'; number: string; expMonth: number; expYear: number; cvc: string; save: boolean }
  /** A US bank account (ACH direct debit): settles later. */
  | { kind: 'us_bank_account'; routingNumber: string; accountNumber: string; accountHolderName: string; accountHolderType: 'individual' | 'company' };

export interface CompletionForm {
  email: string | null;
  phone: string | null;
  billing: { name: string | null; address: Address };
  shipping: { name: string; address: Address } | null;
  payment: PaymentChoice;
}

export type CompletionResult =
  | { ok: true; session: Session; redirectTo: string | null }
  /** The buyer can fix it and submit again; `field` names the form field the message belongs to. */
  | { ok: false; message: string; code: string; declineCode?: string; field?: string };
