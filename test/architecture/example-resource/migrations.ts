import type { StoreMigration } from '../../../src/store/db.js';
import { objectTable } from '../../../src/store/tables.js';

/** Step 2: the resource's table, created by its own migration (a name unique across modules). */
export const reminderMigrations: Record<string, StoreMigration> = {
  '2026_12_06_reminders': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'reminders', [['customer_id', 'text', 'null'], ['status', 'text']], [['customer_id']]);
    },
  },
};
