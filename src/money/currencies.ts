/**
 * Stripe's money rules in one place: which currencies a charge may use, how many decimals each
 * amount has, and the smallest and largest amount Stripe charges (docs/decisions.md#currencies-and-amounts).
 *
 * Sources:
 * - Supported currencies, zero-decimal currencies, special cases, minimum and maximum charge
 *   amounts: https://docs.stripe.com/currencies
 * - Three-decimal currencies (BHD, JOD, KWD, OMR, TND; a charge's last digit must be 0): the
 *   "Three-decimal currencies" section of the same page (https://stripe.com/docs/currencies, 2022).
 * - Whole-unit ISK and its error: https://support.stripe.com/questions/deprecation-of-fractional-isk-charges-and-refunds
 */
import { errors, type StripeError } from '../api/errors.js';
import { str, type Field } from '../api/params.js';

/**
 * The presentment currencies Stripe lists for charges, plus the five three-decimal currencies
 * its API takes. Stripe's error message names them in this order: usd first, then alphabetical.
 */
const SUPPORTED = [
  'usd', 'aed', 'afn', 'all', 'amd', 'ang', 'aoa', 'ars', 'aud', 'awg', 'azn', 'bam', 'bbd', 'bdt', 'bgn', 'bhd', 'bif', 'bmd',
  'bnd', 'bob', 'brl', 'bsd', 'bwp', 'byn', 'bzd', 'cad', 'cdf', 'chf', 'clp', 'cny', 'cop', 'crc', 'cve', 'czk', 'djf', 'dkk',
  'dop', 'dzd', 'egp', 'etb', 'eur', 'fjd', 'fkp', 'gbp', 'gel', 'gip', 'gmd', 'gnf', 'gtq', 'gyd', 'hkd', 'hnl', 'htg', 'huf',
  'idr', 'ils', 'inr', 'isk', 'jmd', 'jod', 'jpy', 'kes', 'kgs', 'khr', 'kmf', 'krw', 'kwd', 'kyd', 'kzt', 'lak', 'lbp', 'lkr',
  'lrd', 'lsl', 'mad', 'mdl', 'mga', 'mkd', 'mmk', 'mnt', 'mop', 'mur', 'mvr', 'mwk', 'mxn', 'myr', 'mzn', 'nad', 'ngn', 'nio',
  'nok', 'npr', 'nzd', 'omr', 'pab', 'pen', 'pgk', 'php', 'pkr', 'pln', 'pyg', 'qar', 'ron', 'rsd', 'rub', 'rwf', 'sar', 'sbd',
  'scr', 'sek', 'sgd', 'shp', 'sle', 'sos', 'srd', 'std', 'szl', 'thb', 'tjs', 'tnd', 'top', 'try', 'ttd', 'twd', 'tzs', 'uah',
  'ugx', 'uyu', 'uzs', 'vnd', 'vuv', 'wst', 'xaf', 'xcd', 'xof', 'xpf', 'yer', 'zar', 'zmw',
] as const;

/** Every currency a charge may use, lower-case, in the order Stripe's error message names them. */
export const SUPPORTED_CURRENCIES: readonly string[] = SUPPORTED;
const SUPPORTED_SET: ReadonlySet<string> = new Set(SUPPORTED);

/**
 * Amounts in these are whole units: jpy 500 is ¥500. Stripe's list also names UGX, but its
 * special cases say UGX amounts are two-decimal (5 UGX is 500), so UGX is under WHOLE_UNITS.
 */
export const ZERO_DECIMAL: ReadonlySet<string> = new Set([
  'bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'vnd', 'vuv', 'xaf', 'xof', 'xpf',
]);

/** Amounts in thousandths (kwd 500 is 0.500 KD); a charge's last digit must be 0. */
export const THREE_DECIMAL: ReadonlySet<string> = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/**
 * Two-decimal in the API but charged in whole units only (Stripe's special cases): isk 500 is
 * 5 ISK, and 550 is refused. HUF and TWD are special only for payouts, so they stay two-decimal.
 */
export const WHOLE_UNITS: ReadonlySet<string> = new Set(['isk', 'ugx']);

/** Stripe's minimum charge by currency, in the smallest unit ("Minimum charge amount by currency"). */
const MINIMUM: Readonly<Record<string, number>> = {
  usd: 50, aed: 200, ars: 50, aud: 50, bgn: 100, brl: 50, cad: 50, chf: 50, cop: 50, czk: 1500, dkk: 250, eur: 50, gbp: 30,
  hkd: 400, huf: 17500, idr: 50, ils: 50, inr: 50, jpy: 50, krw: 50, mxn: 1000, myr: 200, nok: 300, nzd: 50, php: 50,
  pln: 200, ron: 200, rub: 50, sek: 300, sgd: 50, thb: 1000, zar: 50,
};

/**
 * Stripe's minimum in other currencies is the settlement currency's after conversion, which
 * needs exchange rates OpenCheckout does not have: it asks for 50 of the smallest unit (one
 * whole unit where only whole units are charged).
 */
const DEFAULT_MINIMUM = 50;

/** The amount supports up to eight digits, more for IDR, COP and INR ("Maximum charge amounts"). */
const MAXIMUM: Readonly<Record<string, number>> = { idr: 999_999_999_999, cop: 9_999_999_999, inr: 999_999_999 };
/** Eight digits: $999,999.99, ¥99,999,999. */
export const DEFAULT_MAXIMUM = 99_999_999;
/** The largest amount any currency allows, for params read before their currency is known. */
export const LARGEST_MAXIMUM = Math.max(DEFAULT_MAXIMUM, ...Object.values(MAXIMUM));

/** Whether Stripe takes charges in `c` (any case: Stripe lower-cases it). */
export function isSupportedCurrency(c: string): boolean {
  return SUPPORTED_SET.has(c.toLowerCase());
}

/** Stripe's error for a currency it does not take, naming `param`. */
export function invalidCurrency(value: string, param = 'currency'): StripeError {
  return errors.invalid(`Invalid currency: ${value.toLowerCase()}. Stripe currently supports these currencies: ${SUPPORTED.join(', ')}`, param);
}

function supported(currency: string): string {
  const c = currency.toLowerCase();
  if (!SUPPORTED_SET.has(c)) throw invalidCurrency(currency);
  return c;
}

/**
 * Decimals of a currency's amounts in the API: 0 (jpy), 3 (kwd) or 2 (usd, and isk/ugx, whose
 * amounts are two-decimal though only whole units are charged). Unknown codes count as 2.
 */
export function currencyDecimals(currency: string): number {
  const c = currency.toLowerCase();
  return ZERO_DECIMAL.has(c) ? 0 : THREE_DECIMAL.has(c) ? 3 : 2;
}

/** The smallest step a charge may take in the smallest unit: 100 for ISK/UGX, 10 for three-decimal currencies, else 1. */
function chargeStep(c: string): number {
  return WHOLE_UNITS.has(c) ? 100 : THREE_DECIMAL.has(c) ? 10 : 1;
}

/** Stripe's minimum charge in `currency`'s smallest unit (jpy 50, usd 50, gbp 30); unknown currency -> Stripe's error. */
export function minimumChargeAmount(currency: string): number {
  const c = supported(currency);
  return MINIMUM[c] ?? Math.max(DEFAULT_MINIMUM, chargeStep(c));
}

/** Stripe's maximum charge in `currency`'s smallest unit (99,999,999, more for IDR, COP, INR); unknown currency -> Stripe's error. */
export function maximumChargeAmount(currency: string): number {
  return MAXIMUM[supported(currency)] ?? DEFAULT_MAXIMUM;
}

/** `50, 'jpy'` -> `¥50`, `50, 'usd'` -> `$0.50`: amounts as Stripe's error messages show them. */
function messageAmount(amount: number, c: string): string {
  const digits = WHOLE_UNITS.has(c) ? 0 : currencyDecimals(c);
  const value = amount / 10 ** currencyDecimals(c);
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: c.toUpperCase(),
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  } catch {
    return value.toFixed(digits);
  }
}

/**
 * Refuses, with Stripe's errors, an amount Stripe would not charge in `currency`, naming `param`:
 * below the minimum (`amount_too_small`, "Amount must be at least ¥50 jpy"), above the maximum
 * (`amount_too_large`), or with a fraction the currency can't charge (ISK/UGX in whole units,
 * three-decimal currencies in tens). An unknown currency gets Stripe's currency error. Zero is
 * below every minimum: callers where Stripe allows a zero charge (subscriptions) skip the check.
 */
export function checkChargeAmount(amount: number, currency: string, param: string): void {
  const c = supported(currency);
  if (!Number.isSafeInteger(amount)) throw errors.invalidInteger(param, amount);
  const min = minimumChargeAmount(c);
  if (amount < min) throw errors.invalid(`Amount must be at least ${messageAmount(min, c)} ${c}`, param, 'amount_too_small');
  const max = maximumChargeAmount(c);
  if (amount > max) throw errors.invalid(`Amount must be no more than ${messageAmount(max, c)} ${c}`, param, 'amount_too_large');
  if (WHOLE_UNITS.has(c) && amount % 100 !== 0) {
    throw errors.invalid(
      `Invalid amount. Currency ${c.toUpperCase()} has become effectively zero-decimal and charged amounts must be evenly divisible by 100. See https://stripe.com/docs/currencies#special-cases for more information.`,
      param,
      'invalid_charge_amount_no_decimal_compatible',
    );
  }
  if (THREE_DECIMAL.has(c) && amount % 10 !== 0) {
    throw errors.invalid(
      `Invalid amount. Charged amounts in ${c.toUpperCase()} must be evenly divisible by 10 (the last of its three decimals must be 0). See https://stripe.com/docs/currencies for more information.`,
      param,
      'invalid_charge_amount',
    );
  }
}

/**
 * A `currency` param: a code Stripe supports, in any case, returned lower-case as Stripe serves
 * it; any other is refused with Stripe's "Invalid currency: xyz. Stripe currently supports..."
 */
export function currencyParam(): Field<string | undefined> {
  const base = str();
  return {
    parse(value, param) {
      const s = base.parse(value, param);
      if (s === undefined) return undefined;
      if (!isSupportedCurrency(s)) throw invalidCurrency(s, param);
      return s.toLowerCase();
    },
  };
}
