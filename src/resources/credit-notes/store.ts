/** The `credit_notes` table (this folder owns it). */
import type { StoreMigration } from '../../store/db.js';
import { ObjectTable } from '../../store/objects.js';
import { objectTable } from '../../store/tables.js';

/** A CreditNote as served (stripe-node 23 `CreditNote`). */
export type CreditNote = Record<string, unknown> & { id: string; object: 'credit_note'; created: number; status: 'issued' | 'void'; invoice: string; customer: string };

export const creditNotes = new ObjectTable<CreditNote>('credit_notes');

export const creditNoteColumns = (cn: CreditNote) => ({ customer_id: cn.customer, invoice_id: cn.invoice, status: cn.status });

export const creditNoteMigrations: Record<string, StoreMigration> = {
  '2026_12_credit_notes': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'credit_notes', [['customer_id', 'text'], ['invoice_id', 'text'], ['status', 'text']], [['customer_id'], ['invoice_id']]);
    },
  },
};
