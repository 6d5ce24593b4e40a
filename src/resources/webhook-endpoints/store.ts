/**
 * The `webhook_endpoints` table (this folder owns it). It imports nothing but the store, so the
 * event log and the delivery worker (src/events/) read endpoints through it without a cycle.
 */
import type { Db } from '../../store/db.js';
import { ObjectTable } from '../../store/objects.js';
import type { WebhookEndpoint } from './shape.js';

export const webhookEndpoints = new ObjectTable<WebhookEndpoint>('webhook_endpoints');

/** Where and how to send: an endpoint's URL, signing secret and status. */
export interface EndpointTarget {
  id: string;
  url: string;
  secret: string;
  status: string;
}

/** Does an endpoint's `enabled_events` list take this event type? */
export function endpointWants(enabled: readonly string[], type: string): boolean {
  return enabled.includes('*') || enabled.includes(type);
}

/** The endpoint with this id in the account, or undefined. */
export function findWebhookEndpoint(db: Db, account: string, id: string): Promise<WebhookEndpoint | undefined> {
  return webhookEndpoints.get(db, account, id);
}

interface Enabled {
  id: string;
  events: readonly string[];
}

/** The enabled endpoints read for a scope (a request's or a job's context), with where they were read. */
const readFor = new WeakMap<object, { db: Db; account: string; endpoints: Promise<Enabled[]> }>();

/**
 * The ids of the account's enabled endpoints that take events of `type`, for every event emitted.
 * Given a `scope` (the request's or job's context), the endpoints are read once for it: a
 * subscription create emits nine events, and read them nine times. A scope lives for one request
 * or job, and no request both changes an endpoint and emits an event.
 */
export async function endpointIdsFor(db: Db, account: string, type: string, scope?: object): Promise<string[]> {
  let read = scope ? readFor.get(scope) : undefined;
  if (!read || read.db !== db || read.account !== account) {
    read = { db, account, endpoints: enabledEndpoints(db, account) };
    if (scope) readFor.set(scope, read);
  }
  const ids: string[] = [];
  for (const e of await read.endpoints) if (endpointWants(e.events, type)) ids.push(e.id);
  return ids;
}

async function enabledEndpoints(db: Db, account: string): Promise<Enabled[]> {
  const rows = (await webhookEndpoints.select(db, account, { status: 'enabled' }, ['id', 'data'])) as Array<{ id: string; data: string }>;
  return rows.map((e) => ({ id: e.id, events: (JSON.parse(e.data) as { enabled_events: string[] }).enabled_events }));
}

/** The account's endpoints with these ids (unknown ids are left out), with their secrets. */
export async function endpointTargets(db: Db, account: string, ids: readonly string[]): Promise<EndpointTarget[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('webhook_endpoints')
    .select(['id', 'data', 'secret', 'status'])
    .where('account_id', '=', account)
    .where('id', 'in', [...ids])
    .execute();
  return rows.map((row) => ({ id: row.id, url: (JSON.parse(row.data) as { url: string }).url, secret: row.secret, status: row.status }));
}
