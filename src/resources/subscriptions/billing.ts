/**
 * What a subscription's invoices bill (docs/decisions.md#subscriptions-and-renewals): each item's
 * full period, the prorations a change makes (to the second, as Stripe prorates), their taxes, and
 * the prorations waiting for the next invoice (`subscription_pending_items`, this folder's table).
 */
import type { Ctx } from '../../api/context.js';
import { newId } from '../../api/ids.js';
import { ObjectTable } from '../../store/objects.js';
import type { InvoiceTax } from '../invoices/service.js';
import type { SubscriptionLine } from '../invoices/renewal.js';
import { requireProduct } from '../products/service.js';
import type { Subscription, SubscriptionItem } from './service.js';

interface PendingItem {
  id: string;
  created: number;
  subscription: string;
  line: SubscriptionLine;
}

const pendingItems = new ObjectTable<PendingItem>('subscription_pending_items');

interface TaxRateLike {
  id: string;
  percentage: number;
  inclusive: boolean;
}

export type ItemPrice = { id: string; product: unknown; unit_amount: number | null; currency: string; recurring: { interval: 'day' | 'week' | 'month' | 'year'; interval_count: number } | null };

export const priceOf = (item: SubscriptionItem) => item.price as ItemPrice;

async function productName(ctx: Ctx, product: unknown): Promise<string> {
  if (typeof product !== 'string') return (product as { name?: string }).name ?? '';
  return (await requireProduct(ctx, product).catch(() => undefined))?.name ?? '';
}

/** The item's own tax rates, else the subscription's defaults. */
const ratesOf = (sub: Subscription, item: SubscriptionItem) => (item.tax_rates.length > 0 ? item.tax_rates : sub.default_tax_rates);

/** The taxes of `amount` under the item's own rates, else the subscription's defaults. */
export function taxesOf(sub: Subscription, item: SubscriptionItem, amount: number): InvoiceTax[] {
  const rates = ratesOf(sub, item) as TaxRateLike[];
  return rates.map((r) => {
    // Exclusive: the rate's share of the amount on top; inclusive: the share inside it.
    const tax = r.inclusive ? amount - Math.round(amount / (1 + r.percentage / 100)) : Math.round((amount * r.percentage) / 100);
    return {
      amount: tax,
      tax_behavior: r.inclusive ? ('inclusive' as const) : ('exclusive' as const),
      tax_rate_details: { tax_rate: r.id },
      taxability_reason: 'standard_rated',
      taxable_amount: r.inclusive ? amount - tax : amount,
      type: 'tax_rate_details' as const,
    };
  });
}

/** The line billing `item` for a full period from `start` to `end` ("1 × Pro"). */
export async function periodLine(ctx: Ctx, sub: Subscription, item: SubscriptionItem, start: number, end: number, trial = false): Promise<SubscriptionLine> {
  const price = priceOf(item);
  const name = await productName(ctx, price.product);
  const amount = trial ? 0 : (price.unit_amount ?? 0) * item.quantity;
  return {
    price,
    quantity: item.quantity,
    description: trial ? `Trial period for ${name}` : `${item.quantity} × ${name}`,
    amount,
    subscriptionItem: item.id,
    periodStart: start,
    periodEnd: end,
    proration: false,
    taxes: taxesOf(sub, item, amount),
    taxRates: ratesOf(sub, item),
  };
}

/**
 * The share of a period still to run at `at`, as Stripe prorates: by the second,
 * (period end − at) / (period end − period start); each line's amount is rounded to the unit.
 */
export function prorate(fullAmount: number, at: number, start: number, end: number): number {
  if (end <= start) return 0;
  return Math.round((fullAmount * Math.max(0, end - at)) / (end - start));
}

/** Stripe's wording of a proration line's date ("Jan 5, 2026"). */
function day(at: number): string {
  return new Date(at * 1000).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
}

/**
 * The two lines a change of `before` into `after` at `at` makes: a credit for the unused time
 * on the old price and quantity, a charge for the remaining time on the new (either absent when
 * the item was added or removed).
 */
export async function prorationLines(ctx: Ctx, sub: Subscription, before: SubscriptionItem | undefined, after: SubscriptionItem | undefined, at: number): Promise<SubscriptionLine[]> {
  const lines: SubscriptionLine[] = [];
  for (const [item, sign] of [[before, -1], [after, 1]] as const) {
    if (!item) continue;
    const price = priceOf(item);
    const name = await productName(ctx, price.product);
    const amount = sign * prorate((price.unit_amount ?? 0) * item.quantity, at, item.current_period_start, item.current_period_end);
    const words = sign < 0 ? `Unused time on ${item.quantity} × ${name} after ${day(at)}` : `Remaining time on ${item.quantity} × ${name} after ${day(at)}`;
    lines.push({
      price,
      quantity: item.quantity,
      description: words,
      amount,
      subscriptionItem: item.id,
      periodStart: at,
      periodEnd: item.current_period_end,
      proration: true,
      taxes: taxesOf(sub, item, amount),
      taxRates: ratesOf(sub, item),
    });
  }
  return lines;
}

/** Keeps prorations for the subscription's next invoice (`proration_behavior: create_prorations`). */
export async function addPendingLines(ctx: Ctx, sub: Subscription, lines: SubscriptionLine[], at: number): Promise<void> {
  for (const line of lines) {
    const item: PendingItem = { id: newId('ii_'), created: at, subscription: sub.id, line };
    await pendingItems.insert(ctx.db, ctx.account, item, { subscription_id: sub.id });
  }
}

/** Takes the prorations waiting for the subscription's next invoice (they are billed by the caller). */
export async function takePendingLines(ctx: Ctx, subscriptionId: string): Promise<SubscriptionLine[]> {
  const rows = await pendingItems.select(ctx.db, ctx.account, { subscription_id: subscriptionId }, ['id', 'data']);
  for (const row of rows) await pendingItems.delete(ctx.db, ctx.account, row.id as string);
  return rows.map((r) => (JSON.parse(r.data as string) as PendingItem).line);
}
