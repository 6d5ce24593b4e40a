import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import { nowIso } from './db.js';
import type { Shop } from './shop.js';

/** A line of a Checkout Session as the shop stores it: a Price and a quantity. */
export interface CheckoutItem {
  price: string;
  quantity: number;
}

/** A Checkout Session the shop opened (table `checkouts`). */
export interface CheckoutRow {
  session_id: string;
  order_number: string;
  user_id: number | null;
  customer_id: string | null;
  items: string;
  pay_again_token: string;
  /** open -> processing (bank payment pending) | paid | payment_failed */
  state: string;
  created_at: string;
  updated_at: string;
}

/** Countries the shop ships to. */
export const SHIPPING_COUNTRIES: Stripe.Checkout.SessionCreateParams.ShippingAddressCollection.AllowedCountry[] = ['US', 'CA', 'GB', 'JP', 'DE', 'FR'];

/** A fresh order number, shown to buyers and passed to Stripe as client_reference_id. */
export function newOrderNumber(): string {
  return `TG-${randomBytes(4).toString('hex').toUpperCase()}`;
}

/**
 * Opens a Checkout Session for an existing customer (the seed's server endpoint): the Customer
 * is reused, so Checkout can prefill their saved card; `{CHECKOUT_SESSION_ID}` in success_url
 * tells the success page which session it is about.
 */
export async function openCheckout(
  shop: Shop,
  args: { customerId: string; userId: number | null; items: CheckoutItem[]; orderNumber: string },
): Promise<Stripe.Checkout.Session> {
  const base = shop.publicUrl();
  const session = await shop.stripe.checkout.sessions.create({
    mode: 'payment',
    customer: args.customerId,
    client_reference_id: args.orderNumber,
    metadata: { order_number: args.orderNumber },
    line_items: args.items.map((i) => ({ price: i.price, quantity: i.quantity })),
    billing_address_collection: 'auto',
    shipping_address_collection: { allowed_countries: SHIPPING_COUNTRIES },
    allowed_payment_method_types: ['card', 'us_bank_account'],
    success_url: `${base}/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${base}/cancel`,
  });
  const now = nowIso();
  shop.db
    .prepare(
      `INSERT INTO checkouts (session_id, order_number, user_id, customer_id, items, pay_again_token, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
    )
    .run(session.id, args.orderNumber, args.userId, args.customerId, JSON.stringify(args.items), randomBytes(24).toString('base64url'), now, now);
  return session;
}

/** The shop's record of a session, if it opened it. */
export function findCheckout(shop: Shop, sessionId: string): CheckoutRow | undefined {
  return shop.db.prepare('SELECT * FROM checkouts WHERE session_id = ?').get(sessionId) as CheckoutRow | undefined;
}

/**
 * The shop's record of a session, adopting sessions it did not open itself (created in the
 * Dashboard, by the CLI, or by an older deployment) so that every paid session can be fulfilled.
 */
export function adoptCheckout(shop: Shop, session: Stripe.Checkout.Session, lineItems: Stripe.LineItem[]): CheckoutRow {
  const known = findCheckout(shop, session.id);
  if (known) return known;
  const customerId = typeof session.customer === 'string' ? session.customer : (session.customer?.id ?? null);
  const user = customerId
    ? (shop.db.prepare('SELECT id FROM users WHERE customer_id = ?').get(customerId) as { id: number } | undefined)
    : undefined;
  const items: CheckoutItem[] = lineItems.flatMap((li) => (li.price ? [{ price: li.price.id, quantity: li.quantity ?? 1 }] : []));
  const now = nowIso();
  shop.db
    .prepare(
      `INSERT INTO checkouts (session_id, order_number, user_id, customer_id, items, pay_again_token, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?) ON CONFLICT (session_id) DO NOTHING`,
    )
    .run(session.id, session.client_reference_id ?? newOrderNumber(), user?.id ?? null, customerId, JSON.stringify(items), randomBytes(24).toString('base64url'), now, now);
  return findCheckout(shop, session.id) as CheckoutRow;
}

/** From which states each state may be reached: a late or replayed event never moves a checkout back. */
const FROM: Record<'processing' | 'paid' | 'payment_failed', string[]> = {
  processing: ['open'],
  payment_failed: ['open', 'processing'],
  paid: ['open', 'processing', 'payment_failed'],
};

/**
 * Moves a checkout to a new state. Leaving `open` (the buyer finished the hosted page) empties
 * the buyer's cart, once: the UPDATE's WHERE decides who made the move.
 */
export function setCheckoutState(shop: Shop, sessionId: string, state: 'processing' | 'paid' | 'payment_failed'): void {
  const { db } = shop;
  db.transaction(() => {
    const row = findCheckout(shop, sessionId);
    if (!row) return;
    const from = FROM[state];
    const moved = db
      .prepare(`UPDATE checkouts SET state = ?, updated_at = ? WHERE session_id = ? AND state IN (${from.map(() => '?').join(', ')})`)
      .run(state, nowIso(), sessionId, ...from);
    if (moved.changes === 1 && row.state === 'open' && row.user_id !== null) {
      db.prepare('DELETE FROM cart_items WHERE user_id = ?').run(row.user_id);
    }
  })();
}

/** All line items of a session: the expanded first page, then the rest if there is more. */
export async function allLineItems(shop: Shop, session: Stripe.Checkout.Session): Promise<Stripe.LineItem[]> {
  const first = session.line_items;
  if (first && !first.has_more) return first.data;
  return shop.stripe.checkout.sessions.listLineItems(session.id, { limit: 100 }).autoPagingToArray({ limit: 10_000 });
}
