import type { Metadata } from '../../api/params.js';

/** Stripe's tax types (stripe-node 23 `TaxRateCreateParams.TaxType`). */
export const TAX_TYPES = [
  'admissions_tax',
  'amusement_tax',
  'attendance_tax',
  'communications_tax',
  'digital_excise_tax',
  'entertainment_tax',
  'get_fund',
  'gross_receipts_tax',
  'gst',
  'hospitality_tax',
  'hst',
  'igst',
  'jct',
  'lease_tax',
  'luxury_tax',
  'mass_transit_parking_tax',
  'nhil',
  'parking_tax',
  'pst',
  'qst',
  'resort_tax',
  'retail_delivery_fee',
  'rst',
  'sales_tax',
  'service_tax',
  'tourism_tax',
  'utility_users_tax',
  'vat',
] as const;
export type TaxType = (typeof TAX_TYPES)[number];

/**
 * A TaxRate as served at the current API version (stripe-node 23 `TaxRate`), fields in its order.
 * Rates made through the API are percentage rates defined by hand: `rate_type: 'percentage'`,
 * `flat_amount` and `jurisdiction_level` null, `effective_percentage` equal to `percentage`.
 */
export interface TaxRate {
  id: string;
  object: 'tax_rate';
  active: boolean;
  country: string | null;
  created: number;
  description: string | null;
  display_name: string;
  effective_percentage: number | null;
  flat_amount: null;
  inclusive: boolean;
  jurisdiction: string | null;
  /** null on rates made by hand; Stripe Tax's rates say where they apply. */
  jurisdiction_level: 'city' | 'country' | 'county' | 'district' | 'multiple' | 'state' | null;
  livemode: false;
  metadata: Metadata;
  percentage: number;
  rate_type: 'percentage';
  state: string | null;
  tax_type: TaxType | null;
}
