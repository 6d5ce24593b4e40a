/**
 * Completing a session without a payment method (docs/decisions.md#subscription-data-from-checkout):
 * with `payment_method_collection: if_required`, Stripe's Checkout collects none when nothing is
 * due today (a free trial, a free first period). The buyer gives an email; the Subscription starts
 * without a default payment method, and its trial settings say what happens when the trial ends.
 */
import type { Ctx } from '../api/context.js';
import type { Session, StoredSession, LineItem } from '../resources/checkout-sessions/shape.js';
import { redeem } from '../resources/coupons/service.js';
import type { Customer } from '../resources/customers/shape.js';
import type { CompletionForm, CompletionResult } from './contract.js';
import { createCustomerFromCheckout } from './customer.js';
import { startSubscription } from './subscribe.js';

/** Whether the page must collect a payment method: always, unless `if_required` and nothing is due today. */
export function collectsPaymentMethod(s: Pick<Session, 'mode' | 'payment_method_collection' | 'amount_total'>): boolean {
  return !(s.mode === 'subscription' && s.payment_method_collection === 'if_required' && (s.amount_total ?? 0) === 0);
}

interface Input {
  session: StoredSession;
  customer: Customer | undefined;
  form: CompletionForm;
  now: number;
  items: LineItem[];
}

/** Starts the subscription of a session that collects no payment method; refused when one is due. */
export async function completeWithoutPaymentMethod(
  ctx: Ctx,
  i: Input,
): Promise<CompletionResult | { fields: Partial<Pick<Session, 'subscription' | 'invoice' | 'payment_status'>>; customer: Customer }> {
  const s = i.session;
  if (collectsPaymentMethod(s)) {
    return { ok: false, message: 'Choose a payment method.', code: 'payment_method_required', field: 'paymentMethod' };
  }
  const d = s._internal.pricing?.discount;
  if (d) await redeem(ctx, (d.coupon as { id: string }).id, (d.promotion_code as { id: string } | null)?.id ?? null);
  const customer = i.customer ?? (await createCustomerFromCheckout(ctx, i.form, i.now));
  const fields = await startSubscription(ctx, { session: s, customer, pm: null, now: i.now, items: i.items });
  return { fields, customer };
}
