import type { Metadata } from '../../api/params.js';
import type { Price, TaxBehavior } from '../prices/shape.js';
import type { Address } from '../shared/params.js';

/** The fields of a line item's (or an optional item's) Price that Checkout reads; its product may be expanded. */
export type LinePrice = Pick<Price, 'id' | 'active' | 'currency' | 'unit_amount' | 'recurring'> & { product: string | { id: string }; tax_behavior?: TaxBehavior | null };

export type Mode = 'payment' | 'subscription' | 'setup';
export type SessionStatus = 'open' | 'complete' | 'expired';
export type PaymentStatus = 'paid' | 'unpaid' | 'no_payment_required';
export type RedisplayValue = 'always' | 'limited' | 'unspecified';

export interface CustomerDetails {
  address: Address | null;
  business_name: string | null;
  email: string | null;
  individual_name: string | null;
  name: string | null;
  phone: string | null;
  tax_exempt: 'none' | 'exempt' | 'reverse' | null;
  tax_ids: unknown[] | null;
}

export interface ShippingDetails {
  address: Address;
  name: string;
}

/** A discount's share of a line or a total (`line_items_discount_amount`). */
export interface DiscountAmount {
  amount: number;
  /** Stripe's `Discount` object. */
  discount: object;
}

/** A tax's share of a line, shipping or a total (`line_items_tax_amount`). */
export interface TaxAmount {
  amount: number;
  /** The TaxRate object. */
  rate: object;
  taxability_reason: string | null;
  taxable_amount: number | null;
}

/** A Checkout line item (`item`), as the line_items endpoint serves it. */
export interface LineItem {
  id: string;
  object: 'item';
  /** `line_items[].adjustable_quantity` as sent (docs/decisions.md#quantities-the-buyer-changes). */
  adjustable_quantity: { enabled: boolean; maximum: number | null; minimum: number | null } | null;
  amount_discount: number;
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
  currency: string;
  description: string | null;
  /** Includable on Stripe; OpenCheckout always includes it (docs/decisions.md#checkout-totals). */
  discounts?: DiscountAmount[];
  metadata: Metadata;
  price: unknown;
  quantity: number;
  /** Includable on Stripe; OpenCheckout always includes it (docs/decisions.md#checkout-totals). */
  taxes?: TaxAmount[];
}

/** `session.discounts[]`: the coupon or promotion code applied. */
export interface SessionDiscount {
  coupon: string | null;
  promotion_code: string | null;
}

export interface AutomaticTax {
  enabled: boolean;
  liability: { type: 'account' | 'self'; account?: string } | null;
  provider: 'stripe' | null;
  status: 'complete' | 'failed' | 'requires_location_inputs' | null;
}

export interface ShippingCost {
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
  shipping_rate: string | null;
  taxes?: TaxAmount[];
}

export interface TotalDetails {
  amount_discount: number;
  amount_shipping: number | null;
  amount_tax: number;
  /** Only when expanded (`expand[]=total_details.breakdown`). */
  breakdown?: { discounts: DiscountAmount[]; taxes: TaxAmount[] };
}

/** `custom_text.*`: a message shown on the page (docs/decisions.md#what-the-page-asks-beside-payment). */
export interface Message {
  message: string;
}

interface FieldSettings {
  default_value: string | null;
  maximum_length: number | null;
  minimum_length: number | null;
  /** What the buyer typed, once the session is complete. */
  value: string | null;
}

/** `custom_fields[]` (stripe-node 23 `Session.CustomField`): asked on the page, answered in `value`. */
export interface CustomField {
  dropdown?: { default_value: string | null; options: Array<{ label: string; value: string }>; value: string | null };
  key: string;
  label: { custom: string | null; type: string };
  numeric?: FieldSettings;
  optional: boolean;
  text?: FieldSettings;
  type: string;
}

/** A Checkout Session at the current API version (stripe-node 23 `Checkout.Session`). */
export interface Session {
  id: string;
  object: 'checkout.session';
  adaptive_pricing: { enabled: boolean } | null;
  after_expiration: { recovery: { allow_promotion_codes: boolean; enabled: boolean; expires_at: number | null; url: string | null } | null } | null;
  allow_promotion_codes: boolean | null;
  allowed_payment_method_types: string[];
  amount_subtotal: number | null;
  amount_total: number | null;
  automatic_tax: AutomaticTax;
  billing_address_collection: 'auto' | 'required' | null;
  /** Only when `branding_settings` was sent (the field is optional in stripe-node 23). */
  branding_settings?: {
    background_color: string;
    border_style: string;
    button_color: string;
    display_name: string;
    font_family: string;
    icon: { type: string; file?: string; url?: string } | null;
    logo: { type: string; file?: string; url?: string } | null;
  };
  cancel_url: string | null;
  client_reference_id: string | null;
  /** `<id>_secret_<token>` for a session whose page is not the hosted one; null for `hosted_page`. */
  client_secret: string | null;
  collected_information: { business_name: string | null; individual_name: string | null; shipping_details: ShippingDetails | null } | null;
  consent: { promotions: 'opt_in' | 'opt_out' | null; terms_of_service: 'accepted' | null } | null;
  consent_collection: { payment_method_reuse_agreement: { position: string } | null; promotions: string | null; terms_of_service: string | null } | null;
  created: number;
  currency: string | null;
  currency_conversion: null;
  custom_fields: CustomField[];
  custom_text: { after_submit: Message | null; shipping_address: Message | null; submit: Message | null; terms_of_service_acceptance: Message | null };
  customer: string | null;
  customer_account: string | null;
  customer_creation: 'always' | 'if_required' | null;
  customer_details: CustomerDetails | null;
  customer_email: string | null;
  discounts: SessionDiscount[];
  excluded_payment_method_types?: string[];
  expires_at: number;
  integration_identifier: string | null;
  invoice: string | null;
  invoice_creation: {
    enabled: boolean;
    invoice_data: {
      account_tax_ids: string[] | null;
      custom_fields: Array<{ name: string; value: string }> | null;
      description: string | null;
      footer: string | null;
      issuer: { type: string; account?: string } | null;
      metadata: Metadata;
      rendering_options: { amount_tax_display: string | null; template: string | null } | null;
    };
  } | null;
  livemode: false;
  locale: string | null;
  managed_payments: { enabled: boolean } | null;
  metadata: Metadata;
  mode: Mode;
  name_collection?: { business?: { enabled: boolean; optional: boolean }; individual?: { enabled: boolean; optional: boolean } };
  optional_items?: Array<{ adjustable_quantity: { enabled: boolean; maximum: number | null; minimum: number | null } | null; price: string; quantity: number }>;
  origin_context: string | null;
  payment_intent: string | null;
  payment_link: string | null;
  payment_method_collection: 'always' | 'if_required' | null;
  payment_method_configuration_details: { id: string; parent: string | null } | null;
  payment_method_options: Record<string, unknown>;
  payment_method_types: string[];
  payment_status: PaymentStatus;
  permissions: { update_shipping_details: string | null } | null;
  phone_number_collection: { enabled: boolean };
  /** The expired session this one was recovered from (docs/decisions.md#recovering-an-expired-session). */
  recovered_from: string | null;
  redirect_on_completion?: string;
  /** Only on a session whose page is not the hosted one (docs/decisions.md#embedded-checkout). */
  return_url?: string;
  saved_payment_method_options: {
    allow_redisplay_filters: RedisplayValue[] | null;
    payment_method_remove: 'enabled' | 'disabled' | null;
    payment_method_save: 'enabled' | 'disabled' | null;
  } | null;
  setup_intent: string | null;
  shipping_address_collection: { allowed_countries: string[] } | null;
  shipping_cost: ShippingCost | null;
  shipping_options: Array<{ shipping_amount: number; shipping_rate: string }>;
  status: SessionStatus;
  submit_type: string | null;
  subscription: string | null;
  success_url: string | null;
  tax_id_collection?: { enabled: boolean; required: string };
  total_details: TotalDetails | null;
  ui_mode: UiMode;
  url: string | null;
  wallet_options: { link?: { display: string } } | null;
}

/**
 * What the session keeps beside its served shape: options that steer completion but that
 * Stripe does not echo on the Session object. Stored in `data` under this key, stripped on output.
 */
export interface SessionInternals {
  payment_intent_data: { setup_future_usage: 'on_session' | 'off_session' | null; metadata: Metadata; description: string | null };
  subscription_data: { metadata: Metadata; description: string | null; default_tax_rates?: string[] };
  setup_intent_data: { metadata: Metadata; description: string | null };
  payment_method_data: { allow_redisplay: RedisplayValue | null };
  /** The rest of the per-mode data params, as sent (trials, anchors, descriptors, Connect, shipping): see stored.ts. */
  stored_params?: { payment_intent_data: object; subscription_data: object; setup_intent_data: object; customer_update: object | null };
  test_clock: string | null;
  /** The create params, kept when `after_expiration.recovery` is enabled: a recovery copies the session from them. */
  recovery_params?: Record<string, unknown>;
  /** The session its recovery URL last created (recovery.ts). */
  recovered_to?: string;
  /** What the totals are computed from (checkout/pricing.ts); absent on sessions stored before it. */
  pricing?: PricingState;
  /** What the buyer typed into a merchant's own page before paying (Checkout Elements' `updateEmail`). */
  buyer?: { email?: string | null };
  /** The `optional_items` the page offers, their prices looked up at create. */
  optional_items?: OptionalItemOffer[];
}

/** An optional item the page offers (docs/decisions.md#quantities-the-buyer-changes); `added` once the buyer adds it. */
export interface OptionalItemOffer {
  /** The Price object. */
  price: object;
  quantity: number;
  adjustable_quantity: LineItem['adjustable_quantity'];
  /** The product's name, shown on the page. */
  name: string | null;
  added: boolean;
}

/** A line as the totals read it: its price's product and tax behaviour, and its tax rates. */
export interface PricedLine {
  product: string;
  unit_amount: number;
  quantity: number;
  tax_behavior: 'inclusive' | 'exclusive' | 'unspecified';
  /** TaxRate objects named by `tax_rates` (or the subscription's `default_tax_rates`). */
  tax_rates: object[];
  /** Ids of `dynamic_tax_rates`: one is chosen by the buyer's address. */
  dynamic_tax_rates: string[];
}

/** Everything a session's totals depend on, kept so the page can reprice (a code, a rate, an address). */
export interface PricingState {
  lines: PricedLine[];
  /** The applied coupon and promotion code objects, as they were when applied. */
  discount: { coupon: object; promotion_code: object | null; discount_id: string } | null;
  /** The ShippingRate objects offered, in order. */
  shipping_rates: object[];
  /** The chosen rate's id (the first one until the buyer picks another). */
  shipping_rate: string | null;
  automatic_tax: boolean;
  /** The buyer's address once known (tax by location). */
  address: { country: string; state: string | null; postal_code: string | null } | null;
  /** The breakdown of the totals, served when `total_details.breakdown` is expanded. */
  breakdown: { discounts: DiscountAmount[]; taxes: TaxAmount[] };
}

export type StoredSession = Session & { _internal: SessionInternals };

/** The session as served: internals removed, `url` only while open. */
/** The pages a session can be paid on: Stripe's hosted page, the embedded form, or the merchant's own (Elements). */
export type UiMode = 'hosted_page' | 'embedded_page' | 'elements' | 'form';

/** The served name of a `ui_mode` param: stripe-node 23's, for the older names too. */
export function uiModeOf(asked: string | undefined): UiMode {
  if (asked === 'embedded' || asked === 'embedded_page') return 'embedded_page';
  if (asked === 'custom' || asked === 'elements') return 'elements';
  if (asked === 'form') return 'form';
  return 'hosted_page';
}

/** An embedded session is paid inside the merchant's page, in OpenCheckout's frame (docs/decisions.md#embedded-checkout). */
export function isEmbedded(s: { ui_mode: string | null }): boolean {
  return s.ui_mode === 'embedded_page';
}

export function present(stored: StoredSession): Session {
  const { _internal: _omit, ...session } = stored;
  return session;
}
