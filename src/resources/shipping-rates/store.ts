/** The `shipping_rates` table (this folder owns it). Other modules call these functions; none names the table. */
import type { Ctx } from '../../api/context.js';
import { ObjectTable } from '../../store/objects.js';
import type { ShippingRate } from './shape.js';

export const shippingRates = new ObjectTable<ShippingRate>('shipping_rates');

/** Every currency a rate has an amount in. */
export function currenciesOf(r: ShippingRate): string[] {
  return [r.fixed_amount.currency, ...Object.keys(r.fixed_amount.currency_options ?? {})];
}

/** Queried columns of a shipping rate row. */
export const shippingRateColumns = (r: ShippingRate) => ({ active: r.active ? 1 : 0, currencies: `,${currenciesOf(r).join(',')},` });

/** The shipping rate with this id in ctx's account, or undefined. */
export function findShippingRate(ctx: Ctx, id: string): Promise<ShippingRate | undefined> {
  return shippingRates.get(ctx.db, ctx.account, id);
}
