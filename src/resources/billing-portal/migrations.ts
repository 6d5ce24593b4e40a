import { sql, type Kysely } from 'kysely';
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
  /**
   * One default configuration per account, held by a partial unique index, so two first sessions
   * made at once (two PostgreSQL transactions, or two instances) cannot each make one. An account
   * that already has two (made before this index) keeps its oldest as the default; the others stay,
   * as ordinary configurations.
   */
  '2026_12_billing_portal_one_default': {
    async up(db) {
      const k = db as unknown as Kysely<{ billing_portal_configurations: { seq: number; account_id: string; data: string; is_default: number } }>;
      const defaults = await k.selectFrom('billing_portal_configurations').select(['seq', 'account_id', 'data']).where('is_default', '=', 1).orderBy('seq').execute();
      const seen = new Set<string>();
      for (const row of defaults) {
        if (!seen.has(row.account_id)) {
          seen.add(row.account_id);
          continue;
        }
        const data = { ...(JSON.parse(row.data) as Record<string, unknown>), is_default: false };
        await k.updateTable('billing_portal_configurations').set({ is_default: 0, data: JSON.stringify(data) }).where('seq', '=', row.seq).execute();
      }
      await db.schema
        .createIndex('billing_portal_configurations_one_default')
        .unique()
        .on('billing_portal_configurations')
        .column('account_id')
        .where(sql.ref('is_default'), '=', 1)
        .execute();
    },
  },
  /**
   * The portal's login page (docs/decisions.md#customer-portal): a configuration's `login_token`,
   * the last segment of its `login_page.url` (unique across accounts: the page finds the
   * configuration by it alone; null while the login page is off), and a session's `login_email`, the
   * email the login page was given when it made the session (null for sessions made through the API).
   */
  '2026_12_billing_portal_login': {
    async up(db) {
      await db.schema.alterTable('billing_portal_configurations').addColumn('login_token', 'text').execute();
      await db.schema.createIndex('billing_portal_configurations_login_token').unique().on('billing_portal_configurations').column('login_token').execute();
      await db.schema.alterTable('billing_portal_sessions').addColumn('login_email', 'text').execute();
      // Configurations whose login page was enabled before the column: their URLs keep working.
      const k = db as unknown as Kysely<{ billing_portal_configurations: { seq: number; data: string; login_token: string | null } }>;
      for (const row of await k.selectFrom('billing_portal_configurations').select(['seq', 'data']).where('data', 'like', '%/p/login/%').execute()) {
        const url = (JSON.parse(row.data) as { login_page?: { url?: string | null } }).login_page?.url;
        if (url) await k.updateTable('billing_portal_configurations').set({ login_token: url.slice(url.lastIndexOf('/') + 1) }).where('seq', '=', row.seq).execute();
      }
    },
  },
};
