import type { Ctx } from '../api/context.js';
import { newId } from '../api/ids.js';
import { CURRENT_API_VERSION } from '../api/version.js';
import { unixNow } from '../clock.js';
import { endpointIdsFor } from '../resources/webhook-endpoints/store.js';
import type { Db } from '../store/db.js';
import { dialectFor, exec, ObjectTable } from '../store/objects.js';
import { idsAbout } from './about.js';

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: object; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export const events = new ObjectTable<StripeEvent>('events');

/**
 * Writes an Event and one outbox row per webhook endpoint that wants it, in the caller's
 * transaction: the change, its event and its deliveries commit together (docs/decisions.md#one-write-path).
 */
export async function emit(
  ctx: Ctx,
  type: string,
  object: object,
  previousAttributes?: Record<string, unknown>,
  created: number = unixNow(ctx.deps.clock),
): Promise<StripeEvent> {
  const targets = await endpointIdsFor(ctx.db, ctx.account, type, ctx);
  const event: StripeEvent = {
    id: newId('evt_'),
    object: 'event',
    api_version: CURRENT_API_VERSION,
    created,
    data: previousAttributes ? { object, previous_attributes: previousAttributes } : { object },
    livemode: false,
    pending_webhooks: targets.length,
    request: { id: ctx.requestId, idempotency_key: ctx.idempotencyKey },
    type,
  };
  const ids = idsAbout(object);
  if (ids.length > 0 && dialectFor(ctx.db) === 'pg') {
    await insertFiledEvent(ctx.db, ctx.account, event, ids);
  } else {
    const seq = await events.insertReturningSeq(ctx.db, ctx.account, event, { type, pending_webhooks: targets.length });
    await fileEvent(ctx.db, ctx.account, seq, created, ids);
  }
  await enqueueDeliveries(ctx, event.id, targets);
  return event;
}

/**
 * The event row and its `event_objects` rows in one statement, on PostgreSQL: there each statement
 * is a round trip, and every write emits at least one event (bench/README.md, "PostgreSQL's own
 * floor"). The same rows as `insertReturningSeq` then `fileEvent`, which SQLite runs (it has no
 * INSERT inside WITH, and a statement there costs no round trip).
 */
async function insertFiledEvent(db: Db, account: string, event: StripeEvent, ids: readonly string[]): Promise<void> {
  await exec(
    db,
    'event insert filed',
    (p) =>
      `with e as (insert into "events" ("account_id", "id", "created", "data", "type", "pending_webhooks") ` +
      `values (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}) returning "seq") ` +
      `insert into "event_objects" ("event_seq", "account_id", "object_id", "created") select e."seq", ${p(1)}, unnest(${p(7)}::text[]), ${p(3)} from e`,
    [account, event.id, event.created, JSON.stringify(event), event.type, event.pending_webhooks, ids],
  );
}

/** Files an event (by its `seq`) under each id it is about (about.ts), in the caller's transaction. */
async function fileEvent(db: Db, account: string, eventSeq: number, created: number, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const params: unknown[] = [];
  for (const id of ids) params.push(eventSeq, account, id, created);
  await exec(
    db,
    `event_objects insert ${ids.length}`,
    (p) => {
      let i = 0;
      const tuple = () => `(${p(++i)}, ${p(++i)}, ${p(++i)}, ${p(++i)})`;
      return `insert into "event_objects" ("event_seq", "account_id", "object_id", "created") values ${ids.map(tuple).join(', ')}`;
    },
    params,
  );
}

/**
 * One pending outbox row per endpoint for an event, in the caller's transaction, and a wake-up of
 * the delivery worker once it commits. Delivery runs in real time (docs/decisions.md#webhook-delivery), whatever clock the
 * business objects follow.
 */
export async function enqueueDeliveries(ctx: Ctx, eventId: string, endpointIds: readonly string[]): Promise<void> {
  if (endpointIds.length === 0) return;
  const nowMs = Date.now();
  await ctx.db
    .insertInto('deliveries')
    .values(
      endpointIds.map((endpointId) => ({
        account_id: ctx.account,
        event_id: eventId,
        endpoint_id: endpointId,
        status: 'pending',
        attempts: 0,
        next_attempt_at: nowMs,
        claimed_until: 0,
        created: Math.floor(nowMs / 1000),
      })),
    )
    .execute();
  ctx.afterCommit.push(() => ctx.deps.notify('delivery-due'));
}

/**
 * Delivers an event again to `endpointIds` (`POST /v1/events/:id/retry`): new pending outbox rows,
 * and the event counts one more pending webhook for each until the worker delivers it.
 */
export async function resendEvent(ctx: Ctx, eventId: string, endpointIds: readonly string[]): Promise<void> {
  await enqueueDeliveries(ctx, eventId, endpointIds);
  await ctx.db
    .updateTable('events')
    .set((eb) => ({ pending_webhooks: eb('pending_webhooks', '+', endpointIds.length) }))
    .where('account_id', '=', ctx.account)
    .where('id', '=', eventId)
    .execute();
}

/**
 * The attributes of `before` that differ in `after`, with their old values: Stripe's
 * `data.previous_attributes` on `*.updated` events.
 */
export function previousAttributes(before: object, after: object): Record<string, unknown> {
  const prev: Record<string, unknown> = {};
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[key]) !== JSON.stringify(a[key])) prev[key] = b[key] ?? null;
  }
  return prev;
}
