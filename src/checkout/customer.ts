import type { Ctx } from '../api/context.js';
import type { FormObject } from '../api/form.js';
import { createCustomer, updateCustomer } from '../resources/customers/service.js';
import { addCustomerTaxId } from '../resources/tax-ids/service.js';
import type { Customer } from '../resources/customers/shape.js';
import type { StoredSession } from '../resources/checkout-sessions/shape.js';
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
  const customer = await createCustomer(ctx, params);
  await saveTaxId(ctx, customer, form);
  return customer;
}

/** The tax ID the buyer gave, saved on the customer (`customer.tax_id.created`), as Stripe does. */
async function saveTaxId(ctx: Ctx, customer: Customer, form: CompletionForm): Promise<void> {
  const t = form.answers?.taxId;
  if (t) await addCustomerTaxId(ctx, customer.id, t.type, t.value);
}

/**
 * `customer_update`: what the buyer gave, written back to the session's existing Customer as
 * Stripe does — `name: auto` the name (the billing name, else the individual or business name the
 * page asked), `address: auto` the billing address, `shipping: auto` the shipping details. Through
 * the customers service, so a change emits `customer.updated`
 * (docs/decisions.md#what-the-page-asks-beside-payment). The tax ID the buyer gave is added to it.
 */
export async function updateCustomerFromCheckout(ctx: Ctx, s: StoredSession, customer: Customer, form: CompletionForm): Promise<Customer> {
  await saveTaxId(ctx, customer, form);
  const want = s._internal.stored_params?.customer_update as { name?: string; address?: string; shipping?: string } | null | undefined;
  if (!want) return customer;
  const params: FormObject = {};
  const name = form.billing.name ?? form.answers?.individualName ?? form.answers?.businessName ?? null;
  if (want.name === 'auto' && name) params.name = name;
  if (want.address === 'auto' && form.billing.address.country) params.address = addressParams(form.billing.address);
  if (want.shipping === 'auto' && form.shipping) params.shipping = { name: form.shipping.name, address: addressParams(form.shipping.address) };
  return Object.keys(params).length > 0 ? updateCustomer(ctx, customer.id, params) : customer;
}
