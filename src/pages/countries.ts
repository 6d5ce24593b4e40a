/**
 * The country selects' options in the page's language: names from `Intl.DisplayNames` in the page
 * locale, sorted as the locale sorts them (docs/decisions.md#page-languages). English keeps the
 * names of the address form's list (`Hong Kong`, not CLDR's `Hong Kong SAR China`), as Stripe's
 * page writes them.
 */
import { COUNTRIES } from '../checkout/address-form.js';
import { esc } from './escape.js';
import { intlTag, type PageLocale } from './i18n.js';

interface Countries {
  names: ReadonlyMap<string, string>;
  display: Intl.DisplayNames;
  /** Every country's `<option>`, none selected. */
  options: string;
}

function build(locale: PageLocale): Countries {
  const display = new Intl.DisplayNames([intlTag(locale)], { type: 'region', fallback: 'code' });
  const named = COUNTRIES.map(([code, english]) => [code, locale === 'en' ? english : display.of(code) ?? english] as const);
  const collator = new Intl.Collator(intlTag(locale));
  const sorted = [...named].sort((a, b) => collator.compare(a[1], b[1]));
  return { names: new Map(named), display, options: sorted.map(([code, name]) => `<option value="${code}">${esc(name)}</option>`).join('') };
}

// Built once per locale, at its first page rather than on every render; not at start-up, where
// ten locales' region names and collation tables would stay resident in a server that may never
// render a page in most of them (bench/README.md, "Memory").
const BY_LOCALE = new Map<PageLocale, Countries>();

function countriesIn(locale: PageLocale): Countries {
  let built = BY_LOCALE.get(locale);
  if (!built) BY_LOCALE.set(locale, (built = build(locale)));
  return built;
}

/** The name of country `code` in the page's language (the code itself when Intl does not know it). */
export function countryName(code: string, locale: PageLocale): string {
  const { names, display } = countriesIn(locale);
  const listed = names.get(code);
  if (listed !== undefined) return listed;
  try {
    return display.of(code) ?? code;
  } catch {
    // Not a region code Intl takes.
    return code;
  }
}

/** Every country of the address form, `selected` chosen. */
export function countryOptions(selected: string, locale: PageLocale): string {
  const { names, options } = countriesIn(locale);
  if (selected === '') return options;
  if (names.has(selected)) return options.replace(`<option value="${selected}">`, `<option value="${selected}" selected>`);
  // A prefilled country outside the list stays what it is rather than silently becoming another.
  return /^[A-Z]{2}$/.test(selected) ? `<option value="${selected}" selected>${selected}</option>${options}` : options;
}

/** The countries a session ships to (`allowed_countries`, in its order), `selected` chosen. */
export function allowedCountryOptions(allowed: string[], selected: string, locale: PageLocale): string {
  return allowed.map((c) => `<option value="${esc(c)}"${c === selected ? ' selected' : ''}>${esc(countryName(c, locale))}</option>`).join('');
}
