/**
 * The hosted page's form: the values its fields start with (from the prefill result) and the
 * parsing of a submitted form into a CompletionForm. Only the form's shape is checked here (a
 * card number is digits, an expiry is a month and a year); completion applies every business rule.
 * Each payment method type reads its own fields (src/payment-method-types/).
 */
import { addressFormFor, AUTO_POSTAL_COUNTRIES } from '../checkout/address-form.js';
import { choiceType, type CompletionForm, type PaymentChoice } from '../checkout/contract.js';
import { collectsPaymentMethod } from '../checkout/no-payment-method.js';
import { DEFAULT_PAYMENT_METHOD_TYPE, findHostedPaymentMethodType, HOSTED_PAYMENT_METHOD_TYPES, type PageEntry } from '../payment-method-types/index.js';
import type { SupportedType } from '../resources/payment-methods/shape.js';
import type { Address } from '../resources/shared/params.js';
import { field } from './fields.js';
import { textOf, type PageLocale } from './i18n.js';
import type { PageView } from './load.js';
import { keptSectionValues, readAnswers, sectionDefaults } from './sections/index.js';
import { MESSAGE_TEXT, type MessageText } from './text/messages.js';

/**
 * The page's own fields. Field names double as element ids (Stripe's ids), so a posted form reads
 * like the page; each payment method type names its own fields (`cardExpiry`, `routingNumber`).
 */
export type Field =
  | 'email' | 'phoneNumber' | 'paymentMethod'
  | 'billingName' | 'billingCountry' | 'billingPostalCode' | 'billingAddressLine1' | 'billingAddressLine2' | 'billingLocality' | 'billingAdministrativeArea'
  | 'shippingName' | 'shippingCountry' | 'shippingPostalCode' | 'shippingAddressLine1' | 'shippingAddressLine2' | 'shippingLocality' | 'shippingAdministrativeArea';

/** What the fields show, by field id. Card number, CVC and bank account number are never kept. */
export type Values = Partial<Record<string, string>>;

export interface FormError {
  message: string;
  /** The field the message is about (its id), when there is one. */
  field?: string | undefined;
  code: string;
  /** A card decline's `decline_code`, told to the merchant's page by the Payment Element. */
  declineCode?: string | undefined;
}

/** Payment method types the page offers, in the session's order (card when none is given). */
export function methodTypes(view: PageView): string[] {
  const types = view.session.payment_method_types.length > 0 ? view.session.payment_method_types : view.session.allowed_payment_method_types;
  return types.length > 0 ? types : [DEFAULT_PAYMENT_METHOD_TYPE];
}

/**
 * The email the buyer cannot change: the customer's own (docs/decisions.md#email-and-shipping-prefill), or the session's
 * `customer_email` when it has no customer, as Stripe shows them read-only.
 */
export function lockedEmail(view: PageView): string | null {
  if (view.prefill.email?.readonly) return view.prefill.email.value;
  return view.session.customer === null ? view.session.customer_email : null;
}

/** The country the billing address starts at when nothing is known: where the page's language is mostly spoken. */
const COUNTRY_OF_LOCALE: Readonly<Record<PageLocale, string>> = {
  en: 'US', ja: 'JP', fr: 'FR', de: 'DE', es: 'ES', it: 'IT', nl: 'NL', pt: 'BR', zh: 'CN', ko: 'KR',
};

/** The fields' starting values: the prefill result (docs/decisions.md#prefill-of-a-saved-card), else sensible defaults. */
export function initialValues(view: PageView): Values {
  const { prefill: p, session } = view;
  const bill = p.billing?.address;
  // Shipping details the session has already (set by the merchant's server, or the buyer's on a merchant's page) come first.
  const ship = session.collected_information?.shipping_details ?? p.shipping;
  const allowed = session.shipping_address_collection?.allowed_countries ?? [];
  return {
    email: p.email?.value ?? session.customer_email ?? '',
    paymentMethod: p.selected?.id ?? methodTypes(view)[0] ?? DEFAULT_PAYMENT_METHOD_TYPE,
    billingName: p.billing?.name ?? '',
    billingCountry: bill?.country ?? ship?.address.country ?? COUNTRY_OF_LOCALE[view.locale],
    billingPostalCode: bill?.postal_code ?? '',
    billingAddressLine1: bill?.line1 ?? '',
    billingAddressLine2: bill?.line2 ?? '',
    billingLocality: bill?.city ?? '',
    billingAdministrativeArea: bill?.state ?? '',
    shippingName: ship?.name ?? '',
    shippingCountry: ship?.address.country ?? allowed[0] ?? '',
    shippingPostalCode: ship?.address.postal_code ?? '',
    shippingAddressLine1: ship?.address.line1 ?? '',
    shippingAddressLine2: ship?.address.line2 ?? '',
    shippingLocality: ship?.address.city ?? '',
    shippingAdministrativeArea: ship?.address.state ?? '',
    phoneNumber: '',
    ...HOSTED_PAYMENT_METHOD_TYPES.reduce<Values>((values, t) => ({ ...values, ...t.page.initial }), {}),
    ...sectionDefaults(view),
  };
}

const KEPT: readonly string[] = [
  'email', 'phoneNumber', 'paymentMethod',
  'billingName', 'billingCountry', 'billingPostalCode', 'billingAddressLine1', 'billingAddressLine2', 'billingLocality', 'billingAdministrativeArea',
  'shippingName', 'shippingCountry', 'shippingPostalCode', 'shippingAddressLine1', 'shippingAddressLine2', 'shippingLocality', 'shippingAdministrativeArea',
  'promotionCode',
  ...HOSTED_PAYMENT_METHOD_TYPES.flatMap((t) => t.page.kept),
];

/** The typed values to show again after a refused submit (no card number, CVC or account number). */
export function keptValues(body: URLSearchParams, view: PageView): Values {
  const out: Values = {};
  for (const name of KEPT) out[name] = field(body, name);
  Object.assign(out, keptSectionValues(body, view));
  // A read-only email is the customer's own: show it again whatever the post claimed.
  const locked = lockedEmail(view);
  if (locked) out.email = locked;
  return out;
}

const orNull = (s: string): string | null => (s === '' ? null : s);

/**
 * An address as the form shows it for its country and collection: fields the country's form does
 * not have are dropped, so a state typed before switching to a country without states is not sent.
 */
function address(body: URLSearchParams, prefix: 'billing' | 'shipping', full: boolean): Address {
  const country = field(body, `${prefix}Country`).toUpperCase();
  const form = addressFormFor(country);
  const postal = full ? form.postalCode : AUTO_POSTAL_COUNTRIES.has(country);
  return {
    country: orNull(country),
    postal_code: postal ? orNull(field(body, `${prefix}PostalCode`)) : null,
    line1: full ? orNull(field(body, `${prefix}AddressLine1`)) : null,
    line2: full ? orNull(field(body, `${prefix}AddressLine2`)) : null,
    city: full ? orNull(field(body, `${prefix}Locality`)) : null,
    state: full && form.state ? orNull(field(body, `${prefix}AdministrativeArea`)) : null,
  };
}

/** The card expiry the page accepts (`12 / 34`, ...): the card module reads it; the form exports it. */
export { parseExpiry } from '../payment-method-types/card.js';

function isError<T extends object>(x: T | FormError): x is FormError {
  return 'message' in x;
}

function newChoice(type: SupportedType, read: PageEntry<unknown> | FormError): PaymentChoice | FormError {
  return isError(read) ? read : { kind: 'new', type, ...read };
}

/** Reads a posted form into a CompletionForm, or the first error of shape to show inline. */
export function parseSubmission(body: URLSearchParams, view: PageView): { form: CompletionForm } | { error: FormError } {
  const types = methodTypes(view);
  const method = field(body, 'paymentMethod') || (types[0] ?? DEFAULT_PAYMENT_METHOD_TYPE);
  const offered = types.includes(method) ? findHostedPaymentMethodType(method) : undefined;
  let payment: PaymentChoice | FormError;
  // A free trial with `payment_method_collection: if_required` asks for none (checkout/no-payment-method.ts).
  if (!collectsPaymentMethod(view.session)) payment = { kind: 'none' };
  else if (method.startsWith('pm_')) payment = { kind: 'saved_card', paymentMethod: method };
  else if (offered) payment = newChoice(offered.type, offered.page.read(body, view.locale));
  else payment = { code: 'payment_method_invalid', field: 'paymentMethod', message: textOf(MESSAGE_TEXT, view.locale).chooseMethod };
  if (isError(payment)) return { error: payment };

  const s = view.session;
  const full = s.billing_address_collection === 'required';
  const email = lockedEmail(view) ?? orNull(field(body, 'email'));
  const form: CompletionForm = {
    email,
    phone: s.phone_number_collection?.enabled ? orNull(field(body, 'phoneNumber')) : null,
    billing: { name: orNull(field(body, 'billingName')), address: address(body, 'billing', full) },
    shipping: s.shipping_address_collection ? { name: field(body, 'shippingName'), address: address(body, 'shipping', true) } : null,
    payment,
    expectedTotal: /^\d{1,16}$/.test(field(body, 'expectedTotal')) ? Number(field(body, 'expectedTotal')) : null,
    shippingRate: orNull(field(body, 'shippingRate')),
  };
  const missing = missingField(form, view, full);
  if (missing) return { error: missing };
  const answered = readAnswers(body, view);
  return 'error' in answered ? answered : { form: { ...form, answers: answered.answers } };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function requiresBillingFields(p: PaymentChoice): boolean {
  if (p.kind === 'none') return false;
  return findHostedPaymentMethodType(choiceType(p))?.page.requiresBillingFields ?? true;
}

function required(field: string, message: string): FormError {
  return { code: 'incomplete_field', field, message };
}

/**
 * The fields the page's form requires, as the page shows them: an email; for a type that asks
 * for them (cards), the cardholder name and the billing address fields that
 * `billing_address_collection` and the country's address form ask for; the shipping address when
 * the session collects one.
 */
function missingField(form: CompletionForm, view: PageView, full: boolean): FormError | null {
  const t: MessageText = textOf(MESSAGE_TEXT, view.locale);
  if (!form.email || !EMAIL.test(form.email)) return { code: 'email_invalid', field: 'email', message: t.emailInvalid };
  if (requiresBillingFields(form.payment)) {
    const a = form.billing.address;
    // The Payment Element asks for no cardholder name (see template.ts); the hosted page requires one.
    if (!form.billing.name && view.session.ui_mode !== 'elements') return required('billingName', t.nameOnCard);
    if (!a.country) return required('billingCountry', t.country);
    const countryForm = addressFormFor(a.country);
    if (full) {
      if (!a.line1) return required('billingAddressLine1', t.billingLine1);
      if (!a.city) return required('billingLocality', t.billingCity);
      if (countryForm.state && !a.state) return required('billingAdministrativeArea', t.billingState);
    }
    if ((full ? countryForm.postalCode : AUTO_POSTAL_COUNTRIES.has(a.country)) && !a.postal_code) return required('billingPostalCode', t.postalCode);
  }
  const ship = form.shipping;
  const allowed = view.session.shipping_address_collection?.allowed_countries;
  if (ship && allowed) {
    const a = ship.address;
    if (!ship.name) return required('shippingName', t.shippingName);
    if (!a.country || !allowed.includes(a.country)) return { code: 'shipping_country_invalid', field: 'shippingCountry', message: t.shippingCountry };
    const countryForm = addressFormFor(a.country);
    if (!a.line1) return required('shippingAddressLine1', t.shippingLine1);
    if (!a.city) return required('shippingLocality', t.shippingCity);
    if (countryForm.state && !a.state) return required('shippingAdministrativeArea', t.shippingState);
    if (countryForm.postalCode && !a.postal_code) return required('shippingPostalCode', t.shippingPostal);
  }
  return null;
}

/** The address the totals depend on, from the posted form: the shipping address when collected, else billing. */
export function pricingAddress(body: URLSearchParams, view: PageView): { country: string; state: string | null; postal_code: string | null } | null {
  const prefix = view.session.shipping_address_collection ? 'shipping' : 'billing';
  const a = address(body, prefix, prefix === 'shipping' || view.session.billing_address_collection === 'required');
  if (!a.country) return null;
  const state = orNull(field(body, `${prefix}AdministrativeArea`));
  return { country: a.country, state: a.state ?? state, postal_code: a.postal_code ?? orNull(field(body, `${prefix}PostalCode`)) };
}
