import type { Metadata } from '../../api/params.js';

/** A PromotionCode as served at the current API version (stripe-node 23 `PromotionCode`), in its field order. */
export interface PromotionCode {
  id: string;
  object: 'promotion_code';
  /** Computed when served, by business time: off once expired, exhausted or its coupon is gone or used up. */
  active: boolean;
  code: string;
  created: number;
  customer: string | null;
  customer_account: null;
  expires_at: number | null;
  livemode: false;
  max_redemptions: number | null;
  metadata: Metadata;
  promotion: { coupon: string; type: 'coupon' };
  restrictions: Restrictions;
  times_redeemed: number;
}

export interface Restrictions {
  /** Minimum amounts in currencies other than `minimum_amount_currency` (always served, `{}` when none). */
  currency_options: Record<string, { minimum_amount: number }>;
  first_time_transaction: boolean;
  minimum_amount: number | null;
  minimum_amount_currency: string | null;
}
