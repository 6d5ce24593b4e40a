/**
 * What a charge says about its payment method and the processor's answer: `payment_method_details`
 * (a snapshot of the card or bank account, as Stripe keeps it even if the PaymentMethod changes)
 * and `outcome` (docs/decisions.md#charges-and-refunds).
 */
import type { PaymentMethod } from '../payment-methods/shape.js';
import type { ChargeOutcomeShape } from './shape.js';

/** Why an attempt failed, as the processor said it. */
export interface AttemptFailure {
  code: string;
  decline_code?: string | undefined;
  message: string;
}

/** `payment_method_details` of a charge made with this PaymentMethod. */
export function paymentMethodDetails(pm: PaymentMethod, o: { amount: number; manual: boolean; authenticated: boolean; created: number }): { type: string } & Record<string, unknown> {
  if (pm.card) {
    const c = pm.card;
    return {
      type: 'card',
      card: {
        amount_authorized: o.amount,
        authorization_code: null,
        brand: c.brand,
        ...(o.manual ? { capture_before: o.created + 7 * 86400 } : {}),
        checks: c.checks,
        country: c.country,
        exp_month: c.exp_month,
        exp_year: c.exp_year,
        extended_authorization: { status: 'disabled' },
        fingerprint: c.fingerprint,
        funding: c.funding,
        incremental_authorization: { status: 'unavailable' },
        installments: null,
        last4: c.last4,
        mandate: null,
        multicapture: { status: 'unavailable' },
        network: c.brand === 'unknown' ? null : c.brand,
        network_token: { used: false },
        network_transaction_id: null,
        overcapture: { maximum_amount_capturable: o.amount, status: 'unavailable' },
        regulated_status: c.regulated_status,
        three_d_secure: o.authenticated
          ? { authentication_flow: 'challenge', electronic_commerce_indicator: '05', exemption_indicator: null, result: 'authenticated', result_reason: null, transaction_id: null, version: '2.2.0' }
          : null,
        wallet: null,
      },
    };
  }
  if (pm.us_bank_account) {
    const b = pm.us_bank_account;
    return {
      type: 'us_bank_account',
      us_bank_account: {
        account_holder_type: b.account_holder_type,
        account_type: b.account_type,
        bank_name: b.bank_name,
        fingerprint: b.fingerprint,
        last4: b.last4,
        mandate: null,
        payment_reference: null,
        routing_number: b.routing_number,
      },
    };
  }
  if (pm.sepa_debit) {
    const s = pm.sepa_debit;
    return { type: 'sepa_debit', sepa_debit: { bank_code: s.bank_code, branch_code: s.branch_code, country: s.country, fingerprint: s.fingerprint, last4: s.last4, mandate: null } };
  }
  if (pm.link) return { type: 'link', link: { country: null } };
  return { type: pm.type, [pm.type]: pm.type === 'konbini' ? { store: null } : {} };
}

/** `outcome` of a successful (or pending) attempt. */
export function approvedOutcome(): ChargeOutcomeShape {
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'approved_by_network',
    reason: null,
    risk_level: 'normal',
    risk_score: 20,
    seller_message: 'Payment complete.',
    type: 'authorized',
  };
}

/** `outcome` of a failed attempt: Radar blocks a fraudulent card; the issuer declines the rest. */
export function failedOutcome(f: AttemptFailure): ChargeOutcomeShape {
  const reason = f.decline_code ?? f.code;
  if (reason === 'fraudulent') {
    return {
      advice_code: 'do_not_try_again',
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'not_sent_to_network',
      reason: 'highest_risk_level',
      risk_level: 'highest',
      risk_score: 95,
      seller_message: 'Stripe blocked this payment as too risky.',
      type: 'blocked',
    };
  }
  return {
    advice_code: reason === 'insufficient_funds' || reason === 'processing_error' ? 'try_again_later' : reason === 'authentication_required' ? null : 'do_not_try_again',
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'declined_by_network',
    reason,
    risk_level: 'normal',
    risk_score: 20,
    seller_message: 'The bank did not return any further details with this decline.',
    type: 'issuer_declined',
  };
}
