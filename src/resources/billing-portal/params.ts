/**
 * The params of `billing_portal.configurations.create`/`.update` and `billing_portal.sessions.create`,
 * as stripe-node 23.1.0 types them (`BillingPortal.ConfigurationCreateParams`, `...UpdateParams`,
 * `SessionCreateParams`). `Emptyable` params take `''` to unset.
 */
import { arr, bool, expand, int, metadata, nullableStr, obj, oneOf, required, str, unset, type InferShape } from '../../api/params.js';
import { urlParam } from '../checkout-sessions/params-stored.js';

export const ALLOWED_UPDATES = ['address', 'email', 'name', 'phone', 'shipping', 'tax_id'] as const;
export const CANCELLATION_REASONS = ['customer_service', 'low_quality', 'missing_features', 'other', 'switched_service', 'too_complex', 'too_expensive', 'unused'] as const;
const PRORATION = ['always_invoice', 'create_prorations', 'none'] as const;

const features = (createSide: boolean) => {
  const enabled = createSide ? required(bool()) : bool();
  return obj({
    customer_update: obj({ allowed_updates: unset(arr(oneOf(ALLOWED_UPDATES), { max: 6 })), enabled }),
    invoice_history: obj({ enabled: required(bool()) }),
    payment_method_update: obj({ enabled: required(bool()), payment_method_configuration: nullableStr({ max: 5000 }) }),
    subscription_cancel: obj({
      cancellation_reason: obj({
        enabled: required(bool()),
        feedback_options: unset(arr(str({ max: 5000 }), { max: 8 })),
        options: createSide ? required(unset(arr(oneOf(CANCELLATION_REASONS), { max: 8 }))) : unset(arr(oneOf(CANCELLATION_REASONS), { max: 8 })),
      }),
      enabled,
      mode: oneOf(['at_period_end', 'immediately'] as const),
      proration_behavior: oneOf(PRORATION),
    }),
    subscription_pause: obj({
      duration: obj({
        interval_options: unset(arr(obj({ interval: required(oneOf(['day', 'month', 'week', 'year'] as const)), interval_count: required(int({ min: 1, max: 365 })) }), { max: 10 })),
        type: required(oneOf(['indefinite', 'interval_options'] as const)),
      }),
      enabled: bool(),
    }),
    subscription_update: obj({
      billing_cycle_anchor: oneOf(['now', 'unchanged'] as const),
      default_allowed_updates: unset(arr(oneOf(['price', 'promotion_code', 'quantity'] as const), { max: 3 })),
      enabled,
      products: unset(
        arr(
          obj({
            adjustable_quantity: obj({ enabled: required(bool()), maximum: int({ min: 1, max: 99 }), minimum: int({ min: 0, max: 99 }) }),
            prices: required(arr(str({ max: 5000 }), { max: 10 })),
            product: required(str({ max: 5000 })),
          }),
          { max: 10 },
        ),
      ),
      proration_behavior: oneOf(PRORATION),
      schedule_at_period_end: obj({ conditions: unset(arr(obj({ type: required(oneOf(['decreasing_item_amount', 'shortening_interval'] as const)) }), { max: 2 })) }),
      trial_update_behavior: oneOf(['continue_trial', 'end_trial'] as const),
    }),
  });
};

export const configurationCreateShape = {
  business_profile: obj({ headline: nullableStr({ max: 60 }), privacy_policy_url: urlParam(), terms_of_service_url: urlParam() }),
  default_return_url: unset(urlParam()),
  expand: expand(),
  features: required(features(true)),
  login_page: obj({ enabled: required(bool()) }),
  metadata: metadata(),
  name: nullableStr({ max: 256 }),
};

export const configurationUpdateShape = {
  active: bool(),
  business_profile: obj({ headline: nullableStr({ max: 60 }), privacy_policy_url: unset(urlParam()), terms_of_service_url: unset(urlParam()) }),
  default_return_url: unset(urlParam()),
  expand: expand(),
  features: features(false),
  login_page: obj({ enabled: required(bool()) }),
  metadata: metadata(),
  name: nullableStr({ max: 256 }),
};

export type FeaturesParams = NonNullable<InferShape<typeof configurationUpdateShape>['features']>;

/** Stripe's portal locales (`SessionCreateParams.Locale`). */
export const PORTAL_LOCALES = [
  'auto', 'bg', 'cs', 'da', 'de', 'el', 'en', 'en-AU', 'en-CA', 'en-GB', 'en-IE', 'en-IN', 'en-NZ', 'en-SG', 'es', 'es-419', 'et', 'fi', 'fil', 'fr', 'fr-CA', 'hr', 'hu', 'id', 'it', 'ja', 'ko',
  'lt', 'lv', 'ms', 'mt', 'nb', 'nl', 'pl', 'pt', 'pt-BR', 'ro', 'ru', 'sk', 'sl', 'sv', 'th', 'tr', 'vi', 'zh', 'zh-HK', 'zh-TW',
] as const;

export const FLOW_TYPES = ['customer_update', 'payment_method_update', 'subscription_cancel', 'subscription_pause', 'subscription_update', 'subscription_update_confirm'] as const;

export const sessionCreateShape = {
  after_expiration: obj({ customer_login: obj({ expires_at: int({ min: 0 }) }), type: required(oneOf(['customer_login'] as const)) }),
  configuration: str({ max: 5000 }),
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  expand: expand(),
  flow_data: obj({
    after_completion: obj({
      hosted_confirmation: obj({ custom_message: str({ max: 500 }) }),
      redirect: obj({ return_url: required(urlParam()) }),
      type: required(oneOf(['hosted_confirmation', 'portal_homepage', 'redirect'] as const)),
    }),
    subscription_cancel: obj({
      retention: obj({ coupon_offer: required(obj({ coupon: required(str({ max: 5000 })) })), type: required(oneOf(['coupon_offer'] as const)) }),
      subscription: required(str({ max: 5000 })),
    }),
    subscription_pause: obj({ subscription: required(str({ max: 5000 })) }),
    subscription_update: obj({ subscription: required(str({ max: 5000 })) }),
    subscription_update_confirm: obj({
      discounts: arr(obj({ coupon: str({ max: 5000 }), promotion_code: str({ max: 5000 }) }), { max: 1 }),
      items: required(arr(obj({ id: required(str({ max: 5000 })), price: str({ max: 5000 }), quantity: int({ min: 0 }) }), { max: 1 })),
      subscription: required(str({ max: 5000 })),
    }),
    type: required(oneOf(FLOW_TYPES)),
  }),
  locale: oneOf(PORTAL_LOCALES),
  on_behalf_of: str({ max: 5000 }),
  return_url: urlParam(),
};
export type SessionCreateParams = InferShape<typeof sessionCreateShape>;
