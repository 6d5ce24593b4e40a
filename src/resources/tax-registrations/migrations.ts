import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/**
 * The `tax_registrations` table: the object as served, plus what automatic tax and the list's
 * `status` filter query: `covers` (where the registration collects: `DE`, `US-CA`, `EU` for
 * OSS), `active_from` and `ends_at` (`expires_at`, or the far future).
 */
export const taxRegistrationMigrations: Record<string, StoreMigration> = {
  '2026_12_tax_registrations': {
    async up(db, dialect) {
      await objectTable(
        db,
        dialect,
        'tax_registrations',
        [['covers', 'text'], ['active_from', 'bigint'], ['ends_at', 'bigint']],
        [['covers']],
      );
    },
  },
};
