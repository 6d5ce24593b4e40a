import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * The first 2 KB of each webhook delivery attempt's response body, as the Dashboard shows it
 * (docs/decisions.md#dashboard). Null for attempts without a response, and for those before this.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('delivery_attempts').addColumn('response_body', 'text').execute();
}
