/** The params of `/v1/promotion_codes`, with Stripe's names and checks (stripe-node 23 `PromotionCodeCreateParams`). */
import { listParams } from '../../api/list.js';
import { bool, int, metadata, obj, oneOf, required, str } from '../../api/params.js';
import { currencyMap } from '../coupons/params.js';
import { MAX_UNIT_AMOUNT } from '../prices/params.js';
import { currencyParam } from '../../money/currencies.js';

const minimumAmount = () => int({ min: 0, max: MAX_UNIT_AMOUNT });
/** `restrictions[currency_options][<currency>][minimum_amount]`: minimums in other currencies. */
const restrictionCurrencyOptions = () => currencyMap(obj({ minimum_amount: required(minimumAmount()) }));

/** Stripe: letters, digits and dashes, unique regardless of case among the account's active codes. */
const CODE = /^[A-Za-z0-9-]+$/;

export const promotionCodeCreateShape = {
  promotion: obj({ type: required(oneOf(['coupon'])), coupon: str({ max: 5000 }) }),
  // API versions before `promotion` took the coupon at the top level; older SDKs and the Stripe
  // CLI's trigger fixtures still send it, and any Stripe-Version is accepted (docs/decisions.md#wire-protocol).
  coupon: str({ max: 5000 }),
  code: str({ max: 500, pattern: CODE, patternMessage: 'Invalid code: a promotion code may contain only letters (a-z, A-Z), digits (0-9) and dashes (-).' }),
  active: bool(),
  customer: str({ max: 5000 }),
  expires_at: int({ min: 1 }),
  max_redemptions: int({ min: 1 }),
  restrictions: obj({
    currency_options: restrictionCurrencyOptions(),
    first_time_transaction: bool(),
    minimum_amount: minimumAmount(),
    minimum_amount_currency: currencyParam(),
  }),
  metadata: metadata(),
};

export const promotionCodeUpdateShape = {
  active: bool(),
  metadata: metadata(),
  restrictions: obj({ currency_options: restrictionCurrencyOptions() }),
};

export const promotionCodeListShape = {
  ...listParams,
  active: bool(),
  code: str({ max: 500 }),
  coupon: str({ max: 5000 }),
  customer: str({ max: 5000 }),
};
