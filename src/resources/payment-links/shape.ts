/**
 * The PaymentLink object as the API serves it: stripe-node 23.1.0's `PaymentLink`, its fields in
 * that type's order. Stripe serves no `created` on a link; the row keeps one for list order.
 */
import type { Metadata } from '../../api/params.js';
import type { LineItem } from '../checkout-sessions/shape.js';

export type LinkMode = 'payment' | 'subscription';

interface InvoiceSettingsOut {
  account_tax_ids: string[] | null;
  custom_fields: Array<{ name: string; value: string }> | null;
  description: string | null;
  footer: string | null;
}

interface LengthSettings {
  default_value: string | null;
  maximum_length: number | null;
  minimum_length: number | null;
}

export interface LinkCustomField {
  dropdown?: { default_value: string | null; options: Array<{ label: string; value: string }> };
  key: string;
  label: { custom: string | null; type: 'custom' };
  numeric?: LengthSettings;
  optional: boolean;
  text?: LengthSettings;
  type: 'dropdown' | 'numeric' | 'text';
}

export interface PaymentLink {
  id: string;
  object: 'payment_link';
  active: boolean;
  after_completion: { hosted_confirmation?: { custom_message: string | null }; redirect?: { url: string }; type: 'hosted_confirmation' | 'redirect' };
  allow_promotion_codes: boolean;
  application: null;
  application_fee_amount: number | null;
  application_fee_percent: number | null;
  automatic_tax: { enabled: boolean; liability: { account?: string; type: 'account' | 'self' } | null };
  billing_address_collection: 'auto' | 'required';
  consent_collection: {
    payment_method_reuse_agreement: { position: 'auto' | 'hidden' } | null;
    promotions: 'auto' | 'none' | null;
    terms_of_service: 'none' | 'required' | null;
  } | null;
  currency: string;
  custom_fields: LinkCustomField[];
  custom_text: Record<'after_submit' | 'shipping_address' | 'submit' | 'terms_of_service_acceptance', { message: string } | null>;
  customer_creation: 'always' | 'if_required';
  inactive_message: string | null;
  invoice_creation: {
    enabled: boolean;
    invoice_data:
      | (InvoiceSettingsOut & {
          issuer: { account?: string; type: 'account' | 'self' } | null;
          metadata: Metadata | null;
          rendering_options: { amount_tax_display: string | null; template: string | null } | null;
        })
      | null;
  } | null;
  /** Served only when expanded (`expand[]=line_items`). */
  line_items?: unknown;
  livemode: false;
  managed_payments: { enabled: boolean } | null;
  metadata: Metadata;
  name_collection?: { business?: { enabled: boolean; optional: boolean }; individual?: { enabled: boolean; optional: boolean } };
  on_behalf_of: string | null;
  optional_items?: Array<{ adjustable_quantity: { enabled: boolean; maximum: number | null; minimum: number | null } | null; price: string; quantity: number }> | null;
  payment_intent_data: {
    capture_method: 'automatic' | 'automatic_async' | 'manual' | null;
    description: string | null;
    metadata: Metadata;
    setup_future_usage: 'off_session' | 'on_session' | null;
    statement_descriptor: string | null;
    statement_descriptor_suffix: string | null;
    transfer_group: string | null;
  } | null;
  payment_method_collection: 'always' | 'if_required';
  payment_method_options: { card: { restrictions: { brands_blocked: string[] } | null } | null } | null;
  payment_method_types: string[] | null;
  phone_number_collection: { enabled: boolean };
  restrictions: { completed_sessions: { count: number; limit: number } } | null;
  shipping_address_collection: { allowed_countries: string[] } | null;
  shipping_options: Array<{ shipping_amount: number; shipping_rate: string }>;
  submit_type: 'auto' | 'book' | 'donate' | 'pay' | 'subscribe';
  subscription_data: {
    description: string | null;
    invoice_settings: InvoiceSettingsOut & { issuer: { account?: string; type: 'account' | 'self' } };
    metadata: Metadata;
    trial_period_days: number | null;
    trial_settings: { end_behavior: { missing_payment_method: 'cancel' | 'create_invoice' | 'pause' } } | null;
  } | null;
  tax_id_collection: { enabled: boolean; required: 'if_supported' | 'never' };
  transfer_data: { amount: number | null; destination: string } | null;
  url: string;
}

/** A link's line item: the Checkout `item` object, as its sessions start with it. */
export type LinkLineItem = LineItem;
