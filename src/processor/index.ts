/**
 * The processor: the one place that knows Stripe's test card numbers and bank accounts, and decides
 * what creating, attaching and charging them does (docs/decisions.md#the-processor-and-test-numbers). Resources call it; it
 * calls nothing above the store.
 */
export { tokenizeCard, testCardDetails, isTestCardPaymentMethodId, isTestCardToken } from './cards.js';
export type { TypedCard, BillingHints, CardDetails, CheckResult, TokenizeResult, CardInputError } from './cards.js';
export { describeBankAccount, testBankDetails, isTestBankPaymentMethodId } from './banks.js';
export type { BankDetails, BankResult, BankInputError } from './banks.js';
export { describeIban, testIbanDetails, normalizeIban, ibanChecksumValid } from './ibans.js';
export type { IbanDetails, IbanResult, IbanInputError } from './ibans.js';
export { isTestIbanPaymentMethodId } from './test-ibans.js';
export { konbiniScenario, KONBINI_MINUTES, type VoucherPayment, type VoucherExpiry } from './test-konbini.js';
export { chargeOutcome, attachOutcome, refundOutcome, microdepositsDeliverable } from './outcomes.js';
export type { ChargeOutcome, AttachOutcome, ChargeOptions, ChargeablePaymentMethod, RefundOutcome } from './outcomes.js';
export { cardFingerprint, bankAccountFingerprint, ibanFingerprint } from './fingerprint.js';
export { luhnValid, detectBrand, displayBrand, normalizeNumber, isExpired, fullExpiryYear, checkExpiry } from './card-rules.js';
export { DECLINES, BANK_FAILURES, type Decline, type BankFailure } from './declines.js';
export type { CardBrand, CardFunding } from './test-cards.js';
export { authenticationNeed, authenticationResult, AUTHENTICATION_FAILURE, SETUP_AUTHENTICATION_FAILURE } from './authentication.js';
export type { AuthenticationNeed, AuthenticationOptions, ThreeDSecureRequest } from './authentication.js';
