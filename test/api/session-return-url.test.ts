/**
 * The URL params of a Checkout Session as Stripe checks them: `return_url` standing in for
 * `success_url`, refused beside `redirect_on_completion: never`; `client_reference_id`'s length.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

const ITEM = { price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'Book' } }, quantity: 1 };

for (const store of STORES) {
  describe(`return_url, redirect_on_completion and client_reference_id (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    const refused = (param: string, code?: string) => (err: Stripe.errors.StripeError) => {
      assert.equal(err.statusCode, 400);
      assert.equal(err.param, param);
      if (code) assert.equal(err.code, code);
      return true;
    };

    it('return_url stands in for success_url; with redirect_on_completion never it is refused', async () => {
      const stripe = server.stripe();
      const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [ITEM], return_url: 'https://merchant.example/return?session_id={CHECKOUT_SESSION_ID}' });
      assert.equal(s.success_url, 'https://merchant.example/return?session_id={CHECKOUT_SESSION_ID}');
      await assert.rejects(
        stripe.checkout.sessions.create({ mode: 'payment', line_items: [ITEM], return_url: 'https://merchant.example/return', redirect_on_completion: 'never' }),
        refused('return_url'),
      );
      await assert.rejects(stripe.checkout.sessions.create({ mode: 'payment', line_items: [ITEM], return_url: 'ftp://merchant.example/return' }), refused('return_url', 'url_invalid'));
    });

    it('client_reference_id is kept up to 200 characters, refused beyond', async () => {
      const stripe = server.stripe();
      const id = 'c'.repeat(200);
      const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [ITEM], success_url: 'https://merchant.example/ok', client_reference_id: id });
      assert.equal(s.client_reference_id, id);
      await assert.rejects(
        stripe.checkout.sessions.create({ mode: 'payment', line_items: [ITEM], success_url: 'https://merchant.example/ok', client_reference_id: `${id}c` }),
        refused('client_reference_id'),
      );
    });
  });
}
