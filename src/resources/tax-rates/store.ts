/** The `tax_rates` table (this folder owns it). Other modules call these functions; none names the table. */
import type { Ctx } from '../../api/context.js';
import { ObjectTable } from '../../store/objects.js';
import type { TaxRate } from './shape.js';

export const taxRates = new ObjectTable<TaxRate>('tax_rates');

/** Queried columns of a tax rate row. */
export const taxRateColumns = (r: TaxRate) => ({ active: r.active ? 1 : 0, inclusive: r.inclusive ? 1 : 0 });

/** The tax rate with this id in ctx's account, or undefined. */
export function findTaxRate(ctx: Ctx, id: string): Promise<TaxRate | undefined> {
  return taxRates.get(ctx.db, ctx.account, id);
}
