/**
 * The tax ID types stripe-node 23.1.0 creates, and the formats OpenCheckout checks values against
 * (docs/decisions.md#customer-tax-ids): the types whose format Stripe documents with a fixed
 * shape; other types take any value of letters, digits and separators.
 */

/** Every type `POST /v1/customers/:id/tax_ids` takes (stripe-node 23.1.0 `TaxIdCreateParams.Type`). */
export const TAX_ID_TYPES = [
  'ad_nrt', 'ae_trn', 'al_tin', 'am_tin', 'ao_tin', 'ar_cuit', 'au_abn', 'au_acn', 'au_arn', 'au_wpn', 'aw_tin', 'az_tin', 'ba_tin', 'bb_tin', 'bd_bin',
  'bf_ifu', 'bg_uic', 'bh_vat', 'bj_ifu', 'bo_tin', 'br_cnpj', 'br_cpf', 'bs_tin', 'bw_vat', 'by_tin', 'ca_bn', 'ca_gst_hst', 'ca_pst_bc', 'ca_pst_mb',
  'ca_pst_sk', 'ca_qst', 'cd_nif', 'ch_uid', 'ch_vat', 'ci_vat', 'cl_tin', 'cm_niu', 'cn_tin', 'co_nit', 'cr_tin', 'cv_nif', 'cz_dic', 'de_stn', 'do_rcn',
  'ec_ruc', 'eg_tin', 'es_cif', 'et_tin', 'eu_oss_vat', 'eu_vat', 'fo_vat', 'fr_siren', 'fr_siret', 'fr_spi', 'gb_vat', 'ge_vat', 'gh_tin', 'gi_tin',
  'gn_nif', 'hk_br', 'hr_oib', 'hu_tin', 'ic_nif', 'id_npwp', 'il_vat', 'in_gst', 'is_kt', 'is_vat', 'it_cf', 'jp_cn', 'jp_rn', 'jp_trn', 'ke_pin', 'kg_tin',
  'kh_tin', 'kr_brn', 'kz_bin', 'la_tin', 'li_uid', 'li_vat', 'lk_vat', 'ma_vat', 'md_cf', 'md_vat', 'me_pib', 'mk_vat', 'mr_nif', 'mu_vat', 'mx_rfc',
  'my_frp', 'my_itn', 'my_sst', 'mz_nuit', 'ng_tin', 'no_vat', 'no_voec', 'np_pan', 'nz_bn', 'nz_gst', 'om_vat', 'pe_ruc', 'ph_tin', 'pl_nip', 'pt_nif',
  'py_ruc', 'ro_tin', 'rs_pib', 'ru_inn', 'ru_kpp', 'sa_vat', 'sg_gst', 'sg_uen', 'si_tin', 'sm_coe', 'sn_ninea', 'sr_fin', 'sv_nit', 'th_vat', 'tj_tin',
  'tr_tin', 'tt_bir', 'tt_vat', 'tw_vat', 'tz_vat', 'ua_vat', 'ug_tin', 'us_ein', 'uy_ruc', 'uz_tin', 'uz_vat', 've_rif', 'vn_tin', 'za_vat', 'zm_tin',
  'zw_tin'
] as const;

export type TaxIdType = (typeof TAX_ID_TYPES)[number];

/** EU VAT numbers: the member state's prefix, then its own national shape. */
const EU_VAT: Record<string, string> = {
  AT: 'U\\d{8}', BE: '[01]\\d{9}', BG: '\\d{9,10}', CY: '\\d{8}[A-Z]', CZ: '\\d{8,10}', DE: '\\d{9}', DK: '\\d{8}', EE: '\\d{9}',
  EL: '\\d{9}', ES: '[0-9A-Z]\\d{7}[0-9A-Z]', FI: '\\d{8}', FR: '[0-9A-Z]{2}\\d{9}', HR: '\\d{11}', HU: '\\d{8}',
  IE: '\\d{7}[A-Z]{1,2}|\\d[A-Z+*]\\d{5}[A-Z]', IT: '\\d{11}', LT: '\\d{9}|\\d{12}', LU: '\\d{8}', LV: '\\d{11}', MT: '\\d{8}',
  NL: '\\d{9}B\\d{2}', PL: '\\d{10}', PT: '\\d{9}', RO: '\\d{2,10}', SE: '\\d{12}', SI: '\\d{8}', SK: '\\d{10}',
  XI: '\\d{9}|\\d{12}|GD\\d{3}|HA\\d{3}',
};
const EU_PATTERN = Object.entries(EU_VAT).map(([prefix, rest]) => `${prefix}(?:${rest})`).join('|');

/** Formats of the types with a fixed shape (Stripe's documented examples), on the value as typed. */
const FORMATS: Partial<Record<TaxIdType, RegExp>> = {
  eu_vat: new RegExp(`^(?:${EU_PATTERN})$`),
  gb_vat: /^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
  jp_cn: /^\d{13}$/,
  jp_rn: /^\d{5}$/,
  jp_trn: /^T\d{13}$/,
  us_ein: /^\d{2}-?\d{7}$/,
  au_abn: /^\d{11}$/,
  au_arn: /^\d{12}$/,
  ca_bn: /^\d{9}$/,
  ca_gst_hst: /^\d{9}RT\d{4}$/,
  ca_qst: /^\d{10}TQ\d{4}$/,
  ch_vat: /^CHE-?\d{3}\.?\d{3}\.?\d{3} ?(MWST|TVA|IVA)$/,
  ch_uid: /^CHE-?\d{3}\.?\d{3}\.?\d{3}$/,
  in_gst: /^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/,
  kr_brn: /^\d{3}-?\d{2}-?\d{5}$/,
  no_vat: /^\d{9}MVA$/,
  nz_gst: /^\d{8,9}$/,
  za_vat: /^4\d{9}$/,
  br_cnpj: /^\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}$/,
  br_cpf: /^\d{3}\.\d{3}\.\d{3}-\d{2}$/,
  mx_rfc: /^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$/,
  sg_uen: /^[0-9A-Z]{9,10}$/,
  sg_gst: /^([A-Z]\d{8}[A-Z]|[0-9A-Z]{9,10})$/,
};

/** Any other type: letters, digits and the separators tax IDs are written with. */
const ANY = /^[0-9A-Za-z][0-9A-Za-z .\-/]{0,99}$/;

/** Whether `value` has the shape of a `type` tax ID. */
export function validTaxIdValue(type: TaxIdType, value: string): boolean {
  return (FORMATS[type] ?? ANY).test(value);
}

/** The country a tax ID belongs to: an EU VAT number's prefix (EL is Greece, XI Northern Ireland), else the type's. */
export function taxIdCountry(type: TaxIdType, value: string): string | null {
  if (type === 'eu_vat') {
    const prefix = value.slice(0, 2);
    return prefix === 'EL' ? 'GR' : prefix === 'XI' ? 'GB' : prefix;
  }
  if (type === 'eu_oss_vat') return null;
  return type.slice(0, 2).toUpperCase();
}
