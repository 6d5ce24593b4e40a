import { errors } from '../../api/errors.js';
import type { FormObject, FormValue } from '../../api/form.js';
import { arr, bool, expand, type Field, int, metadata, obj, oneOf, str } from '../../api/params.js';
import { listParams } from '../../api/list.js';

/**
 * A nested hash taken as sent (`payment_method_data`, `mandate_data`, `single_use`): its parts are
 * read where they act, and any key stripe-node sends is accepted. `param=` (Emptyable) unsets it.
 */
export function hash(): Field<FormObject | null | undefined> {
  return {
    parse(value: FormValue | undefined, param: string) {
      if (value === undefined) return undefined;
      if (value === '') return null;
      if (typeof value !== 'object' || Array.isArray(value)) throw errors.invalid(`Invalid object: ${param} must be a hash`, param, 'parameter_invalid_object');
      return value;
    },
  };
}

const id = () => str({ max: 5000 });
const types = () => arr(str({ max: 5000 }), { max: 100 });
export const THREE_D_SECURE_REQUESTS = ['any', 'automatic', 'challenge'] as const;

/** `payment_method_options`: every type's hash is taken; `card[request_three_d_secure]` is acted on. */
const paymentMethodOptions = () => hash();

const common = {
  attach_to_self: bool(),
  customer_account: id(),
  description: str({ max: 1000 }),
  excluded_payment_method_types: types(),
  expand: expand(),
  flow_directions: arr(oneOf(['inbound', 'outbound'] as const)),
  payment_method: id(),
  payment_method_configuration: id(),
  payment_method_data: hash(),
  payment_method_options: paymentMethodOptions(),
} as const;

/** stripe-node 23 `SetupIntentCreateParams`. */
export const createShape = {
  ...common,
  allowed_payment_method_types: types(),
  automatic_payment_methods: obj({ allow_redirects: oneOf(['always', 'never'] as const), enabled: bool() }),
  client_secret: str(),
  confirm: bool(),
  confirmation_token: id(),
  customer: id(),
  mandate_data: hash(),
  metadata: metadata(),
  on_behalf_of: id(),
  payment_method_types: types(),
  return_url: str({ max: 5000 }),
  single_use: obj({ amount: int({ min: 0 }), currency: str({ max: 3 }) }),
  usage: oneOf(['off_session', 'on_session'] as const),
  use_stripe_sdk: bool(),
};

/** stripe-node 23 `SetupIntentUpdateParams`. */
export const updateShape = {
  ...common,
  allowed_payment_method_types: types(),
  customer: id(),
  metadata: metadata(),
  payment_method_types: types(),
};

/** stripe-node 23 `SetupIntentConfirmParams`. */
export const confirmShape = {
  allowed_payment_method_types: types(),
  client_secret: str(),
  confirmation_token: id(),
  expand: expand(),
  mandate_data: hash(),
  payment_method: id(),
  payment_method_data: hash(),
  payment_method_options: paymentMethodOptions(),
  return_url: str({ max: 5000 }),
  use_stripe_sdk: bool(),
};

export const cancelShape = {
  cancellation_reason: oneOf(['abandoned', 'duplicate', 'requested_by_customer'] as const),
  expand: expand(),
};

export const listShape = {
  ...listParams,
  attach_to_self: bool(),
  customer: id(),
  customer_account: id(),
  payment_method: id(),
};

export const verifyShape = {
  amounts: arr(int({ min: 0 }), { max: 2 }),
  client_secret: str(),
  descriptor_code: str({ max: 10 }),
  expand: expand(),
};

/** `payment_method_options[card][request_three_d_secure]`, checked against Stripe's values. */
export function requestThreeDSecure(options: FormObject | null | undefined): (typeof THREE_D_SECURE_REQUESTS)[number] | undefined {
  const card = options?.card;
  if (card === undefined || card === '' || typeof card !== 'object' || Array.isArray(card)) return undefined;
  const v = card.request_three_d_secure;
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(THREE_D_SECURE_REQUESTS as readonly string[]).includes(v)) {
    throw errors.invalidEnum('payment_method_options[card][request_three_d_secure]', THREE_D_SECURE_REQUESTS);
  }
  return v as (typeof THREE_D_SECURE_REQUESTS)[number];
}


