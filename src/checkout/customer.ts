import type { Ctx } from '../api/context.js';
import type { FormObject } from '../api/form.js';
import { createCustomer } from '../resources/customers/service.js';
import type { Customer } from '../resources/customers/shape.js';
import type { Address } from '../resources/shared/params.js';
import type { CompletionForm } from './contract.js';

function addressParams(a: Address): FormObject {
  const out: FormObject = {};
  for (const [k, v] of Object.entries(a)) if (v) out[k] = v;
  return out;
}

/**
 * The Customer Checkout creates for a buyer who has none (subscription and setup mode, a saved
 * card, `customer_creation: always`), through the customers service like any other.
 */
export async function createCustomerFromCheckout(ctx: Ctx, form: CompletionForm, _now: number): Promise<Customer> {
  const params: FormObject = { address: addressParams(form.billing.address) };
  if (form.email) params.email = form.email;
  if (form.billing.name) params.name = form.billing.name;
  if (form.phone) params.phone = form.phone;
  if (form.shipping) params.shipping = { name: form.shipping.name, address: addressParams(form.shipping.address) };
  return createCustomer(ctx, params);
}
