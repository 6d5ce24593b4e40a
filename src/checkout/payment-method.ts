/**
 * The buyer's payment method at completion: a saved card, or one typed on the page (created
 * through the payment-methods service, so every card rule lives there), and saving it to the
 * customer with the `allow_redisplay` Checkout gives it.
 */
import type { Ctx } from '../api/context.js';
import { errors } from '../api/errors.js';
import type { Customer } from '../resources/customers/shape.js';
import {
  attachToCustomer,
  createCardPaymentMethod,
  createUsBankAccountPaymentMethod,
  customerPaymentMethods,
  findPaymentMethod,
  requirePaymentMethod,
} from '../resources/payment-methods/service.js';
import type { PaymentMethod } from '../resources/payment-methods/shape.js';
import type { RedisplayValue } from '../resources/checkout-sessions/shape.js';
import type { CompletionForm } from './contract.js';
import type { SavedPaymentMethod } from './prefill.js';

export interface PreparedPaymentMethod {
  pm: PaymentMethod;
  /** Typed on the page now (may be saved), as opposed to a saved card. */
  isNew: boolean;
}

/** The customer's attached payment methods, oldest first, as the prefill rules read them. */
export async function paymentMethodsForPrefill(ctx: Ctx, customerId: string): Promise<SavedPaymentMethod[]> {
  return customerPaymentMethods(ctx, customerId);
}

export async function preparePaymentMethod(ctx: Ctx, form: CompletionForm, now: number): Promise<PreparedPaymentMethod> {
  const billing = {
    name: form.billing.name,
    email: form.email,
    phone: form.phone,
    address: form.billing.address,
  };
  const p = form.payment;
  if (p.kind === 'saved_card') {
    return { pm: await requirePaymentMethod(ctx, p.paymentMethod), isNew: false };
  }
  if (p.kind === 'new_card') {
    const pm = await createCardPaymentMethod(
      ctx,
      { number: p.number, exp_month: p.expMonth, exp_year: p.expYear, cvc: p.cvc },
      { billing_details: billing, created: now, paramPrefix: 'card' },
    );
    return { pm, isNew: true };
  }
  if (!p.accountHolderName) throw errors.missingParam('us_bank_account[account_holder_name]');
  const pm = await createUsBankAccountPaymentMethod(
    ctx,
    { routing_number: p.routingNumber, account_number: p.accountNumber, account_holder_type: p.accountHolderType },
    { billing_details: { ...billing, name: p.accountHolderName }, created: now, paramPrefix: 'us_bank_account' },
  );
  return { pm, isNew: true };
}

/** Attaches the payment method to the customer with the `allow_redisplay` Checkout decided. */
export async function saveToCustomer(ctx: Ctx, pmId: string, customer: Customer, allowRedisplay: RedisplayValue, now: number): Promise<void> {
  const pm = await findPaymentMethod(ctx, pmId);
  if (!pm) throw errors.missingResource('PaymentMethod', pmId);
  await attachToCustomer(ctx, pm, customer, { allow_redisplay: allowRedisplay, now });
}
