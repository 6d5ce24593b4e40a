import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * A Checkout Session id is globally unique (>= 128 random bits), so one unique index on `id` alone
 * serves both lookups: by account and id (the API) and by id alone (the hosted page, 003). It
 * replaces two indexes keyed by the random id: at a million sessions every create inserted at a
 * random, cold place in each of them, and the second one cost about a fifth of a create
 * (bench/README.md, "cost at 1,000,000 sessions").
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex('checkout_sessions_unique_id').unique().on('checkout_sessions').column('id').execute();
  await db.schema.dropIndex('checkout_sessions_by_id').execute();
  await db.schema.dropIndex('checkout_sessions_id').execute();
}
