import { arr, bool, int, metadata, obj, oneOf, required, str, unset } from '../../api/params.js';
import { currencyParam } from '../../money/currencies.js';
import { urlParam } from './params-stored.js';

/**
 * `payment_method_options` of `checkout.sessions.create`, in full: every payment method's options
 * as stripe-node 23.1.0's `SessionCreateParams.PaymentMethodOptions` types them, enums and shapes
 * included, so a misspelt key or value is refused as Stripe refuses it. OpenCheckout's page acts on
 * none of them; the session stores and returns them as sent
 * (docs/decisions.md#session-parameters-with-no-offline-effect).
 */
export const paymentMethodOptionsShape = obj({
  acss_debit: obj({
    currency: oneOf(['cad', 'usd']),
    mandate_options: obj({
      custom_mandate_url: urlParam(),
      default_for: arr(oneOf(['subscription', 'invoice']), { max: 100 }),
      interval_description: str({ max: 5000 }),
      payment_schedule: oneOf(['combined', 'interval', 'sporadic']),
      transaction_type: oneOf(['business', 'personal']),
    }),
    setup_future_usage: oneOf(['none', 'off_session', 'on_session']),
    target_date: str({ max: 5000 }),
    verification_method: oneOf(['automatic', 'instant', 'microdeposits']),
  }),
  affirm: obj({
    capture_method: oneOf(['manual']),
    setup_future_usage: oneOf(['none']),
  }),
  afterpay_clearpay: obj({
    capture_method: oneOf(['manual']),
    setup_future_usage: oneOf(['none']),
  }),
  alipay: obj({
    setup_future_usage: oneOf(['none']),
  }),
  alma: obj({
    capture_method: oneOf(['manual']),
  }),
  amazon_pay: obj({
    capture_method: oneOf(['manual']),
    setup_future_usage: oneOf(['none', 'off_session']),
  }),
  au_becs_debit: obj({
    setup_future_usage: oneOf(['none']),
    target_date: str({ max: 5000 }),
  }),
  bacs_debit: obj({
    mandate_options: obj({
      reference_prefix: str({ max: 5000 }),
    }),
    setup_future_usage: oneOf(['none', 'off_session', 'on_session']),
    target_date: str({ max: 5000 }),
  }),
  bancontact: obj({
    setup_future_usage: oneOf(['none', 'off_session']),
  }),
  billie: obj({
    capture_method: oneOf(['manual']),
  }),
  blik: obj({
    mandate_options: obj({
      expires_at: int({ min: 0 }),
    }),
    setup_future_usage: unset(oneOf(['none', 'off_session'])),
  }),
  boleto: obj({
    expires_after_days: int({ min: 0 }),
    setup_future_usage: oneOf(['none', 'off_session', 'on_session']),
  }),
  card: obj({
    capture_method: oneOf(['manual']),
    installments: obj({
      enabled: bool(),
    }),
    request_extended_authorization: oneOf(['never', 'if_available']),
    request_incremental_authorization: oneOf(['never', 'if_available']),
    request_multicapture: oneOf(['never', 'if_available']),
    request_overcapture: oneOf(['never', 'if_available']),
    request_three_d_secure: oneOf(['automatic', 'any', 'challenge']),
    restrictions: obj({
      brands_blocked: arr(oneOf(['american_express', 'discover_global_network', 'mastercard', 'visa']), { max: 100 }),
      funding_types_blocked: arr(oneOf(['credit', 'debit', 'prepaid']), { max: 100 }),
    }),
    setup_future_usage: oneOf(['off_session', 'on_session']),
    statement_descriptor_suffix_kana: str({ max: 5000 }),
    statement_descriptor_suffix_kanji: str({ max: 5000 }),
  }),
  cashapp: obj({
    capture_method: oneOf(['manual']),
    setup_future_usage: oneOf(['none', 'off_session', 'on_session']),
  }),
  crypto: obj({
    setup_future_usage: oneOf(['none']),
  }),
  customer_balance: obj({
    bank_transfer: obj({
      eu_bank_transfer: obj({
        // The countries Stripe's EU bank transfers are issued in.
        country: required(oneOf(['BE', 'DE', 'ES', 'FR', 'IE', 'NL'])),
      }),
      requested_address_types: arr(oneOf(['aba', 'iban', 'sepa', 'sort_code', 'spei', 'swift', 'zengin']), { max: 100 }),
      type: required(oneOf(['eu_bank_transfer', 'gb_bank_transfer', 'jp_bank_transfer', 'mx_bank_transfer', 'us_bank_transfer'])),
    }),
    funding_type: oneOf(['bank_transfer']),
    setup_future_usage: oneOf(['none']),
  }),
  demo_pay: obj({
    setup_future_usage: oneOf(['none', 'off_session']),
  }),
  eps: obj({
    setup_future_usage: oneOf(['none']),
  }),
  fpx: obj({
    setup_future_usage: oneOf(['none']),
  }),
  giropay: obj({
    setup_future_usage: oneOf(['none']),
  }),
  grabpay: obj({
    setup_future_usage: oneOf(['none']),
  }),
  ideal: obj({
    setup_future_usage: oneOf(['none']),
  }),
  kakao_pay: obj({
    capture_method: oneOf(['manual']),
    setup_future_usage: oneOf(['none', 'off_session']),
  }),
  klarna: obj({
    capture_method: oneOf(['manual']),
    setup_future_usage: oneOf(['none']),
    subscriptions: unset(arr(obj({
      interval: required(oneOf(['day', 'month', 'week', 'year'])),
      interval_count: int({ min: 0 }),
      name: str({ max: 5000 }),
      next_billing: required(obj({
        amount: required(int({ min: 0 })),
        date: required(str({ max: 5000 })),
      })),
      reference: required(str({ max: 5000 })),
    }), { max: 100 })),
  }),
  konbini: obj({
    expires_after_days: int({ min: 0 }),
    setup_future_usage: oneOf(['none']),
  }),
  kr_card: obj({
    capture_method: oneOf(['manual']),
    setup_future_usage: oneOf(['none', 'off_session']),
  }),
  link: obj({
    capture_method: oneOf(['manual']),
    setup_future_usage: oneOf(['none', 'off_session']),
  }),
  mobilepay: obj({
    capture_method: oneOf(['manual']),
    setup_future_usage: oneOf(['none']),
  }),
  multibanco: obj({
    setup_future_usage: oneOf(['none']),
  }),
  naver_pay: obj({
    capture_method: oneOf(['manual']),
    setup_future_usage: oneOf(['none', 'off_session']),
  }),
  oxxo: obj({
    expires_after_days: int({ min: 0 }),
    setup_future_usage: oneOf(['none']),
  }),
  p24: obj({
    setup_future_usage: oneOf(['none']),
    tos_shown_and_accepted: bool(),
  }),
  pay_by_bank: metadata(),
  payco: obj({
    capture_method: oneOf(['manual']),
    setup_future_usage: oneOf(['none']),
  }),
  paynow: obj({
    setup_future_usage: oneOf(['none']),
  }),
  paypal: obj({
    capture_method: unset(oneOf(['manual'])),
    preferred_locale: oneOf(['en-GB', 'cs-CZ', 'da-DK', 'de-AT', 'de-DE', 'de-LU', 'el-GR', 'en-US', 'es-ES', 'fi-FI', 'fr-BE', 'fr-FR', 'fr-LU', 'hu-HU', 'it-IT', 'nl-BE', 'nl-NL', 'pl-PL', 'pt-PT', 'sk-SK', 'sv-SE']),
    reference: str({ max: 5000 }),
    risk_correlation_id: str({ max: 5000 }),
    setup_future_usage: unset(oneOf(['none', 'off_session'])),
  }),
  payto: obj({
    mandate_options: obj({
      amount: unset(int({ min: 0 })),
      amount_type: unset(oneOf(['fixed', 'maximum'])),
      end_date: str({ max: 5000 }),
      payment_schedule: unset(oneOf(['adhoc', 'annual', 'daily', 'fortnightly', 'monthly', 'quarterly', 'semi_annual', 'weekly'])),
      payments_per_period: unset(int({ min: 0 })),
      purpose: unset(oneOf(['personal', 'dependant_support', 'government', 'loan', 'mortgage', 'other', 'pension', 'retail', 'salary', 'tax', 'utility'])),
      start_date: str({ max: 5000 }),
    }),
    setup_future_usage: oneOf(['none', 'off_session']),
  }),
  pix: obj({
    amount_includes_iof: oneOf(['always', 'never']),
    expires_after_seconds: int({ min: 0 }),
    mandate_options: obj({
      amount: int({ min: 0 }),
      amount_includes_iof: oneOf(['always', 'never']),
      amount_type: oneOf(['fixed', 'maximum']),
      currency: currencyParam(),
      end_date: str({ max: 5000 }),
      payment_schedule: oneOf(['monthly', 'quarterly', 'weekly', 'halfyearly', 'yearly']),
      reference: str({ max: 5000 }),
      start_date: str({ max: 5000 }),
    }),
    setup_future_usage: oneOf(['none', 'off_session']),
  }),
  revolut_pay: obj({
    capture_method: oneOf(['manual']),
    setup_future_usage: oneOf(['none', 'off_session']),
  }),
  samsung_pay: obj({
    capture_method: oneOf(['manual']),
    setup_future_usage: oneOf(['none']),
  }),
  satispay: obj({
    capture_method: oneOf(['manual']),
  }),
  scalapay: obj({
    capture_method: oneOf(['manual']),
  }),
  sepa_debit: obj({
    mandate_options: obj({
      reference_prefix: str({ max: 5000 }),
    }),
    setup_future_usage: oneOf(['none', 'off_session', 'on_session']),
    target_date: str({ max: 5000 }),
  }),
  sequra: obj({
    capture_method: oneOf(['manual']),
  }),
  sofort: obj({
    setup_future_usage: oneOf(['none']),
  }),
  sunbit: obj({
    capture_method: oneOf(['manual']),
    setup_future_usage: oneOf(['none']),
  }),
  swish: obj({
    reference: str({ max: 5000 }),
  }),
  twint: obj({
    setup_future_usage: oneOf(['none', 'off_session']),
  }),
  upi: obj({
    mandate_options: obj({
      amount: int({ min: 0 }),
      amount_type: oneOf(['fixed', 'maximum']),
      description: str({ max: 5000 }),
      end_date: int({ min: 0 }),
    }),
    setup_future_usage: unset(oneOf(['none', 'off_session', 'on_session'])),
  }),
  us_bank_account: obj({
    financial_connections: obj({
      permissions: arr(oneOf(['balances', 'ownership', 'payment_method', 'transactions']), { max: 100 }),
      prefetch: arr(oneOf(['balances', 'ownership', 'transactions']), { max: 100 }),
    }),
    setup_future_usage: oneOf(['none', 'off_session', 'on_session']),
    target_date: str({ max: 5000 }),
    verification_method: oneOf(['automatic', 'instant']),
  }),
  wechat_pay: obj({
    app_id: str({ max: 5000 }),
    client: required(oneOf(['web', 'android', 'ios'])),
    setup_future_usage: oneOf(['none']),
  }),
});
