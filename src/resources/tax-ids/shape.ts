/** A customer's tax ID (stripe-node 23.1.0 `TaxId`), in Stripe's field order. */
export interface TaxId {
  id: string;
  object: 'tax_id';
  country: string | null;
  created: number;
  customer: string | null;
  customer_account: string | null;
  livemode: false;
  /** `customer` for a customer's tax ID, `self` for the account's own (`/v1/tax_ids`). */
  owner: { customer?: string; customer_account: string | null; type: 'customer' | 'self' } | null;
  type: string;
  value: string;
  verification: { status: 'pending' | 'verified' | 'unverified' | 'unavailable'; verified_address: string | null; verified_name: string | null } | null;
}

/** What DELETE answers. */
export interface DeletedTaxId {
  id: string;
  object: 'tax_id';
  deleted: true;
}
