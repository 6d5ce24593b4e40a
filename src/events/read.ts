import type { Db } from '../store/db.js';
import type { Filter, Page, PageResult } from '../store/objects.js';
import { events, type StripeEvent } from './emit.js';

/**
 * An Event as served and as delivered. `pending_webhooks` comes from its column, which the
 * delivery worker keeps current; the JSON in `data` holds the count at emission time only.
 */
export function servedEvent(row: { data: string; pending_webhooks: number }): StripeEvent {
  const event = JSON.parse(row.data) as StripeEvent;
  event.pending_webhooks = Number(row.pending_webhooks);
  return event;
}

/** Loads one Event of an account, as served; undefined when it does not exist (or was pruned). */
export async function loadEvent(db: Db, account: string, id: string): Promise<StripeEvent | undefined> {
  const row = await db
    .selectFrom('events')
    .select(['data', 'pending_webhooks'])
    .where('account_id', '=', account)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? servedEvent(row) : undefined;
}

/** What `GET /v1/events` filters on. */
export interface EventFilter {
  /** One type, or a pattern where `*` matches any run of characters (`checkout.session.*`). */
  type?: string | undefined;
  types?: readonly string[] | undefined;
  /** true: every endpoint got it; false: some delivery is pending or failed. */
  deliverySuccess?: boolean | undefined;
}

/** `customer.*` -> LIKE `customer.%`, with LIKE's own wildcards in event types (`_`) escaped. */
function likePattern(type: string): string {
  return type.replace(/[\\%_]/g, (c) => `\\${c}`).replaceAll('*', '%');
}

/** A page of the account's events, newest first, as served. */
export async function listEvents(db: Db, account: string, f: EventFilter, page: Page): Promise<PageResult<StripeEvent>> {
  const filter: Filter = {};
  if (f.type !== undefined) filter.type = f.type.includes('*') ? { like: likePattern(f.type) } : f.type;
  if (f.types !== undefined) filter.type = { in: f.types };
  if (f.deliverySuccess !== undefined) filter.pending_webhooks = f.deliverySuccess ? 0 : { gt: 0 };
  const result = await events.listRows<{ data: string; pending_webhooks: number }>(db, account, filter, page, ['data', 'pending_webhooks']);
  return { ...result, data: result.data.map(servedEvent) };
}

/** Where a timeline page stopped: the last event's `created` and `seq` (pass it as `after`). */
export interface TimelinePosition {
  created: number;
  seq: number;
}

/**
 * A page of the events about an object (about.ts: its own, and those of objects that point at it),
 * newest first as the events list orders them, from the `event_objects` index: complete however
 * many events the account has. `created` bounds the events' time (a test clock's advance);
 * `type` keeps one type.
 */
export async function listEventsAbout(
  db: Db,
  account: string,
  objectId: string,
  page: { limit: number; after?: TimelinePosition | undefined; created?: { gt?: number; lt?: number } | undefined; type?: string | undefined },
): Promise<{ data: StripeEvent[]; hasMore: boolean; last?: TimelinePosition }> {
  let q = db
    .selectFrom('event_objects as eo')
    .innerJoin('events as e', 'e.seq', 'eo.event_seq')
    .select(['e.data', 'e.pending_webhooks', 'eo.created', 'eo.event_seq'])
    .where('eo.account_id', '=', account)
    .where('eo.object_id', '=', objectId);
  const after = page.after;
  if (after) q = q.where((eb) => eb.or([eb('eo.created', '<', after.created), eb.and([eb('eo.created', '=', after.created), eb('eo.event_seq', '<', after.seq)])]));
  if (page.created?.gt !== undefined) q = q.where('eo.created', '>', page.created.gt);
  if (page.created?.lt !== undefined) q = q.where('eo.created', '<', page.created.lt);
  if (page.type !== undefined) q = q.where('e.type', '=', page.type);
  const rows = await q.orderBy('eo.created', 'desc').orderBy('eo.event_seq', 'desc').limit(page.limit + 1).execute();
  const data = rows.slice(0, page.limit);
  const tail = data[data.length - 1];
  return {
    data: data.map(servedEvent),
    hasMore: rows.length > page.limit,
    ...(tail ? { last: { created: Number(tail.created), seq: Number(tail.event_seq) } } : {}),
  };
}
