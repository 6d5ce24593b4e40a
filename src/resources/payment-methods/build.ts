import { newId } from '../../api/ids.js';
import type { Metadata } from '../../api/params.js';
import { EMPTY_ADDRESS, toAddress } from '../shared/params.js';
import type { BillingDetailsInput } from './params.js';
import type { AllowRedisplay, BillingDetails, PaymentMethod, SupportedType } from './shape.js';

/** Billing details as served, from input merged onto the current ones (Stripe serves an all-null address). */
export function toBillingDetails(input: BillingDetailsInput | undefined, current?: BillingDetails): BillingDetails {
  const base: BillingDetails = current ?? { address: { ...EMPTY_ADDRESS }, email: null, name: null, phone: null, tax_id: null };
  if (!input) return base;
  const pick = <K extends 'email' | 'name' | 'phone'>(k: K) => (input[k] === undefined ? base[k] : input[k] ?? null);
  return {
    address: input.address === undefined ? base.address : input.address === null ? { ...EMPTY_ADDRESS } : toAddress(input.address, base.address),
    email: pick('email'),
    name: pick('name'),
    phone: pick('phone'),
    tax_id: input.tax_id === undefined ? base.tax_id : input.tax_id,
  };
}

/** The fields every new PaymentMethod has, whatever its type. */
export interface Common {
  billing_details: BillingDetails;
  allow_redisplay: AllowRedisplay;
  metadata: Metadata;
  created: number;
  customer?: string | null;
}

/**
 * A new PaymentMethod of `type` with the details its type module built (`card`, ...). After `id`
 * and `object` the fields are in alphabetical order, as Stripe serves them, wherever the type's
 * own key falls.
 */
export function newPaymentMethod(type: SupportedType, details: unknown, c: Common): PaymentMethod {
  const fields: Record<string, unknown> = {
    allow_redisplay: c.allow_redisplay,
    billing_details: c.billing_details,
    created: c.created,
    customer: c.customer ?? null,
    customer_account: null,
    livemode: false,
    metadata: c.metadata,
    type,
    [type]: details,
  };
  const sorted = Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  // `details` is the type's sub-object of PaymentMethod (shape.ts): its module builds nothing else.
  return { id: newId('pm_'), object: 'payment_method', ...sorted } as PaymentMethod;
}
