/**
 * The amounts of a draft invoice, from its items, its discounts and its tax rates, exact to the
 * smallest currency unit (docs/decisions.md#invoices): each line's discounts, then the invoice's
 * (shared out over the discountable lines), then each line's taxes on what is left.
 */
import type { Coupon } from '../coupons/shape.js';
import type { DiscountCoupons } from '../invoice-items/store.js';
import type { TaxRate } from '../tax-rates/shape.js';
import type { InvoiceTax } from './service.js';

export interface DiscountAmount {
  amount: number;
  discount: string;
}

/** One line as the totals see it. */
export interface TotalsLine {
  amount: number;
  discountable: boolean;
  discounts: DiscountCoupons;
  taxRates: TaxRate[];
}

export interface LineAmounts {
  discountAmounts: DiscountAmount[];
  taxes: InvoiceTax[];
}

export interface InvoiceAmounts {
  lines: LineAmounts[];
  subtotal: number;
  subtotalExcludingTax: number;
  total: number;
  totalExcludingTax: number;
  totalDiscountAmounts: DiscountAmount[];
  totalTaxes: InvoiceTax[];
}

/** What a coupon takes off `base` in `currency` (an amount-off coupon at most `base`). */
function couponOff(coupon: Coupon, base: number, currency: string): number {
  if (coupon.percent_off !== null) return Math.round((base * coupon.percent_off) / 100);
  const off = coupon.currency === currency ? coupon.amount_off : (coupon.currency_options?.[currency]?.amount_off ?? 0);
  return Math.min(base, off ?? 0);
}

/**
 * Shares `amount` out over `bases` in proportion, in whole units: each share rounded down, the
 * units left over given to the first lines, so the shares add up to `amount` exactly.
 */
export function shareOut(amount: number, bases: readonly number[]): number[] {
  const sum = bases.reduce((a, b) => a + b, 0);
  if (sum <= 0) return bases.map(() => 0);
  const shares = bases.map((b) => Math.floor((amount * b) / sum));
  let left = amount - shares.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0 && i < shares.length; i++) {
    if ((bases[i] ?? 0) > (shares[i] ?? 0)) {
      shares[i] = (shares[i] ?? 0) + 1;
      left--;
    }
  }
  return shares;
}

/** A tax rate's share of `taxable`: added on top (exclusive) or already inside it (inclusive). */
export function taxOf(rate: TaxRate, taxable: number): InvoiceTax {
  const amount = rate.inclusive
    ? taxable - Math.round((taxable * 100) / (100 + rate.percentage))
    : Math.round((taxable * rate.percentage) / 100);
  return {
    amount,
    tax_behavior: rate.inclusive ? 'inclusive' : 'exclusive',
    tax_rate_details: { tax_rate: rate.id },
    taxability_reason: 'standard_rated',
    taxable_amount: rate.inclusive ? taxable - amount : taxable,
    type: 'tax_rate_details',
  };
}

/** The amounts of lines under the invoice-level `discounts`, in `currency`. */
export function invoiceAmounts(lines: readonly TotalsLine[], discounts: DiscountCoupons, currency: string): InvoiceAmounts {
  const lineDiscounts: DiscountAmount[][] = lines.map((line) => {
    let left = line.amount;
    return Object.entries(line.discounts).map(([id, coupon]) => {
      const off = Math.min(left, couponOff(coupon, line.amount, currency));
      left -= off;
      return { amount: off, discount: id };
    });
  });
  const net = lines.map((l, i) => l.amount - (lineDiscounts[i] ?? []).reduce((s, d) => s + d.amount, 0));
  for (const [id, coupon] of Object.entries(discounts)) {
    const bases = lines.map((l, i) => (l.discountable ? (net[i] ?? 0) : 0));
    const base = bases.reduce((a, b) => a + b, 0);
    const shares = coupon.percent_off !== null ? bases.map((b) => couponOff(coupon, b, currency)) : shareOut(couponOff(coupon, base, currency), bases);
    shares.forEach((share, i) => {
      if (!lines[i]?.discountable) return;
      (lineDiscounts[i] ?? []).push({ amount: share, discount: id });
      net[i] = (net[i] ?? 0) - share;
    });
  }
  const lineAmounts: LineAmounts[] = lines.map((l, i) => ({
    discountAmounts: lineDiscounts[i] ?? [],
    taxes: l.taxRates.map((rate) => taxOf(rate, net[i] ?? 0)),
  }));
  const totalDiscountAmounts = sumBy(lineAmounts.flatMap((l) => l.discountAmounts), (d) => d.discount).map(([discount, amount]) => ({ amount, discount }));
  const allTaxes = lineAmounts.flatMap((l) => l.taxes);
  const totalTaxes = sumBy(allTaxes, (t) => t.tax_rate_details.tax_rate).map(([rate, amount]) => {
    const first = allTaxes.find((t) => t.tax_rate_details.tax_rate === rate) as InvoiceTax;
    const taxable = allTaxes.filter((t) => t.tax_rate_details.tax_rate === rate).reduce((s, t) => s + (t.taxable_amount ?? 0), 0);
    return { ...first, amount, taxable_amount: taxable };
  });
  const subtotal = lines.reduce((s, l) => s + l.amount, 0);
  const discount = totalDiscountAmounts.reduce((s, d) => s + d.amount, 0);
  const exclusive = totalTaxes.filter((t) => t.tax_behavior === 'exclusive').reduce((s, t) => s + t.amount, 0);
  const inclusive = totalTaxes.filter((t) => t.tax_behavior === 'inclusive').reduce((s, t) => s + t.amount, 0);
  const total = subtotal - discount + exclusive;
  return {
    lines: lineAmounts,
    subtotal,
    subtotalExcludingTax: subtotal - inclusive,
    total,
    totalExcludingTax: total - exclusive - inclusive,
    totalDiscountAmounts,
    totalTaxes,
  };
}

/** Sums `items` by key, in the order keys first appear. */
function sumBy<T extends { amount: number }>(items: readonly T[], key: (t: T) => string): Array<[string, number]> {
  const sums = new Map<string, number>();
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + item.amount);
  return [...sums];
}
