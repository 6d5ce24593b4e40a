import type { Ctx } from '../../api/context.js';
import { newId, randomToken } from '../../api/ids.js';
import type { Metadata } from '../../api/params.js';
import { emit, previousAttributes } from '../../events/emit.js';
import type { Db } from '../../store/db.js';
import { exec, ObjectTable } from '../../store/objects.js';
import { createCharge } from '../charges/service.js';
import { findPaymentMethod } from '../payment-methods/store.js';
import type { Address } from '../shared/params.js';

export type PaymentIntentStatus = 'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'requires_capture' | 'succeeded' | 'canceled';

/** `next_action` while a payment waits on the buyer (a konbini voucher to pay at a store). */
export type NextAction = { type: string } & Record<string, unknown>;

export interface PaymentError {
  type: 'card_error' | 'invalid_request_error';
  code: string;
  decline_code?: string;
  message: string;
  payment_method: object | null;
  /** The failed attempt's charge. */
  charge?: string | null;
}

/** A PaymentIntent at the current API version (stripe-node 23 `PaymentIntent`). */
export interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  allowed_payment_method_types: string[] | null;
  amount: number;
  amount_capturable: number;
  amount_details: { tip: Record<string, never> };
  amount_received: number;
  application: null;
  application_fee_amount: number | null;
  automatic_payment_methods: { allow_redirects?: 'always' | 'never'; enabled: boolean } | null;
  canceled_at: number | null;
  cancellation_reason: 'abandoned' | 'automatic' | 'duplicate' | 'expired' | 'failed_invoice' | 'fraudulent' | 'requested_by_customer' | 'void_invoice' | null;
  capture_method: 'automatic' | 'automatic_async' | 'manual';
  client_secret: string;
  confirmation_method: 'automatic' | 'manual';
  created: number;
  currency: string;
  customer: string | null;
  customer_account: null;
  description: string | null;
  excluded_payment_method_types: null;
  last_payment_error: PaymentError | null;
  latest_charge: string | null;
  livemode: false;
  managed_payments: null;
  metadata: Metadata;
  next_action: NextAction | null;
  on_behalf_of: string | null;
  payment_method: string | null;
  payment_method_configuration_details: null;
  payment_method_options: Record<string, unknown>;
  payment_method_types: string[];
  payment_record: null;
  processing: { type: string } | null;
  receipt_email: string | null;
  review: null;
  setup_future_usage: 'on_session' | 'off_session' | null;
  shipping: { address: Address; name: string; carrier: string | null; phone: string | null; tracking_number: string | null } | null;
  source: null;
  statement_descriptor: string | null;
  statement_descriptor_suffix: string | null;
  status: PaymentIntentStatus;
  /** Connect: kept as sent; no money moves offline (docs/decisions.md#payment-intent-data-from-checkout). */
  transfer_data: { amount?: number; destination: string } | null;
  transfer_group: string | null;
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
  shipping?: { address: Address; name: string; carrier?: string | null; phone?: string | null; tracking_number?: string | null } | null;
  created: number;
  captureMethod?: 'automatic' | 'automatic_async' | 'manual';
  statementDescriptor?: string | null;
  statementDescriptorSuffix?: string | null;
  paymentMethodOptions?: Record<string, unknown>;
  applicationFeeAmount?: number | null;
  onBehalfOf?: string | null;
  transferData?: { amount?: number; destination: string } | null;
  transferGroup?: string | null;
  automaticPaymentMethods?: PaymentIntent['automatic_payment_methods'];
  allowedPaymentMethodTypes?: string[] | null;
  /** A payment method given at creation: the PaymentIntent starts `requires_confirmation`. */
  paymentMethod?: string | null;
  confirmationMethod?: 'automatic' | 'manual';
}

const columns = (pi: PaymentIntent) => ({ customer_id: pi.customer, status: pi.status });

/** The PaymentIntent with this id in ctx's account, or undefined. */
export function findPaymentIntent(ctx: Ctx, id: string): Promise<PaymentIntent | undefined> {
  return paymentIntents.get(ctx.db, ctx.account, id);
}

const INTENT_ID = /^pi_[A-Za-z0-9]{8,200}$/;

/**
 * The PaymentIntent with this id in any account, for a page whose link carries the id (its konbini
 * voucher, as a session's page carries the session id), or null.
 */
export async function findPageIntent(db: Db, id: string): Promise<{ account: string; pi: PaymentIntent } | null> {
  if (!INTENT_ID.test(id)) return null;
  const { rows } = await exec<{ account_id: string; data: string }>(db, 'page intent', (p) => `select account_id, data from payment_intents where id = ${p(1)}`, [id]);
  const row = rows[0];
  return row ? { account: row.account_id, pi: JSON.parse(row.data) as PaymentIntent } : null;
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
    allowed_payment_method_types: n.allowedPaymentMethodTypes ?? null,
    amount: n.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: n.applicationFeeAmount ?? null,
    automatic_payment_methods: n.automaticPaymentMethods ?? null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: n.captureMethod ?? 'automatic_async',
    client_secret: `${id}_secret_${randomToken(24)}`,
    confirmation_method: n.confirmationMethod ?? 'automatic',
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
    on_behalf_of: n.onBehalfOf ?? null,
    payment_method: n.paymentMethod ?? null,
    payment_method_configuration_details: null,
    payment_method_options: n.paymentMethodOptions ?? {},
    payment_method_types: n.paymentMethodTypes,
    payment_record: null,
    processing: null,
    receipt_email: n.receiptEmail ?? null,
    review: null,
    setup_future_usage: n.setupFutureUsage ?? null,
    shipping: n.shipping ? { carrier: null, phone: null, tracking_number: null, ...n.shipping } : null,
    source: null,
    statement_descriptor: n.statementDescriptor ?? null,
    statement_descriptor_suffix: n.statementDescriptorSuffix ?? null,
    status: n.paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
    transfer_data: n.transferData ?? null,
    transfer_group: n.transferGroup ?? null,
  };
  await paymentIntents.insert(ctx.db, ctx.account, pi, columns(pi));
  await emit(ctx, 'payment_intent.created', pi, undefined, n.created);
  return pi;
}

/**
 * The charge of an attempt that went on after 3D Secure (the authentication page moves the
 * PaymentIntent on): every payment attempt has its charge (docs/decisions.md#charges-and-refunds).
 * Paths that make their own charge set `latest_charge` and are left alone.
 */
async function chargeAfterAuthentication(ctx: Ctx, before: PaymentIntent, after: PaymentIntent, at: number): Promise<PaymentIntent> {
  if (before.status !== 'requires_action' || after.latest_charge !== before.latest_charge || before.next_action?.type === 'konbini_display_details') return after;
  const paid = after.status === 'succeeded' || after.status === 'requires_capture';
  const declined = after.status === 'requires_payment_method' && after.last_payment_error?.type === 'card_error';
  const pmId = paid ? after.payment_method : declined ? before.payment_method : null;
  const pm = pmId ? await findPaymentMethod(ctx, pmId) : undefined;
  if (!pm || (!paid && !declined)) return after;
  const e = after.last_payment_error;
  const charge = await createCharge(ctx, {
    pi: after,
    pm,
    created: at,
    authenticated: true,
    status: paid ? 'succeeded' : 'failed',
    captured: after.status === 'succeeded',
    ...(declined && e ? { failure: { code: e.code, decline_code: e.decline_code, message: e.message } } : {}),
  });
  return { ...after, latest_charge: charge.id, ...(declined && e ? { last_payment_error: { ...e, charge: charge.id } } : {}) };
}

/** Stores a changed PaymentIntent and emits the event its new status calls for. */
export async function transitionPaymentIntent(ctx: Ctx, before: PaymentIntent, changed: PaymentIntent, at: number): Promise<PaymentIntent> {
  const after = await chargeAfterAuthentication(ctx, before, changed, at);
  await paymentIntents.update(ctx.db, ctx.account, after, columns(after));
  const type =
    after.status === 'succeeded'
      ? 'payment_intent.succeeded'
      : after.status === 'processing'
        ? 'payment_intent.processing'
        : after.status === 'requires_action' && before.status !== 'requires_action'
          ? 'payment_intent.requires_action'
          : after.status === 'requires_capture' && before.status !== 'requires_capture'
            ? 'payment_intent.amount_capturable_updated'
            : after.status === 'canceled' && before.status !== 'canceled'
              ? 'payment_intent.canceled'
          : after.last_payment_error && after.last_payment_error !== before.last_payment_error
            ? 'payment_intent.payment_failed'
            : undefined;
  if (type) await emit(ctx, type, after, previousAttributes(before, after), at);
  // What the PaymentIntent pays (an invoice) learns how the attempt ended (hooks.ts).
  if ((type === 'payment_intent.succeeded' && before.status !== 'succeeded') || type === 'payment_intent.payment_failed') {
    await ctx.deps.hooks.paymentIntentAttemptEnded(ctx, after, at);
  }
  return after;
}
