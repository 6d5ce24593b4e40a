/**
 * Stripe Tax on an invoice (`automatic_tax[enabled]`, docs/decisions.md#invoices): at
 * finalization the customer's tax location decides the rate (the account's registrations, as in
 * Checkout), and an unrecognized location refuses the finalization (`customer_tax_location_invalid`,
 * `last_finalization_error`, `invoice.finalization_failed`).
 */
import { automaticRate } from '../../checkout/pricing.js';
import type { Ctx } from '../../api/context.js';
import { errors, StripeError } from '../../api/errors.js';
import type { Customer } from '../customers/shape.js';
import { isCountryCode } from '../tax-rates/countries.js';
import type { TaxRate } from '../tax-rates/shape.js';
import type { SubscriptionLine } from './new-invoice.js';

type Location = { country: string; state: string | null; postal_code: string | null };

/** An address with anything in it, else null. */
function filled(a: { country: string | null; state: string | null; postal_code: string | null; line1?: string | null; city?: string | null } | null | undefined) {
  return a && Object.values(a).some((v) => v !== null && v !== '') ? a : null;
}

/**
 * The customer's tax location as Stripe Tax reads it: the shipping address when it has anything,
 * else the billing address; recognized with a known country, in the US a 5-digit postal code, in
 * Canada a province or a postal code (Stripe's "Collect customer addresses"). Null when not.
 */
export function taxLocation(c: Customer): Location | null {
  const a = filled(c.shipping?.address) ?? filled(c.address);
  const country = a?.country?.toUpperCase();
  if (!a || !country || !isCountryCode(country)) return null;
  if (country === 'US' && !/^\d{5}(-\d{4})?$/.test(a.postal_code ?? '')) return null;
  if (country === 'CA' && !a.state && !a.postal_code) return null;
  return { country, state: a.state || null, postal_code: a.postal_code || null };
}

/** Stripe's error when the customer's location cannot be taxed. */
export function taxLocationError(): StripeError {
  return errors.invalid(
    "The customer's location isn't recognized, so Stripe Tax can't calculate tax for this invoice. Set the customer's address (a country; in the US a 5-digit postal code, in Canada a province or postal code), or disable automatic_tax on the invoice, then finalize it again.",
    'customer',
    'customer_tax_location_invalid',
  );
}

/** The rate Stripe Tax applies at the location (null: the account is not registered there). */
export function automaticInvoiceRate(ctx: Ctx, location: Location, created: number, at: number): Promise<TaxRate | null> {
  return automaticRate(ctx, location, created, at);
}

/**
 * An invoice's `automatic_tax` under Stripe Tax: `complete` when the customer's location was
 * recognized, else not applied with `finalization_requires_location_inputs`.
 */
export function invoiceAutomaticTax(located: boolean) {
  return located
    ? { disabled_reason: null, enabled: true, liability: { type: 'self' }, provider: 'stripe', status: 'complete' }
    : { disabled_reason: 'finalization_requires_location_inputs', enabled: false, liability: { type: 'self' }, provider: 'stripe', status: 'requires_location_inputs' };
}

/** A subscription's `automatic_tax` when enabled (or not). */
export function subscriptionAutomaticTax(enabled: boolean): { disabled_reason: null; enabled: boolean; liability: { type: 'self' } | null } {
  return { disabled_reason: null, enabled, liability: enabled ? { type: 'self' } : null };
}

/**
 * A subscription invoice's lines under Stripe Tax (docs/decisions.md#automatic-tax-on-subscriptions):
 * every line taxed at the rate of the customer's location at `at` (none where the account is not
 * registered), or null when the location is not recognized.
 */
export async function automaticallyTaxedLines(ctx: Ctx, customer: Customer, lines: readonly SubscriptionLine[], created: number, at: number): Promise<SubscriptionLine[] | null> {
  const location = taxLocation(customer);
  if (!location) return null;
  const rate = await automaticInvoiceRate(ctx, location, created, at);
  return lines.map((l) => {
    if (!rate) return { ...l, taxes: [], taxRates: [] };
    const inclusive = rate.inclusive;
    const tax = inclusive ? l.amount - Math.round(l.amount / (1 + rate.percentage / 100)) : Math.round((l.amount * rate.percentage) / 100);
    const taxes = [{ amount: tax, tax_behavior: inclusive ? ('inclusive' as const) : ('exclusive' as const), tax_rate_details: { tax_rate: rate.id }, taxability_reason: 'standard_rated', taxable_amount: inclusive ? l.amount - tax : l.amount, type: 'tax_rate_details' as const }];
    return { ...l, taxes, taxRates: [rate] };
  });
}
