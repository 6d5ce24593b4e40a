import type Stripe from 'stripe';
import { adoptCheckout, allLineItems, findCheckout, setCheckoutState, type CheckoutRow } from './checkout.js';
import { nowIso } from './db.js';
import { confirmationEmail, paymentFailedEmail, type EmailContent } from './emails.js';
import type { Shop } from './shop.js';

/** Who triggered a fulfilment attempt (kept on the order, so you can see which path won). */
export type FulfilmentSource = 'success_page' | `webhook:${string}`;

/** What fulfillCheckout found and did. */
export interface FulfilmentResult {
  session: Stripe.Checkout.Session;
  lineItems: Stripe.LineItem[];
  /** The shop's record of the session (its order number and state). */
  checkout: CheckoutRow;
  /** true only for the one call that created the order. */
  fulfilledNow: boolean;
  /** The order, once the session has been fulfilled (by this call or an earlier one). */
  orderId: number | undefined;
}

/**
 * Fulfils a Checkout Session — Stripe's `fulfill_checkout(session_id)`. Called from the webhook
 * (checkout.session.completed, checkout.session.async_payment_succeeded) and from the success
 * page; safe to call any number of times, concurrently, from several processes:
 * - it trusts nothing it was handed: it retrieves the session (with line_items) from Stripe;
 * - it does nothing while payment_status is `unpaid` (a bank payment still settling);
 * - the order row, its lines, the shipment and the confirmation email go in one transaction,
 *   guarded by UNIQUE(orders.session_id): exactly one caller creates them, the rest see
 *   `changes === 0` and stop. The email is only queued here; the mailer sends it after commit.
 */
export async function fulfillCheckout(shop: Shop, sessionId: string, source: FulfilmentSource): Promise<FulfilmentResult> {
  const session = await shop.stripe.checkout.sessions.retrieve(sessionId, { expand: ['line_items'] });
  const lineItems = await allLineItems(shop, session);
  const checkout = adoptCheckout(shop, session, lineItems);

  if (session.payment_status === 'unpaid') {
    if (session.status === 'complete') setCheckoutState(shop, sessionId, 'processing');
    return { session, lineItems, checkout: findCheckout(shop, sessionId) ?? checkout, fulfilledNow: false, orderId: orderIdOf(shop, sessionId) };
  }

  const email = confirmationEmail(checkout.order_number, session, lineItems, `${shop.publicUrl()}/success?session_id=${encodeURIComponent(session.id)}`);
  const to = session.customer_details?.email ?? customerEmail(shop, checkout);
  const fulfilledNow = recordFulfilment(shop, session, lineItems, checkout, source, to, email);
  setCheckoutState(shop, sessionId, 'paid');
  if (fulfilledNow) {
    shop.log('order fulfilled', { session_id: session.id, order_number: checkout.order_number, source });
    shop.kickMailer();
  }
  return { session, lineItems, checkout: findCheckout(shop, sessionId) ?? checkout, fulfilledNow, orderId: orderIdOf(shop, sessionId) };
}

function orderIdOf(shop: Shop, sessionId: string): number | undefined {
  const row = shop.db.prepare('SELECT id FROM orders WHERE session_id = ?').get(sessionId) as { id: number } | undefined;
  return row?.id;
}

function recordFulfilment(
  shop: Shop,
  session: Stripe.Checkout.Session,
  lineItems: Stripe.LineItem[],
  checkout: CheckoutRow,
  source: FulfilmentSource,
  to: string | undefined,
  email: EmailContent,
): boolean {
  const { db } = shop;
  const paymentIntent = typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);
  const shipTo = session.collected_information?.shipping_details ?? null;
  return db.transaction(() => {
    const now = nowIso();
    const inserted = db
      .prepare(
        `INSERT INTO orders (session_id, order_number, customer_id, email, status, payment_status, currency, amount_subtotal,
           amount_total, payment_intent_id, fulfilled_by, created_at)
         VALUES (?, ?, ?, ?, 'paid', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id) DO NOTHING`,
      )
      .run(
        session.id,
        checkout.order_number,
        checkout.customer_id,
        to ?? null,
        session.payment_status,
        session.currency ?? 'usd',
        session.amount_subtotal,
        session.amount_total,
        paymentIntent,
        source,
        now,
      );
    if (inserted.changes === 0) return false; // someone else fulfilled this session first
    const orderId = Number(inserted.lastInsertRowid);
    const line = db.prepare(
      `INSERT INTO order_items (order_id, description, price_id, quantity, unit_amount, amount_subtotal, amount_total)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const li of lineItems) {
      line.run(orderId, li.description, li.price?.id ?? null, li.quantity, li.price?.unit_amount ?? null, li.amount_subtotal, li.amount_total);
    }
    db.prepare(`INSERT INTO shipments (order_id, status, ship_to, created_at, updated_at) VALUES (?, 'pending', ?, ?, ?)`).run(
      orderId,
      shipTo ? JSON.stringify(shipTo) : null,
      now,
      now,
    );
    if (to) queueEmail(shop, 'order_confirmation', session.id, to, email);
    return true;
  })();
}

/** Puts an email in the outbox unless this (kind, session) already has one; true when queued now. */
function queueEmail(shop: Shop, kind: string, sessionId: string, to: string, email: EmailContent): boolean {
  const r = shop.db
    .prepare(
      `INSERT INTO emails (kind, session_id, to_address, subject, text, html, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, session_id) DO NOTHING`,
    )
    .run(kind, sessionId, to, email.subject, email.text, email.html, nowIso());
  return r.changes === 1;
}

/**
 * checkout.session.async_payment_failed: the bank payment did not go through. Tells the
 * customer once (UNIQUE(kind, session_id) on the outbox), with a link that opens a fresh
 * Checkout Session for the same order. Returns what it did, for the webhook log.
 */
export async function handleAsyncPaymentFailed(shop: Shop, sessionId: string): Promise<string> {
  const session = await shop.stripe.checkout.sessions.retrieve(sessionId, { expand: ['line_items'] });
  const lineItems = await allLineItems(shop, session);
  const checkout = adoptCheckout(shop, session, lineItems);
  // Stripe's word is the session as it is now: a payment that has since succeeded is not failed.
  if (session.payment_status !== 'unpaid') return 'ignored_not_unpaid';
  setCheckoutState(shop, sessionId, 'payment_failed');
  const to = session.customer_details?.email ?? customerEmail(shop, checkout);
  if (!to) return 'failed_no_email';
  const link = `${shop.publicUrl()}/pay-again/${checkout.pay_again_token}`;
  const queued = shop.db.transaction(() => queueEmail(shop, 'payment_failed', session.id, to, paymentFailedEmail(checkout.order_number, session, link)))();
  if (queued) shop.kickMailer();
  return queued ? 'failure_notified' : 'failure_already_notified';
}

function customerEmail(shop: Shop, checkout: CheckoutRow): string | undefined {
  if (checkout.user_id === null) return undefined;
  const row = shop.db.prepare('SELECT email FROM users WHERE id = ?').get(checkout.user_id) as { email: string } | undefined;
  return row?.email;
}
