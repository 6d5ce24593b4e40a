import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema, assertStripeError } from '../helpers/contract.js';
import { STORES, freshKey, raw, sdk, startServer, type TestServer } from '../helpers/server.js';

for (const store of STORES) {
  describe(`events API (${store})`, () => {
    let server: TestServer;
    let stripe: Stripe;
    let key: string;
    const ids: Record<string, string[]> = {};
    before(async () => {
      server = await startServer(store);
      key = freshKey();
      stripe = sdk(server.url, key);
      const a = await stripe.customers.create({ name: 'A' });
      const b = await stripe.customers.create({ name: 'B' });
      await stripe.customers.update(a.id, { name: 'A2' });
      await stripe.customers.del(b.id);
      for await (const e of stripe.events.list({ limit: 100 })) (ids[e.type] ??= []).push(e.id);
    });
    after(() => server.close());

    it('records an event per change, with Stripe’s shape, request ids and previous_attributes on updates', async () => {
      const list = await stripe.events.list();
      assert.deepEqual(list.data.map((e) => e.type), ['customer.deleted', 'customer.updated', 'customer.created', 'customer.created']);
      assert.equal(list.url, '/v1/events');
      for (const e of list.data) {
        assertMatchesSchema('event', e);
        assert.match(e.id, /^evt_/);
        assert.match(e.request?.id ?? '', /^req_/);
        assert.equal(e.api_version, '2026-10-28.endive');
        assert.equal(e.pending_webhooks, 0);
      }
      const updated = list.data[1] as Stripe.CustomerUpdatedEvent;
      assert.deepEqual(updated.data.previous_attributes, { name: 'A' });
      assert.equal(updated.data.object.name, 'A2');
      const one = await stripe.events.retrieve(updated.id);
      assert.deepEqual(one, updated);
    });

    it('filters by exact type, by a trailing * wildcard and by types[]', async () => {
      const created = await stripe.events.list({ type: 'customer.created' });
      assert.deepEqual(created.data.map((e) => e.id), ids['customer.created']);
      const wildcard = await stripe.events.list({ type: 'customer.*' });
      assert.equal(wildcard.data.length, 4);
      const none = await stripe.events.list({ type: 'checkout.session.*' });
      assert.equal(none.data.length, 0);
      // `_` in a type is literal, not LIKE's single-character wildcard.
      const underscore = await stripe.events.list({ type: 'customer_created*' });
      assert.equal(underscore.data.length, 0);
      const types = await stripe.events.list({ types: ['customer.updated', 'customer.deleted'] });
      assert.deepEqual(types.data.map((e) => e.type), ['customer.deleted', 'customer.updated']);
    });

    it('filters by created and pages with cursors in both directions', async () => {
      const all = (await stripe.events.list({ limit: 100 })).data;
      const first = await stripe.events.list({ limit: 2 });
      assert.deepEqual(first.data.map((e) => e.id), all.slice(0, 2).map((e) => e.id));
      assert.equal(first.has_more, true);
      const next = await stripe.events.list({ limit: 2, starting_after: all[1]!.id });
      assert.deepEqual(next.data.map((e) => e.id), all.slice(2, 4).map((e) => e.id));
      assert.equal(next.has_more, false);
      const back = await stripe.events.list({ limit: 2, ending_before: all[3]!.id });
      assert.deepEqual(back.data.map((e) => e.id), all.slice(1, 3).map((e) => e.id));
      const created = all[0]!.created;
      const inRange = await stripe.events.list({ created: { gte: created - 60, lte: created + 60 }, limit: 100 });
      assert.equal(inRange.data.length, 4);
      const future = await stripe.events.list({ created: { gt: created + 3600 } });
      assert.equal(future.data.length, 0);
      const exact = await stripe.events.list({ created, limit: 100 });
      assert.ok(exact.data.every((e) => e.created === created));
    });

    it('treats events without endpoints as delivered for delivery_success', async () => {
      const success = await stripe.events.list({ delivery_success: true, limit: 100 });
      assert.equal(success.data.length, 4);
      const failing = await stripe.events.list({ delivery_success: false });
      assert.equal(failing.data.length, 0);
    });

    it('keeps events per account and refuses bad params with Stripe errors', async () => {
      const other = server.stripe();
      assert.equal((await other.events.list()).data.length, 0);
      const id = ids['customer.created']![0]!;
      await assert.rejects(other.events.retrieve(id), { statusCode: 404, code: 'resource_missing' });
      await assert.rejects(stripe.events.retrieve('evt_missing'), { statusCode: 404, code: 'resource_missing', message: /No such event: 'evt_missing'/ });
      await assert.rejects(stripe.events.list({ type: 'customer.created', types: ['customer.updated'] }), { statusCode: 400, param: 'types' });
      await assert.rejects(stripe.events.list({ starting_after: 'evt_missing' }), { statusCode: 404, param: 'starting_after' });
      await assert.rejects(stripe.events.list({ bogus: 1 } as Stripe.EventListParams), { statusCode: 400, code: 'parameter_unknown' });
      const res = await raw(server.url, '/v1/events?delivery_success=maybe', { key });
      assert.equal(res.status, 400);
      assertStripeError(res.body);
    });
  });
}
