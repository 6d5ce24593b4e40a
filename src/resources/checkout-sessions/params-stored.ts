import { errors } from '../../api/errors.js';
import type { FormValue } from '../../api/form.js';
import { arr, bool, int, obj, oneOf, required, str, unset, type Field } from '../../api/params.js';

/**
 * Checkout Session params that have no effect offline (docs/decisions.md#session-parameters-with-no-offline-effect):
 * Connect, branding, consent, custom fields and the like. Each is validated as Stripe validates
 * it (the enums and shapes of stripe-node 23.1.0's `Checkout.SessionCreateParams`, Stripe's
 * length limits where documented), stored, and returned where the Session has the field.
 */

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

/** A two-letter ISO country code. */
export const country = (): Field<string | undefined> => ({
  parse(value: FormValue | undefined, param: string) {
    const s = str({ max: 2 }).parse(value, param);
    if (s !== undefined && !/^[A-Z]{2}$/.test(s)) throw errors.invalid(`Invalid ${param}: must be a two-letter ISO country code`, param);
    return s;
  },
});


/** A decimal number (percentages: `application_fee_percent`), within bounds. */
export function decimal(opts: { min: number; max: number }): Field<number | undefined> {
  return {
    parse(value, param) {
      const s = str({ max: 30 }).parse(value, param);
      if (s === undefined) return undefined;
      const n = Number(s);
      if (!/^-?\d+(\.\d+)?$/.test(s) || n < opts.min || n > opts.max) {
        throw errors.invalid(`Invalid ${param}: must be a number from ${opts.min} to ${opts.max}`, param, 'parameter_invalid_decimal');
      }
      return n;
    },
  };
}

/** A `#rrggbb` colour (branding). */
function hexColor(): Field<string | undefined> {
  return str({ max: 7, pattern: /^#[0-9a-fA-F]{6}$/, patternMessage: 'Invalid color: use a hex code like #0074d4' });
}

/** The top-level params with no offline effect, spread into `createShape`. */
export const storedShape = {
  adaptive_pricing: obj({
    enabled: bool(),
  }),
  after_expiration: obj({
    recovery: obj({
      allow_promotion_codes: bool(),
      enabled: required(bool()),
    }),
  }),
  branding_settings: obj({
    background_color: hexColor(),
    border_style: unset(oneOf(['pill', 'rectangular', 'rounded'])),
    button_color: hexColor(),
    display_name: str({ max: 100 }),
    font_family: unset(oneOf(['be_vietnam_pro', 'bitter', 'chakra_petch', 'default', 'hahmlet', 'inconsolata', 'inter', 'lato', 'lora', 'm_plus_1_code', 'montserrat', 'noto_sans', 'noto_sans_jp', 'noto_serif', 'nunito', 'open_sans', 'pridi', 'pt_sans', 'pt_serif', 'raleway', 'roboto', 'roboto_slab', 'source_sans_pro', 'titillium_web', 'ubuntu_mono', 'zen_maru_gothic'])),
    icon: obj({
      file: str({ max: 5000 }),
      type: required(oneOf(['file', 'url'])),
      url: urlParam(),
    }),
    logo: obj({
      file: str({ max: 5000 }),
      type: required(oneOf(['file', 'url'])),
      url: urlParam(),
    }),
  }),
  consent_collection: obj({
    payment_method_reuse_agreement: obj({
      position: required(oneOf(['auto', 'hidden'])),
    }),
    promotions: oneOf(['auto', 'none']),
    terms_of_service: oneOf(['required', 'none']),
  }),
  custom_fields: arr(obj({
    dropdown: obj({
      default_value: str({ max: 5000 }),
      options: required(arr(obj({
        label: required(str({ max: 100 })),
        value: required(str({ max: 100 })),
      }), { max: 200 })),
    }),
    key: required(str({ max: 200 })),
    label: required(obj({
      custom: required(str({ max: 50 })),
      type: required(oneOf(['custom'])),
    })),
    numeric: obj({
      default_value: str({ max: 5000 }),
      maximum_length: int({ min: 1, max: 255 }),
      minimum_length: int({ min: 0, max: 255 }),
    }),
    optional: bool(),
    text: obj({
      default_value: str({ max: 5000 }),
      maximum_length: int({ min: 1, max: 255 }),
      minimum_length: int({ min: 0, max: 255 }),
    }),
    type: required(oneOf(['dropdown', 'numeric', 'text'])),
  }), { max: 3 }),
  custom_text: obj({
    after_submit: unset(obj({
      message: required(str({ max: 1200 })),
    })),
    shipping_address: unset(obj({
      message: required(str({ max: 1200 })),
    })),
    submit: unset(obj({
      message: required(str({ max: 1200 })),
    })),
    terms_of_service_acceptance: unset(obj({
      message: required(str({ max: 1200 })),
    })),
  }),
  customer_account: str({ max: 5000 }),
  customer_update: obj({
    address: oneOf(['auto', 'never']),
    name: oneOf(['auto', 'never']),
    shipping: oneOf(['auto', 'never']),
  }),
  excluded_payment_method_types: arr(oneOf(['acss_debit', 'affirm', 'afterpay_clearpay', 'alipay', 'alma', 'amazon_pay', 'au_becs_debit', 'bacs_debit', 'bancontact', 'billie', 'bizum', 'blik', 'boleto', 'card', 'cashapp', 'crypto', 'customer_balance', 'eps', 'fpx', 'giropay', 'grabpay', 'ideal', 'kakao_pay', 'klarna', 'konbini', 'kr_card', 'mb_way', 'mobilepay', 'multibanco', 'naver_pay', 'nz_bank_account', 'oxxo', 'p24', 'pay_by_bank', 'payco', 'paynow', 'paypal', 'paypay', 'payto', 'pix', 'promptpay', 'revolut_pay', 'samsung_pay', 'satispay', 'scalapay', 'sepa_debit', 'sequra', 'sofort', 'sunbit', 'swish', 'twint', 'upi', 'us_bank_account', 'wechat_pay', 'zip']), { max: 100 }),
  integration_identifier: str({ max: 200 }),
  managed_payments: obj({
    enabled: bool(),
  }),
  name_collection: obj({
    business: obj({
      enabled: required(bool()),
      optional: bool(),
    }),
    individual: obj({
      enabled: required(bool()),
      optional: bool(),
    }),
  }),
  optional_items: arr(obj({
    adjustable_quantity: obj({
      enabled: required(bool()),
      maximum: int({ min: 1, max: 999_999 }),
      minimum: int({ min: 0, max: 999_999 }),
    }),
    price: required(str({ max: 5000 })),
    quantity: required(int({ min: 1, max: 999_999 })),
  }), { max: 10 }),
  origin_context: oneOf(['mobile_app', 'web']),
  payment_method_configuration: str({ max: 5000 }),
  permissions: obj({
    update_shipping_details: oneOf(['client_only', 'server_only']),
  }),
  redirect_on_completion: oneOf(['always', 'if_required', 'never']),
  tax_id_collection: obj({
    enabled: required(bool()),
    required: oneOf(['never', 'if_supported']),
  }),
  wallet_options: obj({
    link: obj({
      display: oneOf(['auto', 'never']),
    }),
  }),
};
