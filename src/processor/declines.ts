/**
 * The card errors an issuer (or Stripe's Radar) answers with, in Stripe's words.
 * Codes and messages: https://docs.stripe.com/testing#declined-payments and
 * https://docs.stripe.com/declines/codes.
 */
export interface Decline {
  /** The error `code` (card_declined, expired_card, incorrect_cvc, processing_error, ...). */
  code: string;
  /** The `decline_code` Stripe adds to card errors. */
  decline_code: string;
  message: string;
}

const declined = (decline_code: string, message = 'Your card was declined.'): Decline => ({ code: 'card_declined', decline_code, message });

export const DECLINES = {
  generic: declined('generic_decline'),
  insufficientFunds: declined('insufficient_funds', 'Your card has insufficient funds.'),
  lostCard: declined('lost_card'),
  stolenCard: declined('stolen_card'),
  velocity: declined(
    'card_velocity_exceeded',
    'Your card was declined for making repeated attempts too frequently or exceeding its amount limit.',
  ),
  fraudulent: declined('fraudulent'),
  expired: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.' },
  incorrectCvc: { code: 'incorrect_cvc', decline_code: 'incorrect_cvc', message: "Your card's security code is incorrect." },
  processingError: {
    code: 'processing_error',
    decline_code: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
  authenticationRequired: {
    code: 'authentication_required',
    decline_code: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
  },
} as const satisfies Record<string, Decline>;

/** Why a bank debit came back unpaid (ACH return), as the failed PaymentIntent reports it. */
export interface BankFailure {
  failure_code: string;
  failure_message: string;
}

export const BANK_FAILURES = {
  accountClosed: { failure_code: 'account_closed', failure_message: "The customer's bank account has been closed." },
  noAccount: { failure_code: 'no_account', failure_message: "The customer's bank account could not be located." },
  insufficientFunds: {
    failure_code: 'insufficient_funds',
    failure_message: "The customer's account has insufficient funds to cover this payment.",
  },
  debitNotAuthorized: {
    failure_code: 'debit_not_authorized',
    failure_message: 'The customer has notified their bank that this payment was unauthorized.',
  },
  invalidCurrency: {
    failure_code: 'invalid_currency',
    failure_message: 'The bank account provided cannot be used to charge this currency.',
  },
} as const satisfies Record<string, BankFailure>;
