import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import type { App } from '../../src/app.js';
import { pgAdminUrl } from '../helpers/pg.js';
import { freshKey, sdk, startSecondInstance, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Read-modify-writes of one object sent to two instances at the same moment (PostgreSQL). Each
 * write reads the object, changes it and writes it back; without a row lock the later write
 * would silently drop the earlier one's change, or two writes would both find a payment method
 * free or a clock ready.
 */
describe('concurrent writes to one object through two instances (postgres)', { skip: pgAdminUrl() ? false : 'needs PostgreSQL (npm test starts it)' }, () => {
  let one: TestServer;
  let two: App;
  let a: Stripe;
  let b: Stripe;
  before(async () => {
    one = await startServer('postgres');
    two = await startSecondInstance(one);
    const key = freshKey();
    [a, b] = [sdk(one.url, key), sdk(two.url, key)];
  });
  after(async () => {
    await two.close();
    await one.close();
  });

  it('applies every one of several concurrent updates to one customer', async () => {
    for (let trial = 0; trial < 15; trial++) {
      const c = await a.customers.create({ email: `t${trial}@example.com` });
      await Promise.all([
        a.customers.update(c.id, { name: 'Jenny Rosen' }),
        b.customers.update(c.id, { phone: '+15555550100' }),
        a.customers.update(c.id, { metadata: { order: '42' } }),
        b.customers.update(c.id, { description: 'VIP' }),
      ]);
      const after = (await a.customers.retrieve(c.id)) as Stripe.Customer;
      assert.deepEqual(
        { name: after.name, phone: after.phone, metadata: after.metadata, description: after.description },
        { name: 'Jenny Rosen', phone: '+15555550100', metadata: { order: '42' }, description: 'VIP' },
        `trial ${trial}: an update was lost`,
      );
      const updated = await a.events.list({ type: 'customer.updated', limit: 100 });
      assert.equal(updated.data.filter((e) => (e.data.object as Stripe.Customer).id === c.id).length, 4, 'one customer.updated per update');
    }
  });

  it('applies every one of concurrent updates to one product, price and webhook endpoint', async () => {
    for (let trial = 0; trial < 8; trial++) {
      const product = await a.products.create({ name: 'Mug' });
      const price = await a.prices.create({ product: product.id, currency: 'usd', unit_amount: 500 });
      const endpoint = await a.webhookEndpoints.create({ url: 'https://shop.example/hook', enabled_events: ['*'] });
      await Promise.all([
        a.products.update(product.id, { name: 'Big Mug' }),
        b.products.update(product.id, { description: 'Ceramic' }),
        a.products.update(product.id, { metadata: { sku: 'M1' } }),
        b.prices.update(price.id, { nickname: 'Launch' }),
        a.prices.update(price.id, { metadata: { tier: 'a' } }),
        b.webhookEndpoints.update(endpoint.id, { description: 'Orders' }),
        a.webhookEndpoints.update(endpoint.id, { metadata: { team: 'shop' } }),
      ]);
      const [p, pr, we] = [await a.products.retrieve(product.id), await a.prices.retrieve(price.id), await a.webhookEndpoints.retrieve(endpoint.id)];
      assert.deepEqual([p.name, p.description, p.metadata], ['Big Mug', 'Ceramic', { sku: 'M1' }], `trial ${trial}: product`);
      assert.deepEqual([pr.nickname, pr.metadata], ['Launch', { tier: 'a' }], `trial ${trial}: price`);
      assert.deepEqual([we.description, we.metadata], ['Orders', { team: 'shop' }], `trial ${trial}: webhook endpoint`);
    }
  });

  it('attaches a payment method to one customer only when two instances attach it to two at once', async () => {
    for (let trial = 0; trial < 10; trial++) {
      const [c1, c2] = [await a.customers.create({}), await a.customers.create({})];
      const pm = await a.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
      const results = await Promise.allSettled([a.paymentMethods.attach(pm.id, { customer: c1.id }), b.paymentMethods.attach(pm.id, { customer: c2.id })]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `trial ${trial}: attached once`);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.match(String((refused.reason as Error).message), /already been attached/);
      const owner = (await a.paymentMethods.retrieve(pm.id)).customer;
      const events = (await a.events.list({ type: 'payment_method.attached', limit: 100 })).data.filter((e) => (e.data.object as Stripe.PaymentMethod).id === pm.id);
      assert.equal(events.length, 1, 'one payment_method.attached');
      assert.equal((events[0]?.data.object as Stripe.PaymentMethod).customer, owner);
    }
  });

  it('never runs two advances of one test clock at once', async () => {
    const start = Math.floor(Date.now() / 1000);
    const clock = await a.testHelpers.testClocks.create({ frozen_time: start });
    const targets = [1, 2, 3, 4].map((h) => start + h * 3600);
    const results = await Promise.allSettled(targets.map((t, i) => (i % 2 ? b : a).testHelpers.testClocks.advance(clock.id, { frozen_time: t })));
    // An advance of a clock with nothing due can finish before a later request arrives, and
    // then that request is rightly accepted: what must never happen is two accepted at once.
    const accepted = results.flatMap((r, i) => (r.status === 'fulfilled' ? [targets[i]!] : []));
    assert.ok(accepted.length >= 1, 'an advance was accepted');
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      const err = r.reason as Stripe.errors.StripeError;
      assert.ok(err.code === 'test_clock_advancing' || err.param === 'frozen_time', `refused for a reason: ${err.message}`);
    }
    const ready = await waitFor(async () => {
      const c = await a.testHelpers.testClocks.retrieve(clock.id);
      return c.status === 'ready' ? c : undefined;
    }, 10_000, 'the clock to be ready');
    assert.equal(ready.frozen_time, Math.max(...accepted), 'the clock went where the last accepted advance asked');
    const types = (await a.events.list({ limit: 100 })).data
      .filter((e) => (e.data.object as { id: string }).id === clock.id && e.type !== 'test_helpers.test_clock.created')
      .map((e) => e.type)
      .reverse();
    assert.deepEqual(
      types,
      accepted.flatMap(() => ['test_helpers.test_clock.advancing', 'test_helpers.test_clock.ready']),
      'each accepted advance began after the one before it was ready',
    );
  });
});
