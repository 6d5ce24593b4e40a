/**
 * The buyer changing what is in the cart on the page (docs/decisions.md#quantities-the-buyer-changes):
 * a line's quantity within its `adjustable_quantity` bounds, and an optional item added with its
 * quantity. Each changes the line items and the pricing state together; adjust.ts reprices and stores.
 */
import type { Ctx } from '../api/context.js';
import { errors } from '../api/errors.js';
import { newId } from '../api/ids.js';
import type { LineItem, LinePrice, PricedLine, PricingState, StoredSession } from '../resources/checkout-sessions/shape.js';
import { quantityBounds } from '../resources/checkout-sessions/quantities.js';
import { requirePrice } from '../resources/prices/service.js';
import { taxSettingsOf } from '../resources/tax-settings/service.js';

export type ItemsAdjustment =
  /** Line item id -> the quantity the buyer wants. */
  | { kind: 'set_quantities'; quantities: Readonly<Record<string, number>> }
  /** The index of an `optional_items` entry. */
  | { kind: 'add_optional_item'; index: number };

interface Changed {
  session: StoredSession;
  items: LineItem[];
  state: PricingState;
}

/** The lines with the buyer's quantities, each within its bounds; at least one item stays in the cart. */
function withQuantities(c: Changed, quantities: Readonly<Record<string, number>>): Changed {
  const items = [...c.items];
  const lines = [...c.state.lines];
  for (const [id, quantity] of Object.entries(quantities)) {
    const i = items.findIndex((li) => li.id === id);
    const item = items[i];
    const line = lines[i];
    if (!item || !line) throw errors.invalid('There is no such line item in this Checkout Session.', 'quantity');
    if (item.quantity === quantity) continue;
    const bounds = quantityBounds(item.adjustable_quantity);
    if (!bounds) throw errors.invalid('The quantity of this item cannot be changed.', 'quantity');
    if (!Number.isInteger(quantity) || quantity < bounds.min || quantity > bounds.max) {
      throw errors.invalid(`Choose a quantity from ${bounds.min} to ${bounds.max}.`, 'quantity');
    }
    items[i] = { ...item, quantity };
    lines[i] = { ...line, quantity };
  }
  if (items.every((li) => li.quantity === 0)) throw errors.invalid('Keep at least one item in your order.', 'quantity');
  return { ...c, items, state: { ...c.state, lines } };
}

/** The cart with optional item `index` added, its price looked up again (it must still be active). */
async function withOptionalItem(ctx: Ctx, c: Changed, index: number): Promise<Changed> {
  const offers = c.session._internal.optional_items ?? [];
  const offer = offers[index];
  if (!offer || offer.added) throw errors.invalid('This item cannot be added to the order.', 'optionalItem');
  const price = (await requirePrice(ctx, (offer.price as LinePrice).id, 'optionalItem')) as LinePrice;
  if (!price.active || price.unit_amount === null) throw errors.invalid('This item is no longer available.', 'optionalItem');
  const behavior =
    price.tax_behavior && price.tax_behavior !== 'unspecified'
      ? price.tax_behavior
      : c.state.automatic_tax && (await taxSettingsOf(ctx)).defaults.tax_behavior === 'inclusive'
        ? 'inclusive'
        : 'exclusive';
  const amount = price.unit_amount * offer.quantity;
  const item: LineItem = {
    id: newId('li_'),
    object: 'item',
    adjustable_quantity: offer.adjustable_quantity,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description: offer.name,
    metadata: {},
    price,
    quantity: offer.quantity,
  };
  const line: PricedLine = {
    product: typeof price.product === 'string' ? price.product : price.product.id,
    unit_amount: price.unit_amount,
    quantity: offer.quantity,
    tax_behavior: behavior,
    tax_rates: [],
    dynamic_tax_rates: [],
  };
  const session: StoredSession = {
    ...c.session,
    _internal: { ...c.session._internal, optional_items: offers.map((o, i) => (i === index ? { ...o, added: true } : o)) },
  };
  return { session, items: [...c.items, item], state: { ...c.state, lines: [...c.state.lines, line] } };
}

/** The session, its line items and pricing state after the buyer's change to the cart. */
export async function changeItems(ctx: Ctx, c: Changed, a: ItemsAdjustment): Promise<Changed> {
  return a.kind === 'set_quantities' ? withQuantities(c, a.quantities) : withOptionalItem(ctx, c, a.index);
}
