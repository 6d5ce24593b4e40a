import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/**
 * `payment_method_id` on setup_intents, for the list's `payment_method` filter; and
 * `intent_authentications`: a PaymentIntent's or SetupIntent's pending 3D Secure authentication
 * (docs/decisions.md#3d-secure), one row per intent, keyed by the intent's id.
 */
export const setupIntentMigrations: Record<string, StoreMigration> = {
  '2026_12_setup_intents_payment_method': {
    async up(db) {
      await db.schema.alterTable('setup_intents').addColumn('payment_method_id', 'text').execute();
      await db.schema
        .createIndex('setup_intents_payment_method_id')
        .on('setup_intents')
        .columns(['account_id', 'payment_method_id', 'created desc', 'seq desc'])
        .execute();
    },
  },
  '2026_12_intent_authentications': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'intent_authentications', [['status', 'text']], []);
    },
  },
};
