/**
 * What a charge says about its payment method and the processor's answer: `payment_method_details`
 * (a snapshot of the card or bank account, as Stripe keeps it even if the PaymentMethod changes)
 * and `outcome` (docs/decisions.md#charges-and-refunds).
 */
import { paymentMethodType } from '../../payment-method-types/index.js';
import type { ChargeContext } from '../../payment-method-types/types.js';
import type { PaymentMethod } from '../payment-methods/shape.js';
import type { ChargeOutcomeShape } from './shape.js';

/** Why an attempt failed, as the processor said it. */
export interface AttemptFailure {
  code: string;
  decline_code?: string | undefined;
  message: string;
}

/**
 * `payment_method_details` of a charge made with this PaymentMethod: the type's own snapshot of its
 * details, asked of the payment-method seam (docs/architecture.md#payment-method-types).
 */
export function paymentMethodDetails(pm: PaymentMethod, o: ChargeContext): { type: string } & Record<string, unknown> {
  const details = (pm as unknown as Record<string, unknown>)[pm.type];
  return { type: pm.type, [pm.type]: paymentMethodType(pm.type).chargeDetails(details, o) };
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
