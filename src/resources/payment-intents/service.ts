import type { Ctx } from '../../api/context.js';
import { newId, randomToken } from '../../api/ids.js';
import type { Metadata } from '../../api/params.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { ObjectTable } from '../../store/objects.js';
import type { Address } from '../shared/params.js';

export type PaymentIntentStatus = 'requires_payment_method' | 'processing' | 'succeeded' | 'canceled';

export interface PaymentError {
  type: 'card_error' | 'invalid_request_error';
  code: string;
  decline_code?: string;
  message: string;
  payment_method: object | null;
}

/** A PaymentIntent at the current API version (stripe-node 23 `PaymentIntent`). */
export interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  allowed_payment_method_types: null;
  amount: number;
  amount_capturable: number;
  amount_details: { tip: Record<string, never> };
  amount_received: number;
  application: null;
  application_fee_amount: null;
  automatic_payment_methods: null;
  canceled_at: number | null;
  cancellation_reason: null;
  capture_method: 'automatic' | 'automatic_async';
  client_secret: string;
  confirmation_method: 'automatic';
  created: number;
  currency: string;
  customer: string | null;
  customer_account: null;
  description: string | null;
  excluded_payment_method_types: null;
  last_payment_error: PaymentError | null;
  latest_charge: null;
  livemode: false;
  managed_payments: null;
  metadata: Metadata;
  next_action: null;
  on_behalf_of: null;
  payment_method: string | null;
  payment_method_configuration_details: null;
  payment_method_options: Record<string, unknown>;
  payment_method_types: string[];
  payment_record: null;
  processing: { type: string } | null;
  receipt_email: string | null;
  review: null;
  setup_future_usage: 'on_session' | 'off_session' | null;
  shipping: { address: Address; name: string; carrier: null; phone: null; tracking_number: null } | null;
  source: null;
  statement_descriptor: string | null;
  statement_descriptor_suffix: string | null;
  status: PaymentIntentStatus;
  transfer_data: null;
  transfer_group: null;
}

/** The `payment_intents` table (this folder owns it). */
export const paymentIntents = new ObjectTable<PaymentIntent>('payment_intents');

export interface NewPaymentIntent {
  amount: number;
  currency: string;
  customer: string | null;
  paymentMethodTypes: string[];
  metadata?: Metadata;
  description?: string | null;
  receiptEmail?: string | null;
  setupFutureUsage?: 'on_session' | 'off_session' | null;
  shipping?: { address: Address; name: string } | null;
  created: number;
}

const columns = (pi: PaymentIntent) => ({ customer_id: pi.customer, status: pi.status });

/** The PaymentIntent with this id in ctx's account, or undefined. */
export function findPaymentIntent(ctx: Ctx, id: string): Promise<PaymentIntent | undefined> {
  return paymentIntents.get(ctx.db, ctx.account, id);
}

/** Has the customer paid before (a succeeded PaymentIntent)? Promotion codes for first-time buyers ask. */
export async function hasSucceededPayment(ctx: Ctx, customerId: string): Promise<boolean> {
  const page = await paymentIntents.list(ctx.db, ctx.account, { customer_id: customerId, status: 'succeeded' }, { limit: 1 });
  return page.data.length > 0;
}

/** Stores a PaymentIntent changed in a way that emits no event (its customer set on a retry). */
export async function savePaymentIntent(ctx: Ctx, pi: PaymentIntent): Promise<void> {
  await paymentIntents.update(ctx.db, ctx.account, pi, columns(pi));
}

/** Creates a PaymentIntent awaiting a payment method; emits `payment_intent.created`. */
export async function createPaymentIntent(ctx: Ctx, n: NewPaymentIntent): Promise<PaymentIntent> {
  const id = newId('pi_');
  const pi: PaymentIntent = {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: n.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: `${id}_secret_${randomToken(24)}`,
    confirmation_method: 'automatic',
    created: n.created,
    currency: n.currency,
    customer: n.customer,
    customer_account: null,
    description: n.description ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: n.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: n.paymentMethodTypes,
    payment_record: null,
    processing: null,
    receipt_email: n.receiptEmail ?? null,
    review: null,
    setup_future_usage: n.setupFutureUsage ?? null,
    shipping: n.shipping ? { ...n.shipping, carrier: null, phone: null, tracking_number: null } : null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
  await paymentIntents.insert(ctx.db, ctx.account, pi, columns(pi));
  await emit(ctx, 'payment_intent.created', pi, undefined, n.created);
  return pi;
}

/** Stores a changed PaymentIntent and emits the event its new status calls for. */
export async function transitionPaymentIntent(ctx: Ctx, before: PaymentIntent, after: PaymentIntent, at: number): Promise<PaymentIntent> {
  await paymentIntents.update(ctx.db, ctx.account, after, columns(after));
  const type =
    after.status === 'succeeded'
      ? 'payment_intent.succeeded'
      : after.status === 'processing'
        ? 'payment_intent.processing'
        : after.last_payment_error && after.last_payment_error !== before.last_payment_error
          ? 'payment_intent.payment_failed'
          : undefined;
  if (type) await emit(ctx, type, after, previousAttributes(before, after), at);
  return after;
}
