import { listParams } from '../../api/list.js';
import { metadata, nullableStr, obj, oneOf, required, str, type Infer } from '../../api/params.js';
import { createParamsByType, updateParamsByType } from '../../payment-method-types/index.js';
import { addressParam, emailParam } from '../shared/params.js';
import { ALLOW_REDISPLAY, STRIPE_TYPES, SUPPORTED_TYPES } from './shape.js';

/** `billing_details[...]`: each field may be unset with `''`. */
export const billingDetailsParam = () =>
  obj({
    address: addressParam(),
    email: emailParam(),
    name: nullableStr({ max: 5000 }),
    phone: nullableStr({ max: 5000 }),
    tax_id: str({ max: 5000 }),
  });

/** Billing details as a caller gives them (API params or the hosted page's form). */
export type BillingDetailsInput = Partial<NonNullable<Infer<ReturnType<typeof billingDetailsParam>>>>;

/** `POST /v1/payment_methods`. Each type's details (`card[...]`, ...) are its module's params. */
export const createShape = {
  type: required(oneOf(SUPPORTED_TYPES)),
  ...createParamsByType(),
  billing_details: billingDetailsParam(),
  allow_redisplay: oneOf(ALLOW_REDISPLAY),
  metadata: metadata(),
};

/** `POST /v1/payment_methods/:id`. Params are checked in key order, which has always been alphabetical here. */
export const updateShape = alphabetical({
  allow_redisplay: oneOf(ALLOW_REDISPLAY),
  billing_details: billingDetailsParam(),
  metadata: metadata(),
  ...updateParamsByType(),
});

function alphabetical<S extends Record<string, unknown>>(shape: S): S {
  return Object.fromEntries(Object.entries(shape).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as S;
}

export const listShape = {
  ...listParams,
  customer: str({ max: 5000 }),
  type: oneOf(STRIPE_TYPES),
  allow_redisplay: oneOf(ALLOW_REDISPLAY),
};

export const customerListShape = {
  ...listParams,
  type: oneOf(STRIPE_TYPES),
  allow_redisplay: oneOf(ALLOW_REDISPLAY),
};

export const attachShape = { customer: required(str({ max: 5000 })) };
