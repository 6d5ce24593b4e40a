/**
 * The buyer's payment method at completion: a saved card, or one typed on the page (created
 * through the payment-methods service, so the page and the API share every rule of its type), and
 * saving it to the customer with the `allow_redisplay` Checkout gives it.
 */
import type { Ctx } from '../api/context.js';
import { errors } from '../api/errors.js';
import { paymentMethodType } from '../payment-method-types/index.js';
import type { Customer } from '../resources/customers/shape.js';
import {
  attachToCustomer,
  createPaymentMethodOfType,
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

/**
 * The payment method the buyer pays with: the saved card they chose, or a new one created from
 * what the page read, with the form's contact and billing details (a type that asks for the
 * holder's name in its own field names the billing details with it).
 */
export async function preparePaymentMethod(ctx: Ctx, form: CompletionForm, now: number): Promise<PreparedPaymentMethod> {
  const p = form.payment;
  if (p.kind === 'saved_card') {
    return { pm: await requirePaymentMethod(ctx, p.paymentMethod), isNew: false };
  }
  if (p.kind === 'none') throw errors.invalid('A payment method is required for this payment.', 'payment_method');
  if (p.kind === 'existing') {
    const pm = await requirePaymentMethod(ctx, p.paymentMethod, 'payment_method');
    if (pm.customer !== null) throw errors.invalid('This PaymentMethod is attached to a customer: pay with a new one.', 'payment_method');
    return { pm, isNew: true };
  }
  const billing = {
    name: p.billingName ?? form.billing.name,
    email: form.email,
    phone: form.phone,
    address: form.billing.address,
  };
  const pm = await createPaymentMethodOfType(ctx, p.type, p.params, { billing_details: billing, created: now });
  return { pm, isNew: true };
}

/**
 * Attaches the payment method to the customer with the `allow_redisplay` Checkout decided. A type
 * that cannot be reused (a konbini voucher, paid once in cash) is not saved.
 */
export async function saveToCustomer(ctx: Ctx, pmId: string, customer: Customer, allowRedisplay: RedisplayValue, now: number): Promise<void> {
  const pm = await findPaymentMethod(ctx, pmId);
  if (!pm) throw errors.missingResource('PaymentMethod', pmId);
  if (!paymentMethodType(pm.type).reusable) return;
  await attachToCustomer(ctx, pm, customer, { allow_redisplay: allowRedisplay, now });
}
