import { sql } from 'kysely';
import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/**
 * The `promotion_codes` table. `code_lower`, `coupon_id` and `customer_id` are the list filters;
 * `active_until` and `usable_until` are the times `active` is computed from (store.ts). An active
 * code's text is unique in its account regardless of case: a partial unique index holds that, so
 * a create needs no lookup first.
 */
export const promotionCodeMigrations: Record<string, StoreMigration> = {
  '2026_12_promotion_codes': {
    async up(db, dialect) {
      await objectTable(
        db,
        dialect,
        'promotion_codes',
        [
          ['code_lower', 'text'],
          ['coupon_id', 'text'],
          ['customer_id', 'text', 'null'],
          ['active_until', 'bigint'],
          ['usable_until', 'bigint'],
        ],
        [['code_lower'], ['coupon_id'], ['customer_id']],
      );
      await db.schema
        .createIndex('promotion_codes_active_code')
        .unique()
        .on('promotion_codes')
        .columns(['account_id', 'code_lower'])
        .where(sql.ref('active_until'), '>', 0)
        .execute();
    },
  },
};
