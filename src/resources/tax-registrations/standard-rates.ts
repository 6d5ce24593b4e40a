/**
 * Standard tax rates by country (and, in the US, by state): what an active registration collects
 * (docs/decisions.md#tax).
 *
 * THIS TABLE IS A TEST FIXTURE OF TAX, NOT TAX ADVICE. It holds one standard rate per place so
 * that merchant code can be tested against Stripe Tax's behaviour offline. Real tax depends on
 * the product, the buyer, reduced rates, local (county, city, district) taxes, thresholds and
 * exemptions, none of which this table knows; rates also change. Do not use it to charge tax.
 *
 * Sources (standard rates in force in 2025, when the table was written):
 * - EU member states: European Commission, "VAT rates applied in the Member States of the European
 *   Union" (https://taxation-customs.ec.europa.eu/taxation/vat/vat-directive/vat-rates_en),
 *   with the 2024-2025 changes: FI 25.5 % (1 Sep 2024), SK 23 % (1 Jan 2025), EE 24 % (1 Jul 2025),
 *   RO 21 % (1 Aug 2025).
 * - GB: HM Revenue & Customs, "VAT rates" (https://www.gov.uk/guidance/rates-of-vat-on-different-goods-and-services).
 * - JP: National Tax Agency, consumption tax (https://www.nta.go.jp/english/taxes/consumption_tax/01.htm), 10 %.
 * - CA: Canada Revenue Agency, GST/HST rates (https://www.canada.ca/en/revenue-agency/services/tax/businesses/topics/gst-hst-businesses/charge-collect-which-rate.html):
 *   the federal GST of 5 % only; provincial HST, PST and QST are not modelled.
 * - AU: Australian Taxation Office, GST (https://www.ato.gov.au/businesses-and-organisations/gst-excise-and-indirect-taxes/gst), 10 %.
 * - NZ: Inland Revenue, GST 15 % (https://www.ird.govt.nz/gst). SG: IRAS, GST 9 % from 1 Jan 2024
 *   (https://www.iras.gov.sg/taxes/goods-services-tax-(gst)). CH: Swiss Federal Tax Administration,
 *   VAT 8.1 % from 1 Jan 2024 (https://www.estv.admin.ch). NO: Skatteetaten, 25 %. IS: Skatturinn, 24 %.
 *   AE: Federal Tax Authority, 5 %. ZA: SARS, 15 %. KR: National Tax Service, 10 %. SA: ZATCA, 15 %.
 *   MX: SAT, IVA 16 %. TR: Gelir İdaresi, KDV 20 %.
 * - US: each state's statewide sales tax rate as tabulated by the Tax Foundation, "State and Local
 *   Sales Tax Rates, 2025" (https://taxfoundation.org/data/all/state/sales-tax-rates/), which follows
 *   each state's department of revenue. Local rates are left out. Alaska, Delaware, Montana, New
 *   Hampshire and Oregon levy no statewide sales tax: 0, listed so. A state missing from the table
 *   collects 0.
 */

export type StandardTaxType = 'gst' | 'jct' | 'sales_tax' | 'vat';

interface CountryRate {
  percentage: number;
  tax_type: StandardTaxType;
  display_name: string;
}

const vat = (percentage: number): CountryRate => ({ percentage, tax_type: 'vat', display_name: 'VAT' });
const gst = (percentage: number): CountryRate => ({ percentage, tax_type: 'gst', display_name: 'GST' });

/** Country (ISO 3166-1 alpha-2) -> its standard rate. */
export const COUNTRY_RATES: Readonly<Record<string, CountryRate>> = {
  // The 27 EU member states.
  AT: vat(20),
  BE: vat(21),
  BG: vat(20),
  CY: vat(19),
  CZ: vat(21),
  DE: vat(19),
  DK: vat(25),
  EE: vat(24),
  ES: vat(21),
  FI: vat(25.5),
  FR: vat(20),
  GR: vat(24),
  HR: vat(25),
  HU: vat(27),
  IE: vat(23),
  IT: vat(22),
  LT: vat(21),
  LU: vat(17),
  LV: vat(21),
  MT: vat(18),
  NL: vat(21),
  PL: vat(23),
  PT: vat(23),
  RO: vat(21),
  SE: vat(25),
  SI: vat(22),
  SK: vat(23),
  // Elsewhere.
  AE: vat(5),
  AU: gst(10),
  CA: gst(5),
  CH: vat(8.1),
  GB: vat(20),
  IS: vat(24),
  JP: { percentage: 10, tax_type: 'jct', display_name: 'JCT' },
  KR: vat(10),
  MX: vat(16),
  NO: vat(25),
  NZ: gst(15),
  SA: vat(15),
  SG: gst(9),
  TR: vat(20),
  ZA: vat(15),
};

/** US state (ISO 3166-2:US, no prefix) -> its statewide sales tax rate, local rates left out. */
export const US_STATE_RATES: Readonly<Record<string, number>> = {
  AL: 4,
  AK: 0,
  AZ: 5.6,
  AR: 6.5,
  CA: 7.25,
  CO: 2.9,
  CT: 6.35,
  DE: 0,
  DC: 6,
  FL: 6,
  GA: 4,
  HI: 4,
  ID: 6,
  IL: 6.25,
  IN: 7,
  IA: 6,
  KS: 6.5,
  KY: 6,
  LA: 5,
  ME: 5.5,
  MD: 6,
  MA: 6.25,
  MI: 6,
  MN: 6.875,
  MS: 7,
  MO: 4.225,
  MT: 0,
  NE: 5.5,
  NV: 6.85,
  NH: 0,
  NJ: 6.625,
  NM: 4.875,
  NY: 4,
  NC: 4.75,
  ND: 5,
  OH: 5.75,
  OK: 4.5,
  OR: 0,
  PA: 6,
  RI: 7,
  SC: 6,
  SD: 4.2,
  TN: 7,
  TX: 6.25,
  UT: 6.1,
  VT: 6,
  VA: 5.3,
  WA: 6.5,
  WV: 6,
  WI: 5,
  WY: 4,
};

/** The standard rate where the buyer is, as automatic tax applies it. */
export interface StandardRate {
  percentage: number;
  country: string;
  state: string | null;
  display_name: string;
  tax_type: StandardTaxType;
  jurisdiction: string;
}

/**
 * The table's rate for an address (country upper case; in the US, the state), or null when the
 * table has none (a country it does not list, a US address without a state).
 */
export function standardRate(country: string, state: string | null): StandardRate | null {
  if (country === 'US') {
    if (state === null) return null;
    const percentage = US_STATE_RATES[state] ?? 0;
    return { percentage, country, state, display_name: 'Sales Tax', tax_type: 'sales_tax', jurisdiction: state };
  }
  const rate = COUNTRY_RATES[country];
  return rate ? { ...rate, country, state: null, jurisdiction: country } : null;
}
