/**
 * The billing/shipping address form of the hosted page, per country: which fields it shows and
 * requires. The prefill rules (rule 4 of docs/decisions.md#prefill-of-a-saved-card, `required`) read the same table, so "complete
 * billing details" means exactly what the page's form would make the buyer type.
 */
export interface AddressForm {
  /** The form has a state/province/region field, and requires it. */
  state: boolean;
  /** The form has a postal code field, and requires it (when collection is `required`). */
  postalCode: boolean;
}

/** Countries whose address form has a state field (as Stripe's Checkout form shows one). */
const STATE_COUNTRIES = new Set(['US', 'CA', 'AU', 'BR', 'MX', 'IN', 'JP', 'MY', 'IT', 'ES', 'AR', 'CN', 'ID', 'IE', 'TH', 'AE']);
/** Countries without postal codes: the form has no postal field. */
const NO_POSTAL_COUNTRIES = new Set(['AE', 'AG', 'AO', 'BF', 'BJ', 'BO', 'BS', 'BW', 'BZ', 'CM', 'CW', 'FJ', 'GH', 'HK', 'JM', 'KE', 'QA', 'TG', 'TT', 'UG', 'YE', 'ZW']);

/** Under `billing_address_collection: auto` Stripe asks only country, plus postal code here. */
export const AUTO_POSTAL_COUNTRIES = new Set(['US', 'CA', 'GB']);

/** The address fields the page shows and requires for a country. */
export function addressFormFor(country: string | null | undefined): AddressForm {
  const c = (country ?? '').toUpperCase();
  return { state: STATE_COUNTRIES.has(c), postalCode: !NO_POSTAL_COUNTRIES.has(c) };
}

/** ISO 3166-1 alpha-2 codes offered in the country selects, with English names. */
export const COUNTRIES: ReadonlyArray<readonly [code: string, name: string]> = [
  ['AE', 'United Arab Emirates'], ['AR', 'Argentina'], ['AT', 'Austria'], ['AU', 'Australia'], ['BE', 'Belgium'], ['BG', 'Bulgaria'],
  ['BR', 'Brazil'], ['CA', 'Canada'], ['CH', 'Switzerland'], ['CL', 'Chile'], ['CN', 'China'], ['CO', 'Colombia'], ['CY', 'Cyprus'],
  ['CZ', 'Czechia'], ['DE', 'Germany'], ['DK', 'Denmark'], ['EE', 'Estonia'], ['ES', 'Spain'], ['FI', 'Finland'], ['FR', 'France'],
  ['GB', 'United Kingdom'], ['GR', 'Greece'], ['HK', 'Hong Kong'], ['HR', 'Croatia'], ['HU', 'Hungary'], ['ID', 'Indonesia'],
  ['IE', 'Ireland'], ['IL', 'Israel'], ['IN', 'India'], ['IT', 'Italy'], ['JP', 'Japan'], ['KE', 'Kenya'], ['KR', 'South Korea'],
  ['LT', 'Lithuania'], ['LU', 'Luxembourg'], ['LV', 'Latvia'], ['MT', 'Malta'], ['MX', 'Mexico'], ['MY', 'Malaysia'], ['NG', 'Nigeria'],
  ['NL', 'Netherlands'], ['NO', 'Norway'], ['NZ', 'New Zealand'], ['PE', 'Peru'], ['PH', 'Philippines'], ['PL', 'Poland'],
  ['PT', 'Portugal'], ['QA', 'Qatar'], ['RO', 'Romania'], ['SA', 'Saudi Arabia'], ['SE', 'Sweden'], ['SG', 'Singapore'],
  ['SI', 'Slovenia'], ['SK', 'Slovakia'], ['TH', 'Thailand'], ['TR', 'Turkey'], ['TW', 'Taiwan'], ['US', 'United States'],
  ['VN', 'Vietnam'], ['ZA', 'South Africa'],
];

export const COUNTRY_CODES = new Set(COUNTRIES.map(([code]) => code));
