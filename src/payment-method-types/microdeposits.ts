/**
 * Microdeposit verification of a US bank account (docs/decisions.md#ach-microdeposits): asked for
 * with `payment_method_options[us_bank_account][verification_method]=microdeposits`, the intent
 * waits in `requires_action` with `verify_with_microdeposits` until the values Stripe's test mode
 * documents are sent to `verify_microdeposits` (the API or the hosted verification page).
 */
import { docUrl, errors, StripeError, type ErrorBody } from '../api/errors.js';
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

/**
 * What the values sent tell: verified; a mismatch (counted: the intent keeps waiting until the
 * attempts run out); or the verification is over and failed (the intent needs another payment method).
 */
export type MicrodepositResult =
  | { status: 'verified' }
  | { status: 'mismatch'; code: string; message: string; param: string }
  | { status: 'failed'; code: string; message: string };

/**
 * Wrong values a verification takes before the account is locked, by `microdeposit_type`: Stripe
 * allows 10 tries of a descriptor code and 3 of two amounts
 * (https://support.stripe.com/questions/verify-a-new-ach-direct-debit-customer-using-micro-deposits).
 */
export const MICRODEPOSIT_ATTEMPTS = { descriptor_code: 10, amounts: 3 } as const;

/** The verification's allowance of wrong values: the intents here send a descriptor code. */
export function microdepositAttemptLimit(nextAction: unknown): number {
  return (nextAction as { verify_with_microdeposits?: { microdeposit_type?: string } } | null | undefined)?.verify_with_microdeposits?.microdeposit_type === 'amounts' ? MICRODEPOSIT_ATTEMPTS.amounts : MICRODEPOSIT_ATTEMPTS.descriptor_code;
}

/** Stripe's test values (https://docs.stripe.com/payments/ach-direct-debit/accept-a-payment#test-microdeposit-amounts-and-descriptor-codes). */
const SUCCESS = { amounts: [32, 45], code: 'SM11AA' };
const ATTEMPTS_EXCEEDED = { amounts: [10, 11], code: 'SM33CC' };
const TIMEOUT = { amounts: [40, 41], code: 'SM44DD' };

export const MICRODEPOSITS_EXCEEDED: { status: 'failed'; code: string; message: string } = {
  status: 'failed',
  code: 'payment_method_microdeposit_verification_attempts_exceeded',
  message: 'You have exceeded the number of allowed verification attempts.',
};
/** The microdeposits could not be sent to the account (Stripe's test account 000666666661). */
export const MICRODEPOSITS_NOT_DELIVERED: { code: string; message: string } = {
  code: 'payment_method_microdeposit_failed',
  message: "Microdeposits failed to deposit into the customer's bank account. Check the account, routing number and currency.",
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
 * special values end the verification (attempts exceeded, timeout), anything else is a mismatch
 * (counted by the caller). Throws Stripe's error for a malformed request (not counted).
 */
export function checkMicrodeposits(v: MicrodepositValues): MicrodepositResult {
  const { amounts, descriptor_code: code } = v;
  if (amounts !== undefined && code !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: amounts, descriptor_code.', 'amounts');
  }
  if (code !== undefined) {
    if (code === SUCCESS.code) return { status: 'verified' };
    if (code === ATTEMPTS_EXCEEDED.code) return MICRODEPOSITS_EXCEEDED;
    if (code === TIMEOUT.code) return TIMED_OUT;
    return {
      status: 'mismatch',
      code: 'payment_method_microdeposit_verification_descriptor_code_mismatch',
      message: 'The descriptor code provided does not match the descriptor code in the microdeposit sent to the bank account.',
      param: 'descriptor_code',
    };
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
  if (same(ATTEMPTS_EXCEEDED.amounts)) return MICRODEPOSITS_EXCEEDED;
  if (same(TIMEOUT.amounts)) return TIMED_OUT;
  return {
    status: 'mismatch',
    code: 'payment_method_microdeposit_verification_amounts_mismatch',
    message: 'The amounts provided do not match the amounts that were sent to the bank account.',
    param: 'amounts',
  };
}

/**
 * The 400 a counted mismatch answers; its writes (the attempt) commit, as a decline's do, so the
 * count survives a retry and an idempotent replay answers the same.
 */
export function microdepositMismatch(result: { code: string; message: string; param: string }, attemptsLeft: number): StripeError {
  const left = attemptsLeft === 1 ? '1 attempt remains' : `${attemptsLeft} attempts remain`;
  return new StripeError(
    400,
    { type: 'invalid_request_error', code: result.code, doc_url: docUrl(result.code), message: `${result.message} ${left}.`, param: result.param },
    true,
  );
}

/**
 * The error a failed verification answers (400), carrying the intent it moved back to
 * `requires_payment_method`: its writes commit, and an idempotent replay returns it.
 */
export function microdepositFailure(result: { code: string; message: string }, extra: Partial<ErrorBody>): StripeError {
  return new StripeError(400, { type: 'invalid_request_error', code: result.code, doc_url: docUrl(result.code), message: result.message, ...extra }, true);
}

/** The path of the hosted verification page of an intent. */
export function microdepositPath(intentId: string): string {
  return `/c/microdeposits/${encodeURIComponent(intentId)}`;
}
