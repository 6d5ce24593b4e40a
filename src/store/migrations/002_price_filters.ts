import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * Columns for the price list filters Stripe offers (`currency`, `recurring[interval]`) and for
 * hiding inline prices (created from `price_data`) from lists, as Stripe does.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds a single column.
  await db.schema.alterTable('prices').addColumn('currency', 'text').execute();
  await db.schema.alterTable('prices').addColumn('recurring_interval', 'text').execute();
  await db.schema.alterTable('prices').addColumn('is_inline', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('prices_active').on('prices').columns(['account_id', 'is_inline', 'active', 'created desc', 'seq desc']).execute();
}
