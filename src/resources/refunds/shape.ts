import type { Metadata } from '../../api/params.js';

export type RefundStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';

/** A Refund at the current API version (stripe-node 23 `Refund`), docs/decisions.md#charges-and-refunds. */
export interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  balance_transaction: string | null;
  charge: string;
  created: number;
  currency: string;
  description?: string;
  failure_balance_transaction?: string;
  failure_reason?: string;
  instructions_email?: string;
  metadata: Metadata;
  payment_intent: string | null;
  pending_reason?: 'charge_pending' | 'insufficient_funds' | 'processing';
  reason: 'duplicate' | 'expired_uncaptured_charge' | 'fraudulent' | 'requested_by_customer' | null;
  receipt_number: null;
  source_transfer_reversal: null;
  status: RefundStatus;
  transfer_reversal: null;
}
