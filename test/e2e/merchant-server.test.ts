import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_CUSTOMERS } from '../../examples/merchant/seed.js';
import { ShopClient, startShop, type ShopUnderTest } from './merchant-helpers.js';

// The example shop over HTTP, without a browser: sign-in, the seed's session creation, and the
// webhook's signature check. (The browser suite, merchant.test.ts, pays.)
describe('example shop: server side', () => {
  let shop: ShopUnderTest;
  before(async () => {
    shop = await startShop();
  });
  after(async () => {
    await shop?.close();
  });

  function userRow(email: string): { id: number; customer_id: string | null } | undefined {
    return shop.merchant.shop.db.prepare('SELECT id, customer_id FROM users WHERE email = ?').get(email) as { id: number; customer_id: string | null } | undefined;
  }

  it('seeds the demo customers as Stripe Customers, with the saved cards the prefill rules look at', async () => {
    for (const c of DEMO_CUSTOMERS) {
      const user = userRow(c.email);
      assert.ok(user?.customer_id, `${c.email} is mapped to a Customer`);
      const customer = await shop.stripe.customers.retrieve(user.customer_id);
      assert.ok(!customer.deleted && customer.email === c.email);
      const cards = await shop.stripe.paymentMethods.list({ customer: user.customer_id, type: 'card' });
      assert.equal(cards.data.length, c.cards.length);
      for (const pm of cards.data) {
        assert.equal(pm.billing_details.email, c.email);
        assert.equal(pm.billing_details.name, c.name);
        assert.ok(pm.billing_details.address?.country && pm.billing_details.address.postal_code);
      }
      const redisplay = cards.data.map((pm) => pm.allow_redisplay).sort();
      assert.deepEqual(redisplay, c.cards.map((card) => card.allowRedisplay).sort());
    }
    const endpoint = await shop.stripe.webhookEndpoints.retrieve(shop.webhookEndpoint.id);
    assert.equal(endpoint.url, `${shop.shopUrl}/webhook`);
  });

  it('creates a Customer for a new user once, however often and however concurrently they sign in', async () => {
    const email = `new.${Date.now()}@example.com`;
    await Promise.all(Array.from({ length: 4 }, () => new ShopClient(shop.shopUrl).signIn(email, 'New Buyer')));
    const first = userRow(email)?.customer_id;
    assert.ok(first);
    await new ShopClient(shop.shopUrl).signIn(email.toUpperCase());
    assert.equal(userRow(email)?.customer_id, first);
    const customers = await shop.stripe.customers.list({ email, limit: 100 });
    assert.deepEqual(customers.data.map((c) => c.id), [first]);
    assert.equal(customers.data[0]?.name, 'New Buyer');
  });

  it('sends a signed-out buyer to sign in, and a signed-in buyer with an empty cart back to the shop', async () => {
    const anonymous = new ShopClient(shop.shopUrl);
    assert.equal((await anonymous.request('POST', '/create-checkout-session')).location, '/signin');
    const client = new ShopClient(shop.shopUrl);
    await client.signIn('sam.lee@example.com');
    const r = await client.request('POST', '/create-checkout-session');
    assert.equal(r.status, 303);
    assert.match(r.location ?? '', /^\/\?message=/);
  });

  it('creates the Checkout Session for the signed-in customer with the cart, both address collections and both payment methods, and redirects 303 to its url', async () => {
    const client = new ShopClient(shop.shopUrl);
    await client.signIn('jenny.rosen@example.com');
    const home = await client.request('GET', '/');
    assert.match(home.text, /<form action="\/create-checkout-session" method="POST">\s*<button type="submit">Checkout<\/button>\s*<\/form>/);
    for (const sku of ['mug', 'mug', 'tea']) assert.equal((await client.request('POST', '/cart', { sku })).status, 303);
    const r = await client.request('POST', '/create-checkout-session');
    assert.equal(r.status, 303);
    const row = shop.merchant.shop.db.prepare('SELECT session_id, order_number FROM checkouts ORDER BY rowid DESC LIMIT 1').get() as { session_id: string; order_number: string };
    const session = await shop.stripe.checkout.sessions.retrieve(row.session_id, { expand: ['line_items'] });
    assert.equal(r.location, session.url);
    assert.equal(session.customer, userRow('jenny.rosen@example.com')?.customer_id);
    assert.equal(session.mode, 'payment');
    assert.equal(session.client_reference_id, row.order_number);
    assert.equal(session.billing_address_collection, 'auto');
    assert.ok(session.shipping_address_collection?.allowed_countries.includes('US'));
    assert.deepEqual(session.allowed_payment_method_types, ['card', 'us_bank_account']);
    assert.equal(session.success_url, `${shop.shopUrl}/success?session_id={CHECKOUT_SESSION_ID}`);
    assert.equal(session.cancel_url, `${shop.shopUrl}/cancel`);
    assert.deepEqual(
      session.line_items?.data.map((li) => [li.description, li.quantity, li.amount_total]),
      [
        ['Tanuki mug', 2, 3600],
        ['Hojicha, 100 g', 1, 1250],
      ],
    );
    assert.equal(session.amount_total, 4850);
    const page = await fetch(session.url as string);
    assert.equal(page.status, 200, 'the redirect target is the hosted payment page');

    // Not paid: the success page says so and fulfils nothing.
    const success = await client.request('GET', `/success?session_id=${session.id}`);
    assert.equal(success.status, 200);
    assert.match(success.text, /data-testid="payment-state">open</);
    assert.equal((await shop.orders()).filter((o) => o.session_id === session.id).length, 0);
    assert.equal((await client.request('GET', '/cancel')).status, 200);
  });

  it('rejects webhooks that are unsigned, forged, tampered with or stale with 400, and does nothing for them', async () => {
    const customer = userRow('sam.lee@example.com')?.customer_id as string;
    const price = (shop.merchant.shop.db.prepare(`SELECT price_id FROM products WHERE sku = 'tote'`).pluck().get() as string);
    const session = await shop.stripe.checkout.sessions.create({
      mode: 'payment',
      customer,
      line_items: [{ price, quantity: 1 }],
      success_url: `${shop.shopUrl}/success?session_id={CHECKOUT_SESSION_ID}`,
    });
    const forged = JSON.stringify({
      id: 'evt_forged_1',
      object: 'event',
      type: 'checkout.session.completed',
      data: { object: { ...session, status: 'complete', payment_status: 'paid' } },
    });
    const secret = shop.webhookEndpoint.secret as string;
    const sign = (payload: string, key: string, timestamp?: number) =>
      shop.stripe.webhooks.generateTestHeaderString({ payload, secret: key, ...(timestamp ? { timestamp } : {}) });
    const attempts: Array<[string, Record<string, string>, string]> = [
      ['no signature', {}, forged],
      ['signed with another secret', { 'stripe-signature': sign(forged, 'whsec_not_the_endpoints') }, forged],
      ['body changed after signing', { 'stripe-signature': sign(forged.replace('"paid"', '"unpaid"'), secret) }, forged],
      ['signed an hour ago', { 'stripe-signature': sign(forged, secret, Math.floor(Date.now() / 1000) - 3600) }, forged],
      ['garbage header', { 'stripe-signature': 'nonsense' }, forged],
    ];
    for (const [what, headers, body] of attempts) {
      const res = await fetch(`${shop.shopUrl}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      assert.equal(res.status, 400, what);
    }
    assert.equal((await shop.webhookLog()).filter((w) => w.event_id === 'evt_forged_1').length, 0);

    // Correctly signed, but the session is not paid: the shop asks Stripe instead of trusting the payload.
    const res = await fetch(`${shop.shopUrl}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': sign(forged, secret) }, body: forged });
    assert.equal(res.status, 200);
    const logged = (await shop.webhookLog()).filter((w) => w.event_id === 'evt_forged_1');
    assert.deepEqual(logged.map((w) => w.action), ['awaiting_payment']);
    assert.equal((await shop.orders()).filter((o) => o.session_id === session.id).length, 0);
    assert.equal(shop.count('SELECT COUNT(*) FROM emails WHERE session_id = ?', session.id), 0);
  });

  it('answers 404 for an unknown pay-again link or session, and 400 for a success page without a session', async () => {
    const client = new ShopClient(shop.shopUrl);
    assert.equal((await client.request('GET', '/pay-again/not-a-token')).status, 404);
    assert.equal((await client.request('GET', '/success')).status, 400);
    assert.equal((await client.request('GET', '/success?session_id=cs_test_unknown')).status, 404);
  });
});
