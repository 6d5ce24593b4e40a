import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';

async function cardError(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Stripe.errors.StripeError) return err;
    throw err;
  }
  assert.fail('expected a Stripe error');
}

for (const store of STORES) {
  describe(`setup intents (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('walks requires_payment_method → requires_confirmation → succeeded and attaches the card to the customer', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ email: 'si@example.com' });
      const si = await stripe.setupIntents.create({ customer: customer.id, usage: 'on_session', metadata: { order: '7' } });
      assert.equal(si.status, 'requires_payment_method');
      assert.equal(si.usage, 'on_session');
      assert.deepEqual(si.automatic_payment_methods, { allow_redirects: 'always', enabled: true });
      assertMatchesSchema('setup_intent', si);
      const updated = await stripe.setupIntents.update(si.id, { payment_method: 'pm_card_visa', description: 'Save for later' });
      assert.equal(updated.status, 'requires_confirmation');
      assert.match(updated.payment_method as string, /^pm_/);
      const done = await stripe.setupIntents.confirm(si.id);
      assert.equal(done.status, 'succeeded');
      assert.equal(done.description, 'Save for later');
      const pm = await stripe.paymentMethods.retrieve(done.payment_method as string);
      assert.equal(pm.customer, customer.id);
      assert.deepEqual((await eventsOf(server, key, si.id)).map((e) => e.type), ['setup_intent.created', 'setup_intent.succeeded']);
      assert.equal((await stripe.setupIntents.retrieve(si.id, { expand: ['payment_method'] })).payment_method && true, true);
      await assert.rejects(stripe.setupIntents.confirm(si.id), /already succeeded/);
      await assert.rejects(stripe.setupIntents.cancel(si.id), /status of succeeded/);
    });

    it('declines a card that cannot be saved: 402 with the SetupIntent, setup_failed and last_setup_error', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const err = await cardError(stripe.setupIntents.create({ payment_method: 'pm_card_chargeDeclined', confirm: true, payment_method_types: ['card'] } as Stripe.SetupIntentCreateParams));
      assert.equal(err.statusCode, 402);
      assert.equal(err.code, 'card_declined');
      assert.equal(err.decline_code, 'generic_decline');
      const failed = (err.raw as { setup_intent: Stripe.SetupIntent }).setup_intent;
      assert.equal(failed.status, 'requires_payment_method');
      assert.equal(failed.last_setup_error?.code, 'card_declined');
      const stored = await stripe.setupIntents.retrieve(failed.id);
      assert.equal(stored.last_setup_error?.decline_code, 'generic_decline');
      assert.deepEqual((await eventsOf(server, key, failed.id)).map((e) => e.type), ['setup_intent.created', 'setup_intent.setup_failed']);
      // The buyer tries another card on the same SetupIntent.
      const retried = await stripe.setupIntents.confirm(failed.id, { payment_method: 'pm_card_mastercard' });
      assert.equal(retried.status, 'succeeded');
      assert.equal(retried.last_setup_error, null);
    });

    it('asks for 3D Secure with a redirect_to_url next action, and completing it on the test page succeeds', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({});
      const si = await stripe.setupIntents.create({
        customer: customer.id,
        payment_method: 'pm_card_authenticationRequired',
        confirm: true,
        return_url: 'https://merchant.example/after',
      });
      assert.equal(si.status, 'requires_action');
      assert.equal(si.next_action?.type, 'redirect_to_url');
      const url = si.next_action?.redirect_to_url?.url as string;
      assert.equal(si.next_action?.redirect_to_url?.return_url, 'https://merchant.example/after');
      assert.ok(url.startsWith(`${server.url}/c/3ds/${si.id}`));
      const page = await fetch(url);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /id="test-source-authorize-3ds"/);
      assert.match(html, /id="test-source-fail-3ds"/);
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;
      const res = await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf_token: csrf, action: 'complete' }) });
      assert.equal(res.status, 303);
      const back = new URL(res.headers.get('location') as string);
      assert.equal(back.origin + back.pathname, 'https://merchant.example/after');
      assert.equal(back.searchParams.get('setup_intent'), si.id);
      assert.equal(back.searchParams.get('redirect_status'), 'succeeded');
      const done = await stripe.setupIntents.retrieve(si.id);
      assert.equal(done.status, 'succeeded');
      assert.equal(done.next_action, null);
      assert.equal((await stripe.paymentMethods.retrieve(done.payment_method as string)).customer, customer.id);
      assert.deepEqual((await eventsOf(server, key, si.id)).map((e) => e.type), ['setup_intent.created', 'setup_intent.requires_action', 'setup_intent.succeeded']);
    });

    it('fails authentication back to requires_payment_method with setup_intent_authentication_failure; use_stripe_sdk without a return_url', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const si = await stripe.setupIntents.create({ payment_method: 'pm_card_authenticationRequiredOnSetup', confirm: true });
      assert.equal(si.status, 'requires_action');
      assert.equal(si.next_action?.type, 'use_stripe_sdk');
      const url = (si.next_action?.use_stripe_sdk as { stripe_js: string }).stripe_js;
      const html = await (await fetch(url)).text();
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;
      const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf_token: 'forged', action: 'complete' }) });
      assert.equal(bad.status, 403);
      const res = await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf_token: csrf, action: 'fail' }) });
      assert.equal(res.status, 200);
      const failed = await stripe.setupIntents.retrieve(si.id);
      assert.equal(failed.status, 'requires_payment_method');
      assert.equal(failed.last_setup_error?.code, 'setup_intent_authentication_failure');
      assert.equal(failed.payment_method, null);
      assert.deepEqual((await eventsOf(server, key, si.id)).map((e) => e.type), ['setup_intent.created', 'setup_intent.requires_action', 'setup_intent.setup_failed']);
    });

    it("request_three_d_secure: 'any' authenticates a card that needs none; 4242 otherwise saves at once", async () => {
      const stripe = server.stripe(freshKey());
      const plain = await stripe.setupIntents.create({ payment_method: 'pm_card_visa', confirm: true });
      assert.equal(plain.status, 'succeeded');
      const forced = await stripe.setupIntents.create({ payment_method: 'pm_card_visa', confirm: true, payment_method_options: { card: { request_three_d_secure: 'any' } } });
      assert.equal(forced.status, 'requires_action');
      assert.equal((forced.payment_method_options?.card as { request_three_d_secure: string }).request_three_d_secure, 'any');
      const err = await cardError(stripe.setupIntents.create({ payment_method_options: { card: { request_three_d_secure: 'sometimes' as 'any' } } }));
      assert.equal(err.statusCode, 400);
      assert.equal(err.param, 'payment_method_options[card][request_three_d_secure]');
    });

    it('4000 0000 0000 3097 with request_three_d_secure any: authenticated, then processing_error; redirect_status=failed', async () => {
      const stripe = server.stripe(freshKey());
      const si = await stripe.setupIntents.create({
        payment_method: 'pm_card_threeDSecureOptionalProcessingError',
        confirm: true,
        return_url: 'https://merchant.example/back',
        payment_method_options: { card: { request_three_d_secure: 'any' } },
      });
      assert.equal(si.status, 'requires_action');
      const url = si.next_action?.redirect_to_url?.url as string;
      const html = await (await fetch(url)).text();
      assert.match(html, /Save a card for future payments/);
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;
      const post = () => fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf_token: csrf, action: 'complete' }) });
      const res = await post();
      assert.equal(new URL(res.headers.get('location') as string).searchParams.get('redirect_status'), 'failed');
      const failed = await stripe.setupIntents.retrieve(si.id);
      assert.equal(failed.status, 'requires_payment_method');
      assert.equal(failed.last_setup_error?.code, 'processing_error');
      // Pressing again changes nothing.
      assert.equal(new URL((await post()).headers.get('location') as string).searchParams.get('redirect_status'), 'failed');
      assert.equal((await stripe.setupIntents.retrieve(si.id)).status, 'requires_payment_method');
      // Off-session cards are not asked here: 4000 0038 0000 0446 is already set up.
      assert.equal((await stripe.setupIntents.create({ payment_method: 'pm_card_authenticationRequiredSetupForOffSession', confirm: true })).status, 'succeeded');
    });

    it('cancels with a cancellation_reason and emits setup_intent.canceled', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const si = await stripe.setupIntents.create({ payment_method_types: ['card'], description: '(created by Stripe CLI)' } as Stripe.SetupIntentCreateParams);
      const canceled = await stripe.setupIntents.cancel(si.id, { cancellation_reason: 'requested_by_customer' });
      assert.equal(canceled.status, 'canceled');
      assert.equal(canceled.cancellation_reason, 'requested_by_customer');
      assert.deepEqual((await eventsOf(server, key, si.id)).map((e) => e.type), ['setup_intent.created', 'setup_intent.canceled']);
      await assert.rejects(stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_visa' }), /has been canceled/);
      await assert.rejects(stripe.setupIntents.cancel(si.id), /status of canceled/);
    });

    it('lists by customer, payment_method and created', async () => {
      const stripe = server.stripe(freshKey());
      const a = await stripe.customers.create({});
      const first = await stripe.setupIntents.create({ customer: a.id, payment_method: 'pm_card_visa', confirm: true });
      const second = await stripe.setupIntents.create({ customer: a.id });
      await stripe.setupIntents.create({});
      const byCustomer = await stripe.setupIntents.list({ customer: a.id });
      assert.deepEqual(byCustomer.data.map((s) => s.id), [second.id, first.id]);
      const byPm = await stripe.setupIntents.list({ payment_method: first.payment_method as string });
      assert.deepEqual(byPm.data.map((s) => s.id), [first.id]);
      const all = await stripe.setupIntents.list({ created: { gte: first.created } , limit: 2 });
      assert.equal(all.data.length, 2);
      assert.equal(all.has_more, true);
    });

    it('refuses bad input with Stripe-shaped 400s and accepts the params stripe-node sends', async () => {
      const stripe = server.stripe(freshKey());
      await assert.rejects(stripe.setupIntents.create({ customer: 'cus_missing' }), (e: Stripe.errors.StripeError) => e.statusCode === 404 && e.param === 'customer');
      await assert.rejects(stripe.setupIntents.create({ payment_method_types: ['card'], automatic_payment_methods: { enabled: true } } as Stripe.SetupIntentCreateParams), /only specify one/);
      await assert.rejects(stripe.setupIntents.create({ return_url: 'https://x.example' }), (e: Stripe.errors.StripeError) => e.param === 'return_url');
      await assert.rejects(stripe.setupIntents.create({ usage: 'sometimes' as 'on_session' }), (e: Stripe.errors.StripeError) => e.statusCode === 400 && e.param === 'usage');
      await assert.rejects(stripe.setupIntents.confirm('seti_missing'), (e: Stripe.errors.StripeError) => e.statusCode === 404);
      const none = await stripe.setupIntents.create({});
      await assert.rejects(stripe.setupIntents.confirm(none.id), /missing a payment method/);
      const si = await stripe.setupIntents.create({
        payment_method_types: ['card', 'sepa_debit'],
        single_use: { amount: 1000, currency: 'eur' },
        mandate_data: { customer_acceptance: { type: 'offline' } },
        flow_directions: ['inbound'],
        attach_to_self: false,
        use_stripe_sdk: false,
        payment_method_data: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' } } as unknown as Stripe.SetupIntentCreateParams.PaymentMethodData,
        payment_method_options: { card: { request_three_d_secure: 'automatic', network: 'visa' }, sepa_debit: { mandate_options: {} } },
        on_behalf_of: 'acct_123',
      } as Stripe.SetupIntentCreateParams);
      assert.equal(si.status, 'requires_confirmation');
      assert.deepEqual(si.flow_directions, ['inbound']);
    });
  });
}
