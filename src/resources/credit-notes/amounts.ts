/**
 * A credit note's amounts, exact to the smallest unit (docs/decisions.md#credit-notes): a line
 * crediting an invoice line takes its share of that line's discounts and taxes, a custom line is
 * taxed by its own `tax_rates`, and `amount` alone takes its share of the invoice's taxes. Shares
 * are prorated cumulatively: what all issued credit notes have credited so far decides each
 * share, so crediting a line in parts never credits more tax than the line carries, and crediting
 * all of it credits its tax to the unit.
 */
import type { InvoiceTax } from '../invoices/service.js';

export interface DiscountShare {
  amount: number;
  discount: string;
}

/** An invoice line as a credit note reads it. */
export interface CreditedInvoiceLine {
  id: string;
  amount: number;
  quantity: number | null;
  description: string | null;
  discount_amounts: DiscountShare[];
  taxes: InvoiceTax[] | null;
}

/** What issued credit notes credited so far: per invoice line, its amount and the shares they took. */
export interface CreditedSoFar {
  lines: Map<string, { amount: number; discounts: Map<string, number>; taxes: Map<string, number>; taxable: Map<string, number> }>;
  /** Credited by notes of `amount` alone (no lines): their totals, and their tax shares by rate. */
  amountOnly: { total: number; taxes: Map<string, number>; taxable: Map<string, number> };
}

export const nothingCredited = (): CreditedSoFar => ({ lines: new Map(), amountOnly: { total: 0, taxes: new Map(), taxable: new Map() } });

/** `whole × part / of`, rounded half up to the unit (`part` at most `of`). */
function share(whole: number, part: number, of: number): number {
  if (of <= 0) return 0;
  if (part >= of) return whole;
  return Math.round((whole * part) / of);
}

/** The share of `whole` that crediting `now` more of `of` adds, when `before` was credited already. */
export function cumulativeShare(whole: number, before: number, now: number, of: number): number {
  return share(whole, before + now, of) - share(whole, before, of);
}

/** A credit note line's discounts and taxes, crediting `credited` of invoice line `line`. */
export function creditOfLine(line: CreditedInvoiceLine, credited: number, soFar: CreditedSoFar): { discounts: DiscountShare[]; taxes: InvoiceTax[] } {
  const prev = soFar.lines.get(line.id);
  const before = prev?.amount ?? 0;
  const discounts = line.discount_amounts.map((d) => ({ amount: cumulativeShare(d.amount, before, credited, line.amount), discount: d.discount }));
  const taxes = (line.taxes ?? []).map((t) => {
    const rate = t.tax_rate_details.tax_rate;
    return {
      ...t,
      amount: cumulativeShare(t.amount, before, credited, line.amount),
      taxable_amount: cumulativeShare(t.taxable_amount ?? 0, before, credited, line.amount),
      tax_rate_details: { tax_rate: rate },
    };
  });
  return { discounts, taxes };
}

/**
 * The tax shares of a credit note of `amount` alone (its total, tax included): the invoice's
 * taxes in proportion to `amount` over the invoice's total, cumulatively with earlier such notes.
 */
export function creditOfAmount(invoiceTaxes: readonly InvoiceTax[], invoiceTotal: number, amount: number, soFar: CreditedSoFar): InvoiceTax[] {
  const before = soFar.amountOnly.total;
  return invoiceTaxes.map((t) => ({
    ...t,
    amount: cumulativeShare(t.amount, before, amount, invoiceTotal),
    taxable_amount: cumulativeShare(t.taxable_amount ?? 0, before, amount, invoiceTotal),
  }));
}

/** What issued credit notes (their stored JSON) credited so far on the invoice. */
export function creditedSoFar(notes: ReadonlyArray<Record<string, unknown>>): CreditedSoFar {
  const out = nothingCredited();
  for (const cn of notes) {
    if (cn.status !== 'issued') continue;
    const lines = (cn.lines as { data: Array<{ invoice_line_item?: string; amount: number; discount_amounts: DiscountShare[]; taxes: InvoiceTax[] | null }> }).data;
    if (lines.length === 0) {
      out.amountOnly.total += cn.total as number;
      for (const t of (cn.total_taxes as InvoiceTax[] | null) ?? []) {
        add(out.amountOnly.taxes, t.tax_rate_details.tax_rate, t.amount);
        add(out.amountOnly.taxable, t.tax_rate_details.tax_rate, t.taxable_amount ?? 0);
      }
      continue;
    }
    for (const l of lines) {
      if (l.invoice_line_item === undefined) continue;
      const seen = out.lines.get(l.invoice_line_item) ?? { amount: 0, discounts: new Map(), taxes: new Map(), taxable: new Map() };
      seen.amount += l.amount;
      for (const d of l.discount_amounts) add(seen.discounts, d.discount, d.amount);
      for (const t of l.taxes ?? []) {
        add(seen.taxes, t.tax_rate_details.tax_rate, t.amount);
        add(seen.taxable, t.tax_rate_details.tax_rate, t.taxable_amount ?? 0);
      }
      out.lines.set(l.invoice_line_item, seen);
    }
  }
  return out;
}

function add(m: Map<string, number>, key: string, n: number): void {
  m.set(key, (m.get(key) ?? 0) + n);
}

/** The credit note's totals from its lines' amounts, discounts and taxes (Stripe's field meanings). */
export function creditNoteTotals(lines: ReadonlyArray<{ amount: number; discounts: DiscountShare[]; taxes: InvoiceTax[] }>, extraTaxes: InvoiceTax[] = []) {
  const subtotal = lines.reduce((s, l) => s + l.amount, 0);
  const discountAmounts = sumBy(lines.flatMap((l) => l.discounts), (d) => d.discount).map(([discount, amount]) => ({ amount, discount }));
  const discount = discountAmounts.reduce((s, d) => s + d.amount, 0);
  const all = [...lines.flatMap((l) => l.taxes), ...extraTaxes];
  const totalTaxes = sumBy(all, (t) => t.tax_rate_details.tax_rate).map(([rate, amount]) => {
    const same = all.filter((t) => t.tax_rate_details.tax_rate === rate);
    return { ...(same[0] as InvoiceTax), amount, taxable_amount: same.reduce((s, t) => s + (t.taxable_amount ?? 0), 0) };
  });
  const exclusive = totalTaxes.filter((t) => t.tax_behavior === 'exclusive').reduce((s, t) => s + t.amount, 0);
  const inclusive = totalTaxes.filter((t) => t.tax_behavior === 'inclusive').reduce((s, t) => s + t.amount, 0);
  const total = subtotal - discount + exclusive;
  return {
    subtotal,
    subtotalExcludingTax: subtotal - inclusive,
    discount,
    discountAmounts,
    totalTaxes,
    total,
    totalExcludingTax: total - exclusive - inclusive,
  };
}

function sumBy<T extends { amount: number }>(items: readonly T[], key: (t: T) => string): Array<[string, number]> {
  const sums = new Map<string, number>();
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + item.amount);
  return [...sums];
}
