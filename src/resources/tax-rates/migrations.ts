import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/** The `tax_rates` table: the object as served, plus the columns its list filters on. */
export const taxRateMigrations: Record<string, StoreMigration> = {
  '2026_12_tax_rates': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'tax_rates', [['active', 'integer'], ['inclusive', 'integer']], [['active'], ['inclusive']]);
    },
  },
};
