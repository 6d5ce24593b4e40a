import type { Address } from '../shared/params.js';

export type DefaultTaxBehavior = 'exclusive' | 'inclusive' | 'inferred_by_currency';

/** Tax Settings as served at the current API version (stripe-node 23 `Tax.Settings`), fields in its order. */
export interface TaxSettings {
  object: 'tax.settings';
  defaults: {
    provider: 'stripe';
    tax_behavior: DefaultTaxBehavior | null;
    tax_code: string | null;
  };
  head_office: { address: Address } | null;
  livemode: false;
  status: 'active' | 'pending';
  status_details: { active: Record<string, never> } | { pending: { missing_fields: string[] } };
}

/** What the account has set (one row per account); the served object adds its status. */
export interface StoredTaxSettings {
  id: string;
  created: number;
  defaults: TaxSettings['defaults'];
  head_office: TaxSettings['head_office'];
}
