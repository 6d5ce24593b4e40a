/**
 * An invoice's `payment_settings` as stripe-node 23.1.0's `InvoiceCreateParams.PaymentSettings`
 * types it: the payment method types its PaymentIntent may use, and each type's options. Stored
 * and returned (docs/decisions.md#invoices-paid-by-bank-transfer). Acted on: the types the hosted
 * invoice page offers, and a bank transfer paid from the customer's cash balance; the other
 * options are validated and stored, with no effect offline.
 *
 * The wire names of Stripe's types are spelled here, as in the Checkout Session's params: every
 * type Stripe names, supported here or not (test/processor/payment-method-types.test.ts).
 */
import { arr, bool, int, nullableStr, obj, oneOf, required, str, unset } from '../../api/params.js';
import { addressParam } from '../shared/params.js';

/** stripe-node 23.1.0 `InvoiceCreateParams.PaymentSettings.PaymentMethodType`. */
export const INVOICE_PAYMENT_METHOD_TYPES = [
  'ach_credit_transfer', 'ach_debit', 'acss_debit', 'affirm', 'alipay', 'amazon_pay', 'au_becs_debit', 'bacs_debit', 'bancontact', 'billie', 'blik',
  'boleto', 'card', 'cashapp', 'crypto', 'custom', 'customer_balance', 'eps', 'fpx', 'giropay', 'grabpay', 'ideal', 'jp_credit_transfer', 'kakao_pay',
  'klarna', 'konbini', 'kr_card', 'link', 'mb_way', 'multibanco', 'naver_pay', 'nz_bank_account', 'p24', 'pay_by_bank', 'payco', 'paynow', 'paypal',
  'payto', 'pix', 'promptpay', 'revolut_pay', 'satispay', 'sepa_credit_transfer', 'sepa_debit', 'sequra', 'sofort', 'swish', 'twint', 'upi',
  'us_bank_account', 'wechat_pay',
] as const;

/** `payment_method_types`, on an invoice and a subscription; `''` clears it. */
const paymentMethodTypes = () => unset(arr(oneOf(INVOICE_PAYMENT_METHOD_TYPES)));

/** The keys of the returned `payment_settings.payment_method_options` (Stripe's `invoices_payment_method_options`), each null unless set. */
const RETURNED_OPTIONS = ['acss_debit', 'bancontact', 'card', 'customer_balance', 'konbini', 'sepa_debit', 'us_bank_account'] as const;

const REGISTRATION_TYPES = ['ch_ein', 'de_hrb', 'dk_cvr', 'es_cif', 'fi_tunnus', 'fr_siren', 'fr_siret', 'it_rea', 'nl_kvk', 'no_org_number', 'no_pno', 'se_org_number', 'se_pno', 'uk_crn'] as const;

/** Billie's `company_details`, the same on an invoice and a subscription. */
const billieCompanyDetails = () => unset(obj({ registered_address: addressParam(), registered_name: str({ max: 5000 }), registration_number: str({ max: 5000 }), registration_type: unset(oneOf(REGISTRATION_TYPES)), vat: str({ max: 5000 }) }));

const optionsShape = {
  acss_debit: unset(obj({ mandate_options: obj({ transaction_type: oneOf(['business', 'personal']) }), verification_method: oneOf(['automatic', 'instant', 'microdeposits']) })),
  bancontact: unset(obj({ preferred_language: oneOf(['de', 'en', 'fr', 'nl']) })),
  billie: unset(
    obj({
      company_details: billieCompanyDetails(),
      reference: str({ max: 5000 }),
    }),
  ),
  blik: unset(obj({})),
  card: unset(
    obj({
      installments: obj({ enabled: bool(), plan: unset(obj({ count: int({ min: 1 }), interval: oneOf(['month']), type: required(oneOf(['bonus', 'fixed_count', 'revolving'])) })) }),
      request_three_d_secure: oneOf(['any', 'automatic', 'challenge']),
    }),
  ),
  customer_balance: unset(
    obj({
      bank_transfer: obj({ eu_bank_transfer: obj({ country: required(str({ max: 5000 })) }), type: str({ max: 5000 }) }),
      funding_type: str({ max: 5000 }),
    }),
  ),
  konbini: unset(obj({})),
  payto: unset(obj({ mandate_options: obj({ amount: int({ min: 0 }), purpose: oneOf(['dependant_support', 'government', 'loan', 'mortgage', 'other', 'pension', 'personal', 'retail', 'salary', 'tax', 'utility']) }) })),
  pix: unset(obj({ amount_includes_iof: oneOf(['always', 'never']), expires_after_seconds: int({ min: 60, max: 1_209_600 }) })),
  sepa_debit: unset(obj({})),
  upi: unset(obj({ mandate_options: obj({ amount: int({ min: 0 }), amount_type: oneOf(['fixed', 'maximum']), description: str({ max: 20 }), end_date: int({ min: 0 }) }) })),
  us_bank_account: unset(
    obj({
      financial_connections: obj({
        filters: obj({ account_subcategories: arr(oneOf(['checking', 'savings'])) }),
        permissions: arr(oneOf(['balances', 'ownership', 'payment_method', 'transactions'])),
        prefetch: arr(oneOf(['balances', 'ownership', 'transactions'])),
      }),
      verification_method: oneOf(['automatic', 'instant', 'microdeposits']),
    }),
  ),
};

/**
 * A subscription's `payment_method_options` (stripe-node 23.1.0
 * `SubscriptionCreateParams.PaymentSettings.PaymentMethodOptions`): the invoice's, but for the
 * types whose options differ on a subscription (mandates for recurring charges).
 */
const subscriptionOptionsShape = {
  ...optionsShape,
  billie: unset(obj({ company_details: billieCompanyDetails() })),
  blik: unset(obj({ mandate_options: obj({ expires_at: int({ min: 0 }) }) })),
  card: unset(
    obj({
      mandate_options: obj({ amount: int({ min: 0 }), amount_type: oneOf(['fixed', 'maximum']), description: str({ max: 200 }) }),
      network: oneOf(['amex', 'cartes_bancaires', 'diners', 'discover', 'eftpos_au', 'girocard', 'interac', 'jcb', 'link', 'mastercard', 'unionpay', 'unknown', 'visa']),
      request_three_d_secure: oneOf(['any', 'automatic', 'challenge']),
    }),
  ),
  pix: unset(
    obj({
      expires_after_seconds: int({ min: 60, max: 1_209_600 }),
      mandate_options: obj({ amount: int({ min: 0 }), amount_includes_iof: oneOf(['always', 'never']), end_date: str({ max: 5000 }), payment_schedule: oneOf(['halfyearly', 'monthly', 'quarterly', 'weekly', 'yearly']) }),
    }),
  ),
};

/** `payment_settings` of `POST /v1/subscriptions` and of its update. */
export const subscriptionPaymentSettingsParam = () =>
  obj({
    payment_method_options: obj(subscriptionOptionsShape),
    payment_method_types: paymentMethodTypes(),
    save_default_payment_method: oneOf(['off', 'on_subscription']),
  });

/** A subscription's `payment_settings`, as returned. */
export interface SubscriptionPaymentSettings {
  payment_method_options: Record<string, unknown> | null;
  payment_method_types: string[] | null;
  save_default_payment_method: 'off' | 'on_subscription';
}

/** A subscription's settings after `update`: each key sent replaces the stored one; an option sent for a type replaces that type's, `''` clears it. */
export function applySubscriptionPaymentSettings(current: SubscriptionPaymentSettings, update: (SettingsUpdate & { save_default_payment_method?: 'off' | 'on_subscription' | undefined }) | undefined): SubscriptionPaymentSettings {
  if (!update) return current;
  const { payment_method_options: options, payment_method_types: types, save_default_payment_method: save } = update;
  const merged = applyPaymentSettings(
    { default_mandate: null, payment_method_options: current.payment_method_options, payment_method_types: current.payment_method_types },
    { ...(options !== undefined ? { payment_method_options: options } : {}), ...(types !== undefined ? { payment_method_types: types } : {}) },
  );
  return { payment_method_options: merged.payment_method_options, payment_method_types: merged.payment_method_types, save_default_payment_method: save ?? current.save_default_payment_method };
}

/** `payment_settings` of `POST /v1/invoices` and of a draft's update. */
export const paymentSettingsParam = () =>
  obj({
    default_mandate: nullableStr({ max: 5000 }),
    payment_method_options: unset(obj(optionsShape)),
    payment_method_types: paymentMethodTypes(),
  });

/** What an update of either settings sends, as parsed. */
interface SettingsUpdate {
  default_mandate?: string | null | undefined;
  payment_method_options?: Record<string, unknown> | null | undefined;
  payment_method_types?: string[] | null | undefined;
}

/** An invoice's `payment_settings`, as returned. */
export interface PaymentSettings {
  default_mandate: string | null;
  payment_method_options: Record<string, unknown> | null;
  payment_method_types: string[] | null;
}

export const NO_PAYMENT_SETTINGS: PaymentSettings = { default_mandate: null, payment_method_options: null, payment_method_types: null };

/**
 * The settings after `update` (a create's params on no settings, or a draft's update): each key
 * sent replaces the stored one, `''` clears it; an option sent for a type replaces that type's.
 */
export function applyPaymentSettings(current: PaymentSettings, update: SettingsUpdate | undefined): PaymentSettings {
  if (!update) return current;
  const next: PaymentSettings = { ...current };
  if (update.default_mandate !== undefined) next.default_mandate = update.default_mandate;
  if (update.payment_method_types !== undefined) next.payment_method_types = update.payment_method_types === null || update.payment_method_types.length === 0 ? null : [...update.payment_method_types];
  if (update.payment_method_options === null) next.payment_method_options = null;
  else if (update.payment_method_options !== undefined) {
    const options: Record<string, unknown> = { ...Object.fromEntries(RETURNED_OPTIONS.map((k) => [k, null])), ...(current.payment_method_options ?? {}) };
    for (const [type, value] of Object.entries(update.payment_method_options)) options[type] = value ?? null;
    next.payment_method_options = options;
  }
  return next;
}
