/**
 * The languages the hosted pages speak (docs/decisions.md#page-languages). Each page piece owns
 * its own strings, in every page locale, as a `Catalog`: a missing translation is a compile error,
 * not an English word on a Japanese page. The session's `locale` picks the language; `auto` (or
 * none) follows the buyer's `Accept-Language`; a Stripe locale with no catalog of its own falls
 * back to its base language (`pt-BR` -> `pt`, `zh-TW` -> `zh`), then to English.
 */

/** The languages every page string is written in. */
export const PAGE_LOCALES = ['en', 'ja', 'fr', 'de', 'es', 'it', 'nl', 'pt', 'zh', 'ko'] as const;
export type PageLocale = (typeof PAGE_LOCALES)[number];

/** A page piece's strings: every key, in every page locale. */
export type Catalog<K extends string> = Readonly<Record<PageLocale, Readonly<Record<K, string>>>>;

/** One string in every page locale (a payment method type's label). */
export type LocalText = Readonly<Record<PageLocale, string>>;

/**
 * The Intl locale a page locale formats amounts and dates in: the region where the language is
 * mostly written (`ja` -> `ja-JP`, which writes yen as ￥; `en` -> `en-US`).
 */
const INTL_TAG: Readonly<Record<PageLocale, string>> = {
  en: 'en-US', ja: 'ja-JP', fr: 'fr-FR', de: 'de-DE', es: 'es-ES', it: 'it-IT', nl: 'nl-NL', pt: 'pt-BR', zh: 'zh-CN', ko: 'ko-KR',
};

/** The Intl locale of a page locale (see INTL_TAG). */
export function intlTag(locale: PageLocale): string {
  return INTL_TAG[locale];
}

const dateFormats = new Map<PageLocale, Intl.DateTimeFormat>();

/** A date (unix seconds) as the locale writes it, in UTC: `March 5, 2026`, `2026年3月5日`, `5 mars 2026`. */
export function formatDate(unix: number, locale: PageLocale): string {
  let f = dateFormats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(intlTag(locale), { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
    dateFormats.set(locale, f);
  }
  return f.format(new Date(unix * 1000));
}

const KNOWN: ReadonlySet<string> = new Set(PAGE_LOCALES);

/** The page locale of one language tag (`ja-JP` -> `ja`, `pt-BR` -> `pt`); null when none fits. */
export function pageLocaleOf(tag: string): PageLocale | null {
  const lower = tag.trim().toLowerCase();
  if (KNOWN.has(lower)) return lower as PageLocale;
  const base = lower.split(/[-_]/)[0] ?? '';
  return KNOWN.has(base) ? (base as PageLocale) : null;
}

/**
 * The language tags of an `Accept-Language` header, best first (`ja,en;q=0.8` -> `ja`, `en`).
 * Tags with `q=0` are refused by the buyer and dropped.
 */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((t) => t.tag !== '' && t.tag !== '*' && t.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((t) => t.tag);
}

/** The page locale of a session's `locale` (`auto` or null: the buyer's `Accept-Language`). */
export function resolvePageLocale(sessionLocale: string | null | undefined, acceptLanguage: string | undefined): PageLocale {
  if (sessionLocale && sessionLocale !== 'auto') return pageLocaleOf(sessionLocale) ?? 'en';
  for (const tag of acceptedLanguages(acceptLanguage)) {
    const found = pageLocaleOf(tag);
    if (found) return found;
  }
  return 'en';
}

/** The strings of `catalog` in `locale`. */
export function textOf<K extends string>(catalog: Catalog<K>, locale: PageLocale): Readonly<Record<K, string>> {
  return catalog[locale];
}

/** `{name}` placeholders of a catalog string filled in (values are not escaped: escape the result). */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (Object.hasOwn(values, k) ? String(values[k]) : m));
}
