import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/** The `tokens` table: the Token as served plus the card details a PaymentMethod is built from (`_internal`). */
export const tokenMigrations: Record<string, StoreMigration> = {
  '2026_12_tokens': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'tokens', [], []);
    },
  },
};
