/**
 * `billing_portal.configuration` and `billing_portal.session`, with the fields and names of
 * stripe-node 23.1.0's types (resources/BillingPortal/*.d.ts), in the same order.
 */
export type CustomerUpdateField = 'address' | 'email' | 'name' | 'phone' | 'shipping' | 'tax_id';
export type ProrationBehavior = 'always_invoice' | 'create_prorations' | 'none';
export type CancelMode = 'at_period_end' | 'immediately';

export interface PortalProduct {
  adjustable_quantity: { enabled: boolean; maximum: number | null; minimum: number };
  prices: string[];
  product: string;
}

export interface PortalFeatures {
  customer_update: { allowed_updates: CustomerUpdateField[]; enabled: boolean };
  invoice_history: { enabled: boolean };
  payment_method_update: { enabled: boolean; payment_method_configuration: string | null };
  subscription_cancel: {
    cancellation_reason: { enabled: boolean; feedback_options: string[] | null; options: string[] };
    enabled: boolean;
    mode: CancelMode;
    proration_behavior: ProrationBehavior;
  };
  subscription_pause: { duration: { interval_options: Array<{ interval: 'day' | 'week' | 'month' | 'year'; interval_count: number }>; type: string }; enabled: boolean };
  subscription_update: {
    billing_cycle_anchor: 'now' | 'unchanged' | null;
    default_allowed_updates: Array<'price' | 'promotion_code' | 'quantity'>;
    enabled: boolean;
    products: PortalProduct[];
    proration_behavior: ProrationBehavior;
    schedule_at_period_end: { conditions: Array<{ type: string }> };
    trial_update_behavior: 'continue_trial' | 'end_trial';
  };
}

export interface PortalConfiguration {
  id: string;
  object: 'billing_portal.configuration';
  active: boolean;
  application: null;
  business_profile: { headline: string | null; privacy_policy_url: string | null; terms_of_service_url: string | null };
  created: number;
  default_return_url: string | null;
  features: PortalFeatures;
  is_default: boolean;
  livemode: false;
  login_page: { enabled: boolean; url: string | null };
  metadata: Record<string, string>;
  name: string | null;
  updated: number;
}

export type FlowType = 'customer_update' | 'payment_method_update' | 'subscription_cancel' | 'subscription_pause' | 'subscription_update' | 'subscription_update_confirm';

export interface PortalFlow {
  after_completion: {
    hosted_confirmation: { custom_message: string | null } | null;
    redirect: { return_url: string } | null;
    type: 'hosted_confirmation' | 'portal_homepage' | 'redirect';
  };
  customer_update: Record<string, never> | null;
  subscription_cancel: { retention: { coupon_offer: { coupon: string } | null; type: 'coupon_offer' } | null; subscription: string } | null;
  subscription_pause: { subscription: string } | null;
  subscription_update: { subscription: string } | null;
  subscription_update_confirm: {
    discounts: Array<{ coupon: string | null; promotion_code: string | null }> | null;
    items: Array<{ id: string | null; price: string | null; quantity?: number }>;
    subscription: string;
  } | null;
  type: FlowType;
}

export interface PortalSession {
  id: string;
  object: 'billing_portal.session';
  configuration: string;
  created: number;
  customer: string;
  customer_account: string | null;
  flow: PortalFlow | null;
  livemode: false;
  locale: string | null;
  on_behalf_of: string | null;
  return_url: string | null;
  url: string;
}
