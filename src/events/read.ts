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
