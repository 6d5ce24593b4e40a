/**
 * Microdeposit verification of a US bank account (docs/decisions.md#ach-microdeposits): asked for
 * with `payment_method_options[us_bank_account][verification_method]=microdeposits`, the intent
 * waits in `requires_action` with `verify_with_microdeposits` until the values Stripe's test mode
 * documents are sent to `verify_microdeposits` (the API or the hosted verification page).
 */
import { errors, StripeError, type ErrorBody } from '../api/errors.js';
import { usBankAccount } from './us-bank-account.js';

const DAY = 86_400;

/** `next_action` of an intent waiting for microdeposits. */
export interface MicrodepositAction {
  type: 'verify_with_microdeposits';
  verify_with_microdeposits: { arrival_date: number; hosted_verification_url: string; microdeposit_type: 'amounts' | 'descriptor_code' };
  [key: string]: unknown;
}

/**
 * Whether confirming with a payment method of `pmType` waits for microdeposits: the intent asked
 * for them, and the account was not verified before (a saved, attached one was).
 */
export function microdepositsRequired(pmType: string, options: Readonly<Record<string, unknown>>, attached: boolean): boolean {
  if (pmType !== usBankAccount.type || attached) return false;
  const own = options[usBankAccount.type] as { verification_method?: unknown } | undefined;
  return own?.verification_method === 'microdeposits';
}

/** The `next_action`: one deposit with a descriptor code (Stripe's default), due in two days of business time. */
export function microdepositAction(now: number, hostedVerificationUrl: string): MicrodepositAction {
  return {
    type: 'verify_with_microdeposits',
    verify_with_microdeposits: { arrival_date: now + 2 * DAY, hosted_verification_url: hostedVerificationUrl, microdeposit_type: 'descriptor_code' },
  };
}

/** Whether an intent's `next_action` is waiting for microdeposits. */
export function awaitsMicrodeposits(nextAction: { type?: unknown } | null | undefined): boolean {
  return nextAction?.type === 'verify_with_microdeposits';
}

/** What the values sent tell: verified, or the verification is over and failed (the intent needs another payment method). */
export type MicrodepositResult = { status: 'verified' } | { status: 'failed'; code: string; message: string };

/** Stripe's test values (https://docs.stripe.com/payments/ach-direct-debit/accept-a-payment#test-microdeposit-amounts-and-descriptor-codes). */
const SUCCESS = { amounts: [32, 45], code: 'SM11AA' };
const ATTEMPTS_EXCEEDED = { amounts: [10, 11], code: 'SM33CC' };
const TIMEOUT = { amounts: [40, 41], code: 'SM44DD' };

const EXCEEDED: MicrodepositResult = {
  status: 'failed',
  code: 'payment_method_microdeposit_verification_attempts_exceeded',
  message: 'You have exceeded the number of allowed verification attempts.',
};
const TIMED_OUT: MicrodepositResult = {
  status: 'failed',
  code: 'payment_method_microdeposit_verification_timeout',
  message: 'Payment method should be verified with microdeposits within the required period.',
};

/** The values the buyer read from the statement. */
export interface MicrodepositValues {
  amounts?: number[] | undefined;
  descriptor_code?: string | undefined;
}

/**
 * Checks the values sent like Stripe's test mode: the success values verify, the documented
 * special values end the verification (attempts exceeded, timeout), anything else is refused as a
 * mismatch (400, the intent keeps waiting). Throws Stripe's error for a mismatch or a bad request.
 */
export function checkMicrodeposits(v: MicrodepositValues): MicrodepositResult {
  const { amounts, descriptor_code: code } = v;
  if (amounts !== undefined && code !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: amounts, descriptor_code.', 'amounts');
  }
  if (code !== undefined) {
    if (code === SUCCESS.code) return { status: 'verified' };
    if (code === ATTEMPTS_EXCEEDED.code) return EXCEEDED;
    if (code === TIMEOUT.code) return TIMED_OUT;
    throw errors.invalid(
      'The descriptor code provided does not match the descriptor code in the microdeposit sent to the bank account.',
      'descriptor_code',
      'payment_method_microdeposit_verification_descriptor_code_mismatch',
    );
  }
  if (amounts === undefined) throw errors.missingParam('amounts');
  if (amounts.length !== 2 || amounts.some((a) => a <= 0 || a >= 100)) {
    throw errors.invalid(
      'Invalid amounts: expected two positive integers less than 100, in cents, equal to the microdeposits sent to the bank account.',
      'amounts',
      'payment_method_microdeposit_verification_amounts_invalid',
    );
  }
  const same = (expected: number[]) => amounts[0] === expected[0] && amounts[1] === expected[1];
  if (same(SUCCESS.amounts)) return { status: 'verified' };
  if (same(ATTEMPTS_EXCEEDED.amounts)) return EXCEEDED;
  if (same(TIMEOUT.amounts)) return TIMED_OUT;
  throw errors.invalid(
    'The amounts provided do not match the amounts that were sent to the bank account.',
    'amounts',
    'payment_method_microdeposit_verification_amounts_mismatch',
  );
}

/**
 * The error a failed verification answers (400), carrying the intent it moved back to
 * `requires_payment_method`: its writes commit, and an idempotent replay returns it.
 */
export function microdepositFailure(result: { code: string; message: string }, extra: Partial<ErrorBody>): StripeError {
  return new StripeError(400, { type: 'invalid_request_error', code: result.code, doc_url: `https://stripe.com/docs/error-codes/${result.code.replaceAll('_', '-')}`, message: result.message, ...extra }, true);
}

/** The path of the hosted verification page of an intent. */
export function microdepositPath(intentId: string): string {
  return `/c/microdeposits/${encodeURIComponent(intentId)}`;
}
