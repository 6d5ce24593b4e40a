/**
 * Amounts for display. Stripe amounts are integers in the currency's smallest unit, and
 * src/money/currencies.ts holds Stripe's decimals for each currency: jpy 500 is ¥500, usd 500
 * is $5.00, kwd 500 is KWD 0.500 (docs/decisions.md#currencies-and-amounts).
 */
import { currencyDecimals, WHOLE_UNITS } from '../money/currencies.js';
import { intlTag, pageLocaleOf } from './i18n.js';

/** A page locale is shown in its region (i18n.ts `intlTag`); other tags (`en-GB`) go to Intl as they are. */
function intlLocale(locale: string): string {
  const page = locale === 'auto' ? 'en' : locale.includes('-') ? null : pageLocaleOf(locale);
  const mapped = page ? intlTag(page) : locale;
  try {
    return Intl.NumberFormat.supportedLocalesOf([mapped]).length > 0 ? mapped : 'en-US';
  } catch {
    // Not a well-formed language tag.
    return 'en-US';
  }
}

interface Format {
  fmt: Intl.NumberFormat;
  scale: number;
}

// Building an Intl.NumberFormat costs far more than using one: keep one per locale and currency.
const formats = new Map<string, Format>();

function formatFor(currency: string, locale: string): Format {
  const code = currency.toLowerCase();
  const key = `${locale}:${code}`;
  let f = formats.get(key);
  if (!f) {
    const decimals = currencyDecimals(code);
    // ISK and UGX amounts carry two decimals but are charged in whole units: show ISK 5, not ISK 5.00.
    const min = WHOLE_UNITS.has(code) ? 0 : decimals;
    const tag = intlLocale(locale);
    let fmt: Intl.NumberFormat;
    try {
      fmt = new Intl.NumberFormat(tag, { style: 'currency', currency: code.toUpperCase(), minimumFractionDigits: min, maximumFractionDigits: decimals });
    } catch {
      // A code Intl does not know: a plain number followed by the code.
      const plain = new Intl.NumberFormat(tag, { minimumFractionDigits: min, maximumFractionDigits: decimals });
      fmt = { format: (n: number) => `${plain.format(n)} ${code.toUpperCase()}` } as Intl.NumberFormat;
    }
    f = { fmt, scale: 10 ** decimals };
    if (formats.size < 500) formats.set(key, f);
  }
  return f;
}

/**
 * An amount in the smallest unit, formatted for a page locale: `1999, 'usd'` -> `$19.99`;
 * `2000, 'jpy'` -> `¥2,000`, and `2000, 'jpy', 'ja'` -> `￥2,000` as Intl writes it for ja-JP.
 */
export function formatAmount(amount: number, currency: string, locale = 'en'): string {
  const { fmt, scale } = formatFor(currency, locale);
  return fmt.format(amount / scale);
}
