/** `BalanceTransaction.FeeDetail` (stripe-node 23). */
export interface FeeDetail {
  amount: number;
  application: string | null;
  currency: string;
  description: string | null;
  type: 'stripe_fee';
}

/**
 * A BalanceTransaction at the current API version (stripe-node 23 `BalanceTransaction`): money a
 * charge brought in, or a refund took out (docs/decisions.md#balance-transactions). `status` is
 * stored as written and served as of the time of reading (pending until `available_on`).
 */
export interface BalanceTransaction {
  id: string;
  object: 'balance_transaction';
  amount: number;
  available_on: number;
  balance_type: 'payments';
  created: number;
  currency: string;
  description: string | null;
  exchange_rate: number | null;
  fee: number;
  fee_details: FeeDetail[];
  net: number;
  reporting_category: 'charge' | 'refund' | 'refund_failure';
  source: string;
  status: 'pending' | 'available';
  type: 'charge' | 'payment' | 'refund' | 'payment_refund' | 'refund_failure';
}

/** `Balance.Available` / `Balance.Pending` (stripe-node 23), without the optional `source_types`. */
export interface BalanceAmount {
  amount: number;
  currency: string;
}

/** The Balance object (stripe-node 23 `Balance`). */
export interface Balance {
  object: 'balance';
  available: BalanceAmount[];
  livemode: false;
  pending: BalanceAmount[];
}
