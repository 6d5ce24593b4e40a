import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/**
 * The customer portal's tables (docs/decisions.md#customer-portal): configurations (`active`,
 * `is_default`: the list's filters) and sessions. A session row keeps `url_token`, the last segment
 * of its public URL (unique across accounts: the page finds the session by it alone), when its link
 * stops opening (`expires_at`, unix seconds) and when the portal it opened stops taking actions
 * (`visit_ends_at`, null until the first visit).
 */
export const billingPortalMigrations: Record<string, StoreMigration> = {
  '008_billing_portal': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'billing_portal_configurations', [['active', 'integer'], ['is_default', 'integer']], [['active'], ['is_default']]);
      await objectTable(
        db,
        dialect,
        'billing_portal_sessions',
        [
          ['url_token', 'text'],
          ['expires_at', 'bigint'],
          ['visit_ends_at', 'bigint', 'null'],
        ],
        [],
      );
      await db.schema.createIndex('billing_portal_sessions_url_token').unique().on('billing_portal_sessions').column('url_token').execute();
    },
  },
};
