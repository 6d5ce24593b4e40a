import type { CardBrand } from './test-cards.js';

/** Luhn (mod 10) checksum over a string of digits: what card numbers carry to catch typos. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Issuer ranges (BIN prefixes) of the networks Stripe names, checked in this order. */
const RANGES: ReadonlyArray<[CardBrand, RegExp, readonly number[]]> = [
  ['visa', /^4/, [13, 16, 19]],
  ['mastercard', /^(5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, [16]],
  ['amex', /^3[47]/, [15]],
  ['discover', /^(6011|64[4-9]|65)/, [16, 17, 18, 19]],
  ['jcb', /^35(2[89]|[3-8]\d)/, [16, 17, 18, 19]],
  ['diners', /^(30[0-5]|3095|36|3[89])/, [14, 15, 16, 17, 18, 19]],
  ['unionpay', /^62/, [16, 17, 18, 19]],
];

/** The brand of any card number by its issuer range; `unknown` outside the ranges above. */
export function detectBrand(digits: string): CardBrand {
  for (const [brand, prefix] of RANGES) if (prefix.test(digits)) return brand;
  return 'unknown';
}

function lengthFits(brand: CardBrand, length: number): boolean {
  const range = RANGES.find(([b]) => b === brand);
  return range ? range[2].includes(length) : length >= 12 && length <= 19;
}

/** The brand Stripe shows (`display_brand`), which spells some networks out. */
export function displayBrand(brand: CardBrand): string {
  if (brand === 'amex') return 'american_express';
  if (brand === 'diners') return 'diners_club';
  return brand;
}

/** A card input problem, reported as Stripe reports it: a 402 card_error on one field. */
export interface CardInputError {
  code: 'invalid_number' | 'incorrect_number' | 'invalid_expiry_month' | 'invalid_expiry_year' | 'invalid_cvc';
  message: string;
  field: 'number' | 'exp_month' | 'exp_year' | 'cvc';
}

/** Strips the spaces and dashes people type between digit groups. */
export function normalizeNumber(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}

/** Checks a card number: digits of a plausible length for its brand, and a valid Luhn checksum. */
export function checkNumber(digits: string): CardInputError | undefined {
  if (!/^\d{12,19}$/.test(digits) || !lengthFits(detectBrand(digits), digits.length)) {
    return { code: 'invalid_number', message: 'Your card number is invalid.', field: 'number' };
  }
  if (!luhnValid(digits)) return { code: 'incorrect_number', message: 'Your card number is incorrect.', field: 'number' };
  return undefined;
}

/**
 * A 2-digit year means the year of that century within 50 years of now (Stripe reads `95` as a
 * past year and `34` as a future one); 4-digit years are taken as they are.
 */
export function fullExpiryYear(year: number, nowYear: number): number {
  if (year >= 100) return year;
  const century = Math.floor(nowYear / 100) * 100;
  const candidate = century + year;
  return candidate > nowYear + 50 ? candidate - 100 : candidate;
}

/** Is the card past its expiry (it is valid through the last day of its month) at unix time `now`? */
export function isExpired(month: number, year: number, now: number): boolean {
  const d = new Date(now * 1000);
  const nowYear = d.getUTCFullYear();
  const nowMonth = d.getUTCMonth() + 1;
  return year < nowYear || (year === nowYear && month < nowMonth);
}

/** Checks an expiry month and (full) year at unix time `now`. */
export function checkExpiry(month: number, year: number, now: number): CardInputError | undefined {
  const nowYear = new Date(now * 1000).getUTCFullYear();
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    return { code: 'invalid_expiry_month', message: "Your card's expiration month is invalid.", field: 'exp_month' };
  }
  if (!Number.isInteger(year) || year < nowYear || year > nowYear + 50) {
    return { code: 'invalid_expiry_year', message: "Your card's expiration year is invalid.", field: 'exp_year' };
  }
  if (isExpired(month, year, now)) {
    return { code: 'invalid_expiry_month', message: "Your card's expiration month is invalid.", field: 'exp_month' };
  }
  return undefined;
}

/** A CVC is 3 digits (American Express: 3 or 4; its card shows 4). */
export function checkCvc(cvc: string, brand: CardBrand): CardInputError | undefined {
  const ok = brand === 'amex' || brand === 'unknown' ? /^\d{3,4}$/.test(cvc) : /^\d{3}$/.test(cvc);
  return ok ? undefined : { code: 'invalid_cvc', message: "Your card's security code is invalid.", field: 'cvc' };
}
