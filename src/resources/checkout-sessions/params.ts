import { errors } from '../../api/errors.js';
import type { FormObject, FormValue } from '../../api/form.js';
import { arr, bool, int, metadata, obj, oneOf, required, str, unset, type Field, type InferShape } from '../../api/params.js';
import { requirePaymentMethodType } from '../../payment-method-types/index.js';
import { currencyParam } from '../../money/currencies.js';
import { emailParam } from '../shared/params.js';
import { paymentMethodOptionsShape } from './params-pmo.js';
import { country, decimal, storedShape, urlParam } from './params-stored.js';

export { urlParam };

export const REDISPLAY = ['always', 'limited', 'unspecified'] as const;
const LOCALES = [
  'auto', 'bg', 'cs', 'da', 'de', 'el', 'en', 'en-GB', 'es', 'es-419', 'et', 'fi', 'fil', 'fr', 'fr-CA', 'hi-IN', 'hr', 'hu', 'id', 'it',
  'ja', 'ko', 'lt', 'lv', 'ms', 'mt', 'nb', 'nl', 'pl', 'pt', 'pt-BR', 'ro', 'ru', 'sk', 'sl', 'sv', 'th', 'tr', 'vi', 'zh', 'zh-HK', 'zh-TW',
] as const;

/** A payment method type the hosted page takes (one with a module); others are refused naming the param. */
function pmType(): Field<string | undefined> {
  const base = str({ max: 100 });
  return {
    parse(value: FormValue | undefined, param: string) {
      const s = base.parse(value, param);
      if (s !== undefined) requirePaymentMethodType(s, param);
      return s;
    },
  };
}

/**
 * Nested params validated later by the service that owns them: `price_data` by prices, whose
 * `currency` is checked there with the same currencyParam() as the session's own `currency`.
 */
const passthrough: Field<FormValue | undefined> = { parse: (value) => value };

const taxDetails = obj({ performance_location: str({ max: 5000 }), tax_code: str({ max: 5000 }) });

/**
 * `price_data`, handed to prices as sent, but for `product_data.tax_details` (stripe-node 23),
 * which prices do not know: validated here and dropped, since OpenCheckout's tax does not read it.
 */
const priceData: Field<FormValue | undefined> = {
  parse(value, param) {
    if (value === undefined || typeof value !== 'object' || Array.isArray(value)) return value;
    const product = value.product_data;
    if (product === undefined || typeof product !== 'object' || Array.isArray(product) || product.tax_details === undefined) return value;
    taxDetails.parse(product.tax_details, `${param}[product_data][tax_details]`);
    const { tax_details: _dropped, ...rest } = product;
    return { ...value, product_data: rest };
  },
};

/** Shipping details (`payment_intent_data.shipping`), Stripe's `ShippingParam`. */
const shipping = obj({
  address: required(
    obj({ line1: required(str({ max: 5000 })), city: str({ max: 5000 }), country: country(), line2: str({ max: 5000 }), postal_code: str({ max: 5000 }), state: str({ max: 5000 }) }),
  ),
  carrier: str({ max: 5000 }),
  name: required(str({ max: 5000 })),
  phone: str({ max: 5000 }),
  tracking_number: str({ max: 5000 }),
});

/** An invoice's settings (`invoice_creation.invoice_data`, `subscription_data.invoice_settings`). */
const invoiceFields = {
  account_tax_ids: unset(arr(str({ max: 5000 }), { max: 25 })),
  custom_fields: unset(arr(obj({ name: required(str({ max: 40 })), value: required(str({ max: 140 })) }), { max: 4 })),
  description: str({ max: 1500 }),
  footer: str({ max: 5000 }),
  issuer: obj({ account: str({ max: 5000 }), type: required(oneOf(['account', 'self'])) }),
};

/** Every `checkout.sessions.create` param OpenCheckout honours (docs/decisions.md#checkout-session-parameters), in Stripe's names. */
export const createShape = {
  mode: required(oneOf(['payment', 'subscription', 'setup'])),
  customer: str({ max: 5000 }),
  customer_email: emailParam(),
  customer_creation: oneOf(['always', 'if_required']),
  line_items: arr(
    obj({
      price: str({ max: 5000 }),
      price_data: priceData,
      quantity: int({ min: 1, max: 999_999 }),
      adjustable_quantity: obj({ enabled: bool(), minimum: int(), maximum: int() }),
      metadata: metadata(),
      tax_rates: arr(str({ max: 5000 }), { max: 5 }),
      dynamic_tax_rates: arr(str({ max: 5000 }), { max: 5 }),
      // The line shape of older API versions, still in the Stripe CLI's fixtures: read as price_data.
      name: str({ max: 5000 }),
      amount: int({ min: 0 }),
      currency: currencyParam(),
      description: str({ max: 5000 }),
      images: arr(str({ max: 2048 }), { max: 8 }),
    }),
    { max: 100 },
  ),
  success_url: urlParam(),
  cancel_url: urlParam(),
  return_url: urlParam(),
  billing_address_collection: oneOf(['auto', 'required']),
  shipping_address_collection: obj({ allowed_countries: required(arr(country(), { max: 250 })) }),
  payment_method_types: arr(pmType(), { max: 20 }),
  allowed_payment_method_types: arr(pmType(), { max: 20 }),
  saved_payment_method_options: obj({
    allow_redisplay_filters: arr(oneOf(REDISPLAY), { max: 3 }),
    payment_method_save: oneOf(['enabled', 'disabled']),
    payment_method_remove: oneOf(['enabled', 'disabled']),
  }),
  payment_method_data: obj({ allow_redisplay: oneOf(REDISPLAY) }),
  payment_method_collection: oneOf(['always', 'if_required']),
  payment_intent_data: obj({
    setup_future_usage: oneOf(['on_session', 'off_session']),
    metadata: metadata(),
    description: str({ max: 1000 }),
    receipt_email: emailParam(),
    statement_descriptor: str({ max: 22 }),
    statement_descriptor_suffix: str({ max: 22 }),
    capture_method: oneOf(['automatic', 'automatic_async', 'manual']),
    shipping,
    // Connect: checked and put on the PaymentIntent; no money moves offline (docs/decisions.md#payment-intent-data-from-checkout).
    application_fee_amount: int({ min: 0 }),
    on_behalf_of: str({ max: 5000 }),
    transfer_data: obj({ amount: int({ min: 0 }), destination: required(str({ max: 5000 })) }),
    transfer_group: str({ max: 5000 }),
  }),
  subscription_data: obj({
    metadata: metadata(),
    description: str({ max: 500 }),
    default_tax_rates: arr(str({ max: 5000 }), { max: 5 }),
    // Acted on at completion (docs/decisions.md#subscription-data-from-checkout).
    billing_cycle_anchor: int({ min: 0 }),
    billing_cycle_anchor_config: obj({
      day_of_month: required(int({ min: 1, max: 31 })),
      hour: int({ min: 0, max: 23 }),
      minute: int({ min: 0, max: 59 }),
      month: int({ min: 1, max: 12 }),
      second: int({ min: 0, max: 59 }),
    }),
    billing_mode: obj({ flexible: obj({ proration_discounts: oneOf(['included', 'itemized']) }), type: required(oneOf(['classic', 'flexible'])) }),
    invoice_settings: obj(invoiceFields),
    pending_invoice_item_interval: obj({ interval: required(oneOf(['day', 'month', 'week', 'year'])), interval_count: int({ min: 1, max: 365 }) }),
    proration_behavior: oneOf(['none', 'create_prorations']),
    trial_end: int({ min: 0 }),
    trial_period_days: int({ min: 1, max: 730 }),
    trial_settings: obj({ end_behavior: required(obj({ missing_payment_method: required(oneOf(['cancel', 'create_invoice', 'pause'])) })) }),
    // Connect.
    application_fee_percent: decimal({ min: 0, max: 100 }),
    on_behalf_of: str({ max: 5000 }),
    transfer_data: obj({ amount_percent: decimal({ min: 0, max: 100 }), destination: required(str({ max: 5000 })) }),
  }),
  setup_intent_data: obj({ metadata: metadata(), description: str({ max: 1000 }), on_behalf_of: str({ max: 5000 }) }),
  metadata: metadata(),
  client_reference_id: str({ max: 200 }),
  expires_at: int(),
  locale: oneOf(LOCALES),
  currency: currencyParam(),
  submit_type: oneOf(['auto', 'book', 'donate', 'pay', 'subscribe']),
  phone_number_collection: obj({ enabled: required(bool()) }),
  allow_promotion_codes: bool(),
  discounts: arr(obj({ coupon: str({ max: 5000 }), promotion_code: str({ max: 5000 }) }), { max: 1 }),
  automatic_tax: obj({ enabled: required(bool()), liability: obj({ type: required(oneOf(['account', 'self'])), account: str({ max: 5000 }) }) }),
  shipping_options: arr(obj({ shipping_rate: str({ max: 5000 }), shipping_rate_data: passthrough }), { max: 5 }),
  invoice_creation: obj({
    enabled: required(bool()),
    invoice_data: obj({
      ...invoiceFields,
      metadata: metadata(),
      rendering_options: unset(obj({ amount_tax_display: unset(oneOf(['exclude_tax', 'include_inclusive_tax'])), template: str({ max: 5000 }) })),
    }),
  }),
  payment_method_options: paymentMethodOptionsShape,
  ...storedShape,
  // stripe-node 23's names, and the older ones the API still takes (docs/decisions.md#embedded-checkout).
  ui_mode: oneOf(['hosted_page', 'embedded_page', 'elements', 'form', 'hosted', 'embedded', 'custom']),
};

/**
 * A line in the shape of older API versions (`name`, `amount`, `currency`, the Stripe CLI's
 * fixtures still send it), as the `price_data` it stands for.
 */
export function legacyPriceData(item: NonNullable<InferShape<typeof createShape>['line_items']>[number], param: string): FormObject {
  if (item.name === undefined) throw errors.missingParam(`${param}[name]`);
  if (item.amount === undefined) throw errors.missingParam(`${param}[amount]`);
  if (item.currency === undefined) throw errors.missingParam(`${param}[currency]`);
  const product: FormObject = { name: item.name };
  if (item.description !== undefined) product.description = item.description;
  if (item.images !== undefined) product.images = item.images;
  return { currency: item.currency, unit_amount: String(item.amount), product_data: product };
}
