/**
 * The hosted page's form: the values its fields start with (from the prefill result) and the
 * parsing of a submitted form into a CompletionForm. Only the form's shape is checked here (a
 * card number is digits, an expiry is a month and a year); completion applies every business rule.
 */
import { addressFormFor, AUTO_POSTAL_COUNTRIES } from '../checkout/address-form.js';
import type { CompletionForm, PaymentChoice } from '../checkout/contract.js';
import type { Address } from '../resources/shared/params.js';
import type { PageView } from './load.js';

/** Field names double as element ids (Stripe's ids), so a posted form reads like the page. */
export type Field =
  | 'email' | 'phoneNumber' | 'paymentMethod' | 'cardExpiry' | 'savePaymentMethod'
  | 'billingName' | 'billingCountry' | 'billingPostalCode' | 'billingAddressLine1' | 'billingAddressLine2' | 'billingLocality' | 'billingAdministrativeArea'
  | 'shippingName' | 'shippingCountry' | 'shippingPostalCode' | 'shippingAddressLine1' | 'shippingAddressLine2' | 'shippingLocality' | 'shippingAdministrativeArea'
  | 'routingNumber' | 'accountHolderName' | 'accountHolderType';

/** What the fields show. Card number, CVC and bank account number are never kept. */
export type Values = Partial<Record<Field, string>>;

export interface FormError {
  message: string;
  /** The field the message is about (its id), when there is one. */
  field?: string | undefined;
  code: string;
}

/** Payment method types the page offers, in the session's order (card when none is given). */
export function methodTypes(view: PageView): string[] {
  const types = view.session.payment_method_types.length > 0 ? view.session.payment_method_types : view.session.allowed_payment_method_types;
  return types.length > 0 ? types : ['card'];
}

/**
 * The email the buyer cannot change: the customer's own (SPEC §4, via prefill), or the session's
 * `customer_email` when it has no customer, as Stripe shows them read-only.
 */
export function lockedEmail(view: PageView): string | null {
  if (view.prefill.email?.readonly) return view.prefill.email.value;
  return view.session.customer === null ? view.session.customer_email : null;
}

/** The fields' starting values: the prefill result (SPEC §4), else sensible defaults. */
export function initialValues(view: PageView): Values {
  const { prefill: p, session } = view;
  const bill = p.billing?.address;
  const ship = p.shipping;
  const allowed = session.shipping_address_collection?.allowed_countries ?? [];
  return {
    email: p.email?.value ?? session.customer_email ?? '',
    paymentMethod: p.selected?.id ?? methodTypes(view)[0] ?? 'card',
    billingName: p.billing?.name ?? '',
    billingCountry: bill?.country ?? ship?.address.country ?? 'US',
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
    accountHolderType: 'individual',
  };
}

const KEPT: Field[] = [
  'email', 'phoneNumber', 'paymentMethod', 'cardExpiry', 'savePaymentMethod',
  'billingName', 'billingCountry', 'billingPostalCode', 'billingAddressLine1', 'billingAddressLine2', 'billingLocality', 'billingAdministrativeArea',
  'shippingName', 'shippingCountry', 'shippingPostalCode', 'shippingAddressLine1', 'shippingAddressLine2', 'shippingLocality', 'shippingAdministrativeArea',
  'routingNumber', 'accountHolderName', 'accountHolderType',
];

const MAX_FIELD = 500;

function field(body: URLSearchParams, name: string): string {
  return (body.get(name) ?? '').trim().slice(0, MAX_FIELD);
}

/** The typed values to show again after a refused submit (no card number, CVC or account number). */
export function keptValues(body: URLSearchParams, view: PageView): Values {
  const out: Values = {};
  for (const name of KEPT) out[name] = field(body, name);
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

/** `1234`, `12/34`, `12 / 34`, `12/2034` -> month and four-digit year; null when not an expiry. */
export function parseExpiry(raw: string): { month: number; year: number } | null {
  const m = /^(\d{1,2})\/?(\d{2}|\d{4})$/.exec(raw.replace(/\s+/g, ''));
  if (!m) return null;
  const month = Number(m[1]);
  const yy = m[2] as string;
  const year = yy.length === 2 ? 2000 + Number(yy) : Number(yy);
  return month >= 1 && month <= 12 ? { month, year } : null;
}

function cardChoice(body: URLSearchParams): PaymentChoice | FormError {
  const number = (body.get('cardNumber') ?? '').replace(/[\s-]/g, '');
  if (number === '') return { code: 'incomplete_number', field: 'cardNumber', message: 'Your card number is incomplete.' };
  if (!/^\d{12,19}$/.test(number)) return { code: 'invalid_number', field: 'cardNumber', message: 'Your card number is invalid.' };
  const rawExpiry = field(body, 'cardExpiry');
  if (rawExpiry === '') return { code: 'incomplete_expiry', field: 'cardExpiry', message: "Your card's expiration date is incomplete." };
  const expiry = parseExpiry(rawExpiry);
  if (!expiry) return { code: 'invalid_expiry', field: 'cardExpiry', message: "Your card's expiration date is invalid." };
  const cvc = (body.get('cardCvc') ?? '').trim();
  if (!/^\d{3,4}$/.test(cvc)) return { code: 'incomplete_cvc', field: 'cardCvc', message: "Your card's security code is incomplete." };
  const save = body.get('savePaymentMethod') === 'on' || body.get('savePaymentMethod') === 'true';
  return { kind: 'new_card', number, expMonth: expiry.month, expYear: expiry.year, cvc, save };
}

function bankChoice(body: URLSearchParams): PaymentChoice | FormError {
  const routingNumber = field(body, 'routingNumber').replace(/\s/g, '');
  const accountNumber = (body.get('accountNumber') ?? '').replace(/\s/g, '');
  const accountHolderName = field(body, 'accountHolderName');
  if (!/^\d{9}$/.test(routingNumber)) return { code: 'invalid_routing_number', field: 'routingNumber', message: 'Your routing number must be 9 digits.' };
  if (!/^\d{4,17}$/.test(accountNumber)) return { code: 'invalid_account_number', field: 'accountNumber', message: 'Your account number is invalid.' };
  if (accountHolderName === '') return { code: 'incomplete_name', field: 'accountHolderName', message: 'Enter the account holder name.' };
  const accountHolderType = field(body, 'accountHolderType') === 'company' ? 'company' : 'individual';
  return { kind: 'us_bank_account', routingNumber, accountNumber, accountHolderName, accountHolderType };
}

function isError(x: PaymentChoice | FormError): x is FormError {
  return 'message' in x;
}

/** Reads a posted form into a CompletionForm, or the first error of shape to show inline. */
export function parseSubmission(body: URLSearchParams, view: PageView): { form: CompletionForm } | { error: FormError } {
  const types = methodTypes(view);
  const method = field(body, 'paymentMethod') || (types[0] ?? 'card');
  let payment: PaymentChoice | FormError;
  if (method.startsWith('pm_')) payment = { kind: 'saved_card', paymentMethod: method };
  else if (method === 'card' && types.includes('card')) payment = cardChoice(body);
  else if (method === 'us_bank_account' && types.includes('us_bank_account')) payment = bankChoice(body);
  else payment = { code: 'payment_method_invalid', field: 'paymentMethod', message: 'Choose a payment method.' };
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
  };
  const missing = missingField(form, view, full);
  return missing ? { error: missing } : { form };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function required(field: string, what: string): FormError {
  return { code: 'incomplete_field', field, message: `Enter ${what}.` };
}

/**
 * The fields the page's form requires, as the page shows them: an email; for a card, the
 * cardholder name and the billing address fields that `billing_address_collection` and the
 * country's address form ask for; the shipping address when the session collects one.
 */
function missingField(form: CompletionForm, view: PageView, full: boolean): FormError | null {
  if (!form.email || !EMAIL.test(form.email)) return { code: 'email_invalid', field: 'email', message: 'Your email address is incomplete or invalid.' };
  if (form.payment.kind !== 'us_bank_account') {
    const a = form.billing.address;
    if (!form.billing.name) return required('billingName', 'the name on the card');
    if (!a.country) return required('billingCountry', 'your country or region');
    const countryForm = addressFormFor(a.country);
    if (full) {
      if (!a.line1) return required('billingAddressLine1', 'your billing address');
      if (!a.city) return required('billingLocality', 'your billing city');
      if (countryForm.state && !a.state) return required('billingAdministrativeArea', 'your billing state or province');
    }
    if ((full ? countryForm.postalCode : AUTO_POSTAL_COUNTRIES.has(a.country)) && !a.postal_code) return required('billingPostalCode', 'your postal code');
  }
  const ship = form.shipping;
  const allowed = view.session.shipping_address_collection?.allowed_countries;
  if (ship && allowed) {
    const a = ship.address;
    if (!ship.name) return required('shippingName', 'the name for shipping');
    if (!a.country || !allowed.includes(a.country)) return { code: 'shipping_country_invalid', field: 'shippingCountry', message: 'Choose a country we ship to.' };
    const countryForm = addressFormFor(a.country);
    if (!a.line1) return required('shippingAddressLine1', 'your shipping address');
    if (!a.city) return required('shippingLocality', 'your shipping city');
    if (countryForm.state && !a.state) return required('shippingAdministrativeArea', 'your shipping state or province');
    if (countryForm.postalCode && !a.postal_code) return required('shippingPostalCode', 'your shipping postal code');
  }
  return null;
}
