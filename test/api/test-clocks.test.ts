import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { STORES, startServer, type TestServer } from '../helpers/server.js';
import { advance } from '../helpers/wait.js';

for (const store of STORES) {
  describe(`test clocks (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('creates, retrieves and lists clocks in Stripe’s shape', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_700_000_000, name: 'billing run' });
      assert.match(clock.id, /^clock_/);
      assert.equal(clock.object, 'test_helpers.test_clock');
      assert.equal(clock.status, 'ready');
      assert.equal(clock.frozen_time, 1_700_000_000);
      assert.equal(clock.name, 'billing run');
      assert.deepEqual(await stripe.testHelpers.testClocks.retrieve(clock.id), clock);
      const list = await stripe.testHelpers.testClocks.list();
      assert.deepEqual(list.data.map((c) => c.id), [clock.id]);
    });

    it('puts a customer created on a clock at the clock’s time', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_600_000_000 });
      const customer = await stripe.customers.create({ test_clock: clock.id });
      assert.equal(customer.test_clock, clock.id);
      assert.equal(customer.created, 1_600_000_000);
    });

    it('advances: answers advancing, then reports ready at the new time', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_700_000_000 });
      const ready = await advance(stripe, clock.id, 1_700_003_600);
      assert.equal(ready.frozen_time, 1_700_003_600);
      assert.deepEqual(ready.status_details, {});
    });

    it('refuses to move a clock backwards or to advance an unknown clock', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_700_000_000 });
      await assert.rejects(stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: 1_600_000_000 }), { statusCode: 400, param: 'frozen_time' });
      await assert.rejects(stripe.testHelpers.testClocks.advance('clock_missing', { frozen_time: 1_800_000_000 }), { statusCode: 404 });
      await assert.rejects(stripe.testHelpers.testClocks.create({} as never), { code: 'parameter_missing', param: 'frozen_time' });
    });

    it('deleting a clock deletes the customers on it', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_700_000_000 });
      const customer = await stripe.customers.create({ test_clock: clock.id });
      const deleted = await stripe.testHelpers.testClocks.del(clock.id);
      assert.equal(deleted.deleted, true);
      const gone = await stripe.customers.retrieve(customer.id);
      assert.equal((gone as Stripe.DeletedCustomer).deleted, true);
      await assert.rejects(stripe.testHelpers.testClocks.retrieve(clock.id), { statusCode: 404 });
    });
  });
}
