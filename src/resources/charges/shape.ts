import type { Metadata } from '../../api/params.js';
import type { Address } from '../shared/params.js';

/** `Charge.outcome` (stripe-node 23 `Charge.Outcome`). */
export interface ChargeOutcomeShape {
  advice_code: 'confirm_card_data' | 'do_not_try_again' | 'try_again_later' | null;
  network_advice_code: null;
  network_decline_code: null;
  network_status: 'approved_by_network' | 'declined_by_network' | 'not_sent_to_network' | null;
  reason: string | null;
  risk_level: 'normal' | 'elevated' | 'highest';
  risk_score: number;
  seller_message: string;
  type: 'authorized' | 'issuer_declined' | 'blocked' | 'invalid';
}

/** `Charge.shipping` (stripe-node 23 `Charge.Shipping`). */
export interface ChargeShipping {
  address: Address;
  carrier: string | null;
  name: string;
  phone: string | null;
  tracking_number: string | null;
}

export type ChargeStatus = 'succeeded' | 'pending' | 'failed';

/**
 * A Charge at the current API version (stripe-node 23 `Charge`): one payment attempt of a
 * PaymentIntent (docs/decisions.md#charges-and-refunds). `refunds` is not served (it is only
 * returned when expanded on Stripe).
 */
export interface Charge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  application: null;
  application_fee: null;
  application_fee_amount: number | null;
  /** The captured money's balance transaction (docs/decisions.md#balance-transactions). */
  balance_transaction: string | null;
  billing_details: { address: Address; email: string | null; name: string | null; phone: string | null; tax_id: string | null };
  calculated_statement_descriptor: string | null;
  captured: boolean;
  created: number;
  currency: string;
  customer: string | null;
  description: string | null;
  disputed: boolean;
  failure_balance_transaction: null;
  failure_code: string | null;
  failure_message: string | null;
  fraud_details: Record<string, never>;
  livemode: false;
  metadata: Metadata;
  on_behalf_of: string | null;
  outcome: ChargeOutcomeShape | null;
  paid: boolean;
  payment_intent: string | null;
  payment_method: string | null;
  payment_method_details: ({ type: string } & Record<string, unknown>) | null;
  receipt_email: string | null;
  receipt_number: null;
  receipt_url: string | null;
  refunded: boolean;
  review: null;
  shipping: ChargeShipping | null;
  source: null;
  source_transfer: null;
  statement_descriptor: string | null;
  statement_descriptor_suffix: string | null;
  status: ChargeStatus;
  transfer_data: { amount: number | null; destination: string } | null;
  transfer_group: string | null;
}
