import { newId } from '../../api/ids.js';
import type { Metadata } from '../../api/params.js';
import type { BankDetails, CardDetails } from '../../processor/index.js';
import { EMPTY_ADDRESS, toAddress } from '../shared/params.js';
import type { BillingDetailsInput } from './params.js';
import type { AllowRedisplay, BillingDetails, CardShape, PaymentMethod, UsBankAccountShape } from './shape.js';

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

/** `PaymentMethod.card` from what the processor tells about a card. */
export function toCardShape(d: CardDetails, preferredNetwork: string | null = null): CardShape {
  return {
    brand: d.brand,
    checks: { ...d.checks },
    country: d.country,
    display_brand: d.display_brand,
    exp_month: d.exp_month,
    exp_year: d.exp_year,
    fingerprint: d.fingerprint,
    funding: d.funding,
    generated_from: null,
    last4: d.last4,
    networks: { available: d.networks.available, preferred: preferredNetwork },
    regulated_status: 'unregulated',
    three_d_secure_usage: { supported: d.three_d_secure_supported },
    wallet: null,
  };
}

/** `PaymentMethod.us_bank_account` from what the processor tells about an account. */
export function toBankShape(
  d: BankDetails,
  holder: 'individual' | 'company' = 'individual',
  account: 'checking' | 'savings' = 'checking',
): UsBankAccountShape {
  return {
    account_holder_type: holder,
    account_type: account,
    bank_name: d.bank_name,
    financial_connections_account: null,
    fingerprint: d.fingerprint,
    last4: d.last4,
    networks: { preferred: 'ach', supported: ['ach'] },
    routing_number: d.routing_number,
    status_details: {},
  };
}

export interface Common {
  billing_details: BillingDetails;
  allow_redisplay: AllowRedisplay;
  metadata: Metadata;
  created: number;
  customer?: string | null;
}

/** A new card PaymentMethod object. */
export function cardPaymentMethod(card: CardShape, c: Common): PaymentMethod {
  return {
    id: newId('pm_'),
    object: 'payment_method',
    allow_redisplay: c.allow_redisplay,
    billing_details: c.billing_details,
    card,
    created: c.created,
    customer: c.customer ?? null,
    customer_account: null,
    livemode: false,
    metadata: c.metadata,
    type: 'card',
  };
}

/** A new us_bank_account PaymentMethod object. */
export function bankPaymentMethod(bank: UsBankAccountShape, c: Common): PaymentMethod {
  return {
    id: newId('pm_'),
    object: 'payment_method',
    allow_redisplay: c.allow_redisplay,
    billing_details: c.billing_details,
    created: c.created,
    customer: c.customer ?? null,
    customer_account: null,
    livemode: false,
    metadata: c.metadata,
    type: 'us_bank_account',
    us_bank_account: bank,
  };
}
