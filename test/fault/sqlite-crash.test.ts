import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshKey, sdk } from '../helpers/server.js';
import { checkInvariants, inspect, settleAndDeliver } from './checks.js';
import { baseEnv, kill9, startInstance, stop, tempDir, type Instance } from './cluster.js';
import { verifyingReceiver } from './receiver.js';
import { newLedger, runWorkload } from './workload.js';

/**
 * The single-instance mode: one process on a SQLite data directory, killed with SIGKILL under load
 * and started again on the same directory. What it acknowledged must survive (WAL, synchronous =
 * NORMAL), and the restarted process must finish what the dead one had claimed.
 */
describe('one instance on SQLite, killed -9 under load and restarted on its data directory', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  it('keeps every acknowledged write, pays each session once and delivers every event', async (t) => {
    const tmp = tempDir('oc-fault-sqlite-');
    cleanups.push(tmp.remove);
    const env = baseEnv(tmp.dir, undefined);
    let instance: Instance = await startInstance('oc-sqlite', env);
    cleanups.push(() => instance.proc.kill('SIGKILL'));
    const rx = await verifyingReceiver();
    cleanups.push(() => rx.close());
    const key = freshKey();
    const admin = sdk(instance.url, key);
    const endpoint = await admin.webhookEndpoints.create({ url: rx.url, enabled_events: ['*'] });
    rx.setSecret(endpoint.secret as string);
    const price = await admin.prices.create({ currency: 'usd', unit_amount: 1200, product_data: { name: 'Lamp' } });

    const ledger = newLedger();
    // Double submits and idempotent twins go three at a time to the one instance.
    const load = runWorkload({ bases: () => [instance.url, instance.url, instance.url], key, price: price.id, durationMs: 14_000, concurrency: 6, ledger });
    await new Promise((r) => setTimeout(r, 4_000));
    const opsAtKill = ledger.ops;
    await kill9(instance);
    instance = await startInstance('oc-sqlite-restarted', env);
    await load;

    const store = await inspect(tmp.dir, undefined);
    cleanups.push(() => store.close());
    const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(store.db);
    assert.equal(integrity.rows[0]?.integrity_check, 'ok', 'the database file survived the kill intact');
    await settleAndDeliver(store, key, ledger, rx.delivered, 30_000);
    const summary = await checkInvariants(store, key, ledger, rx.delivered);
    t.diagnostic(`${summary}; killed after ${opsAtKill} operations`);
    assert.ok(ledger.paid.size >= 10 && ledger.customers.size >= 10, 'the load reached the store');
    assert.ok(ledger.races.size > 0 && ledger.twins.length > 0 && ledger.achPaid.size > 0 && ledger.apiPaid.size > 0, 'every kind of operation ran');
    assert.equal(rx.rejected, 0, 'every delivery carried a valid signature');
    assert.equal(await stop(instance), 0, 'a graceful stop exits 0');
  });
});
