import { errors } from '../../api/errors.js';
import type { FormValue } from '../../api/form.js';
import { arr, bool, int, metadata, obj, oneOf, required, str, type Field } from '../../api/params.js';
import { requirePaymentMethodType } from '../../payment-method-types/index.js';
import { currencyParam } from '../../money/currencies.js';
import { emailParam } from '../shared/params.js';

export const REDISPLAY = ['always', 'limited', 'unspecified'] as const;
const LOCALES = [
  'auto', 'bg', 'cs', 'da', 'de', 'el', 'en', 'en-GB', 'es', 'es-419', 'et', 'fi', 'fil', 'fr', 'fr-CA', 'hi-IN', 'hr', 'hu', 'id', 'it',
  'ja', 'ko', 'lt', 'lv', 'ms', 'mt', 'nb', 'nl', 'pl', 'pt', 'pt-BR', 'ro', 'ru', 'sk', 'sl', 'sv', 'th', 'tr', 'vi', 'zh', 'zh-HK', 'zh-TW',
] as const;

/** An absolute http(s) URL, as Stripe requires for success_url and cancel_url. */
export function urlParam(): Field<string | undefined> {
  const base = str({ max: 5000 });
  return {
    parse(value, param) {
      const s = base.parse(value, param);
      if (s === undefined) return undefined;
      let ok = false;
      try {
        const u = new URL(s.replaceAll('{CHECKOUT_SESSION_ID}', 'x'));
        ok = u.protocol === 'http:' || u.protocol === 'https:';
      } catch {
        ok = false;
      }
      if (!ok) throw errors.invalid('Not a valid URL', param, 'url_invalid');
      return s;
    },
  };
}

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

const country = () =>
  ({
    parse(value: FormValue | undefined, param: string) {
      const s = str({ max: 2 }).parse(value, param);
      if (s !== undefined && !/^[A-Z]{2}$/.test(s)) throw errors.invalid(`Invalid ${param}: must be a two-letter ISO country code`, param);
      return s;
    },
  }) satisfies Field<string | undefined>;

/**
 * Nested params validated later by the service that owns them: `price_data` by prices, whose
 * `currency` is checked there with the same currencyParam() as the session's own `currency`.
 */
const passthrough: Field<FormValue | undefined> = { parse: (value) => value };

/** Every `checkout.sessions.create` param OpenCheckout honours (docs/decisions.md#checkout-session-parameters), in Stripe's names. */
export const createShape = {
  mode: required(oneOf(['payment', 'subscription', 'setup'])),
  customer: str({ max: 5000 }),
  customer_email: emailParam(),
  customer_creation: oneOf(['always', 'if_required']),
  line_items: arr(
    obj({
      price: str({ max: 5000 }),
      price_data: passthrough,
      quantity: int({ min: 1, max: 999_999 }),
      adjustable_quantity: obj({ enabled: bool(), minimum: int(), maximum: int() }),
      metadata: metadata(),
      tax_rates: arr(str({ max: 5000 }), { max: 5 }),
      dynamic_tax_rates: arr(str({ max: 5000 }), { max: 5 }),
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
    capture_method: oneOf(['automatic', 'automatic_async']),
  }),
  subscription_data: obj({ metadata: metadata(), description: str({ max: 500 }), default_tax_rates: arr(str({ max: 5000 }), { max: 5 }) }),
  setup_intent_data: obj({ metadata: metadata(), description: str({ max: 1000 }) }),
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
  invoice_creation: obj({ enabled: required(bool()) }),
  ui_mode: oneOf(['hosted', 'hosted_page']),
};
