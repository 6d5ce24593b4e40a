/**
 * `/v1/subscription_items`: each write is the subscription's update with one item changed, so it
 * prorates to the second and emits `customer.subscription.updated` with previous_attributes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';
import { advance } from '../helpers/wait.js';

const JAN_1_2026 = Date.UTC(2026, 0, 1) / 1000;
const FEB_1_2026 = Date.UTC(2026, 1, 1) / 1000;
const DAY = 86_400;

async function monthlyPrice(stripe: Stripe, amount: number, name: string) {
  const product = await stripe.products.create({ name });
  return stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: amount, recurring: { interval: 'month' } });
}

for (const store of STORES) {
  describe(`subscription items (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('creates, retrieves, updates, lists and deletes items with the subscription update’s prorations and events', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2026 });
      const customer = await stripe.customers.create({ test_clock: clock.id });
      const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
      const base = await monthlyPrice(stripe, 1000, 'Base');
      const seat = await monthlyPrice(stripe, 600, 'Seat');
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: base.id }] });
      const at = JAN_1_2026 + 10 * DAY + 12 * 3600;
      await advance(stripe, clock.id, at);

      // Added mid-period and billed now: 2 seats for the 20.5 days left of 31.
      const added = await stripe.subscriptionItems.create({ subscription: sub.id, price: seat.id, quantity: 2, proration_behavior: 'always_invoice', metadata: { team: 'a' } });
      assert.equal(added.object, 'subscription_item');
      assert.equal(added.subscription, sub.id);
      assert.equal(added.quantity, 2);
      assert.deepEqual(added.metadata, { team: 'a' });
      assert.equal(added.current_period_end, FEB_1_2026);
      assertMatchesSchema('subscription_item', added);
      const withSeat = await stripe.subscriptions.retrieve(sub.id);
      const inv = await stripe.invoices.retrieve(withSeat.latest_invoice as string);
      const charge = Math.round((1200 * (FEB_1_2026 - at)) / (FEB_1_2026 - JAN_1_2026));
      assert.equal(charge, 794);
      assert.deepEqual(inv.lines.data.map((l) => l.amount), [794]);
      assert.equal(inv.status, 'paid');
      assert.equal(inv.billing_reason, 'subscription_update');
      const createdUpdate = (await stripe.events.list({ type: 'customer.subscription.updated', limit: 1 })).data[0];
      assert.equal((createdUpdate?.data.previous_attributes as { items?: { data: unknown[] } }).items?.data.length, 1);

      assert.deepEqual(await stripe.subscriptionItems.retrieve(added.id), added);
      const listed = await stripe.subscriptionItems.list({ subscription: sub.id });
      assert.deepEqual(listed.data.map((i) => i.id).sort(), [sub.items.data[0]?.id, added.id].sort());
      await assert.rejects(stripe.subscriptionItems.list({} as Stripe.SubscriptionItemListParams), { type: 'StripeInvalidRequestError', param: 'subscription' });
      await assert.rejects(stripe.subscriptionItems.retrieve('si_missing'), { statusCode: 404, code: 'resource_missing' });

      // Three seats from a given second: the prorations wait for the renewal (create_prorations).
      const later = at + 5 * DAY;
      const three = await stripe.subscriptionItems.update(added.id, { quantity: 3, proration_date: later, metadata: { team: 'b' } });
      assert.equal(three.quantity, 3);
      assert.deepEqual(three.metadata, { team: 'b' });
      const upd = (await stripe.events.list({ type: 'customer.subscription.updated', limit: 1 })).data[0];
      const prevItems = (upd?.data.previous_attributes as { items?: { data: Array<{ id: string; quantity: number }> } }).items?.data;
      assert.equal(prevItems?.find((i) => i.id === added.id)?.quantity, 2);
      const left = FEB_1_2026 - later;
      const whole = FEB_1_2026 - JAN_1_2026;
      const pending = [-Math.round((1200 * left) / whole), Math.round((1800 * left) / whole)];

      const gone = await stripe.subscriptionItems.del(added.id, { proration_behavior: 'none' });
      assert.deepEqual(gone, { id: added.id, object: 'subscription_item', deleted: true });
      await assert.rejects(stripe.subscriptionItems.retrieve(added.id), { statusCode: 404 });
      await assert.rejects(stripe.subscriptionItems.del(sub.items.data[0]?.id as string), { param: 'items' });

      // The renewal bills the base item and the two prorations left pending.
      await advance(stripe, clock.id, FEB_1_2026 + 3600 + 60);
      const renewed = await stripe.subscriptions.retrieve(sub.id);
      const next = await stripe.invoices.retrieve(renewed.latest_invoice as string);
      assert.deepEqual(next.lines.data.map((l) => l.amount), [...pending, 1000]);
      assert.equal(next.amount_paid, pending[0]! + pending[1]! + 1000);
    });
  });
}
