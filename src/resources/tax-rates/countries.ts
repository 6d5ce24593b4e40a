/**
 * Country codes, for every tax resource that takes one (tax rates, registrations, the head office
 * of tax settings). Stripe refuses a code that is not ISO 3166-1 alpha-2 with the message below.
 */
import { errors } from '../../api/errors.js';
import { str, type Field } from '../../api/params.js';

/** ISO 3166-1 alpha-2 (https://www.iso.org/iso-3166-country-codes.html), plus XK (Kosovo), which Stripe accepts. */
const ISO_3166_1 = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW'
  ).split(' '),
);

/** Is `code` (any case) a country code Stripe knows? */
export function isCountryCode(code: string): boolean {
  return ISO_3166_1.has(code.toUpperCase());
}

/** Stripe's answer to a country code it does not know. */
export function unknownCountry(code: string, param: string) {
  return errors.invalid(
    `Country '${code}' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'. A full list of country codes is available at https://www.iso.org/iso-3166-country-codes.html`,
    param,
    'country_code_invalid',
  );
}

/** A `country` param: an ISO 3166-1 alpha-2 code, served upper case. */
export function countryParam(): Field<string | undefined> {
  const base = str({ max: 5000 });
  return {
    parse(value, param) {
      const s = base.parse(value, param);
      if (s === undefined) return undefined;
      if (!isCountryCode(s)) throw unknownCountry(s, param);
      return s.toUpperCase();
    },
  };
}
