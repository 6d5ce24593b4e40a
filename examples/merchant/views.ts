import type { MerchantDb } from './db.js';

/** An order as /orders.json shows it. */
export interface OrderView {
  order_number: string;
  session_id: string;
  status: string;
  payment_status: string;
  amount_subtotal: number | null;
  amount_total: number | null;
  currency: string;
  email: string | null;
  email_sent: boolean;
  shipment_status: string | null;
  tracking_number: string | null;
  fulfilled_by: string;
  created_at: string;
  items: Array<{ description: string | null; price_id: string | null; quantity: number | null; amount_total: number }>;
}

/** Orders, newest first; only the given customer's when one is named. */
export function listOrders(db: MerchantDb, customerId?: string): OrderView[] {
  const rows = db
    .prepare(
      `SELECT o.id, o.order_number, o.session_id, o.status, o.payment_status, o.amount_subtotal, o.amount_total, o.currency,
              o.email, o.fulfilled_by, o.created_at, s.status AS shipment_status, s.tracking_number,
              (SELECT COUNT(*) FROM emails e WHERE e.kind = 'order_confirmation' AND e.session_id = o.session_id AND e.sent_at IS NOT NULL) AS sent
       FROM orders o LEFT JOIN shipments s ON s.order_id = o.id
       WHERE (? IS NULL OR o.customer_id = ?) ORDER BY o.id DESC`,
    )
    .all(customerId ?? null, customerId ?? null) as Array<Omit<OrderView, 'email_sent' | 'items'> & { id: number; sent: number }>;
  const items = db.prepare('SELECT description, price_id, quantity, amount_total FROM order_items WHERE order_id = ? ORDER BY id');
  return rows.map(({ id, sent, ...o }) => ({ ...o, email_sent: sent > 0, items: items.all(id) as OrderView['items'] }));
}

/** An email as the local SMTP catcher received it (/outbox.json). */
export interface MailView {
  to: string;
  from: string | null;
  subject: string;
  sent_at: string | null;
  received_at: string;
  text: string | null;
}

/** What the catcher received, newest first. */
export function listMailbox(db: MerchantDb): MailView[] {
  return db
    .prepare('SELECT to_address AS "to", from_address AS "from", subject, sent_at, received_at, text FROM mailbox ORDER BY id DESC')
    .all() as MailView[];
}

/** A verified webhook delivery and what it led to (/webhooks.json). */
export interface WebhookLogView {
  event_id: string;
  type: string;
  session_id: string | null;
  action: string;
  received_at: string;
}

/** Webhook deliveries, oldest first (the order they were handled in). */
export function listWebhookLog(db: MerchantDb): WebhookLogView[] {
  return db.prepare('SELECT event_id, type, session_id, action, received_at FROM webhook_log ORDER BY id').all() as WebhookLogView[];
}
