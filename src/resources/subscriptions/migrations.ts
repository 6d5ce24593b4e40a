import { sql } from 'kysely';
import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/**
 * The subscriptions' own changes: a `price_ids` column (`|price_a|price_b|`) that `price` list
 * filters match, an `item_ids` column finding a subscription item's subscription,
 * `subscription_discounts` (docs/decisions.md#discounts-on-subscriptions-and-customers), and `subscription_pending_items`, the prorations a change leaves for the next
 * invoice (docs/decisions.md#subscriptions-and-renewals).
 */
export const subscriptionMigrations: Record<string, StoreMigration> = {
  '2026_12_subscription_prices': {
    async up(db) {
      await sql`alter table subscriptions add column price_ids text`.execute(db);
    },
  },
  // The ids of its items (`|si_a|si_b|`), so `/v1/subscription_items/:id` finds its subscription;
  // and the Discounts of subscriptions (`subscription.discounts` holds their ids).
  '007_subscription_items_and_discounts': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'subscription_discounts', [['subscription_id', 'text']], [['subscription_id']]);
      await sql`alter table subscriptions add column item_ids text`.execute(db);
      const rows = await sql<{ seq: number; data: string }>`select seq, data from subscriptions`.execute(db);
      for (const row of rows.rows) {
        const items = (JSON.parse(row.data) as { items: { data: Array<{ id: string }> } }).items.data;
        await sql`update subscriptions set item_ids = ${`|${items.map((i) => i.id).join('|')}|`} where seq = ${row.seq}`.execute(db);
      }
    },
  },
  '2026_12_subscription_pending_items': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'subscription_pending_items', [['subscription_id', 'text']], [['subscription_id']]);
    },
  },
};
