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
 * The names Checkout writes to a Customer: the business or individual name `name_collection`
 * asked (kept as `business_name` / `individual_name`) is also its `name`, as on Stripe — the
 * business name first —, else the cardholder name.
 */
function collectedNames(form: CompletionForm): FormObject {
  const a = form.answers;
  const out: FormObject = {};
  if (a?.businessName) out.business_name = a.businessName;
  if (a?.individualName) out.individual_name = a.individualName;
  const name = a?.businessName ?? a?.individualName ?? form.billing.name;
  if (name) out.name = name;
  return out;
}

/**
 * The Customer Checkout creates for a buyer who has none (subscription and setup mode, a saved
 * card, `customer_creation: always`), through the customers service like any other.
 */
export async function createCustomerFromCheckout(ctx: Ctx, form: CompletionForm, _now: number): Promise<Customer> {
  const params: FormObject = { address: addressParams(form.billing.address) };
  if (form.email) params.email = form.email;
  Object.assign(params, collectedNames(form));
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
 * Stripe does — `name: auto` the names (see {@link collectedNames}), `address: auto` the billing address, `shipping: auto` the shipping details. Through
 * the customers service, so a change emits `customer.updated`
 * (docs/decisions.md#what-the-page-asks-beside-payment). The tax ID the buyer gave is added to it.
 */
export async function updateCustomerFromCheckout(ctx: Ctx, s: StoredSession, customer: Customer, form: CompletionForm): Promise<Customer> {
  await saveTaxId(ctx, customer, form);
  const want = s._internal.stored_params?.customer_update as { name?: string; address?: string; shipping?: string } | null | undefined;
  if (!want) return customer;
  const params: FormObject = {};
  if (want.name === 'auto') Object.assign(params, collectedNames(form));
  if (want.address === 'auto' && form.billing.address.country) params.address = addressParams(form.billing.address);
  if (want.shipping === 'auto' && form.shipping) params.shipping = { name: form.shipping.name, address: addressParams(form.shipping.address) };
  return Object.keys(params).length > 0 ? updateCustomer(ctx, customer.id, params) : customer;
}
