import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/** The `charges` table: lists filter by customer and PaymentIntent. */
export const chargeMigrations: Record<string, StoreMigration> = {
  '2026_12_06_charges': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'charges', [['customer_id', 'text', 'null'], ['payment_intent_id', 'text', 'null'], ['status', 'text']], [['customer_id'], ['payment_intent_id']]);
    },
  },
};
