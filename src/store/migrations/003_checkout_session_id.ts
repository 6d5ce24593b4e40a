import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * The hosted page finds a session by its id alone (the id is a bearer link; the account follows
 * from the row), so the id needs an index of its own rather than a scan of every account's sessions.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex('checkout_sessions_by_id').on('checkout_sessions').column('id').execute();
}
