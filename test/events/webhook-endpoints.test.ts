import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema, assertStripeError } from '../helpers/contract.js';
import { STORES, raw, startServer, freshKey, type TestServer } from '../helpers/server.js';

for (const store of STORES) {
  describe(`webhook endpoints (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('creates an endpoint and returns its whsec_ secret only in the create response', async () => {
      const stripe = server.stripe();
      const we = await stripe.webhookEndpoints.create({
        url: 'https://example.com/hooks',
        enabled_events: ['checkout.session.completed', 'customer.created'],
        description: 'fulfilment',
        metadata: { team: 'shop' },
        api_version: '2026-10-28.endive',
      });
      assert.match(we.id, /^we_[A-Za-z0-9]{24}$/);
      assert.match(we.secret ?? '', /^whsec_[A-Za-z0-9]{32}$/);
      assert.equal(we.status, 'enabled');
      assert.equal(we.url, 'https://example.com/hooks');
      assert.deepEqual(we.enabled_events, ['checkout.session.completed', 'customer.created']);
      assert.equal(we.description, 'fulfilment');
      assert.deepEqual(we.metadata, { team: 'shop' });
      assert.equal(we.api_version, '2026-10-28.endive');
      assert.equal(we.application, null);
      assert.equal(we.livemode, false);
      assertMatchesSchema('webhook_endpoint', we);

      const got = await stripe.webhookEndpoints.retrieve(we.id);
      assert.equal(got.secret, undefined);
      assertMatchesSchema('webhook_endpoint', got);
      const { secret: _secret, ...rest } = we;
      assert.deepEqual(got, rest);
      const listed = await stripe.webhookEndpoints.list();
      assert.equal(listed.data[0]?.secret, undefined);
    });

    it('accepts * and plain http URLs for local receivers, with api_version null by default', async () => {
      const stripe = server.stripe();
      const we = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:4242/webhook', enabled_events: ['*'] });
      assert.deepEqual(we.enabled_events, ['*']);
      assert.equal(we.api_version, null);
      assert.equal(we.description, null);
      assert.deepEqual(we.metadata, {});
      assertMatchesSchema('webhook_endpoint', we);
    });

    it('updates url, enabled_events, description, metadata and disabled', async () => {
      const stripe = server.stripe();
      const we = await stripe.webhookEndpoints.create({ url: 'https://a.example/h', enabled_events: ['*'], metadata: { a: '1' } });
      const u = await stripe.webhookEndpoints.update(we.id, {
        url: 'https://b.example/h',
        enabled_events: ['payment_intent.succeeded'],
        description: 'moved',
        metadata: { a: '', b: '2' },
        disabled: true,
      });
      assert.equal(u.url, 'https://b.example/h');
      assert.deepEqual(u.enabled_events, ['payment_intent.succeeded']);
      assert.equal(u.description, 'moved');
      assert.deepEqual(u.metadata, { b: '2' });
      assert.equal(u.status, 'disabled');
      assert.equal(u.secret, undefined);
      assertMatchesSchema('webhook_endpoint', u);
      const enabled = await stripe.webhookEndpoints.update(we.id, { disabled: false, description: '' });
      assert.equal(enabled.status, 'enabled');
      assert.equal(enabled.description, null);
    });

    it('lists newest first with cursors and deletes with deleted: true', async () => {
      const stripe = server.stripe();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await stripe.webhookEndpoints.create({ url: `https://e${i}.example/h`, enabled_events: ['*'] })).id);
      const page = await stripe.webhookEndpoints.list({ limit: 2 });
      assert.deepEqual(page.data.map((e) => e.id), [ids[2], ids[1]]);
      assert.equal(page.has_more, true);
      assert.equal(page.url, '/v1/webhook_endpoints');
      const next = await stripe.webhookEndpoints.list({ limit: 2, starting_after: ids[1] });
      assert.deepEqual(next.data.map((e) => e.id), [ids[0]]);
      const del = await stripe.webhookEndpoints.del(ids[1] as string);
      assert.deepEqual(del, { id: ids[1], object: 'webhook_endpoint', deleted: true });
      assertMatchesSchema('deleted_webhook_endpoint', del);
      await assert.rejects(stripe.webhookEndpoints.retrieve(ids[1] as string), { statusCode: 404, code: 'resource_missing' });
      await assert.rejects(stripe.webhookEndpoints.del(ids[1] as string), { statusCode: 404, code: 'resource_missing' });
      const after = await stripe.webhookEndpoints.list();
      assert.deepEqual(after.data.map((e) => e.id), [ids[2], ids[0]]);
    });

    it('refuses unknown event types, empty lists, bad URLs and missing params with 400s naming the param', async () => {
      const stripe = server.stripe();
      const cases: Array<[Stripe.WebhookEndpointCreateParams, string, RegExp]> = [
        [{ url: 'https://x.example', enabled_events: ['customer.created', 'checkout.session.complete' as 'checkout.session.completed'] }, 'enabled_events[1]', /checkout\.session\.complete'.*not a valid event type/],
        [{ url: 'example.com/hook', enabled_events: ['*'] }, 'url', /Invalid URL/],
        [{ url: 'ftp://example.com/hook', enabled_events: ['*'] }, 'url', /http or https/],
        [{ url: 'https://x.example' } as Stripe.WebhookEndpointCreateParams, 'enabled_events', /Missing required param/],
        [{ enabled_events: ['*'] } as unknown as Stripe.WebhookEndpointCreateParams, 'url', /Missing required param/],
      ];
      for (const [params, param, message] of cases) {
        await assert.rejects(stripe.webhookEndpoints.create(params), (err: Stripe.errors.StripeError) => {
          assert.equal(err.statusCode, 400, `${param}: ${err.message}`);
          assert.equal(err.type, 'StripeInvalidRequestError');
          assert.equal(err.param, param);
          assert.match(err.message, message);
          return true;
        });
      }
      // The SDK drops an empty array; a raw `enabled_events=` sends one.
      const empty = await raw(server.url, '/v1/webhook_endpoints', { method: 'POST', body: 'url=https%3A%2F%2Fx.example&enabled_events=', key: freshKey() });
      assert.equal(empty.status, 400);
      assertStripeError(empty.body);
      assert.match(empty.text, /at least one event type/);
      const we = await stripe.webhookEndpoints.create({ url: 'https://x.example', enabled_events: ['*'] });
      await assert.rejects(stripe.webhookEndpoints.update(we.id, { enabled_events: ['nope.nothing' as '*'] }), { statusCode: 400, param: 'enabled_events[0]' });
      await assert.rejects(stripe.webhookEndpoints.update(we.id, { secret: 'whsec_x' } as Stripe.WebhookEndpointUpdateParams), {
        statusCode: 400,
        code: 'parameter_unknown',
      });
    });

    it('keeps endpoints of one account invisible to another', async () => {
      const key = freshKey();
      const we = await server.stripe(key).webhookEndpoints.create({ url: 'https://mine.example', enabled_events: ['*'] });
      await assert.rejects(server.stripe().webhookEndpoints.retrieve(we.id), { statusCode: 404 });
      const res = await raw(server.url, `/v1/webhook_endpoints/${we.id}`, { method: 'DELETE', key: freshKey() });
      assert.equal(res.status, 404);
      assertStripeError(res.body);
    });
  });
}
