import type { Db } from '../store/db.js';
import type { StripeEvent } from './emit.js';

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
