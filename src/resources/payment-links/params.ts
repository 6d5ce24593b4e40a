/**
 * The params of `payment_links.create` and `.update`, as stripe-node 23.1.0 types them
 * (`PaymentLinkCreateParams`, `PaymentLinkUpdateParams`). Params a Checkout Session takes under
 * the same name and shape are read by the session's own field (checkout-sessions/params.ts), so a
 * link accepts exactly what its sessions will; the rest are the link's own.
 */
import type { FormValue } from '../../api/form.js';
import { arr, bool, int, metadata, obj, oneOf, required, str, unset, type Field, type InferShape } from '../../api/params.js';
import { createShape as session } from '../checkout-sessions/params.js';
import { decimal, urlParam } from '../checkout-sessions/params-stored.js';

/** Handed to the session as sent (`line_items[][price_data]`): prices validate it where it becomes a Price. */
const passthrough: Field<FormValue | undefined> = { parse: (value) => value };

const adjustableQuantity = obj({ enabled: required(bool()), maximum: int({ min: 1, max: 999_999 }), minimum: int({ min: 0, max: 999_999 }) });

const invoiceSettings = {
  account_tax_ids: unset(arr(str({ max: 5000 }), { max: 25 })),
  custom_fields: unset(arr(obj({ name: required(str({ max: 40 })), value: required(str({ max: 140 })) }), { max: 4 })),
  description: str({ max: 1500 }),
  footer: str({ max: 5000 }),
  issuer: obj({ account: str({ max: 5000 }), type: required(oneOf(['account', 'self'])) }),
};

const trialSettings = obj({ end_behavior: required(obj({ missing_payment_method: required(oneOf(['cancel', 'create_invoice', 'pause'])) })) });

/** What a link takes besides its line items, at create; an update takes the same, most of it unsettable. */
const settingsShape = {
  after_completion: obj({
    hosted_confirmation: obj({ custom_message: str({ max: 500 }) }),
    redirect: obj({ url: required(urlParam()) }),
    type: required(oneOf(['hosted_confirmation', 'redirect'])),
  }),
  allow_promotion_codes: session.allow_promotion_codes,
  application_fee_amount: int({ min: 0 }),
  application_fee_percent: decimal({ min: 0, max: 100 }),
  automatic_tax: session.automatic_tax,
  billing_address_collection: session.billing_address_collection,
  consent_collection: session.consent_collection,
  custom_fields: session.custom_fields,
  custom_text: session.custom_text,
  customer_creation: session.customer_creation,
  inactive_message: str({ max: 500 }),
  invoice_creation: session.invoice_creation,
  metadata: metadata(),
  name_collection: session.name_collection,
  on_behalf_of: str({ max: 5000 }),
  optional_items: session.optional_items,
  payment_intent_data: obj({
    capture_method: oneOf(['automatic', 'automatic_async', 'manual']),
    description: str({ max: 1000 }),
    metadata: metadata(),
    setup_future_usage: oneOf(['on_session', 'off_session']),
    statement_descriptor: str({ max: 22 }),
    statement_descriptor_suffix: str({ max: 22 }),
    transfer_group: str({ max: 5000 }),
  }),
  payment_method_collection: session.payment_method_collection,
  payment_method_options: obj({
    card: obj({ restrictions: obj({ brands_blocked: arr(oneOf(['american_express', 'discover_global_network', 'mastercard', 'visa']), { max: 4 }) }) }),
  }),
  payment_method_types: session.payment_method_types,
  phone_number_collection: session.phone_number_collection,
  restrictions: obj({ completed_sessions: required(obj({ limit: required(int({ min: 1, max: 10_000_000 })) })) }),
  shipping_address_collection: session.shipping_address_collection,
  shipping_options: arr(obj({ shipping_rate: str({ max: 5000 }) }), { max: 5 }),
  submit_type: session.submit_type,
  subscription_data: obj({
    description: str({ max: 500 }),
    invoice_settings: obj(invoiceSettings),
    metadata: metadata(),
    trial_period_days: int({ min: 1, max: 730 }),
    trial_settings: trialSettings,
  }),
  tax_id_collection: session.tax_id_collection,
  transfer_data: obj({ amount: int({ min: 0 }), destination: required(str({ max: 5000 })) }),
};

/** `POST /v1/payment_links`: every param of `PaymentLinkCreateParams`. */
export const linkCreateShape = {
  line_items: required(
    arr(obj({ adjustable_quantity: adjustableQuantity, price: str({ max: 5000 }), price_data: passthrough, quantity: required(int({ min: 1, max: 999_999 })) }), { max: 20 }),
  ),
  currency: session.currency,
  managed_payments: session.managed_payments,
  ...settingsShape,
};

/**
 * `POST /v1/payment_links/:id`: `active`, the line items by id (quantity, adjustable quantity),
 * and the settings, `Emptyable` ones unset by `''` (-> null) as `PaymentLinkUpdateParams` allows.
 */
export const linkUpdateShape = {
  active: bool(),
  line_items: arr(obj({ adjustable_quantity: adjustableQuantity, id: required(str({ max: 5000 })), quantity: int({ min: 1, max: 999_999 }) }), { max: 20 }),
  after_completion: settingsShape.after_completion,
  allow_promotion_codes: settingsShape.allow_promotion_codes,
  application_fee_amount: unset(settingsShape.application_fee_amount),
  application_fee_percent: unset(settingsShape.application_fee_percent),
  automatic_tax: settingsShape.automatic_tax,
  billing_address_collection: settingsShape.billing_address_collection,
  consent_collection: settingsShape.consent_collection,
  custom_fields: unset(settingsShape.custom_fields),
  custom_text: settingsShape.custom_text,
  customer_creation: settingsShape.customer_creation,
  inactive_message: unset(settingsShape.inactive_message),
  invoice_creation: settingsShape.invoice_creation,
  metadata: settingsShape.metadata,
  name_collection: unset(settingsShape.name_collection),
  on_behalf_of: unset(settingsShape.on_behalf_of),
  optional_items: unset(settingsShape.optional_items),
  payment_intent_data: obj({
    description: unset(str({ max: 1000 })),
    metadata: metadata(),
    setup_future_usage: unset(oneOf(['on_session', 'off_session'])),
    statement_descriptor: unset(str({ max: 22 })),
    statement_descriptor_suffix: unset(str({ max: 22 })),
    transfer_group: unset(str({ max: 5000 })),
  }),
  payment_method_collection: settingsShape.payment_method_collection,
  payment_method_options: unset(
    obj({ card: unset(obj({ restrictions: unset(obj({ brands_blocked: unset(arr(oneOf(['american_express', 'discover_global_network', 'mastercard', 'visa']), { max: 4 })) })) })) }),
  ),
  payment_method_types: unset(settingsShape.payment_method_types),
  phone_number_collection: settingsShape.phone_number_collection,
  restrictions: unset(settingsShape.restrictions),
  shipping_address_collection: unset(settingsShape.shipping_address_collection),
  shipping_options: unset(settingsShape.shipping_options),
  submit_type: settingsShape.submit_type,
  subscription_data: obj({
    invoice_settings: obj(invoiceSettings),
    metadata: metadata(),
    trial_period_days: unset(int({ min: 1, max: 730 })),
    trial_settings: unset(trialSettings),
  }),
  tax_id_collection: settingsShape.tax_id_collection,
  transfer_data: unset(obj({ amount: unset(int({ min: 0 })), destination: required(str({ max: 5000 })) })),
};

export type LinkCreateParams = InferShape<typeof linkCreateShape>;
export type LinkUpdateParams = InferShape<typeof linkUpdateShape>;
/** A link's settings as kept: what create took besides its line items and metadata (the object's), updates merged in. */
export type LinkSettings = Partial<Omit<LinkCreateParams, 'line_items' | 'metadata'>>;
