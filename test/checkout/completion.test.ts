import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242, bankAccount, payOnHostedPage } from '../../src/cli/page.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';
import { advance } from '../helpers/wait.js';

const SUCCESS = 'https://merchant.example/success?session_id={CHECKOUT_SESSION_ID}';

async function price(stripe: Stripe, recurring = false): Promise<Stripe.Price> {
  return stripe.prices.create({
    currency: 'usd',
    unit_amount: 1500,
    product_data: { name: recurring ? 'Monthly plan' : 'Poster' },
    ...(recurring ? { recurring: { interval: 'month' as const } } : {}),
  });
}

async function eventsOf(stripe: Stripe, type: string): Promise<Stripe.Event[]> {
  return (await stripe.events.list({ type, limit: 100 })).data;
}

/** Posts the hosted page's form `n` times at once with one CSRF token, as a double-clicking buyer. */
async function submitConcurrently(url: string, fields: Record<string, string>, n: number): Promise<number[]> {
  const html = await (await fetch(url)).text();
  const token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;
  const body = new URLSearchParams({ ...fields, csrf_token: token }).toString();
  const responses = await Promise.all(
    Array.from({ length: n }, () => fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })),
  );
  return Promise.all(responses.map(async (r) => (await r.arrayBuffer(), r.status)));
}

for (const store of STORES) {
  describe(`checkout completion (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_SETTLEMENT_DELAY: '1' } });
    });
    after(() => server.close());

    it('50 concurrent submits of one session produce exactly one payment and one completed event', async () => {
      const stripe = server.stripe();
      const p = await price(stripe);
      const customer = await stripe.customers.create({ email: 'race@example.com' });
      const s = await stripe.checkout.sessions.create({ mode: 'payment', customer: customer.id, line_items: [{ price: p.id, quantity: 2 }], success_url: SUCCESS });
      const statuses = await submitConcurrently(s.url as string, { ...BUYER, ...CARD_4242 }, 50);
      assert.equal(statuses.filter((x) => x === 303).length, 1, `statuses: ${statuses.join(',')}`);
      assert.ok(statuses.every((x) => x === 303 || x === 409), `statuses: ${statuses.join(',')}`);
      const done = await stripe.checkout.sessions.retrieve(s.id);
      assert.equal(done.status, 'complete');
      assert.equal(done.payment_status, 'paid');
      const pis = await stripe.paymentIntents.list({ customer: customer.id });
      assert.equal(pis.data.length, 1);
      assert.equal(pis.data[0]?.status, 'succeeded');
      assert.equal(pis.data[0]?.amount, 3000);
      assert.equal((await eventsOf(stripe, 'checkout.session.completed')).length, 1);
      assert.equal((await eventsOf(stripe, 'payment_intent.succeeded')).length, 1);
      assertMatchesSchema('payment_intent', pis.data[0]);
    });

    it('ties every object a payment creates to the session’s customer', async () => {
      const stripe = server.stripe();
      const p = await price(stripe);
      const customer = await stripe.customers.create({ email: 'tied@example.com' });
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        customer: customer.id,
        line_items: [{ price: p.id, quantity: 1 }],
        success_url: SUCCESS,
        payment_intent_data: { setup_future_usage: 'off_session', metadata: { order: '9' } },
      });
      await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['payment_intent.payment_method'] });
      const pi = done.payment_intent as Stripe.PaymentIntent;
      assert.equal(pi.customer, customer.id);
      assert.deepEqual(pi.metadata, { order: '9' });
      assert.equal(pi.setup_future_usage, 'off_session');
      const pm = pi.payment_method as Stripe.PaymentMethod;
      assert.equal(pm.customer, customer.id);
      assert.equal(pm.allow_redisplay, 'limited', 'setup_future_usage saves are limited');
      assert.equal(pm.card?.last4, '4242');
      assert.equal(done.customer_details?.email, 'tied@example.com');
      assert.equal(done.customer_details?.address?.postal_code, '94102');
      assertMatchesSchema('checkout.session', done);
    });

    it('saves a card with allow_redisplay always when the buyer ticks save, and not otherwise', async () => {
      const stripe = server.stripe();
      const p = await price(stripe);
      const customer = await stripe.customers.create({});
      const make = () =>
        stripe.checkout.sessions.create({
          mode: 'payment',
          customer: customer.id,
          line_items: [{ price: p.id, quantity: 1 }],
          success_url: SUCCESS,
          saved_payment_method_options: { payment_method_save: 'enabled' },
        });
      await payOnHostedPage((await make()).url as string, { ...BUYER, ...CARD_4242 });
      assert.equal((await stripe.customers.listPaymentMethods(customer.id)).data.length, 0, 'not saved without the tick');
      await payOnHostedPage((await make()).url as string, { ...BUYER, ...CARD_4242, savePaymentMethod: 'on' });
      const saved = await stripe.customers.listPaymentMethods(customer.id);
      assert.deepEqual(saved.data.map((pm) => pm.allow_redisplay), ['always']);
    });

    it('subscription mode starts an active subscription with its paid first invoice and the card as default', async () => {
      const stripe = server.stripe();
      const plan = await price(stripe, true);
      const customer = await stripe.customers.create({ email: 'sub@example.com' });
      const s = await stripe.checkout.sessions.create({ mode: 'subscription', customer: customer.id, line_items: [{ price: plan.id, quantity: 1 }], success_url: SUCCESS });
      await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(s.id);
      assert.equal(done.payment_status, 'paid');
      const sub = await stripe.subscriptions.retrieve(done.subscription as string);
      assert.equal(sub.status, 'active');
      assert.equal(sub.customer, customer.id);
      assert.equal(sub.items.data[0]?.price.id, plan.id);
      assert.ok((sub.items.data[0]?.current_period_end ?? 0) > sub.start_date);
      const pm = await stripe.paymentMethods.retrieve(sub.default_payment_method as string);
      assert.equal(pm.customer, customer.id);
      assert.equal(pm.allow_redisplay, 'limited');
      const invoice = await stripe.invoices.retrieve(sub.latest_invoice as string);
      assert.equal(invoice.status, 'paid');
      assert.equal(invoice.amount_paid, 1500);
      assert.equal(invoice.customer, customer.id);
      assert.equal(done.invoice, invoice.id);
      assertMatchesSchema('subscription', sub);
      assertMatchesSchema('invoice', invoice);
      assert.equal((await eventsOf(stripe, 'customer.subscription.created')).length, 1);
      assert.equal((await eventsOf(stripe, 'invoice.paid')).length, 1);
      assert.equal((await stripe.subscriptions.list({ customer: customer.id })).data.length, 1);
    });

    it('setup mode saves the card to the customer with a succeeded SetupIntent', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const s = await stripe.checkout.sessions.create({ mode: 'setup', currency: 'usd', customer: customer.id, success_url: SUCCESS });
      await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(s.id);
      assert.equal(done.status, 'complete');
      assert.equal(done.payment_status, 'no_payment_required');
      const si = await stripe.setupIntents.retrieve(done.setup_intent as string);
      assert.equal(si.status, 'succeeded');
      assert.equal(si.customer, customer.id);
      const pm = await stripe.paymentMethods.retrieve(si.payment_method as string);
      assert.equal(pm.customer, customer.id);
      assert.equal(pm.allow_redisplay, 'always');
      assertMatchesSchema('setup_intent', si);
    });

    it('a declined card leaves the session open; the retry reuses the PaymentIntent', async () => {
      const stripe = server.stripe();
      const p = await price(stripe);
      const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: p.id, quantity: 1 }], success_url: SUCCESS });
      await assert.rejects(payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242, cardNumber: '4000 0000 0000 9995' }), /insufficient funds/);
      const open = await stripe.checkout.sessions.retrieve(s.id);
      assert.equal(open.status, 'open');
      const failed = await stripe.paymentIntents.retrieve(open.payment_intent as string);
      assert.equal(failed.status, 'requires_payment_method');
      assert.equal(failed.last_payment_error?.decline_code, 'insufficient_funds');
      await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(s.id);
      assert.equal(done.payment_intent, open.payment_intent);
      assert.equal((await stripe.paymentIntents.retrieve(done.payment_intent as string)).status, 'succeeded');
      assert.equal((await eventsOf(stripe, 'payment_intent.payment_failed')).length, 1);
      await assert.rejects(stripe.checkout.sessions.expire(s.id), { statusCode: 400 });
      // A completed session's page offers no payment form any more.
      await assert.rejects(payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 }), /did not offer a payment form/);
    });

    for (const [account, outcome, code] of [
      ['000123456789', 'succeeded', null],
      ['000222222227', 'failed', 'insufficient_funds'],
      ['000111111113', 'failed', 'account_closed'],
    ] as const) {
      it(`a bank payment with ${account} completes unpaid, then ${outcome === 'succeeded' ? 'is paid' : `fails (${code})`}`, async () => {
        const stripe = server.stripe();
        const p = await price(stripe);
        // On a test clock the payment stays processing until the clock moves: no race with settlement.
        const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_800_000_000 });
        const customer = await stripe.customers.create({ test_clock: clock.id, email: 'ach@example.com' });
        const s = await stripe.checkout.sessions.create({
          mode: 'payment',
          customer: customer.id,
          line_items: [{ price: p.id, quantity: 1 }],
          allowed_payment_method_types: ['us_bank_account'],
          success_url: SUCCESS,
        });
        await payOnHostedPage(s.url as string, { ...BUYER, ...bankAccount(account) });
        const completed = await stripe.checkout.sessions.retrieve(s.id);
        assert.equal(completed.status, 'complete');
        assert.equal(completed.payment_status, 'unpaid');
        assert.equal((await stripe.paymentIntents.retrieve(completed.payment_intent as string)).status, 'processing');
        const [completedEvent] = await eventsOf(stripe, 'checkout.session.completed');
        assert.equal((completedEvent?.data.object as Stripe.Checkout.Session).payment_status, 'unpaid');
        // Wall time passes the 1 s settlement delay, the clock does not: nothing settles yet.
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal((await stripe.checkout.sessions.retrieve(s.id)).payment_status, 'unpaid');
        await advance(stripe, clock.id, 1_800_000_000 + 60);
        const asyncType = `checkout.session.async_payment_${outcome}`;
        const [event] = await eventsOf(stripe, asyncType);
        assert.ok(event, `${asyncType} was written`);
        const pi = await stripe.paymentIntents.retrieve(completed.payment_intent as string);
        const after = await stripe.checkout.sessions.retrieve(s.id);
        if (outcome === 'succeeded') {
          assert.equal(pi.status, 'succeeded');
          assert.equal(after.payment_status, 'paid');
          assert.equal((event?.data.object as Stripe.Checkout.Session).payment_status, 'paid');
        } else {
          assert.equal(pi.status, 'requires_payment_method');
          assert.equal(pi.last_payment_error?.code, code);
          assert.equal(after.payment_status, 'unpaid');
          assert.equal((await eventsOf(stripe, 'payment_intent.payment_failed')).length, 1);
        }
      });
    }
  });
}
