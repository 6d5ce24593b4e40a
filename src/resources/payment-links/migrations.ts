import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/**
 * The `payment_links` table: the object as served, `active` (the list's filter), the link's own
 * settings and line items (what each visit hands Checkout), and `url_token`, the last segment of
 * its public URL, unique across accounts: the page finds the link by it alone.
 */
export const paymentLinkMigrations: Record<string, StoreMigration> = {
  '2026_12_payment_links': {
    async up(db, dialect) {
      await objectTable(
        db,
        dialect,
        'payment_links',
        [
          ['active', 'integer'],
          ['url_token', 'text'],
          ['settings', 'text'],
          ['line_items', 'text'],
        ],
        [['active']],
      );
      await db.schema.createIndex('payment_links_url_token').unique().on('payment_links').column('url_token').execute();
    },
  },
};
