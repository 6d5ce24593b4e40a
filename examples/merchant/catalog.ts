import type { MerchantDb } from './db.js';

/** A product the shop sells, with the Stripe Price that charges for it. */
export interface Product {
  sku: string;
  name: string;
  description: string;
  price_id: string;
  unit_amount: number;
  currency: string;
}

/** One cart line: a product and how many. */
export interface CartLine {
  product: Product;
  quantity: number;
}

/** The catalog in display order. */
export function listProducts(db: MerchantDb): Product[] {
  return db.prepare('SELECT sku, name, description, price_id, unit_amount, currency FROM products ORDER BY position, sku').all() as Product[];
}

/** Adds or replaces a product in the catalog. */
export function saveProduct(db: MerchantDb, product: Product, position: number): void {
  db.prepare(
    `INSERT INTO products (sku, name, description, price_id, unit_amount, currency, position) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (sku) DO UPDATE SET name = excluded.name, description = excluded.description, price_id = excluded.price_id,
       unit_amount = excluded.unit_amount, currency = excluded.currency, position = excluded.position`,
  ).run(product.sku, product.name, product.description, product.price_id, product.unit_amount, product.currency, position);
}

/** Puts one more of a product in the user's cart; false when the product does not exist. */
export function addToCart(db: MerchantDb, userId: number, sku: string): boolean {
  if (!db.prepare('SELECT 1 FROM products WHERE sku = ?').get(sku)) return false;
  db.prepare(
    `INSERT INTO cart_items (user_id, sku, quantity) VALUES (?, ?, 1)
     ON CONFLICT (user_id, sku) DO UPDATE SET quantity = MIN(quantity + 1, 99)`,
  ).run(userId, sku);
  return true;
}

/** Empties the user's cart. */
export function clearCart(db: MerchantDb, userId: number): void {
  db.prepare('DELETE FROM cart_items WHERE user_id = ?').run(userId);
}

/** The user's cart with its products. */
export function cartOf(db: MerchantDb, userId: number): CartLine[] {
  const rows = db
    .prepare(
      `SELECT p.sku, p.name, p.description, p.price_id, p.unit_amount, p.currency, c.quantity
       FROM cart_items c JOIN products p ON p.sku = c.sku WHERE c.user_id = ? ORDER BY p.position, p.sku`,
    )
    .all(userId) as Array<Product & { quantity: number }>;
  return rows.map(({ quantity, ...product }) => ({ product, quantity }));
}
