import { errors } from '../../api/errors.js';
import { bool, int, metadata, obj, oneOf, required, str, type Field, type InferShape } from '../../api/params.js';
import { listParams } from '../../api/list.js';
import { currencyParam, DEFAULT_MAXIMUM } from '../../money/currencies.js';
import type { ShippingTaxBehavior } from './shape.js';

const taxBehavior = () => oneOf<ShippingTaxBehavior>(['exclusive', 'inclusive', 'unspecified']);
/** A shipping amount: eight digits at most in the smallest unit, Stripe's cap for most currencies. */
const amount = () => int({ min: 0, max: DEFAULT_MAXIMUM });

export interface CurrencyOptionParams {
  amount?: number | undefined;
  tax_behavior?: ShippingTaxBehavior | undefined;
}

/**
 * `fixed_amount[currency_options][<currency>][amount|tax_behavior]`: a hash keyed by currency
 * codes (lowercased as served). On create each option needs its `amount`.
 */
function currencyOptions(amountRequired: boolean): Field<Record<string, CurrencyOptionParams> | undefined> {
  const option = obj({ amount: amountRequired ? required(amount()) : amount(), tax_behavior: taxBehavior() });
  const currency = currencyParam();
  return {
    parse(value, param) {
      if (value === undefined) return undefined;
      if (typeof value !== 'object' || Array.isArray(value)) throw errors.invalid(`Invalid object: ${param} must be a hash`, param, 'parameter_invalid_object');
      const out: Record<string, CurrencyOptionParams> = Object.create(null) as Record<string, CurrencyOptionParams>;
      for (const [key, v] of Object.entries(value)) {
        const code = currency.parse(key, `${param}[${key}]`) as string;
        out[code] = option.parse(v, `${param}[${key}]`) as CurrencyOptionParams;
      }
      return out;
    },
  };
}

const bound = () => obj({ unit: required(oneOf(['business_day', 'day', 'hour', 'month', 'week'])), value: required(int({ min: 1 })) });

/** `POST /v1/shipping_rates`, and Checkout's `shipping_options[][shipping_rate_data]` (the same fields). */
export const shippingRateCreateShape = {
  display_name: required(str({ max: 100 })),
  delivery_estimate: obj({ maximum: bound(), minimum: bound() }),
  fixed_amount: obj({ amount: required(amount()), currency: required(currencyParam()), currency_options: currencyOptions(true) }),
  metadata: metadata(),
  tax_behavior: taxBehavior(),
  tax_code: str({ max: 5000 }),
  type: oneOf(['fixed_amount']),
};
export type ShippingRateCreateParams = InferShape<typeof shippingRateCreateShape>;

export const shippingRateUpdateShape = {
  active: bool(),
  fixed_amount: obj({ currency_options: currencyOptions(false) }),
  metadata: metadata(),
  tax_behavior: taxBehavior(),
};

export const shippingRateListShape = { ...listParams, active: bool(), currency: currencyParam() };
