/** The params of `/v1/payment_intents` create, update and confirm (stripe-node 23 names). */
import type { FormValue } from '../../api/form.js';
import { arr, bool, int, metadata, nullableObj, nullableStr, obj, oneOf, required, str, unset, type Field } from '../../api/params.js';
import { currencyParam } from '../../money/currencies.js';
import { createShape as paymentMethodCreateShape } from '../payment-methods/params.js';
import { addressParam, emailParam } from '../shared/params.js';

/** Params whose sub-fields have no offline effect: accepted as sent. */
export const passthrough: Field<FormValue | undefined> = { parse: (value) => value };

/** `off_session`: a boolean, or `one_off` / `recurring` (both mean off-session). */
const offSessionParam: Field<boolean | undefined> = {
  parse(value, param) {
    if (value === 'one_off' || value === 'recurring') return true;
    return bool().parse(value, param);
  },
};

/** `setup_future_usage`; an update may unset it with `''`. */
const usage = (): Field<'on_session' | 'off_session' | null | undefined> => unset(oneOf(['on_session', 'off_session'] as const));

const shipping = () =>
  nullableObj({
    address: required(addressParam()),
    carrier: str({ max: 5000 }),
    name: required(str({ max: 5000 })),
    phone: str({ max: 5000 }),
    tracking_number: str({ max: 5000 }),
  });

/** `payment_method_data`: a new PaymentMethod made for this payment, as `POST /v1/payment_methods` takes it. */
const paymentMethodData = () => obj({ ...paymentMethodCreateShape, radar_options: passthrough });

const common = {
  payment_method: str({ max: 5000 }),
  payment_method_data: paymentMethodData(),
  payment_method_options: passthrough,
  payment_method_types: arr(str({ max: 5000 }), { max: 50 }),
  /** The name stripe-node 23 sends for `payment_method_types`; both are taken. */
  allowed_payment_method_types: arr(str({ max: 5000 }), { max: 50 }),
  receipt_email: emailParam(),
  setup_future_usage: usage(),
  shipping: shipping(),
  capture_method: oneOf(['automatic', 'automatic_async', 'manual'] as const),
  excluded_payment_method_types: passthrough,
  amount_details: passthrough,
  hooks: passthrough,
  payment_details: passthrough,
};

const confirmOnly = {
  error_on_requires_action: bool(),
  mandate: passthrough,
  mandate_data: passthrough,
  off_session: offSessionParam,
  radar_options: passthrough,
  return_url: str({ max: 5000 }),
  use_stripe_sdk: bool(),
  confirmation_token: str({ max: 5000 }),
};

export const createShape = {
  amount: required(int({ min: 0 })),
  currency: required(currencyParam()),
  ...common,
  ...confirmOnly,
  application_fee_amount: int({ min: 0 }),
  automatic_payment_methods: obj({ enabled: required(bool()), allow_redirects: oneOf(['always', 'never'] as const) }),
  confirm: bool(),
  confirmation_method: oneOf(['automatic', 'manual'] as const),
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  description: str({ max: 1000 }),
  metadata: metadata(),
  on_behalf_of: str({ max: 5000 }),
  payment_method_configuration: str({ max: 100 }),
  statement_descriptor: str({ max: 22 }),
  statement_descriptor_suffix: str({ max: 22 }),
  transfer_data: obj({ amount: int({ min: 0 }), destination: required(str({ max: 5000 })) }),
  transfer_group: str({ max: 5000 }),
};

export const updateShape = {
  ...common,
  amount: int({ min: 0 }),
  application_fee_amount: passthrough,
  currency: currencyParam(),
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  description: nullableStr({ max: 1000 }),
  metadata: metadata(),
  payment_method_configuration: str({ max: 100 }),
  statement_descriptor: nullableStr({ max: 22 }),
  statement_descriptor_suffix: nullableStr({ max: 22 }),
  transfer_data: passthrough,
  transfer_group: str({ max: 5000 }),
};

export const confirmShape = {
  ...common,
  ...confirmOnly,
  amount_to_confirm: int({ min: 0 }),
  client_secret: str({ max: 5000 }),
};

export const incrementShape = {
  amount: required(int({ min: 0 })),
  amount_details: passthrough,
  application_fee_amount: int({ min: 0 }),
  description: str({ max: 1000 }),
  hooks: passthrough,
  metadata: metadata(),
  payment_details: passthrough,
  statement_descriptor: str({ max: 22 }),
  transfer_data: passthrough,
};

/** `POST /v1/payment_intents/:id/verify_microdeposits` (stripe-node 23 `PaymentIntentVerifyMicrodepositsParams`). */
export const verifyShape = {
  amounts: arr(int({ min: 0 }), { max: 2 }),
  client_secret: str(),
  descriptor_code: str({ max: 10 }),
};
