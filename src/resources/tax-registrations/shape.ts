import type { CountryOption } from './country-options.js';

export type RegistrationStatus = 'active' | 'expired' | 'scheduled';

/** A Tax Registration as served at the current API version (stripe-node 23 `Tax.Registration`), fields in its order. */
export interface TaxRegistration {
  id: string;
  object: 'tax.registration';
  active_from: number;
  country: string;
  country_options: Record<string, CountryOption>;
  created: number;
  expires_at: number | null;
  livemode: false;
  /** Judged by business time whenever the registration is read (docs/decisions.md#tax). */
  status: RegistrationStatus;
}
