import type { StoreMigration } from '../../store/db.js';

/**
 * `payment_link_id`: the Payment Link a session was opened from, for the list's `payment_link`
 * filter (`checkout.sessions.list({ payment_link })`), newest first like every list.
 */
export const checkoutSessionMigrations: Record<string, StoreMigration> = {
  '2026_12_checkout_sessions_payment_link': {
    async up(db) {
      await db.schema.alterTable('checkout_sessions').addColumn('payment_link_id', 'text').execute();
      await db.schema
        .createIndex('checkout_sessions_payment_link_id')
        .on('checkout_sessions')
        .columns(['account_id', 'payment_link_id', 'created desc', 'seq desc'])
        .execute();
    },
  },
};
