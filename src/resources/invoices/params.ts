/** The params of `/v1/invoices` and their lines, as stripe-node 23 declares them (docs/decisions.md#invoices). */
import { currencyParam } from '../../money/currencies.js';
import type { FormValue } from '../../api/form.js';
import { arr, bool, int, metadata, nullableStr, obj, oneOf, required, str, type Field } from '../../api/params.js';
import { listParams, range } from '../../api/list.js';
import { paymentSettingsParam } from './params-payment-settings.js';

/**
 * A param Stripe accepts whose effect OpenCheckout does not model (Connect, automatic tax,
 * rendering, ...): taken as sent, so an integration sending it is not refused.
 */
export function accepted(): Field<FormValue | undefined> {
  return { parse: (value) => value };
}

/** `discounts[]`: a coupon, a promotion code or an existing discount; `discounts=` clears them. */
export const discountsParam = () => arr(obj({ coupon: str({ max: 5000 }), discount: str({ max: 5000 }), promotion_code: str({ max: 5000 }) }));

/** `custom_fields[]` (at most 4); `custom_fields=` clears them. */
export const customFieldsParam = () => arr(obj({ name: required(str({ max: 40 })), value: required(str({ max: 140 })) }), { max: 4 });

/** `tax_rates[]`-like lists of ids; `x=` clears them. */
export const idList = () => arr(str({ max: 5000 }));

const COLLECTION = ['charge_automatically', 'send_invoice'] as const;

/** What create and update share. */
const writable = {
  account_tax_ids: accepted(),
  application_fee_amount: int({ min: 0 }),
  auto_advance: bool(),
  automatic_tax: obj({ enabled: required(bool()), liability: accepted() }),
  automatically_finalizes_at: int({ min: 0 }),
  collection_method: oneOf(COLLECTION),
  custom_fields: customFieldsParam(),
  days_until_due: int({ min: 0, max: 3650 }),
  default_payment_method: nullableStr({ max: 5000 }),
  default_source: accepted(),
  default_tax_rates: idList(),
  description: nullableStr({ max: 1500 }),
  discounts: discountsParam(),
  due_date: int({ min: 0 }),
  effective_at: int({ min: 0 }),
  footer: nullableStr({ max: 5000 }),
  issuer: accepted(),
  metadata: metadata(),
  number: nullableStr({ max: 26 }),
  on_behalf_of: accepted(),
  payment_settings: paymentSettingsParam(),
  rendering: accepted(),
  shipping_cost: accepted(),
  shipping_details: accepted(),
  statement_descriptor: nullableStr({ max: 22 }),
  transfer_data: accepted(),
};

export const invoiceCreateShape = {
  ...writable,
  currency: currencyParam(),
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  from_invoice: accepted(),
  pending_invoice_items_behavior: oneOf(['exclude', 'include'] as const),
  subscription: str({ max: 5000 }),
};

export const invoiceUpdateShape = writable;

export const invoiceListShape = {
  ...listParams,
  collection_method: oneOf(COLLECTION),
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  due_date: range(),
  status: oneOf(['draft', 'open', 'paid', 'uncollectible', 'void'] as const),
  subscription: str({ max: 5000 }),
};

/** A line's writable fields (`add_lines`, `update_lines`, `POST /v1/invoices/:id/lines/:id`). */
export const lineShape = {
  amount: int(),
  description: str({ max: 5000 }),
  discountable: bool(),
  discounts: discountsParam(),
  metadata: metadata(),
  period: obj({ end: required(int()), start: required(int()) }),
  price_data: accepted(),
  pricing: obj({ price: str({ max: 5000 }) }),
  quantity: int({ min: 0 }),
  quantity_decimal: accepted(),
  tax_amounts: accepted(),
  tax_rates: idList(),
};

export const invoiceMetadataParam = { invoice_metadata: metadata() };
