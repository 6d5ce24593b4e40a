/**
 * Stripe's konbini test emails (https://docs.stripe.com/payments/konbini/accept-a-payment, "Test
 * the integration"): the buyer's billing email decides what happens to the voucher. The suffix is
 * matched on the local part, so `{any_prefix}succeed_immediately@{any_domain}` works
 * (docs/decisions.md#konbini).
 */

/** When a voucher is paid, or that it never is. */
export type VoucherPayment = 'soon' | 'after_minutes' | 'never';
/** When a voucher expires: now, in a few minutes, or as `expires_after_days` says. */
export type VoucherExpiry = 'now' | 'after_minutes' | 'as_set';

export interface KonbiniScenario {
  /** The local part of the email ends with this; `null` is every other email. */
  suffix: string | null;
  paid: VoucherPayment;
  expires: VoucherExpiry;
}

export const KONBINI_SCENARIOS: readonly KonbiniScenario[] = [
  // Paid "within several seconds".
  { suffix: 'succeed_immediately', paid: 'soon', expires: 'as_set' },
  // Expires "within several seconds"; expires_at is now whatever expires_after_days says.
  { suffix: 'expire_immediately', paid: 'never', expires: 'now' },
  // Expires "after about 3 minutes"; expires_at is 3 minutes on.
  { suffix: 'expire_with_delay', paid: 'never', expires: 'after_minutes' },
  // Never paid: expires at expires_at, per expires_after_days.
  { suffix: 'fill_never', paid: 'never', expires: 'as_set' },
  // Any other email: paid after about 3 minutes.
  { suffix: null, paid: 'after_minutes', expires: 'as_set' },
];

/** Stripe's "about 3 minutes", in seconds of business time. */
export const KONBINI_MINUTES = 180;

/** The scenario a billing email selects. */
export function konbiniScenario(email: string | null | undefined): KonbiniScenario {
  const local = (email ?? '').split('@', 1)[0]?.toLowerCase() ?? '';
  return KONBINI_SCENARIOS.find((s) => s.suffix !== null && local.endsWith(s.suffix)) ?? (KONBINI_SCENARIOS.at(-1) as KonbiniScenario);
}
