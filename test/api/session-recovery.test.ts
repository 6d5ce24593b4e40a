/**
 * `after_expiration.recovery` (docs/decisions.md#recovering-an-expired-session): an expired
 * session gets a recovery URL for 30 days; opening it copies the session (promotion codes as the
 * recovery says, `recovered_from` set) and redirects to the copy's page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242, payOnHostedPage } from '../../src/cli/page.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';
import { advance } from '../helpers/wait.js';

const DAY = 86_400;
const SUCCESS = 'https://merchant.example/success?session_id={CHECKOUT_SESSION_ID}';
const ITEM = { price_data: { currency: 'usd', unit_amount: 2500, product_data: { name: 'Lamp' } }, quantity: 2 };

/** Opens a recovery URL as a browser would, without following the redirect. */
async function open(url: string): Promise<{ status: number; location: string | null; text: string }> {
  const res = await fetch(url, { redirect: 'manual', headers: { 'accept-language': 'ja' } });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

function sessionIdOf(location: string | null): string {
  const id = /\/c\/pay\/(cs_test_[A-Za-z0-9]+)/.exec(location ?? '')?.[1];
  assert.ok(id, `not a payment page: ${location}`);
  return id;
}

for (const store of STORES) {
  describe(`recovering expired sessions (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('an expired session carries a 30-day recovery URL that opens a copy with promotion codes and recovered_from', async () => {
      const stripe = server.stripe();
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [ITEM],
        success_url: SUCCESS,
        customer_email: 'jenny@example.com',
        metadata: { cart: '7' },
        client_reference_id: 'cart-7',
        consent_collection: { promotions: 'auto' },
        after_expiration: { recovery: { enabled: true, allow_promotion_codes: true } },
      });
      assert.deepEqual(s.after_expiration?.recovery, { allow_promotion_codes: true, enabled: true, expires_at: null, url: null });
      const expired = await stripe.checkout.sessions.expire(s.id);
      const recovery = expired.after_expiration?.recovery;
      assert.equal(recovery?.url, `${server.url}/c/recover/${s.id}`);
      assert.ok(recovery?.expires_at && Math.abs(recovery.expires_at - (Math.floor(Date.now() / 1000) + 30 * DAY)) < 60);
      assertMatchesSchema('checkout.session', expired);
      const event = (await stripe.events.list({ type: 'checkout.session.expired' })).data[0];
      assert.equal((event?.data.object as Stripe.Checkout.Session).after_expiration?.recovery?.url, recovery?.url);

      const first = await open(recovery?.url as string);
      assert.equal(first.status, 303);
      const copy = await stripe.checkout.sessions.retrieve(sessionIdOf(first.location));
      assert.notEqual(copy.id, s.id);
      assert.deepEqual(
        [copy.status, copy.recovered_from, copy.allow_promotion_codes, copy.amount_total, copy.customer_email, copy.metadata?.cart, copy.client_reference_id],
        ['open', s.id, true, 5000, 'jenny@example.com', '7', 'cart-7'],
      );
      assert.equal(copy.expires_at - copy.created, 24 * 3600, 'a fresh expiry');
      assert.equal(first.location, copy.url);
      assertMatchesSchema('checkout.session', copy);

      assert.equal(sessionIdOf((await open(recovery?.url as string)).location), copy.id, 'the open copy again, not another');
      await payOnHostedPage(copy.url as string, { ...BUYER, email: 'jenny@example.com', ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(copy.id);
      assert.deepEqual([done.status, done.recovered_from], ['complete', s.id]);
      const completed = (await stripe.events.list({ type: 'checkout.session.completed' })).data[0];
      assert.equal((completed?.data.object as Stripe.Checkout.Session).recovered_from, s.id);
      assert.notEqual(sessionIdOf((await open(recovery?.url as string)).location), copy.id, 'once the copy is paid, a new copy');
    });

    it('a session without recovery gets no URL, and an unknown or open session’s link is not valid', async () => {
      const stripe = server.stripe();
      const plain = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [ITEM], success_url: SUCCESS });
      const stillOpen = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [ITEM], success_url: SUCCESS, after_expiration: { recovery: { enabled: true } } });
      assert.equal((await stripe.checkout.sessions.expire(plain.id)).after_expiration, null);
      for (const id of [plain.id, stillOpen.id, 'cs_test_a1nothing0000000000000000000000']) {
        const r = await open(`${server.url}/c/recover/${id}`);
        assert.equal(r.status, 404, id);
        assert.match(r.text, /このリンクは無効です/);
      }
    });

    it('the expiry job sets the URL on the customer’s test clock, and the URL expires 30 days later', async () => {
      const stripe = server.stripe();
      const start = Math.floor(Date.now() / 1000);
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
      const customer = await stripe.customers.create({ email: 'clock@example.com', test_clock: clock.id });
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        customer: customer.id,
        line_items: [ITEM],
        success_url: SUCCESS,
        expires_at: start + 3600,
        after_expiration: { recovery: { enabled: true } },
      });
      await advance(stripe, clock.id, start + 3600 + 60);
      const expired = await stripe.checkout.sessions.retrieve(s.id);
      assert.equal(expired.status, 'expired');
      assert.equal(expired.after_expiration?.recovery?.expires_at, start + 3600 + 30 * DAY);
      const copy = await stripe.checkout.sessions.retrieve(sessionIdOf((await open(expired.after_expiration?.recovery?.url as string)).location));
      assert.deepEqual([copy.customer, copy.allow_promotion_codes, copy.recovered_from], [customer.id, null, s.id]);
      await advance(stripe, clock.id, start + 3600 + 30 * DAY + 1);
      const late = await open(expired.after_expiration?.recovery?.url as string);
      assert.equal(late.status, 410);
      assert.match(late.text, /このリンクの有効期限が切れています/);
    });
  });
}
