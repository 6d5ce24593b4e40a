import type { Metadata } from '../../api/params.js';

/**
 * A WebhookEndpoint as served (stripe-node 23 `WebhookEndpoint`). `secret` is only in the create
 * response: it lives in the table's `secret` column, never in the stored JSON.
 */
export interface WebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  api_version: string | null;
  application: string | null;
  created: number;
  description: string | null;
  enabled_events: string[];
  livemode: false;
  metadata: Metadata;
  secret?: string;
  status: 'enabled' | 'disabled';
  url: string;
}

export interface DeletedWebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  deleted: true;
}
