import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/**
 * The `coupons` table. Lists filter on nothing but `created`, so it has no queried column: `valid`
 * and `times_redeemed` live in the object's JSON (docs/decisions.md#coupons-and-promotion-codes).
 */
export const couponMigrations: Record<string, StoreMigration> = {
  '2026_12_coupons': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'coupons', [], []);
    },
  },
};
