import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema, assertStripeError } from '../helpers/contract.js';
import { STORES, freshKey, raw, sdk, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { freePort, startReceiver, type Receiver } from './receiver.js';

/** Fast retries and a short timeout, so failures and retries happen within a test. */
const FAST = { OPENCHECKOUT_WEBHOOK_RETRY_SCHEDULE: '0.2,0.2', OPENCHECKOUT_WEBHOOK_TIMEOUT_MS: '500', OPENCHECKOUT_WEBHOOK_MAX_ATTEMPTS: '3' };

interface Attempts {
  data: Array<{ endpoint: string; url: string | null; attempt: number; status_code: number | null; latency_ms: number; error: string | null; at: number; delivery_status: string }>;
  deliveries: Array<{ endpoint: string; status: string; attempts: number }>;
}

async function attemptsOf(server: TestServer, key: string, eventId: string): Promise<Attempts> {
  const res = await raw(server.url, `/_admin/events/${eventId}/attempts`, { key });
  assert.equal(res.status, 200, res.text);
  return res.body as Attempts;
}

async function latestEvent(stripe: Stripe, type: string): Promise<Stripe.Event> {
  const list = await stripe.events.list({ type, limit: 1 });
  assert.ok(list.data[0], `no ${type} event`);
  return list.data[0];
}

function delivered(stripe: Stripe, id: string, timeoutMs = 10_000): Promise<Stripe.Event> {
  return waitFor(async () => {
    const e = await stripe.events.retrieve(id);
    return e.pending_webhooks === 0 ? e : undefined;
  }, timeoutMs, `event ${id} delivered`);
}

for (const store of STORES) {
  describe(`webhook delivery (${store})`, () => {
    let server: TestServer;
    const receivers: Receiver[] = [];
    before(async () => {
      server = await startServer(store, { env: FAST });
    });
    after(async () => {
      for (const r of receivers) await r.close();
      await server.close();
    });
    async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
      const r = await startReceiver(...args);
      receivers.push(r);
      return r;
    }

    it('signs each delivery so the SDK’s constructEvent accepts it, and rejects a tampered body, an old timestamp or another secret', async () => {
      const stripe = server.stripe();
      const rx = await receiver();
      const we = await stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['*'] });
      const secret = we.secret as string;
      const customer = await stripe.customers.create({ email: 'signed@example.com' });
      await waitFor(() => rx.received.length >= 1, 5000, 'a delivery');
      const got = rx.received[0]!;
      assert.equal(got.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(got.headers['user-agent'], 'Stripe/1.0 (+https://stripe.com/docs/webhooks)');
      const header = got.headers['stripe-signature'] as string;
      assert.match(header, /^t=\d+,v1=[0-9a-f]{64}$/);
      const t = Number(/t=(\d+)/.exec(header)?.[1]);
      assert.ok(Math.abs(t - Date.now() / 1000) < 5, 'signed with the real time');

      const event = stripe.webhooks.constructEvent(got.body, header, secret);
      assert.equal(event.type, 'customer.created');
      assert.equal((event.data.object as Stripe.Customer).id, customer.id);
      assert.equal(event.pending_webhooks, 1, 'counts itself as pending while in flight');
      assertMatchesSchema('event', event);
      const served = await delivered(stripe, event.id);
      assert.deepEqual({ ...event, pending_webhooks: 0 }, served);

      assert.throws(() => stripe.webhooks.constructEvent(got.body.replace('signed@', 'forged@'), header, secret), { type: 'StripeSignatureVerificationError' });
      assert.throws(() => stripe.webhooks.constructEvent(got.body, header, secret, 300, undefined, (t + 301) * 1000), {
        type: 'StripeSignatureVerificationError',
        message: /Timestamp outside the tolerance zone/,
      });
      assert.throws(() => stripe.webhooks.constructEvent(got.body, header, 'whsec_someoneElse'), { type: 'StripeSignatureVerificationError' });
    });

    it('delivers every event to a * endpoint and only the enabled types to a listed one; pending_webhooks reaches 0', async () => {
      const stripe = server.stripe();
      const all = await receiver();
      const some = await receiver();
      await stripe.webhookEndpoints.create({ url: all.url, enabled_events: ['*'] });
      await stripe.webhookEndpoints.create({ url: some.url, enabled_events: ['customer.updated', 'checkout.session.completed'] });
      const c = await stripe.customers.create({ name: 'A' });
      await stripe.customers.update(c.id, { name: 'B' });
      const created = await latestEvent(stripe, 'customer.created');
      const updated = await latestEvent(stripe, 'customer.updated');
      await delivered(stripe, created.id);
      await delivered(stripe, updated.id);
      assert.deepEqual(new Set(all.eventIds()), new Set([created.id, updated.id]));
      assert.deepEqual(some.eventIds(), [updated.id]);
      // Each delivery carried the event's pending count at send time: 1 endpoint, then 2.
      const sentCounts = (rx: Receiver) => rx.received.map((r) => [(JSON.parse(r.body) as Stripe.Event).type, (JSON.parse(r.body) as Stripe.Event).pending_webhooks]);
      assert.deepEqual(sentCounts(all).find(([t]) => t === 'customer.created'), ['customer.created', 1]);
      assert.ok([1, 2].includes(sentCounts(some)[0]?.[1] as number));
      const success = await stripe.events.list({ delivery_success: true });
      assert.deepEqual(new Set(success.data.map((e) => e.id)), new Set([created.id, updated.id]));
    });

    it('retries after a 500 and records both attempts, read through the admin route', async () => {
      const key = freshKey();
      const stripe = sdk(server.url, key);
      const rx = await receiver((_r, i) => (i === 0 ? 500 : 200));
      const we = await stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['customer.created'] });
      await stripe.customers.create({});
      const event = await latestEvent(stripe, 'customer.created');
      await delivered(stripe, event.id);
      assert.deepEqual(rx.eventIds(), [event.id, event.id]);
      const gap = rx.received[1]!.at - rx.received[0]!.at;
      assert.ok(gap >= 150, `retried after the backoff (${gap} ms)`);
      assert.notEqual(rx.received[0]!.headers['stripe-signature'], undefined);

      const log = await attemptsOf(server, key, event.id);
      assert.deepEqual(
        log.data.map((a) => [a.attempt, a.status_code, a.error, a.endpoint, a.url, a.delivery_status]),
        [
          [1, 500, null, we.id, rx.url, 'delivered'],
          [2, 200, null, we.id, rx.url, 'delivered'],
        ],
      );
      for (const a of log.data) assert.ok(Number.isInteger(a.latency_ms) && a.latency_ms >= 0 && a.at > 0);
      assert.deepEqual(log.deliveries.map((d) => [d.endpoint, d.status, d.attempts]), [[we.id, 'delivered', 2]]);
    });

    it('times out a receiver that hangs, records the timeout and retries', async () => {
      const key = freshKey();
      const stripe = sdk(server.url, key);
      const rx = await receiver((_r, i) => (i === 0 ? 'hang' : 204));
      await stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['*'] });
      await stripe.customers.create({});
      const event = await latestEvent(stripe, 'customer.created');
      await delivered(stripe, event.id);
      const log = await attemptsOf(server, key, event.id);
      assert.equal(log.data.length, 2);
      assert.equal(log.data[0]!.status_code, null);
      assert.match(log.data[0]!.error ?? '', /timed out after 500 ms/);
      assert.ok(log.data[0]!.latency_ms >= 450, `waited for the timeout (${log.data[0]!.latency_ms} ms)`);
      assert.equal(log.data[1]!.status_code, 204);
    });

    it('gives up after the configured attempts; the event stays pending and delivery_success=false lists it', async () => {
      const key = freshKey();
      const stripe = sdk(server.url, key);
      const rx = await receiver(() => 503);
      await stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['*'] });
      await stripe.customers.create({});
      const event = await latestEvent(stripe, 'customer.created');
      const log = await waitFor(async () => {
        const l = await attemptsOf(server, key, event.id);
        return l.deliveries[0]?.status === 'failed' ? l : undefined;
      }, 10_000, 'the delivery to fail');
      assert.deepEqual(log.data.map((a) => a.status_code), [503, 503, 503]);
      assert.equal(rx.received.length, 3);
      assert.equal((await stripe.events.retrieve(event.id)).pending_webhooks, 1);
      const failing = await stripe.events.list({ delivery_success: false });
      assert.deepEqual(failing.data.map((e) => e.id), [event.id]);
    });

    it('resends an event with POST /v1/events/:id/retry, to one endpoint or to every matching one', async () => {
      const key = freshKey();
      const stripe = sdk(server.url, key);
      const rx = await receiver();
      const other = await receiver();
      const we = await stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['customer.created'] });
      await stripe.webhookEndpoints.create({ url: other.url, enabled_events: ['customer.deleted'] });
      await stripe.customers.create({});
      const event = await latestEvent(stripe, 'customer.created');
      await delivered(stripe, event.id);

      const res = await raw(server.url, `/v1/events/${event.id}/retry`, { method: 'POST', key, body: `webhook_endpoint=${we.id}` });
      assert.equal(res.status, 200, res.text);
      const body = res.body as Stripe.Event;
      assert.equal(body.id, event.id);
      assert.equal(body.pending_webhooks, 1);
      assertMatchesSchema('event', body);
      await delivered(stripe, event.id);
      assert.deepEqual(rx.eventIds(), [event.id, event.id]);
      stripe.webhooks.constructEvent(rx.received[1]!.body, rx.received[1]!.headers['stripe-signature'] as string, we.secret as string);

      const toAll = await raw(server.url, `/v1/events/${event.id}/retry`, { method: 'POST', key });
      assert.equal(toAll.status, 200, toAll.text);
      await delivered(stripe, event.id);
      assert.equal(rx.received.length, 3);
      assert.equal(other.received.length, 0, 'an endpoint that does not take the type gets no resend');
      const log = await attemptsOf(server, key, event.id);
      assert.equal(log.deliveries.length, 3);

      const missingEndpoint = await raw(server.url, `/v1/events/${event.id}/retry`, { method: 'POST', key, body: 'webhook_endpoint=we_nope' });
      assert.equal(missingEndpoint.status, 404);
      assert.equal((missingEndpoint.body as { error: { param: string } }).error.param, 'webhook_endpoint');
      const missingEvent = await raw(server.url, '/v1/events/evt_nope/retry', { method: 'POST', key, body: `webhook_endpoint=${we.id}` });
      assert.equal(missingEvent.status, 404);
      assertStripeError(missingEvent.body);
    });

    it('sends nothing to a disabled endpoint, and a deleted endpoint’s pending deliveries stop counting', async () => {
      const stripe = server.stripe();
      const rx = await receiver();
      const we = await stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['*'] });
      await stripe.webhookEndpoints.update(we.id, { disabled: true });
      await stripe.customers.create({});
      const quiet = await latestEvent(stripe, 'customer.created');
      assert.equal(quiet.pending_webhooks, 0);

      const down = await stripe.webhookEndpoints.create({ url: `http://127.0.0.1:${await freePort()}/down`, enabled_events: ['*'] });
      await stripe.customers.create({});
      const pending = await latestEvent(stripe, 'customer.created');
      assert.equal(pending.pending_webhooks, 1);
      await stripe.webhookEndpoints.del(down.id);
      assert.equal((await stripe.events.retrieve(pending.id)).pending_webhooks, 0);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(rx.received.length, 0);
    });
  });
}

for (const store of STORES) {
  describe(`webhook delivery beside a slow endpoint (${store})`, () => {
    let server: TestServer;
    let slow: Receiver;
    let fast: Receiver;
    before(async () => {
      // A slow endpoint holds each delivery for the whole 10 s timeout.
      server = await startServer(store, { env: { OPENCHECKOUT_WEBHOOK_TIMEOUT_MS: '10000' } });
      slow = await startReceiver(() => 'hang');
      fast = await startReceiver(() => 200);
    });
    after(async () => {
      await slow.close();
      await fast.close();
      await server.close();
    });

    it('an endpoint that never answers delays neither another endpoint of the account nor another account', async () => {
      const stripe = server.stripe();
      const other = sdk(server.url, freshKey());
      await stripe.webhookEndpoints.create({ url: slow.url, enabled_events: ['customer.created'] });
      await stripe.webhookEndpoints.create({ url: fast.url, enabled_events: ['customer.created'] });
      await other.webhookEndpoints.create({ url: fast.url, enabled_events: ['customer.created'] });
      // More events than the slow endpoint's deliveries in flight and than one claim of due deliveries.
      const started = Date.now();
      const ids: string[] = [];
      for (let i = 0; i < 80; i++) ids.push((await stripe.customers.create({ email: `c${i}@example.com` })).id);
      const otherId = (await other.customers.create({ email: 'other@example.com' })).id;
      const wanted = new Set([...ids, otherId]);
      const seen = () => new Set(fast.received.map((r) => (JSON.parse(r.body) as { data: { object: { id: string } } }).data.object.id));
      await waitFor(async () => ([...wanted].every((id) => seen().has(id)) ? true : undefined), 8000, 'every event at the fast endpoint');
      assert.ok(Date.now() - started < 9000, 'the fast endpoint had everything before the slow one’s first timeout');
      // The slow endpoint got deliveries too (it is being tried), but none has finished.
      assert.ok(slow.received.length > 0, 'the slow endpoint is being delivered to');
      const event = await latestEvent(stripe, 'customer.created');
      assert.equal(event.pending_webhooks, 1, 'only the slow endpoint is still pending');
    });
  });
}
