import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';
import { advance, waitFor } from '../helpers/wait.js';

const SUCCESS = 'https://merchant.example/success?session_id={CHECKOUT_SESSION_ID}';
const CANCEL = 'https://merchant.example/cart';

async function catalog(stripe: Stripe) {
  const shirt = await stripe.prices.create({ currency: 'usd', unit_amount: 2000, product_data: { name: 'T-shirt' } });
  const mug = await stripe.prices.create({ currency: 'usd', unit_amount: 1250, product_data: { name: 'Mug' } });
  const plan = await stripe.prices.create({ currency: 'usd', unit_amount: 900, recurring: { interval: 'month' }, product_data: { name: 'Pro plan' } });
  const euro = await stripe.prices.create({ currency: 'eur', unit_amount: 500, product_data: { name: 'Sticker' } });
  return { shirt, mug, plan, euro };
}

for (const store of STORES) {
  describe(`checkout sessions API (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('creates a payment-mode session for an existing customer with totals, url and Stripe’s shape', async () => {
      const stripe = server.stripe();
      const { shirt, mug } = await catalog(stripe);
      const customer = await stripe.customers.create({ email: 'jenny@example.com' });
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        customer: customer.id,
        line_items: [
          { price: shirt.id, quantity: 2 },
          { price: mug.id, quantity: 1 },
        ],
        success_url: SUCCESS,
        cancel_url: CANCEL,
        metadata: { order: '7' },
        client_reference_id: 'cart-7',
      });
      assert.match(s.id, /^cs_test_[A-Za-z0-9]{60}$/);
      assert.equal(s.object, 'checkout.session');
      assert.equal(s.status, 'open');
      assert.equal(s.payment_status, 'unpaid');
      assert.equal(s.amount_subtotal, 5250);
      assert.equal(s.amount_total, 5250);
      assert.equal(s.currency, 'usd');
      assert.equal(s.customer, customer.id);
      assert.equal(s.customer_details?.email, 'jenny@example.com');
      // Like Stripe's: the page's path, then an opaque fragment (suites match `cs_test_…#`).
      assert.match(s.url as string, new RegExp(`^${server.url}/c/pay/${s.id}#[A-Za-z0-9]{48}$`));
      assert.deepEqual(s.payment_method_types, ['card']);
      assert.deepEqual(s.saved_payment_method_options?.allow_redisplay_filters, ['always']);
      assert.equal(s.expires_at - s.created, 24 * 3600);
      assertMatchesSchema('checkout.session', s);
      assert.deepEqual(await stripe.checkout.sessions.retrieve(s.id), s);
    });

    it('lists line items with pagination and expands them on the session', async () => {
      const stripe = server.stripe();
      const { shirt, mug } = await catalog(stripe);
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [
          { price: shirt.id, quantity: 2 },
          { price: mug.id, quantity: 3 },
          { price_data: { currency: 'usd', unit_amount: 100, product_data: { name: 'Gift wrap' } }, quantity: 1 },
        ],
        success_url: SUCCESS,
      });
      const page1 = await stripe.checkout.sessions.listLineItems(s.id, { limit: 2 });
      assert.equal(page1.data.length, 2);
      assert.equal(page1.has_more, true);
      assert.equal(page1.data[0]?.description, 'T-shirt');
      assert.equal(page1.data[0]?.amount_total, 4000);
      assert.equal(page1.data[1]?.quantity, 3);
      for (const li of page1.data) assertMatchesSchema('item', li);
      const page2 = await stripe.checkout.sessions.listLineItems(s.id, { limit: 2, starting_after: page1.data[1]?.id });
      assert.deepEqual(page2.data.map((li) => li.description), ['Gift wrap']);
      assert.equal(page2.has_more, false);
      const expanded = await stripe.checkout.sessions.retrieve(s.id, { expand: ['line_items'] });
      assert.equal(expanded.line_items?.data.length, 3);
      assert.equal(expanded.amount_total, 7850);
    });

    it('validates like Stripe', async () => {
      const stripe = server.stripe();
      const { shirt, plan, euro } = await catalog(stripe);
      const item = [{ price: shirt.id, quantity: 1 }];
      const cases: Array<[Stripe.Checkout.SessionCreateParams, Record<string, unknown>]> = [
        [{ line_items: item, success_url: SUCCESS } as never, { code: 'parameter_missing', param: 'mode' }],
        [{ mode: 'payment', success_url: SUCCESS }, { code: 'parameter_missing', param: 'line_items' }],
        [{ mode: 'payment', line_items: item, success_url: 'not a url' }, { param: 'success_url' }],
        [{ mode: 'payment', line_items: item, success_url: 'ftp://x.example/' }, { param: 'success_url' }],
        [{ mode: 'payment', line_items: [{ price: plan.id, quantity: 1 }], success_url: SUCCESS }, { param: 'line_items[0][price]' }],
        [{ mode: 'subscription', line_items: item, success_url: SUCCESS }, { param: 'line_items' }],
        [{ mode: 'payment', line_items: [{ price: shirt.id, quantity: 1 }, { price: euro.id, quantity: 1 }], success_url: SUCCESS }, { param: 'line_items[1][price]' }],
        [{ mode: 'payment', line_items: [{ price: 'price_missing', quantity: 1 }], success_url: SUCCESS }, { statusCode: 404, param: 'line_items[0][price]' }],
        [{ mode: 'payment', line_items: [{ price: shirt.id }], success_url: SUCCESS }, { code: 'parameter_missing', param: 'line_items[0][quantity]' }],
        [{ mode: 'payment', line_items: item, success_url: SUCCESS, customer: 'cus_missing' }, { statusCode: 404, param: 'customer' }],
        [{ mode: 'payment', line_items: item, success_url: SUCCESS, expires_at: Math.floor(Date.now() / 1000) + 600 }, { param: 'expires_at' }],
        [{ mode: 'payment', line_items: item, success_url: SUCCESS, expires_at: Math.floor(Date.now() / 1000) + 25 * 3600 }, { param: 'expires_at' }],
        [{ mode: 'setup', success_url: SUCCESS }, { param: 'currency' }],
        [{ mode: 'setup', currency: 'usd', line_items: item, success_url: SUCCESS }, { param: 'line_items' }],
        [{ mode: 'payment', line_items: item, success_url: SUCCESS, billing_address_collection: 'sometimes' as never }, { param: 'billing_address_collection' }],
        [{ mode: 'payment', line_items: item, success_url: SUCCESS, allowed_payment_method_types: ['klarna'] as never }, { param: 'allowed_payment_method_types[0]' }],
        [{ mode: 'payment', line_items: item, success_url: SUCCESS, shipping_address_collection: { allowed_countries: ['usa'] as never } }, { param: 'shipping_address_collection[allowed_countries][0]' }],
        [{ mode: 'payment', line_items: item, success_url: SUCCESS, subscription_data: { description: 'x' } }, { param: 'subscription_data' }],
        [{ mode: 'payment', line_items: item, success_url: SUCCESS, bogus: 1 } as never, { code: 'parameter_unknown', param: 'bogus' }],
      ];
      for (const [params, expected] of cases) {
        await assert.rejects(stripe.checkout.sessions.create(params), { statusCode: 400, ...expected }, JSON.stringify(params));
      }
      const other = server.stripe();
      const foreign = await other.customers.create({});
      await assert.rejects(stripe.checkout.sessions.create({ mode: 'payment', line_items: item, success_url: SUCCESS, customer: foreign.id }), { statusCode: 404 });
    });

    it('accepts the older payment_method_types and returns both fields; setup mode with currency', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      // Older SDKs send payment_method_types; SDK 23's types only know allowed_payment_method_types.
      const older = { mode: 'setup', currency: 'usd', customer: customer.id, payment_method_types: ['card', 'us_bank_account'], success_url: SUCCESS };
      const s = await stripe.checkout.sessions.create(older as Stripe.Checkout.SessionCreateParams);
      assert.deepEqual(s.payment_method_types, ['card', 'us_bank_account']);
      assert.deepEqual(s.allowed_payment_method_types, ['card', 'us_bank_account']);
      assert.equal(s.payment_status, 'no_payment_required');
      assert.equal(s.amount_total, null);
      assertMatchesSchema('checkout.session', s);
    });

    it('updates metadata, lists by customer and status, and expires with an event', async () => {
      const stripe = server.stripe();
      const { shirt } = await catalog(stripe);
      const customer = await stripe.customers.create({});
      const a = await stripe.checkout.sessions.create({ mode: 'payment', customer: customer.id, line_items: [{ price: shirt.id, quantity: 1 }], success_url: SUCCESS });
      const b = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: shirt.id, quantity: 1 }], success_url: SUCCESS });
      const updated = await stripe.checkout.sessions.update(a.id, { metadata: { note: 'gift' } });
      assert.deepEqual(updated.metadata, { note: 'gift' });
      assert.deepEqual((await stripe.checkout.sessions.list({ customer: customer.id })).data.map((s) => s.id), [a.id]);
      assert.deepEqual((await stripe.checkout.sessions.list()).data.map((s) => s.id), [b.id, a.id]);
      const expired = await stripe.checkout.sessions.expire(a.id);
      assert.equal(expired.status, 'expired');
      assert.equal(expired.url, null);
      await assert.rejects(stripe.checkout.sessions.expire(a.id), { statusCode: 400 });
      assert.deepEqual((await stripe.checkout.sessions.list({ status: 'expired' })).data.map((s) => s.id), [a.id]);
      const events = await stripe.events.list({ type: 'checkout.session.expired' });
      assert.equal(events.data.length, 1);
      assert.equal((events.data[0]?.data.object as Stripe.Checkout.Session).id, a.id);
    });

    it('expires a session on its own when its customer’s test clock passes expires_at', async () => {
      const stripe = server.stripe();
      const { shirt } = await catalog(stripe);
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_800_000_000 });
      const customer = await stripe.customers.create({ test_clock: clock.id });
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        customer: customer.id,
        line_items: [{ price: shirt.id, quantity: 1 }],
        success_url: SUCCESS,
        expires_at: 1_800_000_000 + 3600,
      });
      assert.equal(s.created, 1_800_000_000);
      await advance(stripe, clock.id, 1_800_000_000 + 1800);
      assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'open');
      await advance(stripe, clock.id, 1_800_000_000 + 3601);
      assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'expired');
    });

    it('expires a session at expires_at by the wall clock scheduler', async () => {
      const stripe = server.stripe();
      const { shirt } = await catalog(stripe);
      const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: shirt.id, quantity: 1 }], success_url: SUCCESS });
      // Move the job's due time into the past, as if 24 hours had gone by.
      await server.app.deps.store.db.updateTable('jobs').set({ due_at: 0 }).where('subject_id', '=', s.id).execute();
      server.app.deps.notify('job-due');
      await waitFor(async () => (await stripe.checkout.sessions.retrieve(s.id)).status === 'expired', 5000, 'expiry');
    });
  });
}
