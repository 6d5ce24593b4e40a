import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import { nowIso, type MerchantDb } from './db.js';

/** A shop user, mapped to one Stripe Customer. */
export interface User {
  id: number;
  email: string;
  name: string;
  customer_id: string | null;
  customer_creation_key: string;
  demo_note: string | null;
}

const COOKIE = 'shop_session';

/** Normalises an email for lookup (the shop treats addresses case-insensitively). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The user with this email, if any. */
export function findUserByEmail(db: MerchantDb, email: string): User | undefined {
  return db.prepare('SELECT * FROM users WHERE email = ?').get(normaliseEmail(email)) as User | undefined;
}

/** The user this Customer belongs to, if any. */
export function findUserByCustomer(db: MerchantDb, customerId: string): User | undefined {
  return db.prepare('SELECT * FROM users WHERE customer_id = ?').get(customerId) as User | undefined;
}

/** Inserts a user unless the email is taken; returns the row either way. */
export function upsertUser(db: MerchantDb, email: string, name: string, fields: { customer_id?: string; demo_note?: string } = {}): User {
  db.prepare(
    `INSERT INTO users (email, name, customer_id, customer_creation_key, demo_note, created_at)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING`,
  ).run(normaliseEmail(email), name, fields.customer_id ?? null, randomBytes(12).toString('hex'), fields.demo_note ?? null, nowIso());
  const user = findUserByEmail(db, email);
  if (!user) throw new Error(`user ${email} vanished after insert`);
  return user;
}

/**
 * The user's Customer id, creating the Customer the first time. The creation carries an
 * idempotency key stored with the user, so sign-ins racing each other (or a retry after a
 * crash between the API call and the UPDATE) end with one Customer, stored once.
 */
export async function ensureCustomer(db: MerchantDb, stripe: Stripe, user: User): Promise<string> {
  if (user.customer_id) return user.customer_id;
  const customer = await stripe.customers.create(
    { email: user.email, name: user.name, metadata: { shop_user_id: String(user.id) } },
    { idempotencyKey: `shop-user-${user.customer_creation_key}` },
  );
  db.prepare('UPDATE users SET customer_id = ? WHERE id = ? AND customer_id IS NULL').run(customer.id, user.id);
  const stored = db.prepare('SELECT customer_id FROM users WHERE id = ?').get(user.id) as { customer_id: string };
  return stored.customer_id;
}

/** Signs a user in (creating the user and their Customer on first sign-in); returns the cookie to set. */
export async function signIn(db: MerchantDb, stripe: Stripe, email: string, name: string): Promise<{ user: User; cookie: string }> {
  const user = upsertUser(db, email, name || email.split('@')[0] || email);
  const customerId = await ensureCustomer(db, stripe, user);
  const token = randomBytes(24).toString('base64url');
  db.prepare('INSERT INTO login_sessions (token, user_id, created_at) VALUES (?, ?, ?)').run(token, user.id, nowIso());
  return {
    user: { ...user, customer_id: customerId },
    cookie: `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`,
  };
}

/** Ends the login session named by the request's cookie; returns the cookie that clears it. */
export function signOut(db: MerchantDb, cookieHeader: string | undefined): string {
  const token = readCookie(cookieHeader, COOKIE);
  if (token) db.prepare('DELETE FROM login_sessions WHERE token = ?').run(token);
  return `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}

/** The signed-in user of a request, from its session cookie. */
export function currentUser(db: MerchantDb, cookieHeader: string | undefined): User | undefined {
  const token = readCookie(cookieHeader, COOKIE);
  if (!token) return undefined;
  return db
    .prepare('SELECT users.* FROM login_sessions JOIN users ON users.id = login_sessions.user_id WHERE token = ?')
    .get(token) as User | undefined;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
