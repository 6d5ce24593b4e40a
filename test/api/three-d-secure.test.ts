/** 3D Secure for PaymentIntents confirmed through the API: the test page moves the intent on. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';

async function press(url: string, action: 'complete' | 'fail'): Promise<Response> {
  const html = await (await fetch(url)).text();
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;
  return fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf_token: csrf, action }) });
}

for (const store of STORES) {
  describe(`3D Secure for PaymentIntents (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    const create = (stripe: Stripe, payment_method: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) =>
      stripe.paymentIntents.create({ amount: 2500, currency: 'usd', payment_method, confirm: true, return_url: 'https://shop.example/done', ...extra } as Stripe.PaymentIntentCreateParams);

    it('4000 0000 0000 3220: redirect_to_url, Complete → succeeded with a charge, back to return_url', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const pi = await create(stripe, 'pm_card_threeDSecure2Required');
      assert.equal(pi.status, 'requires_action');
      assert.equal(pi.next_action?.type, 'redirect_to_url');
      const url = pi.next_action?.redirect_to_url?.url as string;
      const page = await (await fetch(url)).text();
      assert.match(page, /Payment of \$25\.00/);
      const res = await press(url, 'complete');
      assert.equal(res.status, 303);
      const back = new URL(res.headers.get('location') as string);
      assert.equal(back.searchParams.get('payment_intent'), pi.id);
      assert.equal(back.searchParams.get('payment_intent_client_secret'), pi.client_secret);
      assert.equal(back.searchParams.get('redirect_status'), 'succeeded');
      const done = await stripe.paymentIntents.retrieve(pi.id);
      assert.equal(done.status, 'succeeded');
      assert.equal(done.next_action, null);
      assert.equal(done.amount_received, 2500);
      const types = (await eventsOf(server, key, pi.id)).map((e) => e.type);
      assert.deepEqual(types.slice(-2), ['payment_intent.requires_action', 'payment_intent.succeeded']);
    });

    it('Fail → requires_payment_method with payment_intent_authentication_failure', async () => {
      const stripe = server.stripe(freshKey());
      const pi = await create(stripe, 'pm_card_authenticationRequired');
      const res = await press(pi.next_action?.redirect_to_url?.url as string, 'fail');
      assert.equal(new URL(res.headers.get('location') as string).searchParams.get('redirect_status'), 'failed');
      const failed = await stripe.paymentIntents.retrieve(pi.id);
      assert.equal(failed.status, 'requires_payment_method');
      assert.equal(failed.last_payment_error?.code, 'payment_intent_authentication_failure');
    });

    it('4000 0084 0000 1629: authenticated, then declined with card_declined', async () => {
      const stripe = server.stripe(freshKey());
      const pi = await create(stripe, 'pm_card_threeDSecureRequiredChargeDeclined');
      assert.equal(pi.status, 'requires_action');
      await press(pi.next_action?.redirect_to_url?.url as string, 'complete');
      const declined = await stripe.paymentIntents.retrieve(pi.id);
      assert.equal(declined.status, 'requires_payment_method');
      assert.equal(declined.last_payment_error?.code, 'card_declined');
    });

    it('an unknown or malformed intent id answers 404 on the page', async () => {
      assert.equal((await fetch(`${server.url}/c/3ds/pi_doesnotexist`)).status, 404);
      assert.equal((await fetch(`${server.url}/c/3ds/%E0%A4%A`)).status, 404);
      assert.equal((await fetch(`${server.url}/c/3ds/pi_x`, { method: 'PUT' })).status, 405);
    });
  });
}
