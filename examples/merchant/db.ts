import Database from 'better-sqlite3';

/** The merchant's own database handle (better-sqlite3, synchronous). */
export type MerchantDb = Database.Database;

/**
 * The merchant's schema. The UNIQUE constraints carry the correctness rules, so they hold
 * across processes sharing the file and across restarts, not just inside one event loop:
 * - `orders.session_id`: a Checkout Session is fulfilled at most once, whoever gets there first
 *   (webhook, a duplicate of it, or the success page);
 * - `emails (kind, session_id)`: one confirmation per paid session, one failure notice per failed one;
 * - `shipments.order_id`: one shipment per order.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  customer_id TEXT UNIQUE,
  -- idempotency key for creating this user's Customer: two racing sign-ins create one Customer
  customer_creation_key TEXT NOT NULL,
  demo_note TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS login_sessions (
  token TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS products (
  sku TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  price_id TEXT NOT NULL,
  unit_amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cart_items (
  user_id INTEGER NOT NULL REFERENCES users(id),
  sku TEXT NOT NULL REFERENCES products(sku),
  quantity INTEGER NOT NULL,
  PRIMARY KEY (user_id, sku)
);
-- One row per Checkout Session this shop opened; several sessions can share an order_number
-- (a failed bank payment brings the buyer back to a fresh session for the same order).
CREATE TABLE IF NOT EXISTS checkouts (
  session_id TEXT PRIMARY KEY,
  order_number TEXT NOT NULL,
  user_id INTEGER REFERENCES users(id),
  customer_id TEXT,
  items TEXT NOT NULL,
  pay_again_token TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS checkouts_order ON checkouts (order_number);
CREATE TABLE IF NOT EXISTS orders (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL UNIQUE,
  order_number TEXT NOT NULL,
  customer_id TEXT,
  email TEXT,
  status TEXT NOT NULL,
  payment_status TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount_subtotal INTEGER,
  amount_total INTEGER,
  payment_intent_id TEXT,
  fulfilled_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS order_items (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES orders(id),
  description TEXT,
  price_id TEXT,
  quantity INTEGER,
  unit_amount INTEGER,
  amount_subtotal INTEGER NOT NULL,
  amount_total INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS shipments (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL UNIQUE REFERENCES orders(id),
  status TEXT NOT NULL,
  ship_to TEXT,
  tracking_number TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- The mail outbox: written in the same transaction as the order, sent by the mailer afterwards.
CREATE TABLE IF NOT EXISTS emails (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  session_id TEXT NOT NULL,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  html TEXT NOT NULL,
  created_at TEXT NOT NULL,
  claimed_at INTEGER,
  sent_at TEXT,
  message_id TEXT,
  last_error TEXT,
  UNIQUE (kind, session_id)
);
-- Every verified webhook delivery and what it led to (duplicates included, on purpose).
CREATE TABLE IF NOT EXISTS webhook_log (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  session_id TEXT,
  action TEXT NOT NULL,
  received_at TEXT NOT NULL
);
-- Filled by the local SMTP catcher of the demo (mail-catcher.ts), read by /outbox.json.
-- Stays empty when the shop sends through a real mail server.
CREATE TABLE IF NOT EXISTS mailbox (
  id INTEGER PRIMARY KEY,
  message_id TEXT,
  from_address TEXT,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  text TEXT,
  html TEXT,
  sent_at TEXT,
  received_at TEXT NOT NULL
);
`;

/** Opens (and creates) the merchant's database: WAL, so the mail catcher and the app can share it. */
export function openMerchantDb(path: string): MerchantDb {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  return db;
}

/** Now as an ISO timestamp (what the JSON views show). */
export function nowIso(): string {
  return new Date().toISOString();
}
