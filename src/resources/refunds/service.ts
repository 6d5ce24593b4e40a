/**
 * Refunds: all or part of a charge's captured amount, never more than remains, by `charge` or
 * `payment_intent`; a bank debit's refund (and Stripe's refund test cards) settles later on the
 * scheduler (docs/decisions.md#charges-and-refunds).
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, listParams, toPage, type ListObject } from '../../api/list.js';
import { bool, int, mergeMetadata, metadata, oneOf, parseParams, str } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { formatAmount } from '../../pages/money.js';
import { refundOutcome, type ChargeablePaymentMethod } from '../../processor/index.js';
import { cancel, schedule, type Job } from '../../scheduler/jobs.js';
import type { Filter } from '../../store/objects.js';
import { findPaymentMethodType } from '../../payment-method-types/index.js';
import { recordRefund } from '../balance-transactions/service.js';
import { lockCashBalance, moveCash } from '../cash-balance/service.js';
import type { Charge } from '../charges/shape.js';
import { findCharge, lockCharge, saveCharge } from '../charges/store.js';
import { cancelRefundedAuthorization, lockHeldPaymentIntent } from '../payment-intents/capture.js';
import { findPaymentIntent } from '../payment-intents/service.js';
import type { Refund } from './shape.js';
import { findRefund, refundColumns, refunds } from './store.js';

/** The job that moves a refund to its later status (its kind, spelled once). */
export const REFUND_SETTLE_JOB = 'refund.settle';

const createShape = {
  amount: int({ min: 1 }),
  charge: str({ max: 5000 }),
  currency: str({ max: 3 }),
  customer: str({ max: 5000 }),
  instructions_email: str({ max: 5000 }),
  metadata: metadata(),
  origin: oneOf(['customer_balance'] as const),
  payment_intent: str({ max: 5000 }),
  reason: oneOf(['duplicate', 'fraudulent', 'requested_by_customer'] as const),
  refund_application_fee: bool(),
  reverse_transfer: bool(),
};

/** The charge a refund request names (its PaymentIntent's latest charge), locked. */
async function chargeToRefund(ctx: Ctx, p: { charge?: string | undefined; payment_intent?: string | undefined }): Promise<Charge> {
  if (p.charge === undefined && p.payment_intent === undefined) {
    throw errors.invalid('One of the following params should be provided for this request: payment_intent or charge.', undefined, 'parameter_missing');
  }
  let chargeId = p.charge;
  if (p.payment_intent !== undefined) {
    const pi = await findPaymentIntent(ctx, p.payment_intent);
    if (!pi) throw errors.missingResource('payment_intent', p.payment_intent, 'payment_intent');
    if ((pi.status !== 'succeeded' && pi.status !== 'requires_capture') || !pi.latest_charge) {
      throw errors.invalid(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, 'payment_intent', 'charge_not_refundable');
    }
    if (chargeId !== undefined && chargeId !== pi.latest_charge) throw errors.invalid(`The charge ${chargeId} does not belong to the PaymentIntent ${pi.id}.`, 'charge');
    chargeId = pi.latest_charge;
    // A hold's PaymentIntent is locked before its charge, as capture and cancel lock them.
    if (pi.status === 'requires_capture') await lockHeldPaymentIntent(ctx, pi.id);
  } else {
    const peek = await findCharge(ctx, chargeId as string);
    if (peek?.status === 'succeeded' && !peek.captured && peek.payment_intent) await lockHeldPaymentIntent(ctx, peek.payment_intent);
  }
  const charge = await lockCharge(ctx, chargeId as string);
  // An uncaptured (held) charge may be refunded: that releases the hold (docs/decisions.md#refund-of-a-held-payment).
  if (charge.status !== 'succeeded') {
    throw errors.invalid(
      charge.status === 'pending' ? `Charge ${charge.id} is still pending; it can be refunded once it has succeeded.` : `Charge ${charge.id} cannot be refunded.`,
      'charge',
      'charge_not_refundable',
    );
  }
  return charge;
}

/** How much of a charge has not been refunded (nor released at capture). */
function remainingOf(c: Charge): number {
  return c.amount - c.amount_refunded;
}

function paymentMethodOf(c: Charge): ChargeablePaymentMethod {
  const d = c.payment_method_details;
  return { type: d?.type ?? 'card', ...(d?.type === 'card' ? { card: d.card as ChargeablePaymentMethod['card'] } : {}) } as ChargeablePaymentMethod;
}

/** POST /v1/refunds */
export async function createRefund(ctx: Ctx, params: FormObject): Promise<Refund> {
  const p = parseCreate(params);
  if (p.origin !== undefined) {
    throw errors.invalid("Returning a customer's cash balance to their bank account (`origin`) is not simulated here.", 'origin');
  }
  const charge = await chargeToRefund(ctx, p);
  if (p.currency !== undefined && p.currency.toLowerCase() !== charge.currency) throw errors.invalid(`The currency must be the charge's (${charge.currency}).`, 'currency');
  const remaining = remainingOf(charge);
  if (remaining <= 0) throw errors.invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
  const amount = p.amount ?? remaining;
  if (!charge.captured) return releaseByRefund(ctx, charge, amount, p);
  if (amount > remaining) {
    throw errors.invalid(
      `Refund amount (${formatAmount(amount, charge.currency, 'en')}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency, 'en')})`,
      'amount',
      'amount_too_large',
    );
  }
  const now = unixNow(ctx.deps.clock);
  const outcome = await refundOutcome(ctx.db, paymentMethodOf(charge));
  const refund = newRefund(charge, amount, p, now, outcome.status);
  refund.balance_transaction = await recordRefund(ctx, { ...refund, paymentMethodType: charge.payment_method_details?.type ?? '' }, now);
  await refunds.insert(ctx.db, ctx.account, refund, refundColumns(refund));
  const refundedTotal = charge.amount_refunded + amount;
  const refunded: Charge = { ...charge, amount_refunded: refundedTotal, refunded: refundedTotal === charge.amount };
  await saveCharge(ctx, refunded);
  await emit(ctx, 'refund.created', refund, undefined, now);
  await emit(ctx, 'charge.refunded', refunded, previousAttributes(charge, refunded), now);
  // A bank transfer's money goes back to the customer's cash balance (docs/decisions.md#bank-transfers-and-the-cash-balance).
  if (findPaymentMethodType(charge.payment_method_details?.type ?? '')?.bankTransfer && charge.customer) {
    const balance = await lockCashBalance(ctx, charge.customer, now);
    await moveCash(ctx, balance, charge.currency, amount, { type: 'refunded_from_payment', refund: refund.id }, now);
  }
  if (outcome.later) await schedule(ctx, REFUND_SETTLE_JOB, refund.id, now + ctx.deps.config.settlementDelaySeconds, null);
  return refund;
}

type CreateParams = ReturnType<typeof parseCreate>;

/** A new Refund of `amount` of `charge`, in Stripe's field order; a pending one waits on processing. */
function newRefund(charge: Charge, amount: number, p: CreateParams, now: number, status: Refund['status']): Refund {
  return {
    id: newId('re_'),
    object: 'refund',
    amount,
    balance_transaction: null,
    charge: charge.id,
    created: now,
    currency: charge.currency,
    ...(p.instructions_email !== undefined ? { instructions_email: p.instructions_email } : {}),
    metadata: mergeMetadata({}, p.metadata),
    payment_intent: charge.payment_intent,
    ...(status === 'pending' ? { pending_reason: 'processing' as const } : {}),
    reason: p.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status,
    transfer_reversal: null,
  };
}

function parseCreate(params: FormObject) {
  return parseParams(createShape, params);
}

/**
 * A refund of a held (uncaptured) payment releases the authorisation, as on Stripe: the whole
 * held amount, at once (`succeeded`), no money moves (no balance transaction), the charge is
 * refunded and its PaymentIntent canceled (docs/decisions.md#refund-of-a-held-payment).
 */
async function releaseByRefund(ctx: Ctx, charge: Charge, amount: number, p: CreateParams): Promise<Refund> {
  if (amount !== charge.amount) {
    throw errors.invalid(
      `Charge ${charge.id} has not been captured: a refund releases the whole authorisation (${formatAmount(charge.amount, charge.currency, 'en')}). To take less, capture a smaller amount_to_capture instead.`,
      'amount',
    );
  }
  const now = unixNow(ctx.deps.clock);
  const refund = newRefund(charge, amount, p, now, 'succeeded');
  await refunds.insert(ctx.db, ctx.account, refund, refundColumns(refund));
  const released: Charge = { ...charge, amount_refunded: charge.amount, refunded: true };
  await saveCharge(ctx, released);
  await emit(ctx, 'refund.created', refund, undefined, now);
  await emit(ctx, 'charge.refunded', released, previousAttributes(charge, released), now);
  if (charge.payment_intent) await cancelRefundedAuthorization(ctx, charge.payment_intent);
  return refund;
}

async function requireRefund(ctx: Ctx, id: string, lock = false): Promise<Refund> {
  const r = lock ? await refunds.getForUpdate(ctx.db, ctx.account, id) : await findRefund(ctx, id);
  if (!r) throw errors.missingResource('refund', id);
  return r;
}

/** GET /v1/refunds/:id */
export function retrieveRefund(ctx: Ctx, id: string): Promise<Refund> {
  return requireRefund(ctx, id);
}

/** Stores a changed refund with `refund.updated` and `charge.refund.updated`. */
async function saveRefund(ctx: Ctx, before: Refund, after: Refund, at?: number): Promise<Refund> {
  await refunds.update(ctx.db, ctx.account, after, refundColumns(after));
  const prev = previousAttributes(before, after);
  await emit(ctx, 'refund.updated', after, prev, at);
  await emit(ctx, 'charge.refund.updated', after, prev, at);
  return after;
}

/** POST /v1/refunds/:id: only `metadata` may change. */
export async function updateRefund(ctx: Ctx, id: string, params: FormObject): Promise<Refund> {
  const p = parseParams({ metadata: metadata() }, params);
  const r = await requireRefund(ctx, id, true);
  if (p.metadata === undefined) return r;
  return saveRefund(ctx, r, { ...r, metadata: mergeMetadata(r.metadata, p.metadata) });
}

/** POST /v1/refunds/:id/cancel: Stripe cancels only a refund that waits for customer action, which no refund here does. */
export async function cancelRefund(ctx: Ctx, id: string): Promise<Refund> {
  const r = await requireRefund(ctx, id, true);
  if (r.status !== 'requires_action') {
    throw errors.invalid(`You cannot cancel this refund because it has a status of ${r.status}. Only a refund with a status of requires_action can be canceled.`, undefined, 'refund_unexpected_state');
  }
  await cancel(ctx, REFUND_SETTLE_JOB, r.id);
  return saveRefund(ctx, r, { ...r, status: 'canceled' });
}

/** GET /v1/refunds: filters `charge`, `payment_intent`, `created`. */
export async function listRefunds(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<Refund>> {
  const p = parseParams({ ...listParams, charge: str({ max: 5000 }), payment_intent: str({ max: 5000 }) }, params);
  const page = toPage(p);
  const filter: Filter = {};
  if (p.charge !== undefined) filter.charge_id = p.charge;
  if (p.payment_intent !== undefined) filter.payment_intent_id = p.payment_intent;
  return listObject(url, await refunds.list(ctx.db, ctx.account, filter, page), 'refund', page);
}

/**
 * Runs the refund's later step: a pending refund succeeds; a refund of Stripe's failing test card
 * fails, and its amount counts as unrefunded on the charge again.
 */
export async function runRefundSettleJob(ctx: Ctx, job: Job): Promise<void> {
  const r = await refunds.getForUpdate(ctx.db, ctx.account, job.subject_id);
  if (!r) return;
  const charge = await lockCharge(ctx, r.charge);
  const later = (await refundOutcome(ctx.db, paymentMethodOf(charge))).later;
  if (r.status === 'pending' && later === 'succeeded') {
    const { pending_reason: _gone, ...rest } = r;
    await saveRefund(ctx, r, { ...rest, status: 'succeeded' });
  } else if (r.status === 'succeeded' && later === 'failed') {
    const back = await recordRefund(ctx, { ...r, paymentMethodType: charge.payment_method_details?.type ?? '' }, unixNow(ctx.deps.clock), true);
    await saveRefund(ctx, r, { ...r, status: 'failed', failure_balance_transaction: back, failure_reason: 'expired_or_canceled_card' });
    const restored: Charge = { ...charge, amount_refunded: charge.amount_refunded - r.amount, refunded: false };
    await saveCharge(ctx, restored);
    await emit(ctx, 'charge.updated', restored, previousAttributes(charge, restored));
  }
}
