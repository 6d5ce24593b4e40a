import { DECLINES, type Decline } from './declines.js';

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'unknown';
export type CardFunding = 'credit' | 'debit' | 'prepaid' | 'unknown';

/**
 * One of Stripe's published test cards (https://docs.stripe.com/testing) and what it simulates.
 * This table is the only place in OpenCheckout that knows a test number.
 */
export interface TestCard {
  number: string;
  brand: CardBrand;
  funding: CardFunding;
  country: string;
  /** Stripe's ready-made PaymentMethod ids for this card (`pm_card_visa`, ...). */
  paymentMethods: readonly string[];
  /** Stripe's test tokens for this card (`tok_visa`, ...), accepted as `card[token]`. */
  tokens: readonly string[];
  /** What a charge does once any authentication is done. */
  charge: 'succeeds' | Decline;
  /** Cards that simulate an issuer decline cannot be attached to a customer (docs/decisions.md#card-declines-at-attach). */
  attach: 'ok' | 'refused';
  /**
   * 3D Secure: `always` = every payment needs it; `unless_set_up` = off-session payments need it
   * unless the card was set up; `on_session` = only on-session payments need it. Any card that
   * supports 3D Secure authenticates when the merchant requests it (docs/decisions.md#3d-secure).
   */
  authentication?: 'always' | 'unless_set_up' | 'on_session';
  /** What a payment does once a requested authentication was attempted (3DS errors). */
  authenticationError?: Decline;
  threeDSecureSupported?: boolean;
  /** Refunds of its charges: `pending` stays pending a while, then succeeds; `fails` succeeds, then fails. */
  refund?: 'pending' | 'fails';
  /** Verification checks that fail when the value is provided (Radar test cards). */
  checks?: { cvc?: 'fail'; line1?: 'fail' | 'unavailable'; postal_code?: 'fail' | 'unavailable' };
}

type Entry = Omit<TestCard, 'paymentMethods' | 'tokens' | 'attach' | 'charge' | 'country'> &
  Partial<Pick<TestCard, 'paymentMethods' | 'tokens' | 'attach' | 'charge' | 'country'>>;

const card = (e: Entry): TestCard => ({ paymentMethods: [], tokens: [], attach: 'ok', charge: 'succeeds', country: 'US', ...e });
/** An issuer-decline card: refuses to attach, every charge declines. */
const decline = (e: Entry & { charge: Decline }): TestCard => card({ attach: 'refused', ...e });

export const TEST_CARDS: readonly TestCard[] = [
  // Cards by brand.
  card({ number: '4242424242424242', brand: 'visa', funding: 'credit', paymentMethods: ['pm_card_visa', 'pm_card_us'], tokens: ['tok_visa', 'tok_us'] }),
  card({ number: '4000056655665556', brand: 'visa', funding: 'debit', paymentMethods: ['pm_card_visa_debit'], tokens: ['tok_visa_debit'] }),
  card({ number: '5555555555554444', brand: 'mastercard', funding: 'credit', paymentMethods: ['pm_card_mastercard'], tokens: ['tok_mastercard'] }),
  card({ number: '2223003122003222', brand: 'mastercard', funding: 'credit' }),
  card({ number: '5200828282828210', brand: 'mastercard', funding: 'debit', paymentMethods: ['pm_card_mastercard_debit'], tokens: ['tok_mastercard_debit'] }),
  card({ number: '5105105105105100', brand: 'mastercard', funding: 'prepaid', paymentMethods: ['pm_card_mastercard_prepaid'], tokens: ['tok_mastercard_prepaid'] }),
  card({
    number: '378282246310005',
    brand: 'amex',
    funding: 'credit',
    paymentMethods: ['pm_card_amex', 'pm_card_amex_threeDSecureNotSupported'],
    tokens: ['tok_amex', 'tok_amex_threeDSecureNotSupported'],
    threeDSecureSupported: false,
  }),
  card({ number: '371449635398431', brand: 'amex', funding: 'credit' }),
  card({ number: '6011111111111117', brand: 'discover', funding: 'credit', paymentMethods: ['pm_card_discover'], tokens: ['tok_discover'] }),
  card({ number: '6011000990139424', brand: 'discover', funding: 'credit' }),
  card({ number: '6011981111111113', brand: 'discover', funding: 'debit' }),
  card({ number: '3056930009020004', brand: 'diners', funding: 'credit', paymentMethods: ['pm_card_diners'], tokens: ['tok_diners'] }),
  card({ number: '36227206271667', brand: 'diners', funding: 'credit' }),
  card({ number: '3566002020360505', brand: 'jcb', funding: 'credit', country: 'JP', paymentMethods: ['pm_card_jcb'], tokens: ['tok_jcb'] }),
  card({ number: '6200000000000005', brand: 'unionpay', funding: 'credit', country: 'CN', paymentMethods: ['pm_card_unionpay'], tokens: ['tok_unionpay'] }),
  card({ number: '6200000000000047', brand: 'unionpay', funding: 'debit', country: 'CN' }),
  card({ number: '6205500000000000004', brand: 'unionpay', funding: 'credit', country: 'CN' }),

  // Declined payments: these cannot be attached to a customer.
  decline({
    number: '4000000000000002',
    brand: 'visa',
    funding: 'credit',
    charge: DECLINES.generic,
    paymentMethods: ['pm_card_visa_chargeDeclined', 'pm_card_chargeDeclined'],
    tokens: ['tok_visa_chargeDeclined', 'tok_chargeDeclined'],
  }),
  decline({
    number: '4000000000009995',
    brand: 'visa',
    funding: 'credit',
    charge: DECLINES.insufficientFunds,
    paymentMethods: ['pm_card_visa_chargeDeclinedInsufficientFunds', 'pm_card_chargeDeclinedInsufficientFunds'],
    tokens: ['tok_visa_chargeDeclinedInsufficientFunds', 'tok_chargeDeclinedInsufficientFunds'],
  }),
  decline({
    number: '4000000000009987',
    brand: 'visa',
    funding: 'credit',
    charge: DECLINES.lostCard,
    paymentMethods: ['pm_card_visa_chargeDeclinedLostCard', 'pm_card_chargeDeclinedLostCard'],
    tokens: ['tok_visa_chargeDeclinedLostCard', 'tok_chargeDeclinedLostCard'],
  }),
  decline({
    number: '4000000000009979',
    brand: 'visa',
    funding: 'credit',
    charge: DECLINES.stolenCard,
    paymentMethods: ['pm_card_visa_chargeDeclinedStolenCard', 'pm_card_chargeDeclinedStolenCard'],
    tokens: ['tok_visa_chargeDeclinedStolenCard', 'tok_chargeDeclinedStolenCard'],
  }),
  decline({
    number: '4000000000000069',
    brand: 'visa',
    funding: 'credit',
    charge: DECLINES.expired,
    paymentMethods: ['pm_card_chargeDeclinedExpiredCard', 'pm_card_visa_chargeDeclinedExpiredCard'],
    tokens: ['tok_chargeDeclinedExpiredCard', 'tok_visa_chargeDeclinedExpiredCard'],
  }),
  decline({
    number: '4000000000000127',
    brand: 'visa',
    funding: 'credit',
    charge: DECLINES.incorrectCvc,
    paymentMethods: ['pm_card_chargeDeclinedIncorrectCvc', 'pm_card_visa_chargeDeclinedIncorrectCvc'],
    tokens: ['tok_chargeDeclinedIncorrectCvc', 'tok_visa_chargeDeclinedIncorrectCvc'],
  }),
  decline({
    number: '4000000000000119',
    brand: 'visa',
    funding: 'credit',
    charge: DECLINES.processingError,
    paymentMethods: ['pm_card_chargeDeclinedProcessingError', 'pm_card_visa_chargeDeclinedProcessingError'],
    tokens: ['tok_chargeDeclinedProcessingError', 'tok_visa_chargeDeclinedProcessingError'],
  }),
  decline({
    number: '4000000000006975',
    brand: 'visa',
    funding: 'credit',
    charge: DECLINES.velocity,
    paymentMethods: ['pm_card_visa_chargeDeclinedVelocityLimitExceeded', 'pm_card_chargeDeclinedVelocityLimitExceeded'],
    tokens: ['tok_visa_chargeDeclinedVelocityLimitExceeded', 'tok_chargeDeclinedVelocityLimitExceeded'],
  }),
  // Attaches, then every charge fails.
  card({
    number: '4000000000000341',
    brand: 'visa',
    funding: 'credit',
    charge: DECLINES.generic,
    paymentMethods: ['pm_card_chargeCustomerFail', 'pm_card_visa_chargeCustomerFail'],
    tokens: ['tok_chargeCustomerFail', 'tok_visa_chargeCustomerFail'],
  }),

  // Fraud prevention. Radar's default rules block the highest risk level and failed CVC checks.
  card({
    number: '4100000000000019',
    brand: 'visa',
    funding: 'credit',
    charge: DECLINES.fraudulent,
    paymentMethods: ['pm_card_radarBlock'],
    tokens: ['tok_radarBlock', 'tok_visa_chargeDeclinedFraudulent'],
  }),
  card({ number: '4000000000004954', brand: 'visa', funding: 'credit', charge: DECLINES.fraudulent, paymentMethods: ['pm_card_riskLevelHighest'], tokens: ['tok_riskLevelHighest'] }),
  card({ number: '4000000000009235', brand: 'visa', funding: 'credit', paymentMethods: ['pm_card_riskLevelElevated'], tokens: ['tok_riskLevelElevated'] }),
  card({ number: '4000000000000101', brand: 'visa', funding: 'credit', checks: { cvc: 'fail' }, paymentMethods: ['pm_card_cvcCheckFail'], tokens: ['tok_cvcCheckFail'] }),
  card({ number: '4000000000000036', brand: 'visa', funding: 'credit', checks: { postal_code: 'fail' }, paymentMethods: ['pm_card_avsZipFail'], tokens: ['tok_avsZipFail'] }),
  card({ number: '4000000000000028', brand: 'visa', funding: 'credit', checks: { line1: 'fail' }, paymentMethods: ['pm_card_avsLine1Fail'], tokens: ['tok_avsLine1Fail'] }),
  card({ number: '4000000000000010', brand: 'visa', funding: 'credit', checks: { line1: 'fail', postal_code: 'fail' }, paymentMethods: ['pm_card_avsFail'], tokens: ['tok_avsFail'] }),
  card({
    number: '4000000000000044',
    brand: 'visa',
    funding: 'credit',
    checks: { line1: 'unavailable', postal_code: 'unavailable' },
    paymentMethods: ['pm_card_avsUnchecked'],
    tokens: ['tok_avsUnchecked'],
  }),

  // 3D Secure.
  card({ number: '4000002500003155', brand: 'visa', funding: 'credit', authentication: 'unless_set_up', paymentMethods: ['pm_card_authenticationRequiredOnSetup'], tokens: ['tok_authenticationRequiredOnSetup'] }),
  card({ number: '4000002760003184', brand: 'visa', funding: 'credit', authentication: 'always', paymentMethods: ['pm_card_authenticationRequired'], tokens: ['tok_authenticationRequired'] }),
  card({ number: '4000003800000446', brand: 'visa', funding: 'credit', authentication: 'on_session', paymentMethods: ['pm_card_authenticationRequiredSetupForOffSession'] }),
  card({
    number: '4000008260003178',
    brand: 'visa',
    funding: 'credit',
    authentication: 'on_session',
    charge: DECLINES.insufficientFunds,
    paymentMethods: ['pm_card_authenticationRequiredChargeDeclinedInsufficientFunds'],
  }),
  card({ number: '4000000000003220', brand: 'visa', funding: 'credit', authentication: 'always', paymentMethods: ['pm_card_threeDSecure2Required'], tokens: ['tok_threeDSecure2Required'] }),
  card({ number: '4000000000003063', brand: 'visa', funding: 'credit', authentication: 'always', paymentMethods: ['pm_card_threeDSecureRequired'], tokens: ['tok_threeDSecureRequired'] }),
  card({
    number: '4000008400001629',
    brand: 'visa',
    funding: 'credit',
    authentication: 'always',
    charge: DECLINES.generic,
    paymentMethods: ['pm_card_threeDSecureRequiredChargeDeclined'],
    tokens: ['tok_threeDSecureRequiredChargeDeclined'],
  }),
  card({
    number: '4000008400001280',
    brand: 'visa',
    funding: 'credit',
    authentication: 'always',
    charge: DECLINES.processingError,
    paymentMethods: ['pm_card_threeDSecureRequiredProcessingError'],
    tokens: ['tok_threeDSecureRequiredProcessingError'],
  }),
  card({ number: '4000000000003055', brand: 'visa', funding: 'credit', paymentMethods: ['pm_card_threeDSecureOptional'], tokens: ['tok_threeDSecureOptional'] }),
  card({ number: '4000000000003097', brand: 'visa', funding: 'credit', authenticationError: DECLINES.processingError, paymentMethods: ['pm_card_threeDSecureOptionalProcessingError'], tokens: ['tok_threeDSecureOptionalProcessingError'] }),

  // Charges that succeed (disputes and balances are not simulated; refunds are, docs/decisions.md#charges-and-refunds).
  card({ number: '4000000000000077', brand: 'visa', funding: 'credit', paymentMethods: ['pm_card_bypassPending'], tokens: ['tok_bypassPending'] }),
  card({ number: '4000000000000259', brand: 'visa', funding: 'credit', paymentMethods: ['pm_card_createDispute'], tokens: ['tok_createDispute'] }),
  card({ number: '4000000000007726', brand: 'visa', funding: 'credit', refund: 'pending', paymentMethods: ['pm_card_pendingRefund'], tokens: ['tok_pendingRefund'] }),
  card({ number: '4000000000005126', brand: 'visa', funding: 'credit', refund: 'fails', paymentMethods: ['pm_card_refundFail'], tokens: ['tok_refundFail'] }),
];

const byNumber = new Map(TEST_CARDS.map((c) => [c.number, c]));
const byPaymentMethod = new Map(TEST_CARDS.flatMap((c) => c.paymentMethods.map((id) => [id, c] as const)));
const byToken = new Map(TEST_CARDS.flatMap((c) => c.tokens.map((id) => [id, c] as const)));

/** The test card with this exact number, if it is one. */
export function testCardByNumber(number: string): TestCard | undefined {
  return byNumber.get(number);
}

/** The test card a ready-made id (`pm_card_visa`) stands for. */
export function testCardByPaymentMethodId(id: string): TestCard | undefined {
  return byPaymentMethod.get(id);
}

/** The test card a token (`tok_visa`) stands for. */
export function testCardByToken(id: string): TestCard | undefined {
  return byToken.get(id);
}
