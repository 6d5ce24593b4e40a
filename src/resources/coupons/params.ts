/** The params of `/v1/coupons`, with Stripe's names and checks (stripe-node 23 `CouponCreateParams`). */
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { listParams } from '../../api/list.js';
import { arr, int, metadata, obj, oneOf, required, str, type Field, type InferShape } from '../../api/params.js';
import { MAX_UNIT_AMOUNT } from '../prices/params.js';
import { currencyParam } from '../../money/currencies.js';

/**
 * A hash keyed by currency (`currency_options[eur][amount_off]=900`): each key a currency code
 * (lowercased), each value the hash `inner` describes. Coupons and promotion codes both take one.
 */
export function currencyMap<T>(inner: Field<T | undefined>): Field<Record<string, T> | undefined> {
  const currency = currencyParam();
  return {
    parse(value, param) {
      if (value === undefined) return undefined;
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw errors.invalid(`Invalid object: ${param} must be a hash`, param, 'parameter_invalid_object');
      }
      const out: Record<string, T> = Object.create(null) as Record<string, T>;
      for (const [key, v] of Object.entries(value as FormObject)) {
        const code = currency.parse(key, `${param}[${key}]`) as string;
        const parsed = inner.parse(v, `${param}[${key}]`);
        if (parsed === undefined) throw errors.missingParam(`${param}[${key}]`);
        out[code] = parsed;
      }
      return out;
    },
  };
}

/** `percent_off`: a number above 0 and at most 100, with at most two decimals. */
function percent(): Field<number | undefined> {
  const base = str({ max: 30 });
  return {
    parse(value, param) {
      const s = base.parse(value, param);
      if (s === undefined) return undefined;
      if (!/^\d{1,15}(\.\d{1,15})?$/.test(s)) throw errors.invalid(`Invalid decimal: ${s}`, param, 'parameter_invalid_decimal');
      const n = Number(s);
      if (!(n > 0 && n <= 100)) {
        throw errors.invalid(`Invalid ${param}: must be greater than 0 and less than or equal to 100`, param, 'parameter_invalid_decimal');
      }
      if (!/^\d+(\.\d{1,2})?$/.test(s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''))) {
        throw errors.invalid(`Invalid ${param}: must have at most 2 decimal places`, param, 'parameter_invalid_decimal');
      }
      return n;
    },
  };
}

const amount = () => int({ min: 1, max: MAX_UNIT_AMOUNT });
/** `currency_options[<currency>][amount_off]`: the amount off in other currencies. */
const couponCurrencyOptions = () => currencyMap(obj({ amount_off: required(amount()) }));

/** Stripe shows a coupon's name on invoices and receipts, and caps it at 40 characters. */
const name = () => str({ max: 40 });

export const couponCreateShape = {
  id: str({ max: 5000 }),
  percent_off: percent(),
  amount_off: amount(),
  currency: currencyParam(),
  currency_options: couponCurrencyOptions(),
  duration: oneOf(['forever', 'once', 'repeating']),
  duration_in_months: int({ min: 1 }),
  max_redemptions: int({ min: 1 }),
  redeem_by: int({ min: 1 }),
  applies_to: obj({ products: arr(str({ max: 5000 }), { max: 100 }) }),
  name: name(),
  metadata: metadata(),
};
export type CouponCreateParams = InferShape<typeof couponCreateShape>;

export const couponUpdateShape = {
  name: name(),
  metadata: metadata(),
  currency_options: couponCurrencyOptions(),
};

export const couponListShape = { ...listParams };
