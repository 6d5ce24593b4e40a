import type { Metadata } from '../../api/params.js';

export type SetupIntentStatus = 'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'succeeded' | 'canceled';

/** `last_setup_error`: why the latest confirmation failed (a decline, a failed authentication). */
export interface SetupError {
  type: 'card_error' | 'invalid_request_error';
  code: string;
  decline_code?: string;
  doc_url?: string;
  message: string;
  payment_method: object | null;
}

/** A SetupIntent at the current API version (stripe-node 23 `SetupIntent`). */
export interface SetupIntent {
  id: string;
  object: 'setup_intent';
  allowed_payment_method_types: string[] | null;
  application: null;
  automatic_payment_methods: { allow_redirects?: 'always' | 'never'; enabled: boolean } | null;
  cancellation_reason: 'abandoned' | 'duplicate' | 'requested_by_customer' | null;
  client_secret: string;
  created: number;
  customer: string | null;
  customer_account: string | null;
  description: string | null;
  excluded_payment_method_types: string[] | null;
  flow_directions: Array<'inbound' | 'outbound'> | null;
  last_setup_error: SetupError | null;
  latest_attempt: null;
  livemode: false;
  /** The Mandate of a saved bank debit (docs/decisions.md#mandates). */
  mandate: string | null;
  metadata: Metadata;
  next_action: ({ type: string } & Record<string, unknown>) | null;
  on_behalf_of: string | null;
  payment_method: string | null;
  payment_method_configuration_details: null;
  payment_method_options: Record<string, unknown>;
  payment_method_types: string[];
  single_use_mandate: null;
  status: SetupIntentStatus;
  usage: 'off_session' | 'on_session';
}
