/**
 * What `country_options[<cc>]` takes for each country Stripe Tax registers in, and the object it
 * serves, as stripe-node 23's types lay them out (`Tax.RegistrationCreateParams.CountryOptions`,
 * `Registration.CountryOptions`). The 105 countries fall into five shapes, listed here by code.
 */
import { errors } from '../../api/errors.js';
import type { FormValue } from '../../api/form.js';
import { arr, obj, oneOf, required, str, type Field, type InferShape } from '../../api/params.js';

/** EU member states: `type` is `standard`, `oss_union`, `oss_non_union` or `ioss`. */
export const EU_COUNTRIES = [
  'at', 'be', 'bg', 'cy', 'cz', 'de', 'dk', 'ee', 'es', 'fi', 'fr', 'gr', 'hr', 'hu', 'ie', 'it', 'lt', 'lu',
  'lv', 'mt', 'nl', 'pl', 'pt', 'ro', 'se', 'si', 'sk',
] as const;

/** `type: 'standard'`, with an optional `standard[place_of_supply_scheme]` the object serves back. */
const STANDARD_SERVED = ['ae', 'au', 'ch', 'gb', 'jp', 'no', 'nz', 'sg'] as const;

/** `type: 'standard'`; the params take `standard[place_of_supply_scheme]`, the object has only `type`. */
const STANDARD_TYPE_ONLY = [
  'al', 'ao', 'aw', 'ba', 'bb', 'bd', 'bf', 'bh', 'bs', 'cd', 'et', 'gn', 'is', 'me', 'mk', 'mr', 'om', 'rs', 'sr', 'uy',
  'za', 'zw',
] as const;

/** `type: 'simplified'` only. */
const SIMPLIFIED = [
  'am', 'az', 'bj', 'bw', 'by', 'ci', 'cl', 'cm', 'co', 'cr', 'cv', 'ec', 'eg', 'ge', 'gh', 'id', 'in', 'ke', 'kg', 'kh',
  'kr', 'kz', 'la', 'lk', 'ma', 'md', 'mu', 'mx', 'my', 'ng', 'np', 'pe', 'ph', 'ru', 'sa', 'sn', 'th', 'tj', 'tr', 'tw',
  'tz', 'ua', 'ug', 'uz', 'vn', 'zm',
] as const;

/** US registrations for a local tax name their jurisdiction in a hash named after the type. */
const US_LOCAL_TYPES = [
  'admissions_tax', 'attendance_tax', 'entertainment_tax', 'gross_receipts_tax', 'hospitality_tax', 'local_amusement_tax',
  'local_lease_tax', 'luxury_tax', 'mass_transit_parking_tax', 'parking_tax', 'resort_tax', 'tourism_tax', 'utility_users_tax',
] as const;
const US_TYPES = [
  ...US_LOCAL_TYPES, 'digital_excise_tax', 'state_communications_tax', 'state_retail_delivery_fee', 'state_sales_tax',
] as const;
export type UsRegistrationType = (typeof US_TYPES)[number];

/** ISO 3166-2:US subdivisions a US registration may name: the states, DC and the territories. */
const US_STATES = new Set(
  (
    'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA ' +
    'RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR UM VI'
  ).split(' '),
);

const euStandard = () => obj({ place_of_supply_scheme: required(oneOf(['inbound_goods', 'small_seller', 'standard'])) });
const otherStandard = () => obj({ place_of_supply_scheme: oneOf(['inbound_goods', 'standard']) });
const jurisdiction = () => obj({ jurisdiction: required(str({ max: 5000 })) });

const euShape = { type: required(oneOf(['ioss', 'oss_non_union', 'oss_union', 'standard'])), standard: euStandard() };
const standardShape = { type: required(oneOf(['standard'])), standard: otherStandard() };
const simplifiedShape = { type: required(oneOf(['simplified'])) };
const caShape = {
  type: required(oneOf(['province_standard', 'simplified', 'standard'])),
  province_standard: obj({ province: required(str({ max: 5000 })) }),
};
const usShape = {
  ...(Object.fromEntries(US_LOCAL_TYPES.map((t) => [t, jurisdiction()])) as Record<(typeof US_LOCAL_TYPES)[number], ReturnType<typeof jurisdiction>>),
  state: required(str({ max: 5000 })),
  state_sales_tax: obj({
    elections: required(
      arr(obj({ jurisdiction: str({ max: 5000 }), type: required(oneOf(['local_use_tax', 'simplified_sellers_use_tax', 'single_local_use_tax'])) })),
    ),
  }),
  type: required(oneOf(US_TYPES)),
};

type Shape = Record<string, Field<unknown>>;
const SHAPES: Record<string, Shape> = {};
for (const cc of EU_COUNTRIES) SHAPES[cc] = euShape;
for (const cc of [...STANDARD_SERVED, ...STANDARD_TYPE_ONLY]) SHAPES[cc] = standardShape;
for (const cc of SIMPLIFIED) SHAPES[cc] = simplifiedShape;
SHAPES.ca = caShape;
SHAPES.us = usShape;

/** The `country_options` hash, with a key for every country (each country's options by its shape). */
const countryOptionsField = obj(Object.fromEntries(Object.entries(SHAPES).map(([cc, shape]) => [cc, obj(shape)])));

/** Is `country` (any case) one Stripe Tax registers in? */
export function isRegistrationCountry(country: string): boolean {
  return Object.hasOwn(SHAPES, country.toLowerCase());
}

/** A registration's options in its country, as served (keys in stripe-node's order). */
export type CountryOption = Record<string, unknown> & { type: string };

/** What a registration covers: its type and, in the US, its state; for the tax it collects. */
export interface Coverage {
  type: string;
  state: string | null;
}

/**
 * Reads `country_options` for a registration in `country` (upper case, known): only that
 * country's key may be given, and it must be. Returns the served options and what they cover.
 */
export function parseCountryOptions(value: FormValue | undefined, country: string): { options: Record<string, CountryOption>; coverage: Coverage } {
  const cc = country.toLowerCase();
  const parsed = required(countryOptionsField).parse(value, 'country_options') as Record<string, Record<string, unknown> | undefined>;
  for (const other of Object.keys(parsed)) {
    if (other !== cc) {
      throw errors.invalid(`The registration is in ${country}: country_options may only hold options for ${cc}, not ${other}.`, `country_options[${other}]`);
    }
  }
  const given = parsed[cc];
  if (!given) throw errors.missingParam(`country_options[${cc}]`);
  const option = served(cc, given);
  return { options: { [cc]: option }, coverage: { type: option.type, state: typeof option.state === 'string' ? option.state : null } };
}

function served(cc: string, given: Record<string, unknown>): CountryOption {
  const param = `country_options[${cc}]`;
  const type = given.type as string;
  if ((EU_COUNTRIES as readonly string[]).includes(cc)) {
    const p = given as InferShape<typeof euShape>;
    if (p.type !== 'standard') {
      if (p.standard) throw errors.invalid(`${param}[standard] can only be given with type standard.`, `${param}[standard]`);
      return { type: p.type };
    }
    if (!p.standard) throw errors.missingParam(`${param}[standard]`);
    return { standard: { place_of_supply_scheme: p.standard.place_of_supply_scheme }, type };
  }
  if ((STANDARD_SERVED as readonly string[]).includes(cc)) {
    const p = given as InferShape<typeof standardShape>;
    return { standard: { place_of_supply_scheme: p.standard?.place_of_supply_scheme ?? 'standard' }, type };
  }
  if (cc === 'ca') {
    const p = given as InferShape<typeof caShape>;
    if (p.type !== 'province_standard') {
      if (p.province_standard) throw errors.invalid(`${param}[province_standard] can only be given with type province_standard.`, `${param}[province_standard]`);
      return { type };
    }
    if (!p.province_standard) throw errors.missingParam(`${param}[province_standard]`);
    return { province_standard: { province: p.province_standard.province.toUpperCase() }, type };
  }
  if (cc === 'us') return servedUs(given as InferShape<typeof usShape>, param);
  return { type };
}

function servedUs(p: InferShape<typeof usShape>, param: string): CountryOption {
  const state = p.state.toUpperCase();
  if (!US_STATES.has(state)) throw errors.invalid(`Invalid US state: ${p.state}. Use the state's two-letter code, such as CA or NY.`, `${param}[state]`);
  const out: Record<string, unknown> = { state, type: p.type };
  for (const local of US_LOCAL_TYPES) {
    const hash = p[local];
    if (local === p.type && !hash) throw errors.missingParam(`${param}[${local}][jurisdiction]`);
    if (hash && local !== p.type) throw errors.invalid(`${param}[${local}] can only be given with type ${local}.`, `${param}[${local}]`);
    if (hash) out[local] = { jurisdiction: hash.jurisdiction };
  }
  if (p.state_sales_tax) {
    if (p.type !== 'state_sales_tax') throw errors.invalid(`${param}[state_sales_tax] can only be given with type state_sales_tax.`, `${param}[state_sales_tax]`);
    out.state_sales_tax = { elections: p.state_sales_tax.elections.map((e) => ({ ...(e.jurisdiction ? { jurisdiction: e.jurisdiction } : {}), type: e.type })) };
  }
  // stripe-node lists the keys alphabetically; serve them in that order.
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]])) as CountryOption;
}
