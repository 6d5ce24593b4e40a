import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { createPaymentMethod, requirePaymentMethod } from '../payment-methods/service.js';

/**
 * The PaymentMethod a create, update or confirm names: `payment_method` (Stripe's ready-made test
 * ids store a fresh copy) or one made from `payment_method_data`; undefined when neither is given.
 */
export async function resolvePaymentMethod(
  ctx: Ctx,
  p: { payment_method?: string | undefined; payment_method_data?: FormObject | null | undefined },
): Promise<string | undefined> {
  if (p.payment_method !== undefined && p.payment_method_data) {
    throw errors.invalid('You cannot specify both `payment_method` and `payment_method_data`.', 'payment_method_data');
  }
  if (p.payment_method !== undefined) return (await requirePaymentMethod(ctx, p.payment_method, 'payment_method')).id;
  if (p.payment_method_data) return (await createPaymentMethod(ctx, p.payment_method_data)).id;
  return undefined;
}
