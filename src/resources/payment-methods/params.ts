import { listParams } from '../../api/list.js';
import { int, metadata, nullableStr, obj, oneOf, required, str, type Infer } from '../../api/params.js';
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

const accountHolderType = () => oneOf(['individual', 'company']);
const accountType = () => oneOf(['checking', 'savings']);

export const createShape = {
  type: required(oneOf(SUPPORTED_TYPES)),
  // The number and CVC are validated by the processor; their length caps never echo the value.
  card: obj({
    number: str({ max: 40 }),
    exp_month: int(),
    exp_year: int(),
    cvc: str({ max: 10 }),
    token: str({ max: 5000 }),
    networks: obj({ preferred: str({ max: 50 }) }),
  }),
  us_bank_account: obj({
    routing_number: str({ max: 50 }),
    account_number: str({ max: 50 }),
    account_holder_type: accountHolderType(),
    account_type: accountType(),
  }),
  billing_details: billingDetailsParam(),
  allow_redisplay: oneOf(ALLOW_REDISPLAY),
  metadata: metadata(),
};

export const updateShape = {
  allow_redisplay: oneOf(ALLOW_REDISPLAY),
  billing_details: billingDetailsParam(),
  card: obj({ exp_month: int(), exp_year: int(), networks: obj({ preferred: nullableStr({ max: 50 }) }) }),
  metadata: metadata(),
  us_bank_account: obj({ account_holder_type: accountHolderType(), account_type: accountType() }),
};

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
