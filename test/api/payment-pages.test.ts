/**
 * The private payment-page calls the Stripe CLI's fixtures pay with (`stripe trigger
 * checkout.session.completed`): they complete a session through the same rules as the hosted page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

for (const store of STORES) {
  describe(`payment pages (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    async function session(stripe: Stripe): Promise<Stripe.Checkout.Session> {
      const price = await stripe.prices.create({ currency: 'usd', unit_amount: 1500, product_data: { name: 'myproduct' } });
      return stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: price.id, quantity: 2 }], success_url: 'https://example.com/ok', cancel_url: 'https://example.com/cancel' });
    }

    const card = (stripe: Stripe, token = 'tok_visa') =>
      stripe.paymentMethods.create({ type: 'card', card: { token }, billing_details: { email: 'stripe@example.com', name: 'Jenny Rosen', address: { country: 'US', postal_code: '94080' } } } as Stripe.PaymentMethodCreateParams);

    it('pays a session with a PaymentMethod made beforehand, as the Stripe CLI does, with the completed event', async () => {
      const stripe = server.stripe();
      const s = await session(stripe);
      const page = await stripe.rawRequest('GET', `/v1/payment_pages/${s.id}`);
      assert.equal(page.id, s.id);
      const pm = await card(stripe);
      const done = await stripe.rawRequest('POST', `/v1/payment_pages/${s.id}/confirm`, { payment_method: pm.id, expected_amount: 3000 });
      assert.deepEqual([done.status, done.payment_status], ['complete', 'paid']);
      const pi = await stripe.paymentIntents.retrieve(done.payment_intent as string);
      assert.deepEqual([pi.status, pi.amount, pi.payment_method], ['succeeded', 3000, pm.id]);
      assert.equal((await stripe.events.list({ type: 'checkout.session.completed' })).data.length, 1);
    });

    it('refuses a total other than expected_amount, a declined card with 402, and an unknown session with 404', async () => {
      const stripe = server.stripe();
      const s = await session(stripe);
      await assert.rejects(stripe.rawRequest('POST', `/v1/payment_pages/${s.id}/confirm`, { payment_method: (await card(stripe)).id, expected_amount: 2999 }), { statusCode: 400, code: 'amount_changed' });
      await assert.rejects(stripe.rawRequest('POST', `/v1/payment_pages/${s.id}/confirm`, { payment_method: (await card(stripe, 'tok_chargeDeclined')).id, expected_amount: 3000 }), { statusCode: 402, code: 'card_declined' });
      assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'open');
      await assert.rejects(stripe.rawRequest('GET', '/v1/payment_pages/cs_test_missing'), { statusCode: 404 });
    });
  });
}
