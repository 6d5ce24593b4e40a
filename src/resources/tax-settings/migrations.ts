import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/** The `tax_settings` table: one row per account, written on the first update. */
export const taxSettingsMigrations: Record<string, StoreMigration> = {
  '2026_12_tax_settings': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'tax_settings', [], []);
    },
  },
};
