import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Stripe from 'stripe';
import { sql } from 'kysely';
import type { Store } from '../../src/store/db.js';
import { freshPgDatabase, pgAdminUrl } from '../helpers/pg.js';
import { freshKey, sdk } from '../helpers/server.js';
import { checkInvariants, inspect, settleAndDeliver } from './checks.js';
import { baseEnv, kill9, startInstance, stop, tempDir, type Instance } from './cluster.js';
import { verifyingReceiver, type VerifyingReceiver } from './receiver.js';
import { newLedger, runWorkload } from './workload.js';

/**
 * Three real server processes on one PostgreSQL database, load spread over all of them, one
 * killed with SIGKILL mid-run and started again. Bounded: ~15 s of load, then at most ~25 s for
 * the dead instance's delivery leases (12 s here) to run out and the backlog to drain.
 */
describe('three instances on one PostgreSQL database', { skip: pgAdminUrl() ? false : 'needs PostgreSQL (npm test starts it)' }, () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  async function cluster(n: number, extra: Record<string, string> = {}) {
    const tmp = tempDir('oc-fault-pg-');
    cleanups.push(tmp.remove);
    const databaseUrl = await freshPgDatabase();
    const env = baseEnv(tmp.dir, databaseUrl, extra);
    // Started together on an empty database: their migrations race and must not trip each other.
    const instances = await Promise.all(Array.from({ length: n }, (_, i) => startInstance(`oc-${i}`, env)));
    cleanups.push(() => Promise.all(instances.map((i) => i.proc.kill('SIGKILL'))));
    const store = await inspect(tmp.dir, databaseUrl);
    cleanups.push(() => store.close());
    const rx = await verifyingReceiver();
    cleanups.push(() => rx.close());
    return { instances, env, store, rx } as { instances: Instance[]; env: Record<string, string>; store: Store; rx: VerifyingReceiver };
  }

  it('keeps every acknowledged write, pays each session once and delivers every event once, with one instance killed -9 and restarted mid-run', async (t) => {
    const { instances, env, store, rx } = await cluster(3);
    const key = freshKey();
    const admin = sdk(instances[0]!.url, key);
    const endpoint = await admin.webhookEndpoints.create({ url: rx.url, enabled_events: ['*'] });
    rx.setSecret(endpoint.secret as string);
    const price = await admin.prices.create({ currency: 'usd', unit_amount: 2500, product_data: { name: 'Poster' } });

    const ledger = newLedger();
    const load = runWorkload({ bases: () => instances.map((i) => i.url), key, price: price.id, durationMs: 15_000, concurrency: 6, ledger });
    // Mid-run: SIGKILL instance 1 (requests, transactions and delivery claims in flight), then restart it.
    await new Promise((r) => setTimeout(r, 5_000));
    const opsAtKill = ledger.ops;
    await kill9(instances[1]!);
    await new Promise((r) => setTimeout(r, 500));
    instances[1] = await startInstance('oc-1b', env);
    cleanups.push(() => instances[1]!.proc.kill('SIGKILL'));
    await load;

    await settleAndDeliver(store, key, ledger, rx.delivered, 40_000);
    const summary = await checkInvariants(store, key, ledger, rx.delivered);
    t.diagnostic(`${summary}; killed after ${opsAtKill} operations`);
    assert.ok(ledger.paid.size >= 10 && ledger.customers.size >= 10, 'the load reached the store');
    assert.ok(ledger.races.size > 0 && ledger.twins.length > 0 && ledger.achPaid.size > 0 && ledger.apiPaid.size > 0, 'every kind of operation ran');
    assert.equal(rx.rejected, 0, 'every delivery carried a valid signature');

    const codes = await Promise.all(instances.map(stop));
    assert.deepEqual(codes, [0, 0, 0], 'a graceful stop exits 0');
  });

  for (const how of ['kill', 'freeze'] as const) {
    const what = how === 'kill' ? 'is killed -9' : 'hangs (SIGSTOP)';
    it(`gives a test-clock advance held by an instance that ${what} to another instance, which runs it exactly once`, async (t) => {
      // A hung instance keeps its connections open: its transaction is ended by the idle timeout.
      const { instances, store, rx } = await cluster(3, how === 'freeze' ? { OPENCHECKOUT_PG_IDLE_TX_TIMEOUT_MS: '2000' } : {});
      const key = freshKey();
      const clients = instances.map((i) => sdk(i.url, key));
      const admin = clients[0] as Stripe;
      const endpoint = await admin.webhookEndpoints.create({ url: rx.url, enabled_events: ['*'] });
      rx.setSecret(endpoint.secret as string);
      const price = await admin.prices.create({ currency: 'usd', unit_amount: 900, product_data: { name: 'Ticket' } });
      const start = Math.floor(Date.now() / 1000);
      const clock = await admin.testHelpers.testClocks.create({ frozen_time: start });
      const customer = await admin.customers.create({ email: 'clock@example.com', test_clock: clock.id });
      // Sessions on the clock, created across the instances; the last one expires last.
      const ids: string[] = [];
      for (let batch = 0; batch < 6; batch++) {
        const made = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (clients[i % 3] as Stripe).checkout.sessions.create({
              mode: 'payment',
              customer: customer.id,
              line_items: [{ price: price.id, quantity: 1 }],
              success_url: 'https://merchant.example/ok',
              expires_at: start + 3600 + batch * 10 + i,
            }),
          ),
        );
        ids.push(...made.map((s) => s.id));
      }

      // Hold the last session's row: whichever instance runs the advance expires the others, then
      // waits on this lock with all that work uncommitted.
      const hold = await holdRow(store, ids.at(-1) as string);
      cleanups.push(hold.release);
      await clients[2]!.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 2 * 86400 });
      const waiting = await waitForWaiter(store, hold.pid);
      const victim = instances.find((i) => i.name === waiting) as Instance;
      assert.ok(victim, `the advance runs on one of the instances (found ${waiting})`);
      const visible = await admin.checkout.sessions.list({ customer: customer.id, status: 'expired', limit: 100 });
      assert.equal(visible.data.length, 0, 'the expiries done so far are uncommitted');
      if (how === 'kill') await kill9(victim);
      else victim.proc.kill('SIGSTOP');
      hold.release();
      await hold.done;

      const survivor = sdk(instances.find((i) => i !== victim)!.url, key);
      const ready = await waitForReady(survivor, clock.id);
      assert.equal(ready.frozen_time, start + 2 * 86400);
      if (how === 'freeze') {
        // Woken again, the hung instance finds its transaction gone: nothing of its work commits.
        victim.proc.kill('SIGCONT');
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal((await sdk(victim.url, key).customers.retrieve(customer.id)).id, customer.id, 'the woken instance serves requests again');
      }
      const expired = await survivor.checkout.sessions.list({ customer: customer.id, status: 'expired', limit: 100 });
      assert.equal(expired.data.length, ids.length, 'every session on the clock expired');
      const events = await store.db.selectFrom('events').select(['type', 'data']).where('type', 'in', ['checkout.session.expired', 'test_helpers.test_clock.ready']).execute();
      const perSession = new Map<string, number>();
      for (const e of events) {
        if (e.type !== 'checkout.session.expired') continue;
        const id = (JSON.parse(e.data) as { data: { object: { id: string } } }).data.object.id;
        perSession.set(id, (perSession.get(id) ?? 0) + 1);
      }
      assert.equal(perSession.size, ids.length);
      assert.ok([...perSession.values()].every((n) => n === 1), 'each session expired exactly once (the lost instance’s work rolled back)');
      assert.equal(events.filter((e) => e.type === 'test_helpers.test_clock.ready').length, 1, 'the clock became ready once');
      t.diagnostic(`advance held by ${victim.name} (${how}); taken over and run once: ${ids.length} sessions expired`);
    });
  }
});

/** Locks one session row from a connection of the test's own until release() (a stand-in for a slow step). */
async function holdRow(store: Store, sessionId: string) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: (pid: number) => void;
  const isLocked = new Promise<number>((r) => (locked = r));
  const done = store.db.transaction().execute(async (tx) => {
    const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx)).rows[0]!.pid;
    await tx.selectFrom('checkout_sessions').select('id').where('id', '=', sessionId).forUpdate().execute();
    locked(pid);
    await released;
  });
  return { pid: await isLocked, release, done };
}

/** The application_name (= instance name) of the connection waiting on the held session row. */
async function waitForWaiter(store: Store, holderPid: number): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { rows } = await sql<{ application_name: string }>`
      select application_name from pg_stat_activity
      where datname = current_database() and ${holderPid} = any(pg_blocking_pids(pid))`.execute(store.db);
    if (rows[0]) return rows[0].application_name;
    if (Date.now() > deadline) throw new Error('no instance started the advance');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForReady(stripe: Stripe, clockId: string): Promise<Stripe.TestHelpers.TestClock> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const c = await stripe.testHelpers.testClocks.retrieve(clockId);
    if (c.status === 'ready') return c;
    if (Date.now() > deadline) throw new Error(`the clock is still ${c.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
