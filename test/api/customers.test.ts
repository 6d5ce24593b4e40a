import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

for (const store of STORES) {
  describe(`customers (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('creates a customer with every writable field and serves Stripe’s shape', async () => {
      const stripe = server.stripe();
      const c = await stripe.customers.create({
        email: 'jenny@example.com',
        name: 'Jenny Rosen',
        phone: '+15555550100',
        address: { line1: '1 Main St', city: 'Springfield', country: 'us', postal_code: '94102', state: 'CA' },
        shipping: { name: 'Jenny Rosen', address: { line1: '1 Main St', country: 'US' } },
        metadata: { order: '42' },
      });
      assert.match(c.id, /^cus_[A-Za-z0-9]{24}$/);
      assert.equal(c.email, 'jenny@example.com');
      assert.equal(c.address?.country, 'US');
      assert.equal(c.shipping?.address?.line1, '1 Main St');
      assert.deepEqual(c.metadata, { order: '42' });
      assertMatchesSchema('customer', c);
      const again = await stripe.customers.retrieve(c.id);
      assert.deepEqual(again, c);
    });

    it('updates fields, merges metadata and unsets with empty strings', async () => {
      const stripe = server.stripe();
      const c = await stripe.customers.create({ name: 'A', metadata: { a: '1', b: '2' } });
      const u = await stripe.customers.update(c.id, { name: 'B', metadata: { a: '', c: '3' }, phone: '' });
      assert.equal(u.name, 'B');
      assert.deepEqual(u.metadata, { b: '2', c: '3' });
      assert.equal(u.phone, null);
      const cleared = await stripe.customers.update(c.id, { metadata: '' as unknown as Stripe.MetadataParam });
      assert.deepEqual(cleared.metadata, {});
    });

    it('deletes a customer; retrieving it then answers deleted: true', async () => {
      const stripe = server.stripe();
      const c = await stripe.customers.create({ email: 'gone@example.com' });
      const del = await stripe.customers.del(c.id);
      assert.deepEqual(del, { id: c.id, object: 'customer', deleted: true });
      const got = await stripe.customers.retrieve(c.id);
      assert.equal((got as Stripe.DeletedCustomer).deleted, true);
      const list = await stripe.customers.list({ email: 'gone@example.com' });
      assert.equal(list.data.length, 0);
      await assert.rejects(stripe.customers.update(c.id, { name: 'x' }), { statusCode: 404, code: 'resource_missing' });
    });

    it('lists newest first with cursors in both directions and email and created filters', async () => {
      const stripe = server.stripe();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await stripe.customers.create({ email: `p${i}@example.com` })).id);
      const first = await stripe.customers.list({ limit: 2 });
      assert.deepEqual(first.data.map((c) => c.id), [ids[4], ids[3]]);
      assert.equal(first.has_more, true);
      assert.equal(first.url, '/v1/customers');
      const next = await stripe.customers.list({ limit: 2, starting_after: ids[3] });
      assert.deepEqual(next.data.map((c) => c.id), [ids[2], ids[1]]);
      const back = await stripe.customers.list({ limit: 2, ending_before: ids[1] });
      assert.deepEqual(back.data.map((c) => c.id), [ids[3], ids[2]]);
      const all: string[] = [];
      for await (const c of stripe.customers.list({ limit: 2 })) all.push(c.id);
      assert.deepEqual(all, [...ids].reverse());
      const byEmail = await stripe.customers.list({ email: 'p2@example.com' });
      assert.deepEqual(byEmail.data.map((c) => c.id), [ids[2]]);
      const future = await stripe.customers.list({ created: { gt: Math.floor(Date.now() / 1000) + 60 } });
      assert.equal(future.data.length, 0);
      assertMatchesSchema('customer', first.data[0]);
    });

    it('refuses unknown, malformed and missing-cursor params with Stripe errors', async () => {
      const stripe = server.stripe();
      await assert.rejects(stripe.customers.create({ bogus: 1 } as never), {
        type: 'StripeInvalidRequestError',
        code: 'parameter_unknown',
        param: 'bogus',
      });
      await assert.rejects(stripe.customers.create({ address: { planet: 'mars' } } as never), {
        code: 'parameter_unknown',
        param: 'address[planet]',
      });
      await assert.rejects(stripe.customers.create({ balance: 'lots' } as never), { code: 'parameter_invalid_integer', param: 'balance' });
      await assert.rejects(stripe.customers.create({ email: 'not-an-email' }), { code: 'email_invalid' });
      await assert.rejects(stripe.customers.list({ limit: 101 }), { param: 'limit' });
      await assert.rejects(stripe.customers.list({ starting_after: 'cus_nope' }), { statusCode: 404, code: 'resource_missing' });
      await assert.rejects(stripe.customers.retrieve('cus_missing'), { statusCode: 404, code: 'resource_missing', message: "No such customer: 'cus_missing'" });
    });

    it('keeps accounts apart: one key cannot see another key’s customers', async () => {
      const a = server.stripe();
      const b = server.stripe();
      const c = await a.customers.create({ email: 'mine@example.com' });
      await assert.rejects(b.customers.retrieve(c.id), { statusCode: 404 });
      await assert.rejects(b.customers.update(c.id, { name: 'x' }), { statusCode: 404 });
      assert.equal((await b.customers.list()).data.length, 0);
    });

    it('rejects a customer on an unknown test clock', async () => {
      await assert.rejects(server.stripe().customers.create({ test_clock: 'clock_nope' }), { statusCode: 404, param: 'test_clock' });
    });
  });
}
