import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/**
 * The `shipping_rates` table: the object as served, `active`, and `currencies` (`,usd,eur,`: the
 * rate's currency and those of its currency options, for the list's `currency` filter).
 */
export const shippingRateMigrations: Record<string, StoreMigration> = {
  '2026_12_shipping_rates': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'shipping_rates', [['active', 'integer'], ['currencies', 'text']], [['active']]);
    },
  },
};
