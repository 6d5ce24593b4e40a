/**
 * What a Checkout total is made of (docs/decisions.md#checkout-totals): line subtotals, one
 * discount spread over the lines it applies to, taxes per line (exclusive ones added, inclusive
 * ones inside the price), and shipping. Pure integer arithmetic in the currency's smallest unit:
 * products that could pass 2^53 are done in BigInt, every rounding is half away from zero, and a
 * discount spread over lines is split by largest remainder so the parts add up to the whole.
 */

/** A tax rate as the totals need it; `rate` is the object served in `taxes[].rate`. */
export interface RateInput {
  id: string;
  /** Percent, up to four decimals (8.875). */
  percentage: number;
  inclusive: boolean;
  rate: object;
}

export interface LineInput {
  unitAmount: number;
  quantity: number;
  productId: string;
  taxRates: readonly RateInput[];
}

/** The session's one discount: a percentage or an amount in the session's currency. */
export interface DiscountInput {
  percentOff: number | null;
  amountOff: number | null;
  /** Products it applies to; null = every line. */
  appliesTo: readonly string[] | null;
}

export interface ShippingInput {
  amount: number;
  /** Taxes on shipping (automatic tax taxes shipping at the buyer's rate). */
  taxRates: readonly RateInput[];
}

export interface TaxPart {
  rate: RateInput;
  amount: number;
  taxableAmount: number;
}

export interface LineTotals {
  amountSubtotal: number;
  amountDiscount: number;
  amountTax: number;
  amountTotal: number;
  taxes: TaxPart[];
}

export interface Totals {
  lines: LineTotals[];
  shipping: { amountSubtotal: number; amountTax: number; amountTotal: number; taxes: TaxPart[] } | null;
  amountSubtotal: number;
  amountDiscount: number;
  amountShipping: number;
  amountTax: number;
  amountTotal: number;
  /** The taxes of lines and shipping added up per rate, in first-seen order (`total_details.breakdown`). */
  taxes: TaxPart[];
}

/** round(a × num / den), half away from zero, exact for any safe integers. */
export function mulDivRound(a: number, num: number, den: number): number {
  const n = BigInt(a) * BigInt(num);
  const d = BigInt(den);
  const neg = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  const q = (an * 2n + ad) / (2n * ad);
  return Number(neg ? -q : q);
}

/** Percent with up to four decimals as an integer number of millionths (8.875 % -> 88,750). */
function millionths(percent: number): number {
  return Math.round(percent * 10_000);
}

/**
 * Splits `total` over `weights` in proportion, by largest remainder: the parts add up to `total`
 * exactly, and equal weights get parts that differ by at most one unit (earlier ones first).
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0 || total === 0) return weights.map(() => 0);
  const T = BigInt(total);
  const S = BigInt(sum);
  const exact = weights.map((w) => BigInt(w) * T);
  const parts = exact.map((e) => e / S);
  let left = total - parts.reduce((a, b) => a + Number(b), 0);
  const order = exact.map((e, i) => ({ i, rem: e % S })).sort((a, b) => (b.rem === a.rem ? a.i - b.i : b.rem > a.rem ? 1 : -1));
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] as bigint) + 1n;
    left--;
  }
  return parts.map(Number);
}

/** The discount of each line: the whole discount, spread over the lines it applies to. */
function lineDiscounts(lines: readonly LineInput[], subtotals: readonly number[], d: DiscountInput | null): number[] {
  if (!d) return lines.map(() => 0);
  const applies = lines.map((l) => d.appliesTo === null || d.appliesTo.includes(l.productId));
  const base = subtotals.map((s, i) => (applies[i] ? s : 0));
  const applicable = base.reduce((a, b) => a + b, 0);
  const whole = d.percentOff !== null ? mulDivRound(applicable, millionths(d.percentOff), 1_000_000) : Math.min(d.amountOff ?? 0, applicable);
  return allocate(whole, base);
}

/**
 * The taxes on `gross` (after discount): exclusive rates each on the gross; inclusive rates
 * together take the part of the gross above its net, split between them by their percentages.
 */
export function taxesOn(gross: number, rates: readonly RateInput[]): { taxes: TaxPart[]; exclusive: number } {
  const inclusive = rates.filter((r) => r.inclusive);
  const inclusivePercent = inclusive.reduce((a, r) => a + millionths(r.percentage), 0);
  const net = inclusivePercent === 0 ? gross : mulDivRound(gross, 1_000_000, 1_000_000 + inclusivePercent);
  const insideParts = allocate(gross - net, inclusive.map((r) => millionths(r.percentage)));
  const taxes: TaxPart[] = [];
  let exclusive = 0;
  let k = 0;
  for (const rate of rates) {
    if (rate.inclusive) {
      taxes.push({ rate, amount: insideParts[k++] ?? 0, taxableAmount: net });
    } else {
      const amount = mulDivRound(net, millionths(rate.percentage), 1_000_000);
      exclusive += amount;
      taxes.push({ rate, amount, taxableAmount: net });
    }
  }
  return { taxes, exclusive };
}

/** The totals of a cart: each line, shipping, and the session's amounts, which agree to the unit. */
export function computeTotals(lines: readonly LineInput[], discount: DiscountInput | null, shipping: ShippingInput | null): Totals {
  const subtotals = lines.map((l) => l.unitAmount * l.quantity);
  const discounts = lineDiscounts(lines, subtotals, discount);
  const lineTotals = lines.map((l, i): LineTotals => {
    const amountSubtotal = subtotals[i] as number;
    const amountDiscount = discounts[i] as number;
    const { taxes, exclusive } = taxesOn(amountSubtotal - amountDiscount, l.taxRates);
    const amountTax = taxes.reduce((a, t) => a + t.amount, 0);
    return { amountSubtotal, amountDiscount, amountTax, amountTotal: amountSubtotal - amountDiscount + exclusive, taxes };
  });
  let shippingTotals: Totals['shipping'] = null;
  if (shipping) {
    const { taxes, exclusive } = taxesOn(shipping.amount, shipping.taxRates);
    shippingTotals = { amountSubtotal: shipping.amount, amountTax: taxes.reduce((a, t) => a + t.amount, 0), amountTotal: shipping.amount + exclusive, taxes };
  }
  const sum = (f: (l: LineTotals) => number) => lineTotals.reduce((a, l) => a + f(l), 0);
  return {
    lines: lineTotals,
    shipping: shippingTotals,
    amountSubtotal: sum((l) => l.amountSubtotal),
    amountDiscount: sum((l) => l.amountDiscount),
    // Before its exclusive tax, which amount_tax counts: subtotal − discount + shipping + exclusive tax = total.
    amountShipping: shippingTotals?.amountSubtotal ?? 0,
    amountTax: sum((l) => l.amountTax) + (shippingTotals?.amountTax ?? 0),
    amountTotal: sum((l) => l.amountTotal) + (shippingTotals?.amountTotal ?? 0),
    taxes: byRate([...lineTotals.flatMap((l) => l.taxes), ...(shippingTotals?.taxes ?? [])]),
  };
}

function byRate(parts: readonly TaxPart[]): TaxPart[] {
  const out = new Map<string, TaxPart>();
  for (const p of parts) {
    const seen = out.get(p.rate.id);
    if (seen) {
      seen.amount += p.amount;
      seen.taxableAmount += p.taxableAmount;
    } else out.set(p.rate.id, { ...p });
  }
  return [...out.values()];
}
