import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { mergeMetadata, parseParams, type InferShape } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { checkExpiry, fullExpiryYear } from '../../processor/index.js';
import { toBillingDetails } from './build.js';
import { buildTestPaymentMethod, cardInputError } from './create.js';
import { updateShape } from './params.js';
import type { PaymentMethod } from './shape.js';
import { paymentMethods, savePaymentMethod } from './store.js';

type UpdateParams = InferShape<typeof updateShape>;

function applyCard(ctx: Ctx, pm: PaymentMethod, p: UpdateParams): PaymentMethod['card'] {
  const c = p.card;
  if (!c) return pm.card;
  if (!pm.card) throw errors.invalid('You cannot update `card` on a PaymentMethod that is not a card.', 'card');
  const now = unixNow(ctx.deps.clock);
  const month = c.exp_month ?? pm.card.exp_month;
  const year = c.exp_year === undefined ? pm.card.exp_year : fullExpiryYear(c.exp_year, new Date(now * 1000).getUTCFullYear());
  const problem = checkExpiry(month, year, now);
  if (problem) throw cardInputError(problem);
  const preferred = c.networks?.preferred;
  return {
    ...pm.card,
    exp_month: month,
    exp_year: year,
    networks: preferred === undefined ? pm.card.networks : { ...pm.card.networks, preferred },
  };
}

function applyBank(pm: PaymentMethod, p: UpdateParams): PaymentMethod['us_bank_account'] {
  const b = p.us_bank_account;
  if (!b) return pm.us_bank_account;
  if (!pm.us_bank_account) throw errors.invalid('You cannot update `us_bank_account` on a PaymentMethod that is not a US bank account.', 'us_bank_account');
  return {
    ...pm.us_bank_account,
    account_holder_type: b.account_holder_type ?? pm.us_bank_account.account_holder_type,
    account_type: b.account_type ?? pm.us_bank_account.account_type,
  };
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
  const next: PaymentMethod = {
    ...current,
    billing_details: toBillingDetails(p.billing_details, current.billing_details),
    allow_redisplay: p.allow_redisplay ?? current.allow_redisplay,
    metadata: mergeMetadata(current.metadata, p.metadata),
  };
  const card = applyCard(ctx, current, p);
  if (card) next.card = card;
  const bank = applyBank(current, p);
  if (bank) next.us_bank_account = bank;
  const prev = previousAttributes(current, next);
  if (Object.keys(prev).length === 0) return current;
  await savePaymentMethod(ctx, next);
  await emit(ctx, 'payment_method.updated', next, prev);
  return next;
}

function mustBeSaved() {
  return errors.invalid('You must save this PaymentMethod to a customer before you can update it.');
}
