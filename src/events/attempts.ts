import { endpointTargets } from '../resources/webhook-endpoints/store.js';
import type { Db } from '../store/db.js';

/** One recorded delivery attempt, as the admin route serves it. */
export interface AttemptView {
  object: 'delivery_attempt';
  event: string;
  endpoint: string;
  /** The endpoint's URL now (null once the endpoint is deleted). */
  url: string | null;
  /** 1 for the first attempt of this event to this endpoint (a resend starts again at 1). */
  attempt: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  /** The response body's first 2 KB; null without a response (or recorded before bodies were kept). */
  response_body: string | null;
  /** When the attempt was sent: unix milliseconds (real time). */
  at: number;
  delivery_status: string;
}

/** The state of each delivery of the event (one per endpoint, plus one per resend). */
export interface DeliveryView {
  object: 'delivery';
  endpoint: string;
  status: string;
  attempts: number;
  /** Unix milliseconds of the next attempt while pending; null once delivered or failed. */
  next_attempt_at: number | null;
}

/** Every attempt to deliver one event of an account, oldest first, and its deliveries' state. */
export async function eventAttempts(db: Db, account: string, eventId: string): Promise<{ attempts: AttemptView[]; deliveries: DeliveryView[] }> {
  const deliveries = await db
    .selectFrom('deliveries')
    .select(['seq', 'endpoint_id', 'status', 'attempts', 'next_attempt_at'])
    .where('account_id', '=', account)
    .where('event_id', '=', eventId)
    .orderBy('seq')
    .execute();
  const rows = await db
    .selectFrom('delivery_attempts')
    .select(['delivery_seq', 'endpoint_id', 'status_code', 'latency_ms', 'error', 'response_body', 'at'])
    .where('account_id', '=', account)
    .where('event_id', '=', eventId)
    .orderBy('at')
    .orderBy('seq')
    .execute();
  const endpointIds = [...new Set([...rows.map((r) => r.endpoint_id), ...deliveries.map((d) => d.endpoint_id)])];
  const urls = new Map((await endpointTargets(db, account, endpointIds)).map((e) => [e.id, e.url]));
  const statusBySeq = new Map(deliveries.map((d) => [Number(d.seq), d.status]));
  const counters = new Map<number, number>();
  const attempts = rows.map((r): AttemptView => {
    const seq = Number(r.delivery_seq);
    const n = (counters.get(seq) ?? 0) + 1;
    counters.set(seq, n);
    return {
      object: 'delivery_attempt',
      event: eventId,
      endpoint: r.endpoint_id,
      url: urls.get(r.endpoint_id) ?? null,
      attempt: n,
      status_code: r.status_code === null ? null : Number(r.status_code),
      latency_ms: Number(r.latency_ms),
      error: r.error,
      response_body: r.response_body,
      at: Number(r.at),
      delivery_status: statusBySeq.get(seq) ?? 'pruned',
    };
  });
  return {
    attempts,
    deliveries: deliveries.map((d) => ({
      object: 'delivery',
      endpoint: d.endpoint_id,
      status: d.status,
      attempts: Number(d.attempts),
      next_attempt_at: d.status === 'pending' ? Number(d.next_attempt_at) : null,
    })),
  };
}

/** One attempt to deliver to an endpoint, as its Dashboard page lists them. */
export type EndpointAttemptView = Pick<AttemptView, 'event' | 'endpoint' | 'status_code' | 'latency_ms' | 'error' | 'response_body' | 'at'>;

/** The latest `limit` delivery attempts to one endpoint of an account, newest first. */
export async function endpointAttempts(db: Db, account: string, endpointId: string, limit = 50): Promise<EndpointAttemptView[]> {
  const rows = await db
    .selectFrom('delivery_attempts')
    .select(['event_id', 'status_code', 'latency_ms', 'error', 'response_body', 'at'])
    .where('account_id', '=', account)
    .where('endpoint_id', '=', endpointId)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    event: r.event_id,
    endpoint: endpointId,
    status_code: r.status_code === null ? null : Number(r.status_code),
    latency_ms: Number(r.latency_ms),
    error: r.error,
    response_body: r.response_body,
    at: Number(r.at),
  }));
}
