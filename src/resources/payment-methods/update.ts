import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { mergeMetadata, parseParams, type InferShape } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { PAYMENT_METHOD_TYPES } from '../../payment-method-types/index.js';
import { toBillingDetails } from './build.js';
import { buildTestPaymentMethod } from './create.js';
import { updateShape } from './params.js';
import type { PaymentMethod } from './shape.js';
import { paymentMethods, savePaymentMethod } from './store.js';

type UpdateParams = InferShape<typeof updateShape>;

/**
 * Each type's own update (`card[exp_month]`, ...), refused on a method of another type; the
 * type's module applies it. Types are taken in registry order, so the first refusal is stable.
 */
function applyDetails(ctx: Ctx, pm: PaymentMethod, p: UpdateParams): PaymentMethod {
  let next = pm;
  for (const t of PAYMENT_METHOD_TYPES) {
    const change = p[t.type];
    if (change === undefined) continue;
    const current = pm[t.type];
    if (!current) throw errors.invalid(`You cannot update \`${t.type}\` on a PaymentMethod that is not ${t.noun}.`, t.type);
    // The key exists already, so the object keeps its field order; the module returns its own sub-object.
    next = { ...next, [t.type]: t.update(unixNow(ctx.deps.clock), current, change) } as PaymentMethod;
  }
  return next;
}

/**
 * POST /v1/payment_methods/:id. As on Stripe, only a PaymentMethod saved to a customer can be
 * updated; a change emits `payment_method.updated` with the previous attributes.
 */
export async function updatePaymentMethod(ctx: Ctx, id: string, params: FormObject): Promise<PaymentMethod> {
  const p = parseParams(updateShape, params);
  const current = await paymentMethods.getForUpdate(ctx.db, ctx.account, id);
  if (!current) {
    if (await buildTestPaymentMethod(ctx, id)) throw mustBeSaved();
    throw errors.missingResource('PaymentMethod', id, 'payment_method');
  }
  if (current.customer === null) throw mustBeSaved();
  const updated: PaymentMethod = {
    ...current,
    billing_details: toBillingDetails(p.billing_details, current.billing_details),
    allow_redisplay: p.allow_redisplay ?? current.allow_redisplay,
    metadata: mergeMetadata(current.metadata, p.metadata),
  };
  const next = applyDetails(ctx, updated, p);
  const prev = previousAttributes(current, next);
  if (Object.keys(prev).length === 0) return current;
  await savePaymentMethod(ctx, next);
  await emit(ctx, 'payment_method.updated', next, prev);
  return next;
}

function mustBeSaved() {
  return errors.invalid('You must save this PaymentMethod to a customer before you can update it.');
}
