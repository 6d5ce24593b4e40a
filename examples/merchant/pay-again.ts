import type Stripe from 'stripe';
import { findCheckout, openCheckout, type CheckoutItem, type CheckoutRow } from './checkout.js';
import type { Shop } from './shop.js';

/** Where the link in the failed-payment email leads. */
export type PayAgainOutcome = { kind: 'checkout'; url: string } | { kind: 'already_paid'; orderNumber: string } | { kind: 'unknown' };

/**
 * GET /pay-again/:token — the link in the failed-payment email (the token is the bearer; the
 * buyer need not be signed in). Brings the buyer back on-session: a fresh Checkout Session for
 * the same customer and the same order (same items, same order number), unless some session of
 * that order has been paid meanwhile. Sessions of the order still open are expired first, so the
 * order cannot be paid twice.
 */
export async function payAgain(shop: Shop, token: string): Promise<PayAgainOutcome> {
  const row = shop.db.prepare('SELECT * FROM checkouts WHERE pay_again_token = ?').get(token) as CheckoutRow | undefined;
  if (!row || !row.customer_id) return { kind: 'unknown' };
  const paid = shop.db.prepare('SELECT 1 FROM orders WHERE order_number = ?').get(row.order_number);
  if (paid) return { kind: 'already_paid', orderNumber: row.order_number };

  const open = shop.db.prepare(`SELECT session_id FROM checkouts WHERE order_number = ? AND state = 'open'`).all(row.order_number) as Array<{ session_id: string }>;
  for (const { session_id } of open) {
    try {
      await shop.stripe.checkout.sessions.expire(session_id);
      shop.db.prepare(`UPDATE checkouts SET state = 'expired' WHERE session_id = ? AND state = 'open'`).run(session_id);
    } catch (err) {
      // Already completed or expired: nothing to close.
      shop.log('could not expire an earlier session', { session_id, error: (err as Stripe.errors.StripeError).message });
    }
  }
  const items = JSON.parse(row.items) as CheckoutItem[];
  const session = await openCheckout(shop, { customerId: row.customer_id, userId: row.user_id, items, orderNumber: row.order_number });
  if (!session.url) throw new Error(`Checkout Session ${session.id} has no url`);
  return { kind: 'checkout', url: session.url };
}

/** The pay-again link of a session's order, once its payment has failed. */
export function payAgainUrlFor(shop: Shop, sessionId: string): string | undefined {
  const row = findCheckout(shop, sessionId);
  return row && row.state === 'payment_failed' ? `${shop.publicUrl()}/pay-again/${row.pay_again_token}` : undefined;
}
