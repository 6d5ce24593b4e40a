/**
 * `POST /v1/payment_intents` (create, optionally confirming), `/:id` (update), `/:id/confirm`,
 * `/:id/increment_authorization`, and the service function other resources charge a saved
 * payment method with (docs/decisions.md#paymentintents).
 */
import { endPendingMandate } from '../mandates/service.js';
import type { Ctx } from '../../api/context.js';
import { errors, type StripeError } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { mergeMetadata, parseParams, type InferShape, type Metadata } from '../../api/params.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { checkChargeAmount } from '../../money/currencies.js';
import { awaitsMicrodeposits, microdepositAttemptLimit, microdepositFailure, microdepositMismatch, parseIntentOptions, requireIntentPaymentMethodType, type MicrodepositValues } from '../../payment-method-types/index.js';
import { reauthorizeCharge } from '../charges/service.js';
import { requireCustomer } from '../customers/service.js';
import { decideMicrodeposits } from '../payment-methods/microdeposit-attempts.js';
import { createPaymentMethodOfType, requirePaymentMethod } from '../payment-methods/service.js';
import type { PaymentMethod } from '../payment-methods/shape.js';
import { toAddress } from '../shared/params.js';
import { amountFunded } from './bank-transfer.js';
import { attemptPayment, intentNow, type AttemptOptions } from './confirm.js';
import { confirmShape, createShape, incrementShape, updateShape, verifyShape } from './params.js';
import { createPaymentIntent, paymentIntents, savePaymentIntent, transitionPaymentIntent, type PaymentIntent } from './service.js';

/** Types a PaymentIntent offers when `automatic_payment_methods` decides (Stripe's default at this API version). */
const AUTOMATIC_TYPES = ['card', 'link'];

/** What a write answers: the PaymentIntent, or the decline it ended with (its writes commit). */
type Answer = PaymentIntent | StripeError;

async function lockIntent(ctx: Ctx, id: string): Promise<PaymentIntent> {
  const pi = await paymentIntents.getForUpdate(ctx.db, ctx.account, id);
  if (!pi) throw errors.missingResource('payment_intent', id, 'intent');
  return pi;
}

type PmParams = Pick<InferShape<typeof confirmShape>, 'payment_method' | 'payment_method_data'>;

/** The payment method named by `payment_method` (a ready-made test id makes a copy) or made from `payment_method_data`. */
async function paymentMethodFrom(ctx: Ctx, p: PmParams): Promise<PaymentMethod | undefined> {
  if (p.payment_method !== undefined && p.payment_method_data !== undefined) {
    throw errors.invalid('You cannot provide both payment_method and payment_method_data.', 'payment_method_data');
  }
  if (p.payment_method !== undefined) return requirePaymentMethod(ctx, p.payment_method);
  const d = p.payment_method_data;
  if (d === undefined) return undefined;
  return createPaymentMethodOfType(ctx, d.type, d[d.type], { billing_details: d.billing_details, allow_redisplay: d.allow_redisplay, metadata: d.metadata });
}

function checkTypes(types: string[] | undefined): void {
  types?.forEach((t, i) => requireIntentPaymentMethodType(t, `payment_method_types[${i}]`));
}

function shippingOf(s: NonNullable<InferShape<typeof createShape>['shipping']>): NonNullable<PaymentIntent['shipping']> {
  return { address: toAddress(s.address), carrier: s.carrier ?? null, name: s.name, phone: s.phone ?? null, tracking_number: s.tracking_number ?? null };
}

function cardOptions(raw: unknown): Record<string, unknown> {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

/** Confirms in the request's transaction and answers with the PaymentIntent or its decline. */
async function confirmWith(ctx: Ctx, pi: PaymentIntent, pm: PaymentMethod | undefined, o: AttemptOptions): Promise<Answer> {
  const method = pm ?? (pi.payment_method ? await requirePaymentMethod(ctx, pi.payment_method) : undefined);
  if (!method) {
    throw errors.invalid(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  const r = await attemptPayment(ctx, pi, method, o);
  return r.error ?? r.pi;
}

/** POST /v1/payment_intents */
export async function createPaymentIntentApi(ctx: Ctx, params: FormObject): Promise<Answer> {
  const p = parseParams(createShape, params);
  const types = p.allowed_payment_method_types ?? p.payment_method_types;
  checkChargeAmount(p.amount, p.currency, 'amount');
  if (types !== undefined && p.automatic_payment_methods !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: automatic_payment_methods, allowed_payment_method_types (payment_method_types).', 'automatic_payment_methods');
  }
  if (p.off_session !== undefined && p.confirm !== true) throw errors.invalid('You can only pass `off_session` when `confirm` is set to `true`.', 'off_session');
  if (p.return_url !== undefined && p.confirm !== true) throw errors.invalid('You can only pass `return_url` when `confirm` is set to `true`.', 'return_url');
  checkTypes(types);
  if (p.customer !== undefined) await requireCustomer(ctx, p.customer);
  const automatic: { enabled: boolean; allow_redirects?: 'always' | 'never' | undefined } | null =
    types === undefined ? (p.automatic_payment_methods ?? { enabled: true }) : null;
  const pm = await paymentMethodFrom(ctx, p);
  const now = await intentNow(ctx, { customer: p.customer ?? null });
  const created = await createPaymentIntent(ctx, {
    amount: p.amount,
    currency: p.currency,
    customer: p.customer ?? null,
    paymentMethodTypes: types ?? (automatic?.enabled ? AUTOMATIC_TYPES : ['card']),
    allowedPaymentMethodTypes: p.allowed_payment_method_types ?? null,
    paymentMethod: pm?.id ?? null,
    automaticPaymentMethods: automatic ? { ...(automatic.enabled ? { allow_redirects: automatic.allow_redirects ?? 'always' } : {}), enabled: automatic.enabled } : null,
    confirmationMethod: p.confirmation_method ?? 'automatic',
    metadata: mergeMetadata({}, p.metadata),
    description: p.description ?? null,
    receiptEmail: p.receipt_email ?? null,
    setupFutureUsage: p.setup_future_usage ?? null,
    shipping: p.shipping ? shippingOf(p.shipping) : null,
    created: now,
    captureMethod: p.capture_method ?? 'automatic_async',
    statementDescriptor: p.statement_descriptor ?? null,
    statementDescriptorSuffix: p.statement_descriptor_suffix ?? null,
    paymentMethodOptions: parseIntentOptions(cardOptions(p.payment_method_options)),
    applicationFeeAmount: p.application_fee_amount ?? null,
    onBehalfOf: p.on_behalf_of ?? null,
    transferData: p.transfer_data ? { ...(p.transfer_data.amount !== undefined ? { amount: p.transfer_data.amount } : {}), destination: p.transfer_data.destination } : null,
    transferGroup: p.transfer_group ?? null,
  });
  if (!p.confirm) return created;
  return confirmWith(ctx, created, pm, { offSession: p.off_session ?? false, returnUrl: p.return_url, errorOnRequiresAction: p.error_on_requires_action, mandateData: p.mandate_data });
}

const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

/** POST /v1/payment_intents/:id/confirm */
export async function confirmPaymentIntent(ctx: Ctx, id: string, params: FormObject): Promise<Answer> {
  const p = parseParams(confirmShape, params);
  const types = p.allowed_payment_method_types ?? p.payment_method_types;
  const pi = await lockIntent(ctx, id);
  if (!CONFIRMABLE.includes(pi.status)) {
    throw errors.invalid(
      `You cannot confirm this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be confirmed: ${CONFIRMABLE.join(', ')}.`,
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  if (p.client_secret !== undefined && p.client_secret !== pi.client_secret) {
    throw errors.invalid('The client_secret provided does not match the client_secret associated with the PaymentIntent.', 'client_secret');
  }
  checkTypes(types);
  const pm = await paymentMethodFrom(ctx, p);
  const changed: PaymentIntent = {
    ...pi,
    ...(types !== undefined ? { payment_method_types: types, ...(p.allowed_payment_method_types ? { allowed_payment_method_types: p.allowed_payment_method_types } : {}) } : {}),
    ...(p.receipt_email !== undefined ? { receipt_email: p.receipt_email } : {}),
    ...(p.setup_future_usage !== undefined ? { setup_future_usage: p.setup_future_usage } : {}),
    ...(p.shipping !== undefined ? { shipping: p.shipping ? shippingOf(p.shipping) : null } : {}),
    ...(p.capture_method !== undefined ? { capture_method: p.capture_method } : {}),
    ...(p.payment_method_options !== undefined ? { payment_method_options: parseIntentOptions(cardOptions(p.payment_method_options)) } : {}),
  };
  return confirmWith(ctx, changed, pm, { offSession: p.off_session ?? false, returnUrl: p.return_url, errorOnRequiresAction: p.error_on_requires_action, mandateData: p.mandate_data });
}

const BEFORE_CONFIRMATION = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

/** POST /v1/payment_intents/:id: amounts, payment method and capture only before it is confirmed; descriptive fields any time. */
export async function updatePaymentIntent(ctx: Ctx, id: string, params: FormObject): Promise<PaymentIntent> {
  const p = parseParams(updateShape, params);
  const types = p.allowed_payment_method_types ?? p.payment_method_types;
  const pi = await lockIntent(ctx, id);
  const payingFields = (['amount', 'currency', 'payment_method', 'payment_method_data', 'payment_method_types', 'allowed_payment_method_types', 'capture_method', 'setup_future_usage', 'customer'] as const).filter(
    (k) => p[k] !== undefined,
  );
  if (payingFields.length > 0 && !BEFORE_CONFIRMATION.includes(pi.status)) {
    throw errors.invalid(
      `This PaymentIntent's ${payingFields[0]} could not be updated because it has a status of ${pi.status}. You may only update the ${payingFields[0]} of a PaymentIntent with one of the following statuses: ${BEFORE_CONFIRMATION.join(', ')}.`,
      payingFields[0],
      'payment_intent_unexpected_state',
    );
  }
  // Funds a bank transfer applied belong to this payment as it is: cancel it to give them back.
  if (payingFields.length > 0 && amountFunded(pi) > 0) {
    throw errors.invalid(
      `This PaymentIntent's ${payingFields[0]} could not be updated because part of it has already been funded by a bank transfer. Cancel the PaymentIntent to return the funds to the customer's cash balance.`,
      payingFields[0],
      'payment_intent_unexpected_state',
    );
  }
  const currency = p.currency ?? pi.currency;
  if (p.amount !== undefined || p.currency !== undefined) checkChargeAmount(p.amount ?? pi.amount, currency, 'amount');
  checkTypes(types);
  if (p.customer !== undefined) {
    await requireCustomer(ctx, p.customer);
    if (pi.customer !== null && pi.customer !== p.customer) throw errors.invalid('You cannot change the customer of a PaymentIntent once it is set.', 'customer');
  }
  const pm = await paymentMethodFrom(ctx, p);
  const metadata: Metadata = mergeMetadata(pi.metadata, p.metadata);
  const next: PaymentIntent = {
    ...pi,
    ...(p.amount !== undefined ? { amount: p.amount } : {}),
    currency,
    ...(p.customer !== undefined ? { customer: p.customer } : {}),
    ...(p.description !== undefined ? { description: p.description } : {}),
    ...(p.receipt_email !== undefined ? { receipt_email: p.receipt_email } : {}),
    ...(p.setup_future_usage !== undefined ? { setup_future_usage: p.setup_future_usage } : {}),
    ...(p.shipping !== undefined ? { shipping: p.shipping ? shippingOf(p.shipping) : null } : {}),
    ...(p.statement_descriptor !== undefined ? { statement_descriptor: p.statement_descriptor } : {}),
    ...(p.statement_descriptor_suffix !== undefined ? { statement_descriptor_suffix: p.statement_descriptor_suffix } : {}),
    ...(p.transfer_group !== undefined ? { transfer_group: p.transfer_group } : {}),
    ...(p.capture_method !== undefined ? { capture_method: p.capture_method } : {}),
    ...(types !== undefined ? { payment_method_types: types, ...(p.allowed_payment_method_types ? { allowed_payment_method_types: p.allowed_payment_method_types } : {}) } : {}),
    ...(p.payment_method_options !== undefined ? { payment_method_options: parseIntentOptions(cardOptions(p.payment_method_options)) } : {}),
    ...(pm ? { payment_method: pm.id } : {}),
    metadata,
  };
  // A payment method (new or kept) makes the PaymentIntent ready to confirm; one waiting for 3D Secure starts over.
  if (BEFORE_CONFIRMATION.includes(pi.status) && (pm || (pi.status === 'requires_action' && payingFields.length > 0))) {
    next.status = next.payment_method ? 'requires_confirmation' : 'requires_payment_method';
    next.next_action = null;
  }
  await savePaymentIntent(ctx, next);
  return next;
}

/**
 * POST /v1/payment_intents/:id/increment_authorization: only a held card payment that asked for
 * it (`payment_method_options[card][request_incremental_authorization]=if_available`), to a larger amount.
 */
export async function incrementAuthorization(ctx: Ctx, id: string, params: FormObject): Promise<PaymentIntent> {
  const p = parseParams(incrementShape, params);
  const pi = await lockIntent(ctx, id);
  if (pi.status !== 'requires_capture') {
    throw errors.invalid(
      `This PaymentIntent's amount could not be updated because it has a status of ${pi.status}. You may only increment the authorization of a PaymentIntent with one of the following statuses: requires_capture.`,
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  const requested = (pi.payment_method_options.card as { request_incremental_authorization?: string } | undefined)?.request_incremental_authorization;
  if (requested !== 'if_available') {
    throw errors.invalid(
      'This PaymentIntent is not eligible for incremental authorization. Set payment_method_options[card][request_incremental_authorization]=if_available when you create it.',
      undefined,
      'incremental_authorization_not_supported',
    );
  }
  if (p.amount <= pi.amount) throw errors.invalid(`The amount (${p.amount}) must be greater than the PaymentIntent's current amount (${pi.amount}).`, 'amount');
  checkChargeAmount(p.amount, pi.currency, 'amount');
  const next: PaymentIntent = {
    ...pi,
    amount: p.amount,
    amount_capturable: p.amount,
    metadata: mergeMetadata(pi.metadata, p.metadata),
    ...(p.description !== undefined ? { description: p.description } : {}),
    ...(p.statement_descriptor !== undefined ? { statement_descriptor: p.statement_descriptor } : {}),
    ...(p.application_fee_amount !== undefined ? { application_fee_amount: p.application_fee_amount } : {}),
  };
  if (pi.latest_charge) await reauthorizeCharge(ctx, pi.latest_charge, p.amount);
  const now = await intentNow(ctx, pi);
  await transitionPaymentIntent(ctx, pi, next, now);
  // The status stays requires_capture; the larger hold is news all the same.
  await emit(ctx, 'payment_intent.amount_capturable_updated', next, previousAttributes(pi, next), now);
  return next;
}

/** What a merchant-initiated payment (an invoice, a renewal) charges. */
export interface OffSessionCharge {
  amount: number;
  currency: string;
  customer: string;
  paymentMethod: string;
  description?: string | null;
  metadata?: Metadata;
  /** `false` to charge on-session (the buyer is present); default off-session. */
  offSession?: boolean;
  captureMethod?: 'automatic' | 'automatic_async' | 'manual';
  /** An invoice's payment: a card asking for authentication leaves it `requires_action` (AttemptOptions). */
  waitForAuthentication?: boolean;
  /**
   * The PaymentIntent an earlier attempt made (an invoice's): confirmed again when it still can be,
   * instead of a new one (docs/decisions.md#renewals-pay-through-paymentintents).
   */
  paymentIntent?: string | null;
  /** On-session: where the 3D Secure page sends the buyer back (`redirect_to_url`). */
  returnUrl?: string | undefined;
}

/**
 * Creates and confirms a PaymentIntent charging a saved payment method, in the caller's
 * transaction: the invoice's or renewal's payment. Returns the PaymentIntent (succeeded,
 * processing, requires_action or requires_payment_method) and the decline, if any, to report.
 */
export async function chargeOffSession(ctx: Ctx, c: OffSessionCharge): Promise<{ paymentIntent: PaymentIntent; error?: StripeError }> {
  const pm = await requirePaymentMethod(ctx, c.paymentMethod);
  const earlier = c.paymentIntent ? await paymentIntents.getForUpdate(ctx.db, ctx.account, c.paymentIntent) : undefined;
  const again = earlier && CONFIRMABLE.includes(earlier.status) && earlier.amount === c.amount && earlier.currency === c.currency ? earlier : undefined;
  const created = again ?? await createPaymentIntent(ctx, {
    amount: c.amount,
    currency: c.currency,
    customer: c.customer,
    paymentMethodTypes: [pm.type],
    description: c.description ?? null,
    metadata: c.metadata ?? {},
    created: await intentNow(ctx, { customer: c.customer }),
    captureMethod: c.captureMethod ?? 'automatic',
  });
  const attempt = again && !again.payment_method_types.includes(pm.type) ? { ...again, payment_method_types: [pm.type] } : created;
  const r = await attemptPayment(ctx, attempt, pm, { offSession: c.offSession ?? true, returnUrl: c.returnUrl, waitForAuthentication: c.waitForAuthentication ?? false });
  return r.error ? { paymentIntent: r.pi, error: r.error } : { paymentIntent: r.pi };
}

/**
 * POST /v1/payment_intents/:id/verify_microdeposits (and the hosted verification page): the values
 * Stripe's test mode documents verify the bank account and the payment goes on to `processing`,
 * settled by the settlement job like any ACH debit (docs/decisions.md#ach-microdeposits).
 */
export async function verifyMicrodeposits(ctx: Ctx, id: string, params: FormObject): Promise<Answer> {
  const p = parseParams(verifyShape, params);
  const pi = await lockIntent(ctx, id);
  if (p.client_secret !== undefined && p.client_secret !== pi.client_secret) {
    throw errors.invalid('The client_secret provided does not match the client_secret associated with the PaymentIntent.', 'client_secret');
  }
  return verifyIntentMicrodeposits(ctx, pi, p);
}

/**
 * The hosted verification page's attempt: the PaymentIntent read under its row lock in the page's
 * transaction, then verified as `verify_microdeposits` does; undefined when there is none.
 */
export async function verifyPageIntentMicrodeposits(ctx: Ctx, id: string, values: MicrodepositValues): Promise<Answer | undefined> {
  const pi = await paymentIntents.getForUpdate(ctx.db, ctx.account, id);
  return pi ? verifyIntentMicrodeposits(ctx, pi, values) : undefined;
}

/** Checks the values sent for a PaymentIntent waiting for microdeposits and moves it on. */
export async function verifyIntentMicrodeposits(ctx: Ctx, pi: PaymentIntent, values: MicrodepositValues): Promise<Answer> {
  if (pi.status !== 'requires_action' || !awaitsMicrodeposits(pi.next_action) || !pi.payment_method) {
    throw errors.invalid(`This PaymentIntent is not awaiting microdeposit verification (its status is ${pi.status}).`, undefined, 'payment_intent_unexpected_state');
  }
  const pm = await requirePaymentMethod(ctx, pi.payment_method);
  // Counted under the bank account's row lock, inside this request's transaction (the PaymentIntent is locked too).
  const result = await decideMicrodeposits(ctx, pm.id, values, microdepositAttemptLimit(pi.next_action), await intentNow(ctx, pi));
  if (result.status === 'mismatch') return microdepositMismatch(result, 'attemptsLeft' in result ? result.attemptsLeft : 0);
  if (result.status === 'verified') {
    const r = await attemptPayment(ctx, pi, pm, { offSession: false, microdepositsVerified: true });
    return r.error ?? r.pi;
  }
  const failed: PaymentIntent = {
    ...pi,
    status: 'requires_payment_method',
    payment_method: null,
    next_action: null,
    last_payment_error: { type: 'invalid_request_error', code: result.code, message: result.message, payment_method: pm },
  };
  await endPendingMandate(ctx, pm.id);
  const after = await transitionPaymentIntent(ctx, pi, failed, await intentNow(ctx, pi));
  return microdepositFailure(result, { payment_intent: after, payment_method: pm });
}
