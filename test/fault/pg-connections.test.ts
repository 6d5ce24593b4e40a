import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshPgDatabase, pgAdminUrl } from '../helpers/pg.js';
import { freshKey, sdk } from '../helpers/server.js';
import { inspect } from './checks.js';
import { baseEnv, startInstance, stop, tempDir } from './cluster.js';

/**
 * PostgreSQL ends connections on its own: a restart or failover, an administrator's
 * pg_terminate_backend, the idle-transaction timeout. An instance loses the queries that were on
 * them, never the process.
 */
describe('an instance whose PostgreSQL connections are closed under it', { skip: pgAdminUrl() ? false : 'needs PostgreSQL (npm test starts it)' }, () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  it('keeps serving after PostgreSQL terminates every connection it holds, idle or in use', async () => {
    const tmp = tempDir('oc-fault-conn-');
    cleanups.push(tmp.remove);
    const databaseUrl = await freshPgDatabase();
    const instance = await startInstance('oc-conn', baseEnv(tmp.dir, databaseUrl, { PG_POOL_SIZE: '4' }));
    cleanups.push(() => instance.proc.kill('SIGKILL'));
    const store = await inspect(tmp.dir, databaseUrl);
    cleanups.push(() => store.close());
    const stripe = sdk(instance.url, freshKey());
    const terminate = () =>
      sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'oc-conn' and datname = current_database()`.execute(store.db);

    // Fill the pool with idle connections, then end them all.
    await Promise.all(Array.from({ length: 8 }, (_, i) => stripe.customers.create({ email: `c${i}@example.com` })));
    const ended = await terminate();
    assert.ok(ended.rows.length > 0, 'the instance had connections to end');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(instance.proc.exitCode, null, `the instance is still running:\n${instance.output()}`);

    // Now end them while requests are in flight: those may fail, later ones must not.
    const during = Array.from({ length: 20 }, (_, i) => stripe.customers.create({ email: `d${i}@example.com` }).then(() => 'ok', () => 'failed'));
    await new Promise((r) => setTimeout(r, 5));
    await terminate();
    await Promise.all(during);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(instance.proc.exitCode, null, `the instance is still running:\n${instance.output()}`);
    const c = await stripe.customers.create({ email: 'after@example.com' });
    assert.equal((await stripe.customers.retrieve(c.id)).id, c.id);
    assert.equal(await stop(instance), 0);
  });
});
