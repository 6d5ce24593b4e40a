/**
 * SetupIntents (docs/decisions.md#setupintents): create, retrieve, update, cancel and list
 * `/v1/setup_intents`; confirming is in confirm.ts. Checkout in setup mode creates succeeded ones.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId, randomToken } from '../../api/ids.js';
import { listObject, toPage, type ListObject } from '../../api/list.js';
import { mergeMetadata, parseParams, type Metadata } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { emit, previousAttributes } from '../../events/emit.js';
import type { Db } from '../../store/db.js';
import { exec, ObjectTable } from '../../store/objects.js';
import { requireCustomer } from '../customers/service.js';
import { cancelShape, listShape, requestThreeDSecure, updateShape } from './params.js';
import { resolvePaymentMethod } from './payment-method.js';
import type { SetupIntent } from './shape.js';

export type { SetupIntent, SetupIntentStatus, SetupError } from './shape.js';

export const setupIntents = new ObjectTable<SetupIntent>('setup_intents');

/** The queried columns of a SetupIntent row. */
export const setupIntentColumns = (si: SetupIntent) => ({ customer_id: si.customer, status: si.status, payment_method_id: si.payment_method });

/** The SetupIntent with this id in ctx's account, or 404. */
export async function requireSetupIntent(ctx: Ctx, id: string, lock = false): Promise<SetupIntent> {
  const si = lock ? await setupIntents.getForUpdate(ctx.db, ctx.account, id) : await setupIntents.get(ctx.db, ctx.account, id);
  if (!si) throw errors.missingResource('setup_intent', id, 'intent');
  return si;
}

/** Stores a changed SetupIntent and emits the event its new status calls for. */
export async function transitionSetupIntent(ctx: Ctx, before: SetupIntent, after: SetupIntent, at?: number): Promise<SetupIntent> {
  await setupIntents.update(ctx.db, ctx.account, after, setupIntentColumns(after));
  const type =
    after.status === before.status && after.last_setup_error === before.last_setup_error
      ? undefined
      : after.status === 'succeeded'
        ? 'setup_intent.succeeded'
        : after.status === 'canceled'
          ? 'setup_intent.canceled'
          : after.status === 'requires_action'
            ? 'setup_intent.requires_action'
            : after.last_setup_error && after.last_setup_error !== before.last_setup_error
              ? 'setup_intent.setup_failed'
              : undefined;
  if (type) await emit(ctx, type, after, previousAttributes(before, after), at);
  return after;
}

/** A new SetupIntent's fields before the params apply. */
export function blank(id: string, created: number): SetupIntent {
  return {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: null,
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: `${id}_secret_${randomToken(24)}`,
    created,
    customer: null,
    customer_account: null,
    description: null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    single_use_mandate: null,
    status: 'requires_payment_method',
    usage: 'off_session',
  };
}

/** A SetupIntent that saved `paymentMethod` for `customer` (Checkout setup mode); emits created and succeeded. */
export async function createSucceededSetupIntent(
  ctx: Ctx,
  n: { customer: string; paymentMethod: string; paymentMethodTypes: string[]; metadata: Metadata; description: string | null; onBehalfOf?: string | null; mandate?: string | null; created: number },
): Promise<SetupIntent> {
  const si: SetupIntent = {
    ...blank(newId('seti_'), n.created),
    customer: n.customer,
    mandate: n.mandate ?? null,
    description: n.description,
    metadata: n.metadata,
    on_behalf_of: n.onBehalfOf ?? null,
    payment_method_types: n.paymentMethodTypes,
  };
  await emit(ctx, 'setup_intent.created', si, undefined, n.created);
  const done: SetupIntent = { ...si, payment_method: n.paymentMethod, status: 'succeeded' };
  await setupIntents.insert(ctx.db, ctx.account, done, setupIntentColumns(done));
  await emit(ctx, 'setup_intent.succeeded', done, undefined, n.created);
  return done;
}

/**
 * A SetupIntent waiting for the buyer's 3D Secure on the hosted page (Checkout setup mode,
 * docs/decisions.md#3d-secure); emits created and requires_action.
 */
export async function createSetupIntentAwaitingAction(
  ctx: Ctx,
  n: { customer: string | null; paymentMethod: string; paymentMethodTypes: string[]; metadata: Metadata; description: string | null; onBehalfOf?: string | null; created: number },
  nextAction: (id: string) => Promise<{ type: string } & Record<string, unknown>>,
): Promise<SetupIntent> {
  const si: SetupIntent = {
    ...blank(newId('seti_'), n.created),
    customer: n.customer,
    description: n.description,
    metadata: n.metadata,
    on_behalf_of: n.onBehalfOf ?? null,
    payment_method_types: n.paymentMethodTypes,
  };
  await setupIntents.insert(ctx.db, ctx.account, si, setupIntentColumns(si));
  await emit(ctx, 'setup_intent.created', si, undefined, n.created);
  const waiting: SetupIntent = { ...si, payment_method: n.paymentMethod, status: 'requires_action', next_action: await nextAction(si.id) };
  return transitionSetupIntent(ctx, si, waiting, n.created);
}

/** `payment_method_types` and `automatic_payment_methods` exclude each other. */
export function checkTypes(p: { payment_method_types?: string[] | undefined; automatic_payment_methods?: unknown }): void {
  if (p.payment_method_types !== undefined && p.automatic_payment_methods !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: automatic_payment_methods, payment_method_types.', 'automatic_payment_methods');
  }
  if (p.payment_method_types?.length === 0) throw errors.invalid('Invalid payment_method_types: must contain at least one type', 'payment_method_types');
}

/** `payment_method_options` applied over the current ones; `card[request_three_d_secure]` defaults to automatic; other types' hashes are kept. */
export function cardOptions(options: FormObject | null | undefined, current: Record<string, unknown>): Record<string, unknown> {
  if (options === undefined) return current;
  if (options === null) return {};
  const request = requestThreeDSecure(options);
  const card = (current.card ?? {}) as Record<string, unknown>;
  // The other types' options are kept as sent (a bank account's verification_method is acted on: docs/decisions.md#ach-microdeposits).
  const others = Object.fromEntries(Object.entries(options).filter(([k, v]) => k !== 'card' && v !== null && typeof v === 'object' && !Array.isArray(v)));
  return { ...current, ...others, card: { mandate_options: null, network: null, ...card, request_three_d_secure: request ?? card.request_three_d_secure ?? 'automatic' } };
}

/** POST /v1/setup_intents/:id */
export async function updateSetupIntent(ctx: Ctx, id: string, params: FormObject): Promise<SetupIntent> {
  const p = parseParams(updateShape, params);
  const si = await requireSetupIntent(ctx, id, true);
  if (si.status === 'succeeded' || si.status === 'canceled' || si.status === 'processing') {
    throw errors.invalid(`You cannot update this SetupIntent because it has a status of ${si.status}.`, undefined, 'setup_intent_unexpected_state');
  }
  checkTypes(p);
  if (p.customer) {
    if (si.customer && si.customer !== p.customer) throw errors.invalid('You cannot change the customer of a SetupIntent once it is set.', 'customer');
    await requireCustomer(ctx, p.customer, 'customer');
  }
  const pm = await resolvePaymentMethod(ctx, p);
  const next: SetupIntent = {
    ...si,
    customer: p.customer ?? si.customer,
    description: p.description ?? si.description,
    metadata: p.metadata === null ? {} : mergeMetadata(si.metadata, p.metadata),
    payment_method_types: p.payment_method_types ?? si.payment_method_types,
    automatic_payment_methods: p.payment_method_types ? null : si.automatic_payment_methods,
    excluded_payment_method_types: p.excluded_payment_method_types ?? si.excluded_payment_method_types,
    flow_directions: p.flow_directions ?? si.flow_directions,
    payment_method_options: cardOptions(p.payment_method_options, si.payment_method_options),
    ...(pm ? { payment_method: pm, status: 'requires_confirmation' as const, next_action: null } : {}),
  };
  await setupIntents.update(ctx.db, ctx.account, next, setupIntentColumns(next));
  // Stripe has no setup_intent.updated event.
  return next;
}

/** POST /v1/setup_intents/:id/cancel */
export async function cancelSetupIntent(ctx: Ctx, id: string, params: FormObject): Promise<SetupIntent> {
  const p = parseParams(cancelShape, params);
  const si = await requireSetupIntent(ctx, id, true);
  if (si.status === 'succeeded' || si.status === 'canceled' || si.status === 'processing') {
    throw errors.invalid(
      `You cannot cancel this SetupIntent because it has a status of ${si.status}. Only a SetupIntent with one of the following statuses may be canceled: requires_payment_method, requires_confirmation, requires_action.`,
      undefined,
      'setup_intent_unexpected_state',
    );
  }
  const canceled: SetupIntent = { ...si, status: 'canceled', cancellation_reason: p.cancellation_reason ?? null, next_action: null };
  return transitionSetupIntent(ctx, si, canceled);
}

/** GET /v1/setup_intents: filters `customer`, `payment_method`, `created`. */
export async function listSetupIntents(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<SetupIntent>> {
  const p = parseParams(listShape, params);
  const page = toPage(p);
  const filter: Record<string, string> = {};
  if (p.customer) filter.customer_id = p.customer;
  if (p.payment_method) filter.payment_method_id = p.payment_method;
  return listObject(url, await setupIntents.list(ctx.db, ctx.account, filter, page), 'setup_intent', page);
}

/** The Checkout Session's SetupIntent, authenticated on the hosted page, succeeds for the session's customer. */
export async function succeedCheckoutSetupIntent(ctx: Ctx, id: string, customer: string, paymentMethod: string, at: number): Promise<SetupIntent> {
  const si = await requireSetupIntent(ctx, id, true);
  if (si.status === 'succeeded') return si;
  return transitionSetupIntent(ctx, si, { ...si, customer, payment_method: paymentMethod, status: 'succeeded', next_action: null, last_setup_error: null }, at);
}

const SETUP_INTENT_ID = /^seti_[A-Za-z0-9]{8,200}$/;

/**
 * The SetupIntent with this id in any account, for a page whose link carries the id (its
 * microdeposit verification page, docs/decisions.md#ach-microdeposits), or null.
 */
export async function findPageSetupIntent(db: Db, id: string): Promise<{ account: string; si: SetupIntent } | null> {
  if (!SETUP_INTENT_ID.test(id)) return null;
  const { rows } = await exec<{ account_id: string; data: string }>(db, 'page setup intent', (p) => `select account_id, data from setup_intents where id = ${p(1)}`, [id]);
  const row = rows[0];
  return row ? { account: row.account_id, si: JSON.parse(row.data) as SetupIntent } : null;
}
