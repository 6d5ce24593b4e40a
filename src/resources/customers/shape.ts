import type { Metadata } from '../../api/params.js';
import type { Address, Shipping } from '../shared/params.js';

/** A Customer as served at the current API version (stripe-node 23 `Customer`). */
export interface Customer {
  id: string;
  object: 'customer';
  address: Address | null;
  balance: number;
  /** The business name (Checkout's `name_collection`), only when set. */
  business_name?: string;
  created: number;
  currency: string | null;
  customer_account: string | null;
  default_source: string | null;
  delinquent: boolean;
  description: string | null;
  /** Stripe's `Discount` object, set by a `coupon` or `promotion_code`. */
  discount: object | null;
  email: string | null;
  /** The individual's name (Checkout's `name_collection`), only when set. */
  individual_name?: string;
  invoice_prefix: string;
  invoice_settings: {
    custom_fields: null;
    default_payment_method: string | null;
    footer: string | null;
    rendering_options: null;
  };
  livemode: false;
  metadata: Metadata;
  name: string | null;
  next_invoice_sequence: number;
  phone: string | null;
  preferred_locales: string[];
  shipping: Shipping | null;
  tax_exempt: 'none' | 'exempt' | 'reverse';
  test_clock: string | null;
}

export interface DeletedCustomer {
  id: string;
  object: 'customer';
  deleted: true;
}
