import type { Metadata } from '../../api/params.js';

/** A Coupon as served at the current API version (stripe-node 23 `Coupon`), in its field order. */
export interface Coupon {
  id: string;
  object: 'coupon';
  amount_off: number | null;
  /** Includable on Stripe (`expand[]=applies_to`); served whenever the coupon has it. */
  applies_to?: { products: string[] };
  created: number;
  currency: string | null;
  /** Amounts off in currencies other than `currency`; includable on Stripe, served whenever set. */
  currency_options?: Record<string, { amount_off: number }>;
  duration: 'forever' | 'once' | 'repeating';
  duration_in_months: number | null;
  livemode: false;
  max_redemptions: number | null;
  metadata: Metadata;
  name: string | null;
  percent_off: number | null;
  redeem_by: number | null;
  times_redeemed: number;
  /** Computed when served, by business time (a stored value is only as of the last write). */
  valid: boolean;
}

export interface DeletedCoupon {
  id: string;
  object: 'coupon';
  deleted: true;
}
