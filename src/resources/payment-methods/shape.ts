import type { Metadata } from '../../api/params.js';
import type { CheckResult } from '../../processor/index.js';
import type { Address } from '../shared/params.js';

export type AllowRedisplay = 'always' | 'limited' | 'unspecified';
export const ALLOW_REDISPLAY = ['always', 'limited', 'unspecified'] as const;

/** The payment method types OpenCheckout can create. */
export const SUPPORTED_TYPES = ['card', 'us_bank_account', 'sepa_debit', 'konbini', 'link', 'customer_balance'] as const;
export type SupportedType = (typeof SUPPORTED_TYPES)[number];

/** Every type Stripe knows (stripe-node 23 `PaymentMethodListParams.Type`): list filters accept them all. */
export const STRIPE_TYPES = [
  'acss_debit', 'affirm', 'afterpay_clearpay', 'alipay', 'alma', 'amazon_pay', 'au_becs_debit', 'bacs_debit', 'bancontact',
  'billie', 'bizum', 'blik', 'boleto', 'card', 'cashapp', 'crypto', 'custom', 'customer_balance', 'eps', 'fpx', 'giropay',
  'grabpay', 'ideal', 'kakao_pay', 'klarna', 'konbini', 'kr_card', 'link', 'mb_way', 'mobilepay', 'multibanco', 'naver_pay',
  'nz_bank_account', 'oxxo', 'p24', 'pay_by_bank', 'payco', 'paynow', 'paypal', 'paypay', 'payto', 'pix', 'promptpay',
  'revolut_pay', 'samsung_pay', 'satispay', 'scalapay', 'sepa_debit', 'sequra', 'sofort', 'sunbit', 'swish', 'twint', 'upi',
  'us_bank_account', 'wechat_pay', 'zip',
] as const;

export interface BillingDetails {
  address: Address;
  email: string | null;
  name: string | null;
  phone: string | null;
  tax_id: string | null;
}

/** `PaymentMethod.card` as served (stripe-node 23 `PaymentMethod.Card`). */
export interface CardShape {
  brand: string;
  checks: { address_line1_check: CheckResult; address_postal_code_check: CheckResult; cvc_check: CheckResult };
  country: string | null;
  display_brand: string | null;
  exp_month: number;
  exp_year: number;
  fingerprint: string;
  funding: string;
  generated_from: null;
  last4: string;
  networks: { available: string[]; preferred: string | null };
  regulated_status: 'regulated' | 'unregulated' | null;
  three_d_secure_usage: { supported: boolean };
  wallet: null;
}

/** `PaymentMethod.us_bank_account` as served (stripe-node 23 `PaymentMethod.UsBankAccount`). */
export interface UsBankAccountShape {
  account_holder_type: 'individual' | 'company';
  account_type: 'checking' | 'savings';
  bank_name: string | null;
  financial_connections_account: null;
  fingerprint: string;
  last4: string;
  networks: { preferred: string; supported: string[] };
  routing_number: string;
  status_details: Record<string, never>;
}

/** `PaymentMethod.sepa_debit` as served (stripe-node 23 `PaymentMethod.SepaDebit`): never the whole IBAN. */
export interface SepaDebitShape {
  bank_code: string | null;
  branch_code: string | null;
  country: string | null;
  fingerprint: string | null;
  generated_from: { charge: string | null; setup_attempt: string | null } | null;
  last4: string | null;
}

/** `PaymentMethod.konbini` as served (stripe-node 23 `PaymentMethod.Konbini`: no fields). */
export type KonbiniShape = Record<string, never>;

/** `PaymentMethod.link` as served (stripe-node 23 `PaymentMethod.Link`). */
export interface LinkShape {
  email: string | null;
}

/** A PaymentMethod as served at the current API version (stripe-node 23 `PaymentMethod`). */
export interface PaymentMethod {
  id: string;
  object: 'payment_method';
  allow_redisplay: AllowRedisplay;
  billing_details: BillingDetails;
  card?: CardShape;
  created: number;
  customer: string | null;
  customer_account: null;
  /** A bank transfer to the customer's cash balance (stripe-node 23 `PaymentMethod.CustomerBalance`: no fields). */
  customer_balance?: Record<string, never>;
  konbini?: KonbiniShape;
  link?: LinkShape;
  livemode: false;
  metadata: Metadata;
  sepa_debit?: SepaDebitShape;
  type: SupportedType;
  us_bank_account?: UsBankAccountShape;
}
