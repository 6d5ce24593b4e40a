/**
 * The Session fields of params that have no offline effect
 * (docs/decisions.md#session-parameters-with-no-offline-effect): what was sent, in the shape
 * stripe-node 23's `Checkout.Session` serves it, with Stripe's defaults for what was left out.
 */
import { errors } from '../../api/errors.js';
import type { InferShape } from '../../api/params.js';
import type { createShape } from './params.js';
import type { Address } from '../shared/params.js';
import type { Session, SessionInternals, StoredSession } from './shape.js';

type CreateParams = InferShape<typeof createShape>;

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** `custom_fields[]` as served: each kind's settings, and the buyer's `value` (none until completion). */
function customFields(p: CreateParams): Session['custom_fields'] {
  const settings = (t: { default_value?: string; maximum_length?: number; minimum_length?: number }) => ({
    default_value: orNull(t.default_value),
    maximum_length: orNull(t.maximum_length),
    minimum_length: orNull(t.minimum_length),
    value: null,
  });
  // Only the field's own kind is present, as on Stripe.
  return (p.custom_fields ?? []).map((f) => ({
    ...(f.type === 'dropdown' ? { dropdown: { default_value: orNull(f.dropdown?.default_value), options: (f.dropdown?.options ?? []).map((o) => ({ label: o.label, value: o.value })), value: null } } : {}),
    key: f.key,
    label: { custom: f.label.custom, type: f.label.type },
    ...(f.type === 'numeric' ? { numeric: settings(f.numeric ?? {}) } : {}),
    optional: f.optional ?? false,
    ...(f.type === 'text' ? { text: settings(f.text ?? {}) } : {}),
    type: f.type,
  }));
}

/** `custom_text` as served: each message, or null. */
function customText(p: CreateParams): Session['custom_text'] {
  const t = p.custom_text;
  const msg = (m: { message: string } | null | undefined) => (m ? { message: m.message } : null);
  return { after_submit: msg(t?.after_submit), shipping_address: msg(t?.shipping_address), submit: msg(t?.submit), terms_of_service_acceptance: msg(t?.terms_of_service_acceptance) };
}

/**
 * What Stripe refuses in the params the page asks with
 * (docs/decisions.md#what-the-page-asks-beside-payment): custom fields in setup mode, a field
 * whose settings are not of its `type`, a key that is not alphanumeric or used twice, lengths the
 * wrong way round, a dropdown default that is not one of its options; tax ID collection for an
 * existing customer whose name the session may not update; `customer_update` without a customer.
 */
export function checkAskedParams(p: CreateParams): void {
  if (p.customer_update !== undefined && p.customer === undefined) throw errors.invalid('`customer_update` can only be used with `customer`.', 'customer_update');
  if (p.tax_id_collection?.enabled && p.customer !== undefined && p.customer_update?.name !== 'auto') {
    throw errors.invalid(
      'tax_id_collection requires updating business name on the customer. To enable tax id collection for an existing customer, please set customer_update[name] to `auto`.',
      'customer_update[name]',
    );
  }
  const fields = p.custom_fields ?? [];
  if (fields.length > 0 && p.mode === 'setup') throw errors.invalid('`custom_fields` is not available in `setup` mode.', 'custom_fields');
  const keys = new Set<string>();
  fields.forEach((f, i) => {
    const param = `custom_fields[${i}]`;
    if (!/^[A-Za-z0-9_-]+$/.test(f.key)) throw errors.invalid('The custom field `key` must be alphanumeric.', `${param}[key]`);
    if (keys.has(f.key)) throw errors.invalid(`The custom field key \`${f.key}\` is used more than once; each key must be unique.`, `${param}[key]`);
    keys.add(f.key);
    for (const kind of ['dropdown', 'numeric', 'text'] as const) {
      if (f[kind] !== undefined && f.type !== kind) throw errors.invalid(`\`${kind}\` can only be set when \`type\` is \`${kind}\`.`, `${param}[${kind}]`);
    }
    if (f.type === 'dropdown') {
      const options = f.dropdown?.options;
      if (!options || options.length === 0) throw errors.missingParam(`${param}[dropdown][options]`);
      const def = f.dropdown?.default_value;
      if (def !== undefined && !options.some((o) => o.value === def)) throw errors.invalid('The `default_value` must be the `value` of one of the options.', `${param}[dropdown][default_value]`);
      if (new Set(options.map((o) => o.value)).size !== options.length) throw errors.invalid('Each dropdown option must have a unique `value`.', `${param}[dropdown][options]`);
    }
    const t = f.text ?? f.numeric;
    if (t?.minimum_length !== undefined && t.maximum_length !== undefined && t.minimum_length > t.maximum_length) {
      throw errors.invalid('`minimum_length` cannot be greater than `maximum_length`.', `${param}[${f.type}][minimum_length]`);
    }
    if (f.numeric?.default_value !== undefined && !/^\d*$/.test(f.numeric.default_value)) {
      throw errors.invalid('The `default_value` of a numeric field may contain digits only.', `${param}[numeric][default_value]`);
    }
  });
}

/** `branding_settings` as served, Stripe's defaults for what was not sent. */
function branding(p: CreateParams): Pick<Session, 'branding_settings'> {
  const b = p.branding_settings;
  if (!b) return {};
  const image = (i: { type: string; file?: string; url?: string } | undefined) => (i ? { type: i.type, ...(i.file ? { file: i.file } : {}), ...(i.url ? { url: i.url } : {}) } : null);
  return {
    branding_settings: {
      background_color: b.background_color ?? '#ffffff',
      border_style: b.border_style ?? 'rounded',
      button_color: b.button_color ?? '#0074d4',
      display_name: b.display_name ?? '',
      font_family: b.font_family ?? 'default',
      icon: image(b.icon),
      logo: image(b.logo),
    },
  };
}

/**
 * `payment_method_options` as sent, with the defaults Stripe serves beside them: card's
 * `request_three_d_secure`, and the days a boleto or OXXO voucher stays payable.
 */
function paymentMethodOptions(p: CreateParams): Record<string, unknown> {
  const o = p.payment_method_options;
  if (!o) return {};
  return {
    ...o,
    ...(o.card ? { card: { ...o.card, request_three_d_secure: o.card.request_three_d_secure ?? 'automatic' } } : {}),
    ...(o.boleto ? { boleto: { ...o.boleto, expires_after_days: o.boleto.expires_after_days ?? 3 } } : {}),
    ...(o.oxxo ? { oxxo: { ...o.oxxo, expires_after_days: o.oxxo.expires_after_days ?? 3 } } : {}),
  };
}

/** `name_collection` as a session (or a payment link) stores it: each kind asked for, `optional` false unless set; nothing when not asked. */
export function nameCollectionField(p: Partial<Pick<CreateParams, 'name_collection'>>) {
  if (!p.name_collection) return {};
  const { business, individual } = p.name_collection;
  return {
    name_collection: {
      ...(business ? { business: { enabled: business.enabled, optional: business.optional ?? false } } : {}),
      ...(individual ? { individual: { enabled: individual.enabled, optional: individual.optional ?? false } } : {}),
    },
  };
}

/** `optional_items` as a session (or a payment link) stores them, unset bounds as null; nothing when none are offered. */
export function optionalItemsField(p: Partial<Pick<CreateParams, 'optional_items'>>) {
  if (!p.optional_items) return {};
  return {
    optional_items: p.optional_items.map((i) => ({
      adjustable_quantity: i.adjustable_quantity ? { enabled: i.adjustable_quantity.enabled, maximum: orNull(i.adjustable_quantity.maximum), minimum: orNull(i.adjustable_quantity.minimum) } : null,
      price: i.price,
      quantity: i.quantity,
    })),
  };
}

/** The served fields these params fill. */
export function storedFields(p: CreateParams) {
  const invoiceData = p.invoice_creation?.invoice_data;
  return {
    adaptive_pricing: p.mode === 'setup' ? null : { enabled: p.adaptive_pricing?.enabled ?? false },
    after_expiration: p.after_expiration
      ? { recovery: { allow_promotion_codes: p.after_expiration.recovery?.allow_promotion_codes ?? false, enabled: p.after_expiration.recovery?.enabled ?? false, expires_at: null, url: null } }
      : null,
    ...branding(p),
    consent_collection: p.consent_collection
      ? {
          payment_method_reuse_agreement: p.consent_collection.payment_method_reuse_agreement ? { position: p.consent_collection.payment_method_reuse_agreement.position } : null,
          promotions: orNull(p.consent_collection.promotions),
          terms_of_service: orNull(p.consent_collection.terms_of_service),
        }
      : null,
    custom_fields: customFields(p),
    custom_text: customText(p),
    customer_account: orNull(p.customer_account),
    ...(p.excluded_payment_method_types ? { excluded_payment_method_types: p.excluded_payment_method_types } : {}),
    integration_identifier: orNull(p.integration_identifier),
    invoice_data: {
      account_tax_ids: invoiceData?.account_tax_ids ?? null,
      custom_fields: invoiceData?.custom_fields ?? null,
      description: orNull(invoiceData?.description),
      footer: orNull(invoiceData?.footer),
      issuer: invoiceData?.issuer ? { type: invoiceData.issuer.type, ...(invoiceData.issuer.account ? { account: invoiceData.issuer.account } : {}) } : null,
      metadata: Object.fromEntries(Object.entries(invoiceData?.metadata ?? {}).filter((e): e is [string, string] => e[1] !== null)),
      rendering_options: invoiceData?.rendering_options ? { amount_tax_display: invoiceData.rendering_options.amount_tax_display ?? null, template: orNull(invoiceData.rendering_options.template) } : null,
    },
    managed_payments: p.managed_payments ? { enabled: p.managed_payments.enabled ?? false } : null,
    ...nameCollectionField(p),
    ...optionalItemsField(p),
    origin_context: orNull(p.origin_context),
    payment_method_configuration_details: p.payment_method_configuration ? { id: p.payment_method_configuration, parent: null } : null,
    payment_method_options: paymentMethodOptions(p),
    permissions: p.permissions ? { update_shipping_details: orNull(p.permissions.update_shipping_details) } : null,
    ...(p.redirect_on_completion ? { redirect_on_completion: p.redirect_on_completion } : {}),
    ...(p.tax_id_collection ? { tax_id_collection: { enabled: p.tax_id_collection.enabled, required: p.tax_id_collection.required ?? 'never' } } : {}),
    wallet_options: p.wallet_options ? (p.wallet_options.link ? { link: { display: p.wallet_options.link.display ?? 'auto' } } : {}) : null,
  } satisfies Partial<Session> & { invoice_data: unknown };
}

/**
 * The per-mode data params kept beside the session for completion, as sent, without the keys
 * `_internal.*_data` holds: completion reads trials, anchors and invoice settings
 * (checkout/first-period.ts), descriptors, capture method and Connect fields
 * (checkout/intent-data.ts) and shipping from them. Also `customer_update`, which the Session does
 * not serve.
 */
export function storedDataParams(p: CreateParams): SessionInternals['stored_params'] {
  const { setup_future_usage: _a, metadata: _b, description: _c, ...pi } = p.payment_intent_data ?? {};
  const { metadata: _d, description: _e, default_tax_rates: _f, ...sub } = p.subscription_data ?? {};
  const { metadata: _g, description: _h, ...si } = p.setup_intent_data ?? {};
  return { payment_intent_data: pi, subscription_data: sub, setup_intent_data: si, customer_update: p.customer_update ?? null };
}

/**
 * `payment_intent_data.shipping`, for the PaymentIntent the session creates when the page
 * collected no shipping address of its own (name and address; carrier, phone and tracking
 * number are kept on the session only).
 */
export function intentShipping(s: StoredSession): { address: Address; name: string } | null {
  const sent = (s._internal.stored_params?.payment_intent_data as { shipping?: { name: string; address: Partial<Address> } } | undefined)?.shipping;
  if (!sent) return null;
  const a = sent.address;
  return { name: sent.name, address: { city: a.city ?? null, country: a.country ?? null, line1: a.line1 ?? null, line2: a.line2 ?? null, postal_code: a.postal_code ?? null, state: a.state ?? null } };
}
