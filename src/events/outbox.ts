import type { Db, Dialect, Store } from '../store/db.js';
import type { PostResult } from './post.js';

/** A `deliveries` row claimed by this worker, with the lease it holds. */
export interface ClaimedDelivery {
  seq: number;
  account_id: string;
  event_id: string;
  endpoint_id: string;
  /** Attempts made before this one. */
  attempts: number;
  claimedUntil: number;
}

/**
 * Claims up to `limit` due deliveries (pending, due, lease expired) by setting their lease.
 * On PostgreSQL the inner select takes row locks with SKIP LOCKED, so instances never claim the
 * same row at once; a dead instance's claims come back when its lease runs out
 * (docs/decisions.md#webhook-delivery). SQLite has one instance and one writer, so the
 * conditional update is enough.
 */
export async function claimDue(
  db: Db,
  dialect: Dialect,
  opts: { limit: number; nowMs: number; leaseMs: number; skipEndpoints: string[] },
): Promise<ClaimedDelivery[]> {
  const { limit, nowMs, leaseMs, skipEndpoints } = opts;
  if (limit <= 0) return [];
  const claimedUntil = nowMs + leaseMs;
  const rows = await db
    .updateTable('deliveries')
    .set({ claimed_until: claimedUntil })
    .where('seq', 'in', (eb) => {
      let due = eb
        .selectFrom('deliveries')
        .select('seq')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', nowMs)
        .where('claimed_until', '<', nowMs);
      if (skipEndpoints.length > 0) due = due.where('endpoint_id', 'not in', skipEndpoints);
      // Ordered by the index alone (status, next_attempt_at): a second sort key would make every
      // claim sort the whole backlog.
      due = due.orderBy('next_attempt_at').limit(limit);
      return dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
    })
    .returning(['seq', 'account_id', 'event_id', 'endpoint_id', 'attempts'])
    .execute();
  return rows
    .map((r) => ({ ...r, seq: Number(r.seq), attempts: Number(r.attempts), claimedUntil }))
    .sort((a, b) => a.seq - b.seq);
}

/**
 * Extends a claim that waited in this worker's queue, so the lease outlives the attempt about to
 * start. False when the claim was lost (lease expired and another instance took the row).
 */
export async function renewClaim(store: Store, d: ClaimedDelivery, untilMs: number): Promise<boolean> {
  const res = await store.db
    .updateTable('deliveries')
    .set({ claimed_until: untilMs })
    .where('seq', '=', d.seq)
    .where('status', '=', 'pending')
    .where('claimed_until', '=', d.claimedUntil)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) return false;
  d.claimedUntil = untilMs;
  return true;
}

/** Gives claims back without an attempt (shutdown): a restarted or other instance sends them. */
export async function releaseClaims(store: Store, seqs: number[]): Promise<void> {
  if (seqs.length === 0) return;
  await store.db.updateTable('deliveries').set({ claimed_until: 0 }).where('seq', 'in', seqs).where('status', '=', 'pending').execute();
}

/**
 * On SQLite only one process serves a data directory, so every lease found at start belongs to a
 * process that died (kill -9): free them now rather than wait for them to run out.
 */
export async function releaseStaleClaims(store: Store): Promise<void> {
  if (store.dialect !== 'sqlite') return;
  await store.db.updateTable('deliveries').set({ claimed_until: 0 }).where('status', '=', 'pending').where('claimed_until', '>', 0).execute();
}

/**
 * Seconds to wait after failed attempt number `attempt` (1-based): the configured schedule (its last
 * entry repeats) with ±20 % jitter, so receivers that failed together are not retried in lockstep.
 */
export function retryDelayMs(schedule: readonly number[], attempt: number, random: () => number = Math.random): number {
  const base = schedule[Math.min(attempt, schedule.length) - 1] ?? schedule.at(-1) ?? 60;
  return Math.round(base * 1000 * (0.8 + 0.4 * random()));
}

export type Outcome = { kind: 'delivered' } | { kind: 'retry'; nextAttemptAt: number } | { kind: 'failed' };

/** One finished attempt to record. */
export interface AttemptRecord {
  d: ClaimedDelivery;
  result: PostResult;
  outcome: Outcome;
  atMs: number;
}

/**
 * Records finished attempts and their consequences inside the caller's transaction: each
 * delivery's new state, the attempt rows, and one less pending webhook per delivered event. Each
 * delivery update is conditional on it still being pending, so a late duplicate (lost lease)
 * counts nothing. Set-based, so a batch costs a handful of statements whatever its size (on
 * PostgreSQL each statement is a round trip). Returns, per record, whether it was recorded.
 */
export async function recordAttempts(tx: Db, records: readonly AttemptRecord[]): Promise<boolean[]> {
  const updated = new Set<number>();
  for (const kind of ['delivered', 'failed'] as const) {
    const seqs = records.filter((r) => r.outcome.kind === kind).map((r) => r.d.seq);
    if (seqs.length === 0) continue;
    const rows = await tx
      .updateTable('deliveries')
      .set((eb) => ({ status: kind, claimed_until: 0, attempts: eb('attempts', '+', 1) }))
      .where('seq', 'in', seqs)
      .where('status', '=', 'pending')
      .returning('seq')
      .execute();
    for (const row of rows) updated.add(Number(row.seq));
  }
  for (const r of records) {
    if (r.outcome.kind !== 'retry') continue;
    const res = await tx
      .updateTable('deliveries')
      .set((eb) => ({ claimed_until: 0, next_attempt_at: (r.outcome as { nextAttemptAt: number }).nextAttemptAt, attempts: eb('attempts', '+', 1) }))
      .where('seq', '=', r.d.seq)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) > 0) updated.add(r.d.seq);
  }
  // Gone (account reset, endpoint deleted) or finished by another instance: nothing to record.
  const kept = records.filter((r) => updated.has(r.d.seq));
  if (kept.length > 0) {
    await tx
      .insertInto('delivery_attempts')
      .values(
        kept.map((r) => ({
          account_id: r.d.account_id,
          delivery_seq: r.d.seq,
          event_id: r.d.event_id,
          endpoint_id: r.d.endpoint_id,
          at: r.atMs,
          status_code: r.result.statusCode,
          latency_ms: r.result.latencyMs,
          error: r.result.error,
          response_body: r.result.responseBody ?? null,
        })),
      )
      .execute();
  }
  const delivered = kept.filter((r) => r.outcome.kind === 'delivered').map((r) => [r.d.account_id, r.d.event_id] as const);
  await decrementEvents(tx, delivered);
  return records.map((r) => updated.has(r.d.seq));
}

/** One less pending webhook per (account, event) pair listed; a pair listed twice counts twice. */
async function decrementEvents(tx: Db, pairs: ReadonlyArray<readonly [string, string]>): Promise<void> {
  let rest = [...pairs];
  while (rest.length > 0) {
    // One statement per round of distinct events: usually one round.
    const seen = new Set<string>();
    const round: Array<readonly [string, string]> = [];
    const later: Array<readonly [string, string]> = [];
    for (const p of rest) {
      const k = `${p[0]} ${p[1]}`;
      if (seen.has(k)) later.push(p);
      else {
        seen.add(k);
        round.push(p);
      }
    }
    await tx
      .updateTable('events')
      .set((eb) => ({ pending_webhooks: eb('pending_webhooks', '-', 1) }))
      .where(({ eb, refTuple, tuple }) => eb(refTuple('account_id', 'id'), 'in', round.map(([a, id]) => tuple(a, id))))
      .where('pending_webhooks', '>', 0)
      .execute();
    rest = later;
  }
}

/**
 * Ends a delivery that can no longer be attempted (its endpoint was deleted, or its event is gone)
 * without an attempt. A deleted endpoint no longer counts in the event's `pending_webhooks`.
 */
export async function abandon(store: Store, d: ClaimedDelivery, decrement: boolean): Promise<void> {
  await store.transaction(async (tx) => {
    const res = await tx
      .updateTable('deliveries')
      .set({ status: 'failed', claimed_until: 0 })
      .where('seq', '=', d.seq)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (decrement && Number(res.numUpdatedRows) > 0) await decrementPending(tx, d.account_id, d.event_id);
  });
}

async function decrementPending(tx: Db, account: string, eventId: string): Promise<void> {
  await tx
    .updateTable('events')
    .set((eb) => ({ pending_webhooks: eb('pending_webhooks', '-', 1) }))
    .where('account_id', '=', account)
    .where('id', '=', eventId)
    .where('pending_webhooks', '>', 0)
    .execute();
}

/**
 * Called in the transaction that deletes an endpoint: its pending deliveries end as failed and no
 * longer count in their events' `pending_webhooks`, so the counts stay true at once.
 */
export async function abandonEndpoint(tx: Db, account: string, endpointId: string): Promise<void> {
  const pending = await tx
    .selectFrom('deliveries')
    .select('event_id')
    .where('account_id', '=', account)
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .execute();
  if (pending.length === 0) return;
  await tx
    .updateTable('deliveries')
    .set({ status: 'failed', claimed_until: 0 })
    .where('account_id', '=', account)
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .execute();
  for (const p of pending) await decrementPending(tx, account, p.event_id);
}
