/**
 * Charges: one per payment attempt of a PaymentIntent, made by the PaymentIntent's confirmation
 * (and so by Checkout); the API retrieves, lists and updates them
 * (docs/decisions.md#charges-and-refunds).
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, listParams, toPage, type ListObject } from '../../api/list.js';
import { mergeMetadata, metadata, nullableObj, nullableStr, parseParams, required, str, obj, type Metadata } from '../../api/params.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { recordCharge } from '../balance-transactions/service.js';
import type { Filter } from '../../store/objects.js';
import type { PaymentMethod } from '../payment-methods/shape.js';
import { addressParam, emailParam, toAddress, type Address } from '../shared/params.js';
import { approvedOutcome, failedOutcome, paymentMethodDetails, type AttemptFailure } from './details.js';
import type { Charge, ChargeStatus } from './shape.js';
import { charges, findCharge, insertCharge, saveCharge } from './store.js';

/** The PaymentIntent fields a charge copies. */
export interface ChargeSource {
  id: string;
  amount: number;
  currency: string;
  customer: string | null;
  description: string | null;
  metadata: Metadata;
  receipt_email: string | null;
  shipping: { address: Address; name: string; carrier: string | null; phone: string | null; tracking_number: string | null } | null;
  statement_descriptor: string | null;
  statement_descriptor_suffix: string | null;
  application_fee_amount: number | null;
  on_behalf_of: string | null;
  transfer_data: { amount?: number; destination: string } | null;
  transfer_group: string | null;
}

export interface NewCharge {
  pi: ChargeSource;
  pm: PaymentMethod;
  /** `succeeded` (captured or held), `pending` (a bank debit), `failed`. */
  status: ChargeStatus;
  /** A manual-capture authorisation is `succeeded` but not captured. */
  captured: boolean;
  failure?: AttemptFailure | undefined;
  authenticated?: boolean | undefined;
  created: number;
  /** The Mandate a debit is made under (docs/decisions.md#mandates). */
  mandate?: string | null | undefined;
}

/** Creates the charge of one payment attempt and emits `charge.succeeded`, `charge.pending` or `charge.failed`. */
export async function createCharge(ctx: Ctx, n: NewCharge): Promise<Charge> {
  const { pi, pm } = n;
  const manual = n.status === 'succeeded' && !n.captured;
  const charge: Charge = {
    id: newId('ch_'),
    object: 'charge',
    amount: pi.amount,
    amount_captured: n.status === 'succeeded' && n.captured ? pi.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: pi.application_fee_amount,
    balance_transaction: null,
    billing_details: { ...pm.billing_details },
    calculated_statement_descriptor: pi.statement_descriptor ?? 'OPENCHECKOUT',
    captured: n.status === 'succeeded' && n.captured,
    created: n.created,
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: n.failure?.code ?? null,
    failure_message: n.failure?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: pi.on_behalf_of,
    outcome: n.failure ? failedOutcome(n.failure) : approvedOutcome(),
    paid: n.status === 'succeeded',
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: paymentMethodDetails(pm, { amount: pi.amount, manual, authenticated: n.authenticated ?? false, created: n.created, mandate: n.mandate ?? null }),
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: pi.shipping ? { ...pi.shipping } : null,
    source: null,
    source_transfer: null,
    statement_descriptor: pi.statement_descriptor,
    statement_descriptor_suffix: pi.statement_descriptor_suffix,
    status: n.status,
    transfer_data: pi.transfer_data ? { amount: pi.transfer_data.amount ?? null, destination: pi.transfer_data.destination } : null,
    transfer_group: pi.transfer_group,
  };
  if (charge.captured) charge.balance_transaction = await recordCharge(ctx, fundsOf(charge), charge.amount_captured, n.created);
  await insertCharge(ctx, charge);
  const type = n.status === 'succeeded' ? 'charge.succeeded' : n.status === 'pending' ? 'charge.pending' : 'charge.failed';
  await emit(ctx, type, charge, undefined, n.created);
  return charge;
}

/** What the balance transaction of a charge's captured money reads. */
function fundsOf(c: Charge) {
  return { id: c.id, currency: c.currency, description: c.description, paymentMethodType: c.payment_method_details?.type ?? '' };
}

async function lockOrFail(ctx: Ctx, id: string): Promise<Charge> {
  const c = await charges.getForUpdate(ctx.db, ctx.account, id);
  if (!c) throw new Error(`charge ${id} vanished`);
  return c;
}

/**
 * Captures `amount` of an authorised charge: `charge.captured`. The rest is released and counts as
 * refunded, as on Stripe, so what may still be refunded is always `amount - amount_refunded`.
 */
export async function captureCharge(ctx: Ctx, id: string, amount: number, at: number): Promise<Charge> {
  const c = await lockOrFail(ctx, id);
  const next: Charge = { ...c, captured: true, amount_captured: amount, amount_refunded: c.amount - amount };
  if (amount > 0) next.balance_transaction = await recordCharge(ctx, fundsOf(c), amount, at);
  await saveCharge(ctx, next);
  await emit(ctx, 'charge.captured', next, previousAttributes(c, next), at);
  return next;
}

/** A held authorisation incremented to `amount` (increment_authorization). */
export async function reauthorizeCharge(ctx: Ctx, id: string, amount: number): Promise<void> {
  const c = await lockOrFail(ctx, id);
  const card = c.payment_method_details?.card as Record<string, unknown> | undefined;
  const details = card ? { ...c.payment_method_details, type: 'card', card: { ...card, amount_authorized: amount } } : c.payment_method_details;
  await saveCharge(ctx, { ...c, amount, payment_method_details: details });
}

/** A pending (bank debit) charge settled: `charge.succeeded`, or `charge.failed` with the bank's reason. */
export async function settleCharge(ctx: Ctx, id: string, failure: AttemptFailure | undefined, at: number): Promise<Charge> {
  const c = await lockOrFail(ctx, id);
  const next: Charge = failure
    ? { ...c, status: 'failed', paid: false, failure_code: failure.code, failure_message: failure.message, outcome: failedOutcome(failure) }
    : { ...c, status: 'succeeded', paid: true, captured: true, amount_captured: c.amount, balance_transaction: await recordCharge(ctx, fundsOf(c), c.amount, at) };
  await saveCharge(ctx, next);
  await emit(ctx, failure ? 'charge.failed' : 'charge.succeeded', next, previousAttributes(c, next), at);
  return next;
}

/** An authorisation released by canceling its PaymentIntent: nothing was captured, the whole amount counts as refunded. */
export async function releaseCharge(ctx: Ctx, id: string, at: number): Promise<void> {
  const c = await lockOrFail(ctx, id);
  if (c.captured || c.status !== 'succeeded') return;
  const next: Charge = { ...c, amount_refunded: c.amount, refunded: true };
  await saveCharge(ctx, next);
  await emit(ctx, 'charge.refunded', next, previousAttributes(c, next), at);
}

/** GET /v1/charges/:id */
export async function retrieveCharge(ctx: Ctx, id: string): Promise<Charge> {
  const c = await findCharge(ctx, id);
  if (!c) throw errors.missingResource('charge', id);
  return c;
}

/** GET /v1/charges: filters `customer`, `payment_intent`, `created`; `transfer_group` is matched in memory (rare). */
export async function listCharges(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<Charge>> {
  const p = parseParams({ ...listParams, customer: str({ max: 5000 }), payment_intent: str({ max: 5000 }), transfer_group: str({ max: 5000 }) }, params);
  const page = toPage(p);
  const filter: Filter = {};
  if (p.customer !== undefined) filter.customer_id = p.customer;
  if (p.payment_intent !== undefined) filter.payment_intent_id = p.payment_intent;
  const result = await charges.list(ctx.db, ctx.account, filter, page);
  const data = p.transfer_group === undefined ? result.data : result.data.filter((c) => c.transfer_group === p.transfer_group);
  return listObject(url, { ...result, data }, 'charge', page);
}

const updateShape = {
  customer: str({ max: 5000 }),
  description: nullableStr({ max: 40000 }),
  fraud_details: obj({ user_report: required(nullableStr()) }),
  metadata: metadata(),
  receipt_email: emailParam(),
  shipping: nullableObj({
    address: required(addressParam()),
    carrier: nullableStr({ max: 5000 }),
    name: required(str({ max: 5000 })),
    phone: nullableStr({ max: 5000 }),
    tracking_number: nullableStr({ max: 5000 }),
  }),
  transfer_group: str({ max: 5000 }),
};

/** POST /v1/charges/:id: description, metadata, receipt_email, shipping, ...; `charge.updated`. */
export async function updateCharge(ctx: Ctx, id: string, params: FormObject): Promise<Charge> {
  const p = parseParams(updateShape, params);
  const c = await charges.getForUpdate(ctx.db, ctx.account, id);
  if (!c) throw errors.missingResource('charge', id);
  if (p.customer !== undefined && c.customer !== null && c.customer !== p.customer) {
    throw errors.invalid('This charge already has a customer; it cannot be changed.', 'customer');
  }
  const next: Charge = {
    ...c,
    ...(p.customer !== undefined ? { customer: p.customer } : {}),
    ...(p.description !== undefined ? { description: p.description } : {}),
    ...(p.receipt_email !== undefined ? { receipt_email: p.receipt_email } : {}),
    ...(p.transfer_group !== undefined ? { transfer_group: p.transfer_group } : {}),
    ...(p.shipping !== undefined
      ? {
          shipping: p.shipping
            ? { address: toAddress(p.shipping.address), carrier: p.shipping.carrier ?? null, name: p.shipping.name, phone: p.shipping.phone ?? null, tracking_number: p.shipping.tracking_number ?? null }
            : null,
        }
      : {}),
    metadata: mergeMetadata(c.metadata, p.metadata),
  };
  await saveCharge(ctx, next);
  const prev = previousAttributes(c, next);
  if (Object.keys(prev).length > 0) await emit(ctx, 'charge.updated', next, prev);
  return next;
}
