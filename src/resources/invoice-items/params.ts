import { currencyParam } from '../../money/currencies.js';
import { bool, int, metadata, nullableStr, obj, oneOf, required, str } from '../../api/params.js';
import { listParams } from '../../api/list.js';
import { accepted, discountsParam, idList } from '../invoices/params.js';

/** What create and update share (stripe-node 23 `InvoiceItemCreateParams`, `InvoiceItemUpdateParams`). */
const writable = {
  amount: int(),
  description: nullableStr({ max: 5000 }),
  discountable: bool(),
  discounts: discountsParam(),
  metadata: metadata(),
  period: obj({ end: required(int()), start: required(int()) }),
  price_data: accepted(),
  pricing: obj({ price: str({ max: 5000 }) }),
  quantity: int({ min: 0 }),
  quantity_decimal: accepted(),
  tax_behavior: oneOf(['exclusive', 'inclusive', 'unspecified'] as const),
  tax_code: accepted(),
  tax_rates: idList(),
  unit_amount_decimal: str({ max: 30, pattern: /^\d{1,15}(\.\d{1,12})?$/ }),
};

export const itemCreateShape = {
  ...writable,
  currency: currencyParam(),
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  invoice: str({ max: 5000 }),
  subscription: str({ max: 5000 }),
};

export const itemUpdateShape = writable;

export const itemListShape = {
  ...listParams,
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  invoice: str({ max: 5000 }),
  pending: bool(),
};
