/**
 * The walkthrough of docs/architecture.md#adding-a-resource, proven: a resource built only by its
 * steps (test/architecture/example-resource/) is served beside the real ones, on both stores,
 * with its own table, routes, expansion, events and webhooks, and a job the scheduler runs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resources } from '../../src/resources/index.js';
import { startReceiver, type Receiver } from '../events/receiver.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { remindersModule } from './example-resource/index.js';

for (const store of STORES) {
  describe(`a resource added by the documented steps (${store})`, () => {
    let server: TestServer;
    let rx: Receiver;
    before(async () => {
      server = await startServer(store, { modules: [...resources, remindersModule] });
      rx = await startReceiver();
    });
    after(async () => {
      await server.close();
      await rx.close();
    });

    it('creates, retrieves, expands and lists through the Stripe SDK, with Stripe-shaped errors', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'jenny@example.com' });
      const created = await stripe.rawRequest('POST', '/v1/reminders', { text: 'Renew', remind_at: 4_000_000_000, customer: customer.id });
      assert.equal(created.object, 'reminder');
      assert.match(created.id as string, /^rem_/);
      assert.equal(created.status, 'scheduled');

      const expanded = await stripe.rawRequest('GET', `/v1/reminders/${created.id as string}?expand[]=customer`);
      assert.equal((expanded.customer as { email: string }).email, 'jenny@example.com');

      const listed = await stripe.rawRequest('GET', `/v1/reminders?customer=${customer.id}`);
      assert.deepEqual((listed.data as Array<{ id: string }>).map((r) => r.id), [created.id]);

      await assert.rejects(stripe.rawRequest('POST', '/v1/reminders', { remind_at: 1 }), (err: { type: string; param?: string; statusCode?: number }) => {
        assert.equal(err.type, 'StripeInvalidRequestError');
        assert.equal(err.param, 'text');
        return true;
      });
      await assert.rejects(stripe.rawRequest('POST', '/v1/reminders', { text: 'x', remind_at: 1, customer: 'cus_nope' }), { statusCode: 404 });
      await assert.rejects(stripe.rawRequest('POST', '/v1/reminders', { text: 'x', remind_at: 1, colour: 'red' }), { code: 'parameter_unknown' });
    });

    it('runs its job through the scheduler when due, and its events reach a webhook endpoint signed', async () => {
      const stripe = server.stripe();
      const endpoint = await stripe.webhookEndpoints.create({ url: rx.url, enabled_events: ['*'] });
      const due = Math.floor(Date.now() / 1000) - 1;
      const reminder = await stripe.rawRequest('POST', '/v1/reminders', { text: 'Now', remind_at: due });
      await waitFor(async () => (await stripe.rawRequest('GET', `/v1/reminders/${reminder.id as string}`)).status === 'sent', 10_000, 'the reminder sent');
      const types = (await stripe.events.list({ limit: 10 })).data.map((e) => e.type);
      assert.deepEqual(types.filter((t) => t.startsWith('reminder.')).sort(), ['reminder.created', 'reminder.sent']);
      await waitFor(() => rx.eventIds().length >= 2, 10_000, 'both events delivered');
      const verified = rx.received.map((r) => stripe.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, endpoint.secret as string));
      assert.deepEqual(verified.map((e) => e.type as string).sort(), ['reminder.created', 'reminder.sent']);

      const later = await stripe.rawRequest('POST', '/v1/reminders', { text: 'Later', remind_at: 4_000_000_000 });
      const canceled = await stripe.rawRequest('POST', `/v1/reminders/${later.id as string}/cancel`, {});
      assert.equal(canceled.status, 'canceled');
      await assert.rejects(stripe.rawRequest('POST', `/v1/reminders/${later.id as string}/cancel`, {}), /already canceled/);
    });
  });
}
