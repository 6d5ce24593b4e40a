import type { Metadata } from '../../api/params.js';

export type ShippingTaxBehavior = 'exclusive' | 'inclusive' | 'unspecified';
export type DeliveryUnit = 'business_day' | 'day' | 'hour' | 'month' | 'week';

export interface DeliveryEstimateBound {
  unit: DeliveryUnit;
  value: number;
}

export interface DeliveryEstimate {
  maximum: DeliveryEstimateBound | null;
  minimum: DeliveryEstimateBound | null;
}

export interface CurrencyOption {
  amount: number;
  tax_behavior: ShippingTaxBehavior;
}

export interface FixedAmount {
  amount: number;
  currency: string;
  /** Served when the rate has amounts in other currencies (docs/decisions.md#shipping-rates). */
  currency_options?: Record<string, CurrencyOption>;
}

/** A ShippingRate as served at the current API version (stripe-node 23 `ShippingRate`), fields in its order. */
export interface ShippingRate {
  id: string;
  object: 'shipping_rate';
  active: boolean;
  created: number;
  delivery_estimate: DeliveryEstimate | null;
  display_name: string | null;
  fixed_amount: FixedAmount;
  livemode: false;
  metadata: Metadata;
  tax_behavior: ShippingTaxBehavior | null;
  tax_code: string | null;
  type: 'fixed_amount';
}
