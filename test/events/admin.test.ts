import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertStripeError } from '../helpers/contract.js';
import { STORES, freshKey, raw, sdk, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { accountForKey } from '../../src/api/auth.js';
import { pruneOnce } from '../../src/events/prune.js';
import { startReceiver, type Receiver } from './receiver.js';

const DAY_MS = 24 * 60 * 60 * 1000;

for (const store of STORES) {
  describe(`admin routes and pruning (${store})`, () => {
    let server: TestServer;
    let rx: Receiver;
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_WEBHOOK_TIMEOUT_MS: '1500', OPENCHECKOUT_WEBHOOK_RETRY_SCHEDULE: '0.2' } });
      rx = await startReceiver();
    });
    after(async () => {
      await rx.close();
      await server.close();
    });

    it('authenticates admin routes with the account’s secret key and hides other accounts’ events', async () => {
      const key = freshKey();
      const stripe = sdk(server.url, key);
      await stripe.customers.create({});
      const [event] = (await stripe.events.list()).data;
      assert.ok(event);
      const anonymous = await raw(server.url, `/_admin/events/${event.id}/attempts`, { key: null });
      assert.equal(anonymous.status, 401);
      assertStripeError(anonymous.body);
      const publishable = await raw(server.url, '/_admin/reset', { method: 'POST', key: 'pk_test_123' });
      assert.equal(publishable.status, 401);
      const other = await raw(server.url, `/_admin/events/${event.id}/attempts`, { key: freshKey() });
      assert.equal(other.status, 404);
      assertStripeError(other.body);
      const own = await raw(server.url, `/_admin/events/${event.id}/attempts`, { key });
      assert.equal(own.status, 200);
      assert.deepEqual(own.body, { object: 'list', url: `/_admin/events/${event.id}/attempts`, has_more: false, data: [], deliveries: [] });
      const unknown = await raw(server.url, '/_admin/nothing', { key });
      assert.equal(unknown.status, 404);
      assertStripeError(unknown.body);
    });

    it('resets an account: every object of that account is deleted, other accounts keep theirs', async () => {
      const key = freshKey();
      const stripe = sdk(server.url, key);
      const bystander = server.stripe();
      const kept = await bystander.customers.create({});
      await stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['*'] });
      await stripe.customers.create({ email: 'a@example.com' });
      await stripe.customers.create({ email: 'b@example.com' });
      const [event] = (await stripe.events.list()).data;
      await waitFor(async () => (await stripe.events.retrieve(event!.id)).pending_webhooks === 0, 5000, 'delivery');

      const res = await raw(server.url, '/_admin/reset', { method: 'POST', key });
      assert.equal(res.status, 200, res.text);
      const deleted = (res.body as { deleted: Record<string, number> }).deleted;
      assert.equal(deleted.customers, 2);
      assert.equal(deleted.webhook_endpoints, 1);
      assert.equal(deleted.events, 2);
      assert.equal(deleted.deliveries, 2);
      assert.equal(deleted.delivery_attempts, 2);
      assert.ok((deleted.idempotency_keys ?? 0) >= 3);
      assert.equal((await stripe.customers.list()).data.length, 0);
      assert.equal((await stripe.webhookEndpoints.list()).data.length, 0);
      assert.equal((await stripe.events.list()).data.length, 0);
      assert.equal((await bystander.customers.retrieve(kept.id)).id, kept.id);
    });

    it('requires the OpenCheckout-Admin-Token header when OPENCHECKOUT_ADMIN_TOKEN is set', async () => {
      const guarded = await startServer(store, { env: { OPENCHECKOUT_ADMIN_TOKEN: 'let-me-in' } });
      try {
        const key = freshKey();
        const without = await raw(guarded.url, '/_admin/reset', { method: 'POST', key });
        assert.equal(without.status, 403);
        assertStripeError(without.body);
        const wrong = await raw(guarded.url, '/_admin/reset', { method: 'POST', key, headers: { 'OpenCheckout-Admin-Token': 'let-me-out' } });
        assert.equal(wrong.status, 403);
        const right = await raw(guarded.url, '/_admin/reset', { method: 'POST', key, headers: { 'OpenCheckout-Admin-Token': 'let-me-in' } });
        assert.equal(right.status, 200);
        const noKey = await raw(guarded.url, '/_admin/reset', { method: 'POST', key: null, headers: { 'OpenCheckout-Admin-Token': 'let-me-in' } });
        assert.equal(noKey.status, 401);
      } finally {
        await guarded.close();
      }
    });

    it('prunes old events, deliveries, attempts and idempotency records, never an event still being delivered', async () => {
      const key = freshKey();
      const stripe = sdk(server.url, key);
      // Answers customer.created; hangs on customer.updated, whose delivery so stays pending a while.
      const receiver = await startReceiver((r) => (r.body.includes('"customer.updated"') ? 'hang' : 200));
      try {
        await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
        const customer = await stripe.customers.create({});
        const doneEvent = (await stripe.events.list({ type: 'customer.created' })).data[0]!;
        await waitFor(async () => (await stripe.events.retrieve(doneEvent.id)).pending_webhooks === 0, 5000, 'delivery');
        await stripe.customers.update(customer.id, { name: 'pending' });
        const pendingEvent = (await stripe.events.list({ type: 'customer.updated' })).data[0]!;
        const db = server.app.deps.store.db;
        /** Rows of this account (of one event) in a table the API does not serve. */
        const rows = async (table: 'idempotency_keys' | 'deliveries' | 'delivery_attempts', eventId?: string) => {
          let q = db.selectFrom(table).select('account_id').where('account_id', '=', accountForKey(key));
          if (eventId && table !== 'idempotency_keys') q = q.where('event_id', '=', eventId);
          return (await q.execute()).length;
        };
        assert.ok((await rows('idempotency_keys')) > 0);
        assert.equal(await rows('deliveries', doneEvent.id), 1);
        assert.equal(await rows('delivery_attempts', doneEvent.id), 1);
        /** The events the customer's timeline is filed under (src/events/about.ts). */
        const filed = async () => (await db.selectFrom('event_objects').select('event_seq').where('account_id', '=', accountForKey(key)).where('object_id', '=', customer.id).execute()).length;
        assert.equal(await filed(), 2);

        // An hour ahead, so this pass records its own mark (the worker's may already be recent).
        const now = Date.now() + 60 * 60 * 1000;
        await pruneOnce(server.app.deps, now);
        assert.equal((await stripe.events.retrieve(doneEvent.id)).id, doneEvent.id, 'young events are kept');
        const later = await pruneOnce(server.app.deps, now + 31 * DAY_MS);
        assert.ok(later.events >= 1 && later.deliveries >= 1 && later.attempts >= 1 && later.idempotencyKeys >= 1, JSON.stringify(later));
        await assert.rejects(stripe.events.retrieve(doneEvent.id), { statusCode: 404 });
        assert.equal(await rows('deliveries', doneEvent.id), 0);
        assert.equal(await rows('delivery_attempts', doneEvent.id), 0);
        assert.equal((await stripe.events.retrieve(pendingEvent.id)).pending_webhooks, 1, 'an event with a pending delivery is kept');
        assert.equal(await rows('deliveries', pendingEvent.id), 1, 'a pending delivery is never pruned');
        assert.equal(await filed(), 1, 'the pruned event is no longer filed under the customer; the kept one is');
        assert.equal(await rows('idempotency_keys'), 0);
        assert.equal((await stripe.customers.retrieve(customer.id)).id, customer.id, 'objects themselves are not pruned');
      } finally {
        await receiver.close();
      }
    });
  });
}
