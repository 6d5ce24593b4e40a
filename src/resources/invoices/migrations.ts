import type { StoreMigration } from '../../store/db.js';
import { objectTable } from '../../store/tables.js';

/**
 * Invoices made through the API: `collection_method` becomes a list filter, and `coupons` keeps the
 * coupon behind each of the invoice's discounts (`di_` id -> Coupon), which the totals of a draft
 * are computed from. Neither is served.
 */
export const invoiceMigrations: Record<string, StoreMigration> = {
  '2026_12_invoices_api': {
    async up(db) {
      await db.schema.alterTable('invoices').addColumn('collection_method', 'text').execute();
      await db.schema.alterTable('invoices').addColumn('coupons', 'text').execute();
      await db.schema.createIndex('invoices_collection_method').on('invoices').columns(['account_id', 'collection_method', 'created desc', 'seq desc']).execute();
    },
  },
  // One row per payment of an invoice (payments.ts), listed by invoice and by PaymentIntent.
  '007_invoice_payments': {
    async up(db, dialect) {
      await objectTable(
        db,
        dialect,
        'invoice_payments',
        [
          ['invoice_id', 'text'],
          ['payment_intent', 'text', 'null'],
          ['status', 'text'],
        ],
        [['invoice_id'], ['payment_intent']],
      );
    },
  },
};
