/**
 * Quantities the buyer may change on the page (docs/decisions.md#quantities-the-buyer-changes):
 * `line_items[].adjustable_quantity` and `optional_items[]`, checked at create as Stripe checks
 * them. Bounds default to Stripe's: 0 to 99.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { InferShape } from '../../api/params.js';
import { requirePrice } from '../prices/service.js';
import { findProduct } from '../products/model.js';
import type { createShape } from './params.js';
import type { LineItem, LinePrice, OptionalItemOffer } from './shape.js';

type CreateParams = InferShape<typeof createShape>;
type Adjustable = NonNullable<LineItem['adjustable_quantity']>;

/** Stripe's bounds when the merchant sets none. */
export const DEFAULT_MINIMUM = 0;
export const DEFAULT_MAXIMUM = 99;
const MAX_QUANTITY = 999_999;

/** The bounds a buyer's quantity must keep, or null when the line's quantity is fixed. */
export function quantityBounds(a: Adjustable | null | undefined): { min: number; max: number } | null {
  if (!a?.enabled) return null;
  return { min: a.minimum ?? DEFAULT_MINIMUM, max: a.maximum ?? DEFAULT_MAXIMUM };
}

/**
 * `adjustable_quantity` as the line item serves it, checked: `enabled` is required, the bounds lie
 * within 0..999,999 with the minimum below the maximum, and the starting quantity between them.
 */
export function adjustableQuantity(
  sent: { enabled?: boolean | undefined; minimum?: number | undefined; maximum?: number | undefined } | undefined,
  quantity: number,
  param: string,
): Adjustable | null {
  if (sent === undefined) return null;
  if (sent.enabled === undefined) throw errors.missingParam(`${param}[enabled]`);
  const a: Adjustable = { enabled: sent.enabled, maximum: sent.maximum ?? null, minimum: sent.minimum ?? null };
  if (!a.enabled) return a;
  const { min, max } = quantityBounds(a) as { min: number; max: number };
  if (min < 0 || min > MAX_QUANTITY) throw errors.invalid(`The minimum must be between 0 and ${MAX_QUANTITY}.`, `${param}[minimum]`);
  if (max < 1 || max > MAX_QUANTITY) throw errors.invalid(`The maximum must be between 1 and ${MAX_QUANTITY}.`, `${param}[maximum]`);
  if (min > max) throw errors.invalid('The minimum cannot be greater than the maximum.', `${param}[minimum]`);
  if (quantity < min || quantity > max) throw errors.invalid(`The quantity must be between the minimum (${min}) and the maximum (${max}).`, param.replace(/\[adjustable_quantity\]$/, '[quantity]'));
  return a;
}

/**
 * `optional_items[]`, each price looked up: it must exist, be active, have a unit amount, be in
 * the session's currency, and fit the mode (one-time in payment mode; in subscription mode, one-time
 * or on the lines' interval). What the page offers is kept with the session.
 */
export async function optionalItemOffers(ctx: Ctx, p: CreateParams, items: LineItem[]): Promise<OptionalItemOffer[]> {
  const sent = p.optional_items ?? [];
  if (sent.length > 0 && p.mode === 'setup') throw errors.invalid('`optional_items` is not available in `setup` mode.', 'optional_items');
  const currency = items[0]?.currency;
  const interval = items.map((li) => (li.price as LinePrice).recurring).find((r) => r !== null) ?? null;
  const offers: OptionalItemOffer[] = [];
  for (const [i, item] of sent.entries()) {
    const param = `optional_items[${i}]`;
    const price = (await requirePrice(ctx, item.price, `${param}[price]`)) as LinePrice;
    if (!price.active) throw errors.invalid('The price specified is inactive. This field only accepts active prices.', `${param}[price]`);
    if (price.unit_amount === null) throw errors.invalid('The price must have a unit_amount to be used in Checkout.', `${param}[price]`);
    if (price.currency !== currency) throw errors.invalid('Optional items must use the same currency as the line items.', `${param}[price]`);
    if (price.recurring && (p.mode === 'payment' || price.recurring.interval !== interval?.interval || price.recurring.interval_count !== interval.interval_count)) {
      throw errors.invalid(
        p.mode === 'payment' ? 'Optional items in `payment` mode must use one-time prices.' : 'Recurring optional items must have the same interval as the line items.',
        `${param}[price]`,
      );
    }
    if (sent.findIndex((o) => o.price === item.price) !== i || items.some((li) => (li.price as LinePrice).id === item.price)) {
      throw errors.invalid('Each optional item must use a price not used by another line or optional item.', `${param}[price]`);
    }
    const adjustable = adjustableQuantity(item.adjustable_quantity, item.quantity, `${param}[adjustable_quantity]`);
    const productId = typeof price.product === 'string' ? price.product : price.product.id;
    const product = (await findProduct(ctx, productId)) as { name?: string } | undefined;
    offers.push({ price, quantity: item.quantity, adjustable_quantity: adjustable, name: product?.name ?? null, added: false });
  }
  return offers;
}
