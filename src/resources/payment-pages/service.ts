/**
 * `GET /v1/payment_pages/:id` and `POST /v1/payment_pages/:id/confirm`: the private calls Stripe's
 * own page makes, which the Stripe CLI's fixtures use to pay a Checkout Session without a browser
 * (`stripe trigger checkout.session.completed`). Confirming is Checkout completion with a
 * PaymentMethod created beforehand: the same rules and the same transaction as the hosted page
 * (docs/decisions.md#completion).
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { int, parseParams, required, str } from '../../api/params.js';
import { completeSession } from '../../checkout/complete.js';
import { isCardRefusal, type CompletionForm } from '../../checkout/contract.js';
import { present, type Session } from '../checkout-sessions/shape.js';
import { loadSession } from '../checkout-sessions/store.js';
import { requirePaymentMethod } from '../payment-methods/service.js';

/** The session behind a payment page, as its page reads it. */
export async function retrievePaymentPage(ctx: Ctx, id: string): Promise<Session> {
  return present(await loadSession(ctx, id, 'id'));
}

const confirmShape = { payment_method: required(str({ max: 5000 })), expected_amount: int({ min: 0 }) };

/**
 * Pays the session with `payment_method` (its billing details are the buyer's), refusing it when
 * the total is no longer `expected_amount`; answers the completed session.
 */
export async function confirmPaymentPage(ctx: Ctx, id: string, params: FormObject): Promise<Session> {
  const p = parseParams(confirmShape, params);
  await loadSession(ctx, id, 'id');
  const pm = await requirePaymentMethod(ctx, p.payment_method, 'payment_method');
  const b = pm.billing_details;
  const form: CompletionForm = {
    email: b.email,
    phone: b.phone,
    billing: { name: b.name, address: b.address ?? { city: null, country: null, line1: null, line2: null, postal_code: null, state: null } },
    shipping: null,
    payment: { kind: 'existing', paymentMethod: pm.id, type: pm.type },
    expectedTotal: p.expected_amount ?? null,
    shippingRate: null,
  };
  const result = await completeSession(ctx, id, form);
  if (result.ok) return result.session;
  if (isCardRefusal(result)) {
    throw errors.card(result.code, result.message, result.declineCode ? { decline_code: result.declineCode } : {});
  }
  throw errors.invalid(result.message, result.field ?? undefined, result.code);
}
