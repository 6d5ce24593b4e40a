import type { Db } from '../store/db.js';
import { checkCvc, checkExpiry, checkNumber, detectBrand, displayBrand, fullExpiryYear, normalizeNumber, type CardInputError } from './card-rules.js';
import { cardFingerprint } from './fingerprint.js';
import { testCardByNumber, testCardByPaymentMethodId, testCardByToken, type CardBrand, type CardFunding, type TestCard } from './test-cards.js';

/** Card data as typed on a payment form or sent as `card[...]`. The number never leaves the processor. */
export interface TypedCard {
  number: string;
  exp_month: number;
  /** 2 or 4 digits. */
  exp_year: number;
  cvc?: string | undefined;
}

/** The billing fields the address checks look at. */
export interface BillingHints {
  line1?: string | null | undefined;
  postal_code?: string | null | undefined;
}

export type CheckResult = 'pass' | 'fail' | 'unavailable' | 'unchecked' | null;

/** What a PaymentMethod keeps about a card: brand, last4, expiry, fingerprint; never number or CVC. */
export interface CardDetails {
  brand: CardBrand;
  display_brand: string;
  funding: CardFunding;
  country: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  fingerprint: string;
  networks: { available: string[]; preferred: null };
  three_d_secure_supported: boolean;
  checks: { address_line1_check: CheckResult; address_postal_code_check: CheckResult; cvc_check: CheckResult };
}

export type TokenizeResult = { ok: true; card: CardDetails } | { ok: false; error: CardInputError };

function details(
  digits: string,
  test: TestCard | undefined,
  fingerprint: string,
  exp: { month: number; year: number },
  cvcGiven: boolean,
  billing: BillingHints | undefined,
): CardDetails {
  const brand = test?.brand ?? detectBrand(digits);
  const check = (given: boolean, simulated: CheckResult | undefined): CheckResult => (given ? (simulated ?? 'pass') : null);
  return {
    brand,
    display_brand: displayBrand(brand),
    funding: test?.funding ?? (brand === 'unknown' ? 'unknown' : 'credit'),
    country: test?.country ?? 'US',
    last4: digits.slice(-4),
    exp_month: exp.month,
    exp_year: exp.year,
    fingerprint,
    networks: { available: [brand], preferred: null },
    three_d_secure_supported: test?.threeDSecureSupported ?? true,
    checks: {
      address_line1_check: check(Boolean(billing?.line1), test?.checks?.line1),
      address_postal_code_check: check(Boolean(billing?.postal_code), test?.checks?.postal_code),
      cvc_check: check(cvcGiven, test?.checks?.cvc),
    },
  };
}

/**
 * Validates typed card data the way Stripe does (number, then expiry, then CVC) at unix time
 * `now`, and describes the card. Any Luhn-valid number is accepted; Stripe's test numbers also
 * carry their simulated behaviour.
 */
export async function tokenizeCard(db: Db, input: TypedCard, now: number, billing?: BillingHints): Promise<TokenizeResult> {
  const digits = normalizeNumber(input.number);
  const numberError = checkNumber(digits);
  if (numberError) return { ok: false, error: numberError };
  const year = fullExpiryYear(input.exp_year, new Date(now * 1000).getUTCFullYear());
  const expiryError = checkExpiry(input.exp_month, year, now);
  if (expiryError) return { ok: false, error: expiryError };
  const test = testCardByNumber(digits);
  const brand = test?.brand ?? detectBrand(digits);
  if (input.cvc !== undefined) {
    const cvcError = checkCvc(input.cvc, brand);
    if (cvcError) return { ok: false, error: cvcError };
  }
  const fingerprint = await cardFingerprint(db, digits);
  return { ok: true, card: details(digits, test, fingerprint, { month: input.exp_month, year }, input.cvc !== undefined, billing) };
}

/** Stripe's ready-made test ids expire a year from now, in the current month. */
function testIdExpiry(now: number): { month: number; year: number } {
  const d = new Date(now * 1000);
  return { month: d.getUTCMonth() + 1, year: d.getUTCFullYear() + 1 };
}

/** Is `id` one of Stripe's ready-made card PaymentMethod ids (`pm_card_visa`, ...)? */
export function isTestCardPaymentMethodId(id: string): boolean {
  return testCardByPaymentMethodId(id) !== undefined;
}

/** Is `id` one of Stripe's test card tokens (`tok_visa`, ...)? */
export function isTestCardToken(id: string): boolean {
  return testCardByToken(id) !== undefined;
}

/**
 * The card behind a ready-made PaymentMethod id or a test token, as a fresh card would describe
 * it (the CVC counts as given); undefined when the id is not one of Stripe's.
 */
export async function testCardDetails(db: Db, id: string, now: number, billing?: BillingHints): Promise<CardDetails | undefined> {
  const test = testCardByPaymentMethodId(id) ?? testCardByToken(id);
  if (!test) return undefined;
  return details(test.number, test, await cardFingerprint(db, test.number), testIdExpiry(now), true, billing);
}

export type { CardInputError };
