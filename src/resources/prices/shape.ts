import type { Metadata } from '../../api/params.js';

export type Interval = 'day' | 'week' | 'month' | 'year';
export type TaxBehavior = 'exclusive' | 'inclusive' | 'unspecified';

export interface Recurring {
  interval: Interval;
  interval_count: number;
  meter: null;
  trial_period_days: number | null;
  usage_type: 'licensed';
}

/** A Price as served at the current API version (stripe-node 23 `Price`): per-unit prices only. */
export interface Price {
  id: string;
  object: 'price';
  active: boolean;
  billing_scheme: 'per_unit';
  created: number;
  currency: string;
  custom_unit_amount: null;
  livemode: false;
  lookup_key: string | null;
  metadata: Metadata;
  nickname: string | null;
  product: string;
  recurring: Recurring | null;
  tax_behavior: TaxBehavior;
  tiers_mode: null;
  transform_quantity: null;
  type: 'one_time' | 'recurring';
  unit_amount: number | null;
  unit_amount_decimal: string | null;
}
