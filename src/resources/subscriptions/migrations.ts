import { sql } from 'kysely';
import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/**
 * The subscriptions' own changes: a `price_ids` column (`|price_a|price_b|`) that `price` list
 * filters match, and `subscription_pending_items`, the prorations a change leaves for the next
 * invoice (docs/decisions.md#subscriptions-and-renewals).
 */
export const subscriptionMigrations: Record<string, StoreMigration> = {
  '2026_12_subscription_prices': {
    async up(db) {
      await sql`alter table subscriptions add column price_ids text`.execute(db);
    },
  },
  '2026_12_subscription_pending_items': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'subscription_pending_items', [['subscription_id', 'text']], [['subscription_id']]);
    },
  },
};
