import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accountForKey } from '../../src/api/auth.js';
import { inTransaction } from '../../src/api/context.js';
import type { App } from '../../src/app.js';
import { resources } from '../../src/resources/index.js';
import type { ResourceModule } from '../../src/resources/module.js';
import { schedule } from '../../src/scheduler/jobs.js';
import { startReceiver, type Receiver } from '../events/receiver.js';
import { pgAdminUrl } from '../helpers/pg.js';
import { freshKey, sdk, startSecondInstance, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const KIND = 'test.shared_work';
/** Which instance ran each job of this test, in the order they ran. */
const ran: Array<{ subject: string; by: App['deps'] }> = [];
/** This test's own job kind, served beside every resource. */
const sharedWork: ResourceModule = {
  name: 'shared-work test',
  jobs: {
    async [KIND](ctx, job) {
      ran.push({ subject: job.subject_id, by: ctx.deps });
      // A little work inside the job's transaction, so claims overlap in time.
      await ctx.db.selectFrom('jobs').select('seq').limit(1).execute();
    },
  },
};
const modules = [...resources, sharedWork];

/**
 * Two instances' background workers on one PostgreSQL database, side by side in this process
 * (each with its own connection pool, as two processes would have): the scheduler and the
 * webhook delivery worker of both pull from the same tables at the same time.
 */
describe('two instances sharing scheduled work and webhook deliveries (postgres)', { skip: pgAdminUrl() ? false : 'needs PostgreSQL (npm test starts it)' }, () => {
  let one: TestServer;
  let two: App;
  let rx: Receiver;
  before(async () => {
    one = await startServer('postgres', { modules });
    two = await startSecondInstance(one, modules);
    rx = await startReceiver();
  });
  after(async () => {
    await two.close();
    await one.close();
    await rx.close();
  });

  it('runs each due job exactly once while both schedulers claim from the same table', async () => {
    const key = freshKey();
    const now = Math.floor(Date.now() / 1000);
    const subjects = Array.from({ length: 300 }, (_, i) => `subject_${i}`);
    await inTransaction(one.app.deps, accountForKey(key), async (ctx) => {
      for (const s of subjects) await schedule(ctx, KIND, s, now - 1, null);
    });
    // Wake both at once rather than wait for a poll.
    one.app.signals.emit('job-due');
    two.signals.emit('job-due');
    await waitFor(async () => (await one.app.deps.store.db.selectFrom('jobs').select('seq').where('kind', '=', KIND).execute()).length === 0, 20_000, 'every job run');
    const counts = new Map<string, number>();
    for (const r of ran) counts.set(r.subject, (counts.get(r.subject) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), [...subjects].sort(), 'every job ran');
    assert.deepEqual([...counts].filter(([, n]) => n !== 1), [], 'no job ran twice');
    const byOne = ran.filter((r) => r.by === one.app.deps).length;
    assert.ok(byOne > 0 && byOne < ran.length, `both instances ran jobs (${byOne} and ${ran.length - byOne})`);
  });

  it('delivers each event exactly once while both delivery workers claim from the same outbox', async () => {
    const key = freshKey();
    const [a, b] = [sdk(one.url, key), sdk(two.url, key)];
    await a.webhookEndpoints.create({ url: rx.url, enabled_events: ['customer.created'] });
    await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).customers.create({ email: `w${i}@example.com` })));
    const ids = (await a.events.list({ type: 'customer.created', limit: 100 }).autoPagingToArray({ limit: 1000 })).map((e) => e.id);
    assert.equal(ids.length, 200);
    await waitFor(() => ids.every((id) => rx.eventIds().includes(id)), 20_000, 'every event at the receiver');
    await new Promise((r) => setTimeout(r, 500));
    const seen = new Map<string, number>();
    for (const id of rx.eventIds()) seen.set(id, (seen.get(id) ?? 0) + 1);
    assert.deepEqual([...seen].filter(([, n]) => n > 1), [], 'no event delivered twice');
    const attempts = await one.app.deps.store.db.selectFrom('delivery_attempts').select('event_id').where('account_id', '=', accountForKey(key)).execute();
    assert.equal(attempts.length, 200, 'one attempt recorded per delivery');
  });
});
