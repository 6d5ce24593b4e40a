import type { Ctx } from '../../api/context.js';
import { errors, type ErrorBody, type StripeError } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { parseParams } from '../../api/params.js';
import { emit } from '../../events/emit.js';
import { attachOutcome, type Decline } from '../../processor/index.js';
import type { Hooks } from '../../hooks.js';
import { clearDefaultPaymentMethod, requireCustomer } from '../customers/service.js';
import type { Customer } from '../customers/shape.js';
import { buildTestPaymentMethod } from './create.js';
import { attachShape } from './params.js';
import type { AllowRedisplay, PaymentMethod } from './shape.js';
import { isDetached, paymentMethods, pmColumns, savePaymentMethod } from './store.js';

/** A decline as Stripe answers it: 402 card_error with `code`, `decline_code` and the issuer's message. */
export function declineError(d: Decline, extra: Partial<ErrorBody> = {}): StripeError {
  return errors.card(d.code, d.message, { decline_code: d.decline_code, ...extra });
}

export interface AttachOptions {
  /** Checkout sets how the saved method may be shown again (docs/decisions.md#saving-a-card-from-checkout); the attach API leaves it. */
  allow_redisplay?: AllowRedisplay | undefined;
  /** Business time (unix seconds) for the expiry check; default: the wall clock. */
  now?: number | undefined;
  /** The param errors name (`payment_method` on customer create). */
  param?: string | undefined;
}

/**
 * Attaches a PaymentMethod to a customer and emits `payment_method.attached`. Refuses what Stripe
 * refuses: cards that simulate an issuer decline (402 card_declined + decline_code, docs/decisions.md#card-declines-at-attach), a
 * method attached to another customer, one detached before. Attaching to its own customer again
 * changes nothing. A method not yet stored (a ready-made test id's copy) is stored here.
 */
export async function attachToCustomer(ctx: Ctx, pm: PaymentMethod, customer: Customer, opts: AttachOptions = {}): Promise<PaymentMethod> {
  const param = opts.param ?? 'payment_method';
  if (pm.customer === customer.id) return pm;
  if (pm.customer !== null) {
    throw errors.invalid('The payment method you provided has already been attached to a customer.', param);
  }
  if (await isDetached(ctx, pm.id)) {
    throw errors.invalid(
      'This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.',
      param,
    );
  }
  const outcome = await attachOutcome(ctx.db, pm, opts.now !== undefined ? { now: opts.now } : {});
  if (outcome.status === 'declined') throw declineError(outcome, { param });
  const attached: PaymentMethod = { ...pm, customer: customer.id, allow_redisplay: opts.allow_redisplay ?? pm.allow_redisplay };
  const stored = await paymentMethods.row(ctx.db, ctx.account, pm.id, ['id']);
  if (stored) await savePaymentMethod(ctx, attached);
  else await paymentMethods.insert(ctx.db, ctx.account, attached, pmColumns(attached));
  await emit(ctx, 'payment_method.attached', attached);
  return attached;
}

/**
 * Attaches by id. Stripe's ready-made ids (`pm_card_visa`) attach a NEW copy with its own `pm_`
 * id, as Stripe does; the ready-made id itself stays reusable.
 */
export async function attachById(ctx: Ctx, id: string, customer: Customer, opts: AttachOptions = {}): Promise<PaymentMethod> {
  // Locked: two attaches of one method (two instances) must not both find it free.
  const pm = (await paymentMethods.getForUpdate(ctx.db, ctx.account, id)) ?? (await buildTestPaymentMethod(ctx, id));
  if (!pm) throw errors.missingResource('PaymentMethod', id, opts.param ?? 'payment_method');
  return attachToCustomer(ctx, pm, customer, opts);
}

/** POST /v1/payment_methods/:id/attach */
export async function attachPaymentMethod(ctx: Ctx, id: string, params: FormObject): Promise<PaymentMethod> {
  const p = parseParams(attachShape, params);
  const customer = await requireCustomer(ctx, p.customer, 'customer');
  return attachById(ctx, id, customer);
}

/**
 * Detaches a PaymentMethod from its customer (it can never be attached again) and emits
 * `payment_method.detached`; the customer's default payment method is cleared if it was this one.
 */
export async function detachPaymentMethod(ctx: Ctx, id: string): Promise<PaymentMethod> {
  const pm = await paymentMethods.getForUpdate(ctx.db, ctx.account, id);
  if (!pm || pm.customer === null) {
    if (!pm && !(await buildTestPaymentMethod(ctx, id))) throw errors.missingResource('PaymentMethod', id, 'payment_method');
    throw errors.invalid('The payment method you provided is not attached to a customer so detachment is impossible.', 'payment_method');
  }
  await clearDefaultPaymentMethod(ctx, pm.customer, id);
  const detached: PaymentMethod = { ...pm, customer: null };
  await savePaymentMethod(ctx, detached, { detached: true });
  await emit(ctx, 'payment_method.detached', detached, { customer: pm.customer });
  return detached;
}

/**
 * The hooks payment methods fill for the customer service (hooks.ts): attach on
 * `customers.create(payment_method)`, and the check of `invoice_settings[default_payment_method]`
 * (it must be attached to that customer).
 */
export const customerHooks: Pick<Hooks, 'attachPaymentMethod' | 'requireAttached'> = {
  async attachPaymentMethod(ctx, pmId, customer, param) {
    return (await attachById(ctx, pmId, customer, { param })).id;
  },
  async requireAttached(ctx, pmId, customerId, param) {
    const pm = await paymentMethods.get(ctx.db, ctx.account, pmId);
    if (pm?.customer !== customerId) {
      throw errors.invalid(
        `The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`,
        param,
      );
    }
  },
};
