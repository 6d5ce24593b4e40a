/** The `tax_ids` table's owner: other modules call the service's functions, none names the table. */
import { ObjectTable } from '../../store/objects.js';
import type { TaxId } from './shape.js';

export const taxIds = new ObjectTable<TaxId>('tax_ids');

/** Queried columns of a tax ID row. */
export const taxIdColumns = (t: TaxId) => ({ customer_id: t.customer });
