/**
 * Amounts for display. Stripe amounts are integers in the currency's smallest unit, and Stripe's
 * own list says how many decimals each currency has (https://docs.stripe.com/currencies#zero-decimal):
 * jpy 500 is ¥500, usd 500 is $5.00, kwd 500 is 0.500 KD.
 */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** Decimals of a currency's smallest unit, by Stripe's list. */
export function currencyDecimals(currency: string): number {
  const c = currency.toLowerCase();
  return ZERO_DECIMAL.has(c) ? 0 : THREE_DECIMAL.has(c) ? 3 : 2;
}

// Building an Intl.NumberFormat costs far more than using one: keep one per currency.
const formats = new Map<string, { fmt: Intl.NumberFormat; scale: number }>();

function formatFor(currency: string): { fmt: Intl.NumberFormat; scale: number } {
  const key = currency.toLowerCase();
  let f = formats.get(key);
  if (!f) {
    const digits = currencyDecimals(key);
    let fmt: Intl.NumberFormat;
    try {
      fmt = new Intl.NumberFormat('en-US', { style: 'currency', currency: key.toUpperCase(), minimumFractionDigits: digits, maximumFractionDigits: digits });
    } catch {
      // A code Intl does not know: a plain number followed by the code.
      const plain = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
      fmt = { format: (n: number) => `${plain.format(n)} ${key.toUpperCase()}` } as Intl.NumberFormat;
    }
    f = { fmt, scale: 10 ** digits };
    if (formats.size < 500) formats.set(key, f);
  }
  return f;
}

/** `1999, 'usd'` -> `$19.99`; `500, 'jpy'` -> `¥500`. */
export function formatAmount(amount: number, currency: string): string {
  const { fmt, scale } = formatFor(currency);
  return fmt.format(amount / scale);
}
