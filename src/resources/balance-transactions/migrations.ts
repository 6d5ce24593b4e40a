import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/** The `balance_transactions` table: lists filter by type and source; the balance sums `net` by currency and `available_on`. */
export const balanceTransactionMigrations: Record<string, StoreMigration> = {
  '2026_12_06_balance_transactions': {
    async up(db, dialect) {
      await objectTable(
        db,
        dialect,
        'balance_transactions',
        [['type', 'text'], ['source_id', 'text'], ['currency', 'text'], ['available_on', 'bigint'], ['net', 'bigint']],
        [['type'], ['source_id']],
      );
    },
  },
};
