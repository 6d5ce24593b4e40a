/**
 * What must hold in the database after a fault run, read from the store itself (not through the
 * API of the instances under test): acknowledged writes are there, each session was paid at most
 * once with one PaymentIntent and one `checkout.session.completed`, no change was announced by two
 * events, and every event reached the webhook receiver.
 */
import assert from 'node:assert/strict';
import { accountForKey } from '../../src/api/auth.js';
import { openAppStore } from '../../src/app.js';
import type { Store } from '../../src/store/db.js';
import { waitFor } from '../helpers/wait.js';
import { sql } from 'kysely';
import { API_PAYMENT, type Ledger } from './workload.js';

interface EventRow {
  id: string;
  type: string;
  objectId: string;
  pending: number;
}

/** A second handle on the instances' database (SQLite in WAL mode allows a reader beside the server). */
export function inspect(dataDir: string, databaseUrl: string | undefined): Promise<Store> {
  return openAppStore({ dataDir, databaseUrl });
}

export async function eventsOf(store: Store, key: string): Promise<EventRow[]> {
  const rows = await store.db
    .selectFrom('events')
    .select(['id', 'type', 'data', 'pending_webhooks'])
    .where('account_id', '=', accountForKey(key))
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ id: r.id, type: r.type, objectId: (JSON.parse(r.data) as { data: { object: { id: string } } }).data.object.id, pending: Number(r.pending_webhooks) }));
}

/** Waits until every bank payment settled and every event reached the receiver (pending_webhooks 0). */
export async function settleAndDeliver(store: Store, key: string, ledger: Ledger, delivered: Set<string>, timeoutMs: number): Promise<void> {
  const account = accountForKey(key);
  await waitFor(
    async () => {
      const achIds = [...ledger.achPaid];
      if (achIds.length > 0) {
        const unsettled = await store.db
          .selectFrom('checkout_sessions')
          .select('data')
          .where('account_id', '=', account)
          .where('id', 'in', achIds)
          .execute();
        if (unsettled.some((r) => (JSON.parse(r.data) as { payment_status: string }).payment_status !== 'paid')) return false;
      }
      const events = await eventsOf(store, key);
      return events.every((e) => e.pending === 0 && delivered.has(e.id));
    },
    timeoutMs,
    'every bank payment settled and every event delivered',
  );
}

/** Asserts the invariants of a fault run; returns a one-line summary for the test's diagnostics. */
export async function checkInvariants(store: Store, key: string, ledger: Ledger, delivered: Set<string>): Promise<string> {
  const account = accountForKey(key);
  const db = store.db;

  const customers = new Set((await db.selectFrom('customers').select('id').where('account_id', '=', account).execute()).map((r) => r.id));
  for (const id of ledger.customers) assert.ok(customers.has(id), `customer ${id} was acknowledged (2xx) but is not stored`);

  const sessionRows = await db
    .selectFrom('checkout_sessions')
    .select(['id', 'status', 'payment_intent_id', 'data'])
    .where('account_id', '=', account)
    .execute();
  const sessions = new Map(sessionRows.map((r) => [r.id, r]));
  for (const id of ledger.sessions) assert.ok(sessions.has(id), `session ${id} was acknowledged but is not stored`);
  for (const id of ledger.paid) assert.equal(sessions.get(id)?.status, 'complete', `session ${id} was paid (303) but is not complete`);
  for (const id of ledger.achPaid) {
    const s = sessions.get(id);
    assert.equal(s?.status, 'complete', `bank-paid session ${id} is not complete`);
    assert.equal((JSON.parse(s.data) as { payment_status: string }).payment_status, 'paid', `bank-paid session ${id} did not settle`);
  }
  for (const id of ledger.expired) assert.equal(sessions.get(id)?.status, 'expired', `session ${id} was expired (2xx) but is ${sessions.get(id)?.status}`);

  // Concurrent submits of one session: at most one payment; every instance that answered agreed.
  for (const [id, statuses] of ledger.races) {
    assert.ok(statuses.filter((s) => s === 303).length <= 1, `session ${id} was paid twice: ${statuses.join(',')}`);
    assert.ok(statuses.every((s) => s === 303 || s === 409 || s === 0), `session ${id}: unexpected statuses ${statuses.join(',')}`);
    if (statuses.every((s) => s !== 0)) assert.equal(statuses.filter((s) => s === 303).length, 1, `session ${id}: ${statuses.join(',')}`);
  }
  // One Idempotency-Key on several instances at once: one result, replayed to every answer.
  for (const t of ledger.twins) {
    assert.ok(new Set(t.ids).size <= 1, `key ${t.key} created several objects: ${t.ids.join(',')}`);
    assert.ok(t.statuses.every((s) => s === 200 || s === 0), `key ${t.key}: statuses ${t.statuses.join(',')}`);
  }

  // API payments: every acknowledged one is stored succeeded with its charge; none is half-done.
  const intentRows = await db.selectFrom('payment_intents').select(['id', 'data']).where('account_id', '=', account).execute();
  const apiIntents = new Map(
    intentRows
      .map((r) => [r.id, JSON.parse(r.data) as { status: string; latest_charge: string | null; metadata: Record<string, string> }] as const)
      .filter(([, pi]) => pi.metadata.load === API_PAYMENT),
  );
  for (const id of ledger.apiPaid) assert.ok(apiIntents.has(id), `API PaymentIntent ${id} was acknowledged but is not stored`);
  const chargeRows = (await sql<{ id: string; data: string }>`select id, data from charges where account_id = ${account}`.execute(db)).rows;
  const chargeOf = new Map(chargeRows.map((r) => [r.id, JSON.parse(r.data) as { status: string; payment_intent: string }]));
  for (const [id, pi] of apiIntents) {
    assert.equal(pi.status, 'succeeded', `API PaymentIntent ${id} is ${pi.status}`);
    assert.equal(chargeOf.get(pi.latest_charge as string)?.payment_intent, id, `API PaymentIntent ${id} lost its charge`);
  }

  // One PaymentIntent per paid session, and no PaymentIntent that no session owns (but the API's).
  const intents = intentRows.map((r) => r.id).filter((id) => !apiIntents.has(id));
  const owners = new Map<string, string[]>();
  for (const s of sessionRows) if (s.payment_intent_id) owners.set(s.payment_intent_id, [...(owners.get(s.payment_intent_id) ?? []), s.id]);
  for (const pi of intents) assert.deepEqual(owners.get(pi)?.length, 1, `PaymentIntent ${pi} belongs to ${owners.get(pi)?.join(',') ?? 'no session'}`);
  const completed = sessionRows.filter((s) => s.status === 'complete');
  for (const s of completed) assert.ok(s.payment_intent_id, `complete session ${s.id} has no PaymentIntent`);
  assert.equal(intents.length, completed.length, 'PaymentIntents = completed sessions');

  // No change announced twice; `.updated` is the one type that may repeat for one object.
  const events = await eventsOf(store, key);
  const seen = new Map<string, number>();
  for (const e of events) {
    if (e.type.endsWith('.updated')) continue;
    const k = `${e.type} ${e.objectId}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const twice = [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`);
  assert.deepEqual(twice, [], 'events emitted more than once for one change');
  for (const s of sessionRows) {
    const n = seen.get(`checkout.session.completed ${s.id}`) ?? 0;
    assert.equal(n, s.status === 'complete' ? 1 : 0, `checkout.session.completed for ${s.id} (${s.status})`);
  }
  for (const id of ledger.achPaid) assert.equal(seen.get(`checkout.session.async_payment_succeeded ${id}`), 1, `settlement event of ${id}`);
  for (const [id, pi] of apiIntents) {
    assert.equal(seen.get(`payment_intent.succeeded ${id}`), 1, `payment_intent.succeeded of ${id}`);
    assert.equal(seen.get(`charge.succeeded ${pi.latest_charge}`), 1, `charge.succeeded of ${id}`);
  }

  // At-least-once delivery: every stored event reached the receiver.
  const undelivered = events.filter((e) => !delivered.has(e.id)).map((e) => `${e.type} ${e.id}`);
  assert.deepEqual(undelivered, [], 'events never delivered');

  return (
    `${ledger.ops} operations; stored ${customers.size} customers, ${sessionRows.length} sessions (${completed.length} complete, ` +
    `${ledger.achPaid.size} by bank), ${intents.length} PaymentIntents, ${apiIntents.size} API payments, ${events.length} events, all delivered; ` +
    `${ledger.races.size} double submits, ${ledger.twins.length} idempotent twins; failures: ` +
    ([...ledger.failures].map(([k, n]) => `${k} x${n}`).join(', ') || 'none')
  );
}
