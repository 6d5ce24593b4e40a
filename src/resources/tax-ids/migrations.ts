import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/** The `tax_ids` table: the object as served, plus the customer its lists filter on. */
export const taxIdMigrations: Record<string, StoreMigration> = {
  '2026_12_tax_ids': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'tax_ids', [['customer_id', 'text', 'null']], [['customer_id']]);
    },
  },
};
