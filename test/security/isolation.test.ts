import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { BUYER, CARD_4242, payOnHostedPage } from '../../src/cli/page.js';
import { resources } from '../../src/resources/index.js';
import { assemble } from '../../src/resources/module.js';
import { startReceiver, type Receiver } from '../events/receiver.js';
import { STORES, freshKey, raw, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

/** Every /v1 route the server serves. */
const { routes } = assemble(resources);

/** What one account owns, with strings that must never show up in another account's answers. */
interface Owned {
  key: string;
  stripe: Stripe;
  customer: Stripe.Customer;
  saved: Stripe.PaymentMethod;
  loose: Stripe.PaymentMethod;
  product: Stripe.Product;
  price: Stripe.Price;
  plan: Stripe.Price;
  open: Stripe.Checkout.Session;
  paid: Stripe.Checkout.Session;
  setup: Stripe.Checkout.Session;
  subscribed: Stripe.Checkout.Session;
  clock: Stripe.TestHelpers.TestClock;
  endpoint: Stripe.WebhookEndpoint;
  receiver: Receiver;
  event: Stripe.Event;
  coupon: Stripe.Coupon;
  promo: Stripe.PromotionCode;
  taxRate: Stripe.TaxRate;
  shippingRate: Stripe.ShippingRate;
  registration: Stripe.Tax.Registration;
  secrets: string[];
}

async function account(server: TestServer, who: string, cardToken: string): Promise<Owned> {
  const key = freshKey();
  const stripe = server.stripe(key);
  const receiver = await startReceiver();
  const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
  const customer = await stripe.customers.create({
    email: `${who}@${who}.example`,
    name: `${who} Secretname`,
    shipping: { name: `${who} Shipto`, address: { line1: `1 ${who} Street`, city: `${who}ville`, state: 'CA', postal_code: '94102', country: 'US' } },
  });
  const saved = await stripe.paymentMethods.create({ type: 'card', card: { token: cardToken }, allow_redisplay: 'always', billing_details: { name: `${who} Cardholder`, email: `${who}@${who}.example`, address: { country: 'US', postal_code: '94102' } } } as Stripe.PaymentMethodCreateParams);
  await stripe.paymentMethods.attach(saved.id, { customer: customer.id });
  const loose = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
  const product = await stripe.products.create({ name: `${who} Product` });
  const price = await stripe.prices.create({ currency: 'usd', unit_amount: 1500, product: product.id });
  const plan = await stripe.prices.create({ currency: 'usd', unit_amount: 900, recurring: { interval: 'month' }, product_data: { name: `${who} Plan` } });
  const base = { customer: customer.id, success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/cart' };
  const open = await stripe.checkout.sessions.create({ ...base, mode: 'payment', line_items: [{ price: price.id, quantity: 1 }], shipping_address_collection: { allowed_countries: ['US'] } });
  const paid = await stripe.checkout.sessions.create({ ...base, mode: 'payment', line_items: [{ price: price.id, quantity: 2 }] });
  await payOnHostedPage(paid.url as string, { ...BUYER, ...CARD_4242 });
  const setup = await stripe.checkout.sessions.create({ ...base, mode: 'setup', currency: 'usd' });
  await payOnHostedPage(setup.url as string, { ...BUYER, ...CARD_4242 });
  const subscribed = await stripe.checkout.sessions.create({ ...base, mode: 'subscription', line_items: [{ price: plan.id, quantity: 1 }] });
  await payOnHostedPage(subscribed.url as string, { ...BUYER, ...CARD_4242 });
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.now() / 1000) });
  const event = (await stripe.events.list({ limit: 1 })).data[0] as Stripe.Event;
  const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'once', name: `${who} Coupon` });
  const promo = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: `${who.toUpperCase()}CODE` });
  const taxRate = await stripe.taxRates.create({ display_name: `${who} Tax`, percentage: 10, inclusive: false });
  const shippingRate = await stripe.shippingRates.create({ display_name: `${who} Post`, type: 'fixed_amount', fixed_amount: { amount: 500, currency: 'usd' } });
  const registration = await stripe.tax.registrations.create({ country: 'JP', country_options: { jp: { type: 'standard' } }, active_from: 'now' });
  return {
    key,
    stripe,
    customer,
    saved,
    loose,
    product,
    price,
    plan,
    open,
    paid: await stripe.checkout.sessions.retrieve(paid.id),
    setup: await stripe.checkout.sessions.retrieve(setup.id),
    subscribed: await stripe.checkout.sessions.retrieve(subscribed.id),
    clock,
    endpoint,
    receiver,
    event,
    coupon,
    promo,
    taxRate,
    shippingRate,
    registration,
    secrets: [`${who}@${who}.example`, `${who} Secretname`, `${who} Shipto`, `${who} Cardholder`, `${who}ville`, `${who} Product`, `${who} Plan`, `${who} Coupon`, `${who.toUpperCase()}CODE`, `${who} Tax`, `${who} Post`],
  };
}

/** Every route with an id in its path, aimed at an object of `a`, with the params a caller would send. */
function attacks(a: Owned, b: Owned): Record<string, { ids: string[]; body?: Record<string, string>; query?: string }> {
  const pi = a.paid.payment_intent as string;
  return {
    'GET /v1/customers/:id': { ids: [a.customer.id], query: 'expand[]=invoice_settings.default_payment_method' },
    'POST /v1/customers/:id': { ids: [a.customer.id], body: { name: 'Mallory' } },
    'DELETE /v1/customers/:id': { ids: [a.customer.id] },
    'DELETE /v1/customers/:id/discount': { ids: [a.customer.id] },
    'GET /v1/payment_methods/:id': { ids: [a.saved.id], query: 'expand[]=customer' },
    'POST /v1/payment_methods/:id': { ids: [a.saved.id], body: { 'metadata[x]': '1' } },
    'POST /v1/payment_methods/:id/attach': { ids: [a.loose.id], body: { customer: b.customer.id } },
    'POST /v1/payment_methods/:id/detach': { ids: [a.saved.id] },
    'GET /v1/customers/:customer/payment_methods': { ids: [a.customer.id] },
    'GET /v1/customers/:customer/payment_methods/:id': { ids: [a.customer.id, a.saved.id] },
    'GET /v1/products/:id': { ids: [a.product.id] },
    'POST /v1/products/:id': { ids: [a.product.id], body: { name: 'Mallory' } },
    'DELETE /v1/products/:id': { ids: [a.product.id] },
    'GET /v1/prices/:id': { ids: [a.price.id], query: 'expand[]=product' },
    'POST /v1/prices/:id': { ids: [a.price.id], body: { active: 'false' } },
    'GET /v1/checkout/sessions/:id': { ids: [a.open.id], query: 'expand[]=customer&expand[]=line_items' },
    'POST /v1/checkout/sessions/:id': { ids: [a.open.id], body: { 'metadata[x]': '1' } },
    'POST /v1/checkout/sessions/:id/expire': { ids: [a.open.id] },
    'GET /v1/checkout/sessions/:id/line_items': { ids: [a.open.id] },
    'GET /v1/checkout/sessions/:id/prefill_explanation': { ids: [a.open.id] },
    'GET /v1/payment_pages/:id': { ids: [a.open.id] },
    'POST /v1/payment_pages/:id/confirm': { ids: [a.open.id], body: { payment_method: 'pm_card_visa', expected_amount: '1500' } },
    'GET /v1/payment_intents/:id': { ids: [pi], query: 'expand[]=payment_method&expand[]=customer' },
    'GET /v1/setup_intents/:id': { ids: [a.setup.setup_intent as string] },
    'GET /v1/subscriptions/:id': { ids: [a.subscribed.subscription as string] },
    'GET /v1/invoices/:id': { ids: [a.subscribed.invoice as string] },
    'GET /v1/test_helpers/test_clocks/:id': { ids: [a.clock.id] },
    'POST /v1/test_helpers/test_clocks/:id/advance': { ids: [a.clock.id], body: { frozen_time: String(a.clock.frozen_time + 3600) } },
    'DELETE /v1/test_helpers/test_clocks/:id': { ids: [a.clock.id] },
    'GET /v1/events/:id': { ids: [a.event.id] },
    'POST /v1/events/:id/retry': { ids: [a.event.id], body: { webhook_endpoint: b.endpoint.id } },
    'GET /v1/webhook_endpoints/:id': { ids: [a.endpoint.id] },
    'POST /v1/webhook_endpoints/:id': { ids: [a.endpoint.id], body: { url: 'https://evil.example/hook' } },
    'DELETE /v1/webhook_endpoints/:id': { ids: [a.endpoint.id] },
    'GET /v1/coupons/:id': { ids: [a.coupon.id] },
    'POST /v1/coupons/:id': { ids: [a.coupon.id], body: { name: 'Mallory' } },
    'DELETE /v1/coupons/:id': { ids: [a.coupon.id] },
    'GET /v1/promotion_codes/:id': { ids: [a.promo.id], query: 'expand[]=promotion.coupon' },
    'POST /v1/promotion_codes/:id': { ids: [a.promo.id], body: { active: 'false' } },
    'GET /v1/tax_rates/:id': { ids: [a.taxRate.id] },
    'POST /v1/tax_rates/:id': { ids: [a.taxRate.id], body: { active: 'false' } },
    'GET /v1/shipping_rates/:id': { ids: [a.shippingRate.id] },
    'POST /v1/shipping_rates/:id': { ids: [a.shippingRate.id], body: { active: 'false' } },
    'GET /v1/tax/registrations/:id': { ids: [a.registration.id] },
    'POST /v1/tax/registrations/:id': { ids: [a.registration.id], body: { expires_at: 'now' } },
  };
}

/** What account `a` can see of itself: compared before and after `b` tried everything. */
async function view(a: Owned) {
  const s = a.stripe;
  return {
    customer: await s.customers.retrieve(a.customer.id),
    pms: (await s.customers.listPaymentMethods(a.customer.id)).data.map((p) => p.id),
    loose: await s.paymentMethods.retrieve(a.loose.id),
    product: await s.products.retrieve(a.product.id),
    price: await s.prices.retrieve(a.price.id),
    open: await s.checkout.sessions.retrieve(a.open.id),
    clock: await s.testHelpers.testClocks.retrieve(a.clock.id),
    endpoint: await s.webhookEndpoints.retrieve(a.endpoint.id),
    events: (await s.events.list({ limit: 100 })).data.map((e) => e.id),
    coupon: await s.coupons.retrieve(a.coupon.id),
    promo: await s.promotionCodes.retrieve(a.promo.id),
    taxRate: await s.taxRates.retrieve(a.taxRate.id),
    shippingRate: await s.shippingRates.retrieve(a.shippingRate.id),
    registration: await s.tax.registrations.retrieve(a.registration.id),
  };
}

function assertNoLeak(text: string, a: Owned, what: string): void {
  for (const secret of a.secrets) assert.ok(!text.includes(secret), `${what} leaked ${JSON.stringify(secret)}: ${text.slice(0, 300)}`);
}

for (const store of STORES) {
  describe(`key isolation (${store})`, () => {
    let server: TestServer;
    let a: Owned;
    let b: Owned;
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_WEBHOOK_RETRY_SCHEDULE: '0.2,0.5,1' } });
      a = await account(server, 'alice', 'tok_visa');
      b = await account(server, 'bob', 'tok_mastercard');
    });
    after(async () => {
      await a.receiver.close();
      await b.receiver.close();
      await server.close();
    });

    it('never lets key B read, change, expire, pay or delete key A’s objects through any route', async () => {
      const table = attacks(a, b);
      const uncovered = routes.filter((r) => r.path.includes(':') && !table[`${r.method} ${r.path}`]).map((r) => `${r.method} ${r.path}`);
      assert.deepEqual(uncovered, [], 'every route that takes an id is tried');
      const before = await view(a);
      for (const [route, attack] of Object.entries(table)) {
        const [method, pattern] = route.split(' ') as [string, string];
        let n = 0;
        const path = pattern.replace(/:[a-z_]+/g, () => encodeURIComponent(attack.ids[n++] as string));
        const body = attack.body ? new URLSearchParams(attack.body).toString() : undefined;
        const res = await raw(server.url, attack.query ? `${path}?${attack.query}` : path, { method, key: b.key, ...(body !== undefined ? { body } : {}) });
        assert.equal(res.status, 404, `${route} as B: ${res.status} ${res.text.slice(0, 200)}`);
        assert.equal((res.body as { error: { code?: string } }).error.code, 'resource_missing', route);
        assertNoLeak(res.text, a, route);
      }
      // B's own customer with A's card id in the path: still A's card, still missing.
      const mixed = await raw(server.url, `/v1/customers/${b.customer.id}/payment_methods/${a.saved.id}`, { key: b.key });
      assert.equal(mixed.status, 404);
      assert.deepEqual(await view(a), before, 'A’s objects and events are untouched');
    });

    it('refuses to let key B build on key A’s ids (customer, price, product, clock, card) and stores nothing for it', async () => {
      const base = { mode: 'payment' as const, success_url: 'https://shop.example/ok' };
      const countBefore = (await b.stripe.checkout.sessions.list({ limit: 100 })).data.length;
      const tries: Array<[string, () => Promise<unknown>]> = [
        ['session for A’s customer', () => b.stripe.checkout.sessions.create({ ...base, customer: a.customer.id, line_items: [{ price: b.price.id, quantity: 1 }] })],
        ['session with A’s price', () => b.stripe.checkout.sessions.create({ ...base, line_items: [{ price: a.price.id, quantity: 1 }] })],
        ['price on A’s product', () => b.stripe.prices.create({ currency: 'usd', unit_amount: 1, product: a.product.id })],
        ['customer on A’s clock', () => b.stripe.customers.create({ test_clock: a.clock.id })],
        ['A’s card as default', () => b.stripe.customers.update(b.customer.id, { invoice_settings: { default_payment_method: a.saved.id } })],
        ['customer with A’s card', () => b.stripe.customers.create({ payment_method: a.loose.id })],
      ];
      for (const [what, attempt] of tries) {
        await assert.rejects(attempt(), (e: Stripe.errors.StripeError) => e.statusCode === 404 || e.statusCode === 400, what);
      }
      assert.equal((await b.stripe.checkout.sessions.list({ limit: 100 })).data.length, countBefore);
      assert.equal((await b.stripe.customers.retrieve(b.customer.id) as Stripe.Customer).invoice_settings.default_payment_method, null);
    });

    it('lists and expands only key B’s own objects, whatever filter names A’s', async () => {
      const paths = [
        `/v1/checkout/sessions?customer=${a.customer.id}&limit=100`,
        `/v1/checkout/sessions?limit=100&expand[]=data.customer&expand[]=data.payment_intent`,
        `/v1/payment_intents?customer=${a.customer.id}`,
        `/v1/payment_intents?limit=100&expand[]=data.customer&expand[]=data.payment_method`,
        `/v1/payment_methods?customer=${a.customer.id}`,
        `/v1/customers?email=${encodeURIComponent(a.customer.email as string)}`,
        `/v1/customers?limit=100`,
        `/v1/events?limit=100`,
        `/v1/subscriptions?customer=${a.customer.id}`,
        `/v1/invoices?customer=${a.customer.id}`,
        `/v1/setup_intents?customer=${a.customer.id}`,
        `/v1/products?limit=100`,
        `/v1/prices?limit=100&expand[]=data.product`,
        `/v1/webhook_endpoints`,
        `/v1/test_helpers/test_clocks`,
      ];
      for (const path of paths) {
        const res = await raw(server.url, path, { key: b.key });
        assert.ok(res.status === 200 || res.status === 404, res.text.slice(0, 200));
        assertNoLeak(res.text, a, path);
        // A 404 names the id it was asked about; nothing else of A's may appear.
        for (const id of [a.customer.id, a.saved.id, a.open.id, a.paid.id, a.product.id, a.clock.id, a.endpoint.id, a.event.id]) {
          if (!path.includes(id)) assert.ok(!res.text.includes(id), `${path} as B names A's ${id}`);
        }
        if (res.status === 200) assert.ok((res.body as { data: unknown[] }).data.every((o) => !JSON.stringify(o).includes(a.customer.id)), path);
      }
      const own = await b.stripe.checkout.sessions.retrieve(b.paid.id, { expand: ['customer', 'payment_intent.payment_method'] });
      assert.equal((own.customer as Stripe.Customer).email, 'bob@bob.example');
    });

    it('shows a buyer on B’s hosted page only B’s customer, and refuses A’s saved card and A’s token there', async () => {
      const page = await fetch(b.open.url as string);
      const html = await page.text();
      assert.ok(html.includes('bob@bob.example') && html.includes('bob Shipto') && html.includes(b.saved.card?.last4 as string), 'B’s customer is prefilled');
      assertNoLeak(html, a, 'B’s page');
      assert.ok(!html.includes(a.saved.id) && !html.includes(a.customer.id));
      const token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;
      const aToken = /name="csrf_token" value="([^"]+)"/.exec(await (await fetch(a.open.url as string)).text())?.[1] as string;
      const post = async (fields: Record<string, string>) => {
        const res = await fetch(b.open.url as string, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
        return { status: res.status, html: await res.text() };
      };
      const shipping = { shippingName: 'Bob', shippingCountry: 'US', shippingAddressLine1: '1 St', shippingLocality: 'Town', shippingAdministrativeArea: 'CA', shippingPostalCode: '94102' };
      const withA = await post({ csrf_token: token, ...BUYER, ...shipping, paymentMethod: a.saved.id });
      assert.equal(withA.status, 400, 'A’s saved card is refused on B’s page');
      assertNoLeak(withA.html, a, 'refusal');
      assert.equal((await post({ csrf_token: aToken, ...BUYER, ...shipping, ...CARD_4242 })).status, 403, 'A’s page token does not open B’s form');
      assert.equal((await b.stripe.checkout.sessions.retrieve(b.open.id)).status, 'open');
      assert.equal((await a.stripe.paymentIntents.list({ limit: 100 })).data.length, 2, 'no payment on A’s side');
    });

    it('delivers A’s events only to A’s endpoint and B’s only to B’s', async () => {
      const [aEvents, bEvents] = await Promise.all([a.stripe.events.list({ limit: 100 }), b.stripe.events.list({ limit: 100 })]);
      const aIds = new Set(aEvents.data.map((e) => e.id));
      const bIds = new Set(bEvents.data.map((e) => e.id));
      await waitFor(() => [...aIds].every((id) => a.receiver.eventIds().includes(id)) && [...bIds].every((id) => b.receiver.eventIds().includes(id)), 15_000, 'deliveries');
      assert.ok(a.receiver.eventIds().every((id) => aIds.has(id)), 'A’s receiver got only A’s events');
      assert.ok(b.receiver.eventIds().every((id) => bIds.has(id)), 'B’s receiver got only B’s events');
      for (const r of a.receiver.received) assertNoLeak(r.body, b, 'A’s webhook');
      for (const r of b.receiver.received) assertNoLeak(r.body, a, 'B’s webhook');
      // Each delivery verifies with its own endpoint's secret only.
      const sdk = new Stripe('sk_test_x');
      const one = a.receiver.received[0];
      assert.ok(one);
      assert.throws(() => sdk.webhooks.constructEvent(one.body, one.headers['stripe-signature'] as string, b.endpoint.secret as string));
      assert.equal(sdk.webhooks.constructEvent(one.body, one.headers['stripe-signature'] as string, a.endpoint.secret as string).id, JSON.parse(one.body).id);
    });

    it('keeps the admin routes to the calling account: B cannot read A’s delivery attempts, and B’s reset leaves A whole', async () => {
      const attempts = await raw(server.url, `/_admin/events/${a.event.id}/attempts`, { key: b.key });
      assert.equal(attempts.status, 404);
      const before = await view(a);
      const reset = await raw(server.url, '/_admin/reset', { method: 'POST', key: b.key });
      assert.equal(reset.status, 200);
      await assert.rejects(b.stripe.checkout.sessions.retrieve(b.open.id), (e: Stripe.errors.StripeError) => e.statusCode === 404, 'B’s own data is gone');
      const afterReset = await view(a);
      assert.deepEqual({ ...afterReset, events: afterReset.events.slice(-before.events.length) }, before, 'A is untouched');
    });
  });
}
