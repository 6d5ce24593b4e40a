import type { Generated } from 'kysely';

/**
 * Tables of the store. Every Stripe object lives in its resource's table: the few columns that
 * lists, filters and rules query, plus `data`, the object's JSON exactly as served.
 */
interface ObjectColumns {
  seq: Generated<number>;
  account_id: string;
  id: string;
  created: number;
  data: string;
}

export interface CustomerTable extends ObjectColumns {
  email: string | null;
  test_clock: string | null;
  deleted: number;
}
export interface PaymentMethodTable extends ObjectColumns {
  customer_id: string | null;
  type: string;
  allow_redisplay: string;
}
export interface ProductTable extends ObjectColumns {
  active: number;
}
export interface PriceTable extends ObjectColumns {
  product_id: string;
  active: number;
  lookup_key: string | null;
  type: string;
  currency: string | null;
  recurring_interval: string | null;
  /** 1 for prices created inline (`price_data`): retrievable, never listed. */
  is_inline: Generated<number>;
}
export interface CheckoutSessionTable extends ObjectColumns {
  customer_id: string | null;
  status: string;
  payment_intent_id: string | null;
  subscription_id: string | null;
  expires_at: number;
  /** The session's line items (JSON array of `item` objects), served by the line_items endpoint. */
  line_items: string;
}
export interface CustomerOwnedTable extends ObjectColumns {
  customer_id: string | null;
  status: string;
}
export interface InvoiceTable extends CustomerOwnedTable {
  subscription_id: string | null;
}
export interface TestClockTable extends ObjectColumns {
  status: string;
  frozen_time: number;
}
export interface EventTable extends ObjectColumns {
  type: string;
  pending_webhooks: number;
}
/** One id an Event is about (src/events/about.ts); `created` is the event's, for timelines in list order. */
export interface EventObjectTable {
  event_seq: number;
  account_id: string;
  object_id: string;
  created: number;
}
export interface WebhookEndpointTable extends ObjectColumns {
  status: string;
  secret: string;
}
export interface DeliveryTable {
  seq: Generated<number>;
  account_id: string;
  event_id: string;
  endpoint_id: string;
  /** pending | delivered | failed */
  status: string;
  attempts: number;
  /** Wall-clock milliseconds: webhook delivery runs in real time (docs/decisions.md#webhook-delivery). */
  next_attempt_at: number;
  claimed_until: number;
  created: number;
}
export interface DeliveryAttemptTable {
  seq: Generated<number>;
  account_id: string;
  delivery_seq: number;
  event_id: string;
  endpoint_id: string;
  at: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  /** The response body's first 2 KB (RESPONSE_BODY_KEPT), null without a response. */
  response_body: string | null;
}
export interface JobTable {
  seq: Generated<number>;
  account_id: string;
  /** checkout_session.expire | payment.settle | ... */
  kind: string;
  subject_id: string;
  /** Business time (unix seconds) at which the job is due, on its test clock if it has one. */
  due_at: number;
  test_clock: string | null;
  claimed_until: number;
}
export interface IdempotencyTable {
  account_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  response_body: string;
  request_id: string;
  created: number;
}
/** One API request (docs/decisions.md#request-log), masked; `created` in wall-clock milliseconds. */
export interface RequestLogTable {
  seq: Generated<number>;
  account_id: string;
  request_id: string;
  created: number;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  idempotency_key: string | null;
  /** The request's params as JSON, masked. */
  params: string;
  /** The response body, masked, cut at REQUEST_LOG_BODY_BYTES. */
  response_body: string;
}
export interface SettingTable {
  key: string;
  value: string;
}

export interface Database {
  customers: CustomerTable;
  payment_methods: PaymentMethodTable;
  products: ProductTable;
  prices: PriceTable;
  checkout_sessions: CheckoutSessionTable;
  payment_intents: CustomerOwnedTable;
  setup_intents: CustomerOwnedTable;
  subscriptions: CustomerOwnedTable;
  invoices: InvoiceTable;
  test_clocks: TestClockTable;
  events: EventTable;
  event_objects: EventObjectTable;
  webhook_endpoints: WebhookEndpointTable;
  deliveries: DeliveryTable;
  delivery_attempts: DeliveryAttemptTable;
  jobs: JobTable;
  idempotency_keys: IdempotencyTable;
  settings: SettingTable;
  request_log: RequestLogTable;
}
