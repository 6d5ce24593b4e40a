import { errors } from '../../api/errors.js';
import { listParams } from '../../api/list.js';
import { arr, bool, int, metadata, obj, oneOf, required, str, type Field, type InferShape } from '../../api/params.js';
import { productDataShape } from '../products/params.js';
import { currencyParam } from '../shared/params.js';

/** Stripe's cap on amounts in the smallest currency unit (8 digits). */
export const MAX_UNIT_AMOUNT = 99_999_999;

/** `unit_amount_decimal`: a decimal string with at most 12 decimal places. */
function decimalAmount(): Field<string | undefined> {
  return {
    parse(value, param) {
      const s = str({ max: 30 }).parse(value, param);
      if (s === undefined) return undefined;
      if (!/^\d{1,8}(\.\d{1,12})?$/.test(s) || Number(s) > MAX_UNIT_AMOUNT) {
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
  unit_amount: int({ min: 0, max: MAX_UNIT_AMOUNT }),
  unit_amount_decimal: decimalAmount(),
  tax_behavior: taxBehavior(),
};

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
