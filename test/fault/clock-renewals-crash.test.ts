/**
 * A test clock advanced by several months over subscriptions that renew, with the server killed
 * -9 in the middle of the advance and started again on the same data: the advance runs in one
 * transaction (docs/architecture.md#time-and-jobs), so what the dead process did is rolled back
 * and the restarted one runs the whole advance again. No renewal invoice may be lost or made
 * twice, and each event is written and delivered once. SQLite (a process on its data directory)
 * and PostgreSQL (where a row the advance needs is held, so the kill lands while it waits).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Stripe from 'stripe';
import { sql } from 'kysely';
import type { Store } from '../../src/store/db.js';
import { freshPgDatabase, pgAdminUrl } from '../helpers/pg.js';
import { freshKey, sdk } from '../helpers/server.js';
import { eventsOf, inspect } from './checks.js';
import { baseEnv, kill9, startInstance, stop, tempDir, type Instance } from './cluster.js';
import { verifyingReceiver } from './receiver.js';

const START = Date.UTC(2027, 0, 10) / 1000;
const MONTHS = 4;
/** After the fourth renewal's hour as a draft, so every renewal is finalized and paid. */
const TARGET = Date.UTC(2027, MONTHS, 10, 2) / 1000;

async function waitForReady(stripe: Stripe, clockId: string, timeoutMs = 60_000): Promise<Stripe.TestHelpers.TestClock> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await stripe.testHelpers.testClocks.retrieve(clockId);
    if (c.status === 'ready') return c;
    if (Date.now() > deadline) throw new Error(`the clock is still ${c.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Holds one subscription row from a connection of the test's own until release() (PostgreSQL). */
async function holdSubscription(store: Store, id: string) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: (pid: number) => void;
  const isLocked = new Promise<number>((r) => (locked = r));
  const done = store.db.transaction().execute(async (tx) => {
    const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx)).rows[0]!.pid;
    await sql`select id from subscriptions where id = ${id} for update`.execute(tx);
    locked(pid);
    await released;
  });
  return { pid: await isLocked, release, done };
}

/** Waits until a connection of the server waits on the held row: the advance is under way, its work so far uncommitted. */
async function waitForWaiter(store: Store, holderPid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and ${holderPid} = any(pg_blocking_pids(pid))`.execute(store.db);
    if (rows[0]) return;
    if (Date.now() > deadline) throw new Error('the advance never reached the held subscription');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const stores: Array<'sqlite' | 'postgres'> = pgAdminUrl() ? ['sqlite', 'postgres'] : ['sqlite'];

describe('a test clock advance that renews subscriptions, killed -9 mid-advance and restarted', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  for (const kind of stores) {
    it(`loses no renewal and makes none twice; every event is written and delivered once (${kind})`, async (t) => {
      const tmp = tempDir('oc-fault-clock-');
      cleanups.push(tmp.remove);
      const databaseUrl = kind === 'postgres' ? await freshPgDatabase() : undefined;
      const env = baseEnv(tmp.dir, databaseUrl);
      let instance: Instance = await startInstance(`oc-clock-${kind}`, env);
      cleanups.push(() => instance.proc.kill('SIGKILL'));
      const rx = await verifyingReceiver();
      cleanups.push(() => rx.close());
      const key = freshKey();
      let stripe = sdk(instance.url, key);
      const endpoint = await stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['*'] });
      rx.setSecret(endpoint.secret as string);

      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: START });
      const price = await stripe.prices.create({ currency: 'usd', unit_amount: 1200, recurring: { interval: 'month' }, product_data: { name: 'Plan' } });
      const subs: Stripe.Subscription[] = [];
      const count = kind === 'sqlite' ? 16 : 6;
      for (let i = 0; i < count; i++) {
        const customer = await stripe.customers.create({ email: `r${i}@example.com`, test_clock: clock.id });
        const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
        subs.push(await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_payment_method: pm.id }));
      }

      const store = await inspect(tmp.dir, databaseUrl);
      cleanups.push(() => store.close());
      const started = Date.now();
      if (kind === 'postgres') {
        // The last subscription's row is held: the advance renews the others' first month, then
        // waits on it with all that work uncommitted. Then the process is killed.
        const hold = await holdSubscription(store, subs.at(-1)!.id);
        cleanups.push(hold.release);
        await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: TARGET });
        await waitForWaiter(store, hold.pid);
        await kill9(instance);
        hold.release();
        await hold.done;
      } else {
        // One process owns the file: the kill lands while the advance (seconds of renewals) runs.
        await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: TARGET });
        await new Promise((r) => setTimeout(r, 200));
        await kill9(instance);
      }
      const killedAfter = Date.now() - started;

      // What the dead process did is gone: the clock is still advancing and no renewal exists.
      const clockRow = await sql<{ status: string }>`select status from test_clocks where id = ${clock.id}`.execute(store.db);
      assert.equal(clockRow.rows[0]?.status, 'advancing', 'the kill landed before the advance committed');
      const renewalsAtKill = await sql<{ n: number }>`select count(*) as n from invoices where data like ${'%"billing_reason":"subscription_cycle"%'}`.execute(store.db);
      assert.equal(Number(renewalsAtKill.rows[0]?.n), 0, 'no renewal of the interrupted advance was kept');

      instance = await startInstance(`oc-clock-${kind}-restarted`, env);
      stripe = sdk(instance.url, key);
      const rerun = Date.now();
      const ready = await waitForReady(stripe, clock.id);
      const rerunMs = Date.now() - rerun;
      assert.equal(ready.frozen_time, TARGET);

      // One invoice per subscription and period: the first, then one renewal a month, all paid.
      let invoiceCount = 0;
      for (const sub of subs) {
        const invoices = (await stripe.invoices.list({ subscription: sub.id, limit: 100 })).data.reverse();
        assert.equal(invoices.length, MONTHS + 1, `${sub.id} has its first invoice and ${MONTHS} renewals`);
        assert.deepEqual(
          invoices.map((i) => i.billing_reason),
          ['subscription_create', ...Array.from({ length: MONTHS }, () => 'subscription_cycle')],
        );
        const periods = invoices.map((i) => i.lines.data[0]?.period.start);
        assert.deepEqual(periods, Array.from({ length: MONTHS + 1 }, (_, m) => Date.UTC(2027, m, 10) / 1000), 'one invoice for each period');
        assert.ok(invoices.every((i) => i.status === 'paid' && i.amount_paid === 1200));
        assert.equal(new Set(invoices.map((i) => i.number)).size, MONTHS + 1, 'each invoice numbered once');
        const charges = (await stripe.charges.list({ customer: sub.customer as string, limit: 100 })).data;
        assert.equal(charges.length, MONTHS + 1, 'one charge per invoice');
        invoiceCount += invoices.length;
      }

      // Each event once: per invoice, one of each of its events; the clock became ready once.
      const events = await eventsOf(store, key);
      const perObject = new Map<string, number>();
      for (const e of events) perObject.set(`${e.type} ${e.objectId}`, (perObject.get(`${e.type} ${e.objectId}`) ?? 0) + 1);
      for (const type of ['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded', 'invoice_payment.paid', 'payment_intent.succeeded', 'charge.succeeded']) {
        const ofType = [...perObject].filter(([k]) => k.startsWith(`${type} `));
        assert.equal(ofType.length, invoiceCount, `${type}: one object per invoice`);
        assert.ok(ofType.every(([, n]) => n === 1), `${type}: each once`);
      }
      assert.equal(events.filter((e) => e.type === 'test_helpers.test_clock.ready').length, 1, 'the clock became ready once');
      const updates = events.filter((e) => e.type === 'customer.subscription.updated');
      assert.equal(updates.length, count * MONTHS, 'one customer.subscription.updated per renewal');

      // Every event reached the receiver, verified; nothing of the rolled-back work was sent.
      const deadline = Date.now() + 30_000;
      while ((await eventsOf(store, key)).some((e) => e.pending > 0)) {
        if (Date.now() > deadline) throw new Error('events still pending delivery');
        await new Promise((r) => setTimeout(r, 100));
      }
      const ids = new Set(events.map((e) => e.id));
      assert.ok([...ids].every((id) => rx.delivered.has(id)), 'every event was delivered');
      assert.ok([...rx.delivered].every((id) => ids.has(id)), 'no event of the rolled-back advance was delivered');
      assert.equal(rx.rejected, 0);
      t.diagnostic(`${count} subscriptions × ${MONTHS} renewals; killed ${killedAfter} ms into the advance, which then ran whole in ${rerunMs} ms; ${events.length} events`);
      assert.equal(await stop(instance), 0, 'a graceful stop exits 0');
    });
  }
});
