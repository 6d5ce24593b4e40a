import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/** The `refunds` table: lists filter by charge and PaymentIntent. */
export const refundMigrations: Record<string, StoreMigration> = {
  '2026_12_06_refunds': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'refunds', [['charge_id', 'text'], ['payment_intent_id', 'text', 'null'], ['status', 'text']], [['charge_id'], ['payment_intent_id']]);
    },
  },
};
