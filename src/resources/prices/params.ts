import { errors } from '../../api/errors.js';
import { listParams } from '../../api/list.js';
import { arr, bool, int, metadata, obj, oneOf, required, str, type Field, type InferShape } from '../../api/params.js';
import { currencyParam, DEFAULT_MAXIMUM, LARGEST_MAXIMUM, maximumChargeAmount } from '../../money/currencies.js';
import { productDataShape } from '../products/params.js';

/**
 * Stripe's eight-digit cap on amounts in the smallest unit, for amounts whose currency has no
 * larger one; src/money/currencies.ts (`maximumChargeAmount`) has the per-currency rule.
 */
export const MAX_UNIT_AMOUNT = DEFAULT_MAXIMUM;

/**
 * `unit_amount_decimal`: a decimal string with at most 12 decimal places. Its cap depends on the
 * currency, so {@link checkUnitAmount} applies it once the whole price is read.
 */
function decimalAmount(): Field<string | undefined> {
  return {
    parse(value, param) {
      const s = str({ max: 30 }).parse(value, param);
      if (s === undefined) return undefined;
      if (!/^\d{1,12}(\.\d{1,12})?$/.test(s) || Number(s) > LARGEST_MAXIMUM) {
        throw errors.invalid(`Invalid decimal: ${s}`, param, 'parameter_invalid_decimal');
      }
      // Canonical form, as Stripe serves it: no leading zeros, no trailing fractional zeros.
      const [whole = '0', frac = ''] = s.split('.');
      const f = frac.replace(/0+$/, '');
      return `${String(Number(whole))}${f ? `.${f}` : ''}`;
    },
  };
}

const interval = () => oneOf(['day', 'week', 'month', 'year']);
const taxBehavior = () => oneOf(['exclusive', 'inclusive', 'unspecified']);

/** The amount and recurrence fields every way of creating a price shares. */
const amountFields = {
  currency: required(currencyParam()),
  // Capped per currency by checkUnitAmount.
  unit_amount: int({ min: 0, max: LARGEST_MAXIMUM }),
  unit_amount_decimal: decimalAmount(),
  tax_behavior: taxBehavior(),
};

/**
 * A price's amount may not pass Stripe's maximum charge in its currency (99,999,999 in the
 * smallest unit, more for IDR, COP and INR), refused as the amount params are. Errors are named
 * under `param` (`line_items[0][price_data]`).
 */
export function checkUnitAmount(
  p: { currency: string; unit_amount?: number | undefined; unit_amount_decimal?: string | undefined },
  param?: string,
): void {
  const max = maximumChargeAmount(p.currency);
  const named = (key: string) => (param ? `${param}[${key}]` : key);
  if (p.unit_amount !== undefined && p.unit_amount > max) {
    throw errors.invalid(`Invalid ${named('unit_amount')}: must be less than or equal to ${max}`, named('unit_amount'), 'parameter_invalid_integer');
  }
  if (p.unit_amount_decimal !== undefined && Number(p.unit_amount_decimal) > max) {
    throw errors.invalid(`Invalid decimal: ${p.unit_amount_decimal}`, named('unit_amount_decimal'), 'parameter_invalid_decimal');
  }
}

export const priceCreateShape = {
  ...amountFields,
  product: str({ max: 5000 }),
  product_data: obj(productDataShape),
  recurring: obj({
    interval: required(interval()),
    interval_count: int({ min: 1 }),
    trial_period_days: int({ min: 0, max: 730 }),
    usage_type: oneOf(['licensed']),
  }),
  active: bool(),
  billing_scheme: oneOf(['per_unit']),
  lookup_key: str({ max: 200 }),
  transfer_lookup_key: bool(),
  nickname: str({ max: 5000 }),
  metadata: metadata(),
};
export type PriceCreateParams = InferShape<typeof priceCreateShape>;

/** Checkout's `line_items[][price_data]` (an inline price, created inactive). */
export const priceDataShape = {
  ...amountFields,
  product: str({ max: 5000 }),
  product_data: obj(productDataShape),
  recurring: obj({ interval: required(interval()), interval_count: int({ min: 1 }) }),
};
export type PriceDataParams = InferShape<typeof priceDataShape>;

/** A product's `default_price_data`. */
export const defaultPriceDataShape = {
  ...amountFields,
  recurring: obj({ interval: required(interval()), interval_count: int({ min: 1 }) }),
  metadata: metadata(),
};

export const priceUpdateShape = {
  active: bool(),
  lookup_key: str({ max: 200 }),
  transfer_lookup_key: bool(),
  metadata: metadata(),
  nickname: str({ max: 5000 }),
  tax_behavior: taxBehavior(),
};

export const priceListShape = {
  ...listParams,
  active: bool(),
  currency: currencyParam(),
  lookup_keys: arr(str({ max: 200 }), { max: 10 }),
  product: str({ max: 5000 }),
  recurring: obj({ interval: interval(), usage_type: oneOf(['licensed', 'metered']) }),
  type: oneOf(['one_time', 'recurring']),
};
