/**
 * Signing in to the Dashboard over HTTP (docs/decisions.md#dashboard), on both stores: dev mode,
 * strict mode with configured keys and the admin token, forged and stale cookies, and paging a list.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { csrfOf, request, signIn as signInAs, type Visitor } from '../helpers/dashboard.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';

type Browserless = Visitor;

async function signIn(server: TestServer, secret: string): Promise<{ b: Browserless; status: number; text: string }> {
  const { v, status, text } = await signInAs(server, secret);
  return { b: v, status, text };
}

for (const store of STORES) {
  describe(`dashboard sign-in in dev mode (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_ADMIN_TOKEN: 'admin-secret-token' } });
    });
    after(() => server.close());

    it('opens the key’s account with a signed cookie that holds neither the key nor anything a script may read', async () => {
      const key = freshKey();
      const { b, status } = await signIn(server, key);
      assert.equal(status, 303);
      const token = b.cookies.get('oc_dashboard') ?? '';
      assert.ok(token && !token.includes(key));
      const home = await request(server, b, '/dashboard/customers');
      assert.equal(home.status, 200);
    });

    it('sends a signed-out visitor to the sign-in page and refuses a forged or tampered cookie', async () => {
      const out = await request(server, { cookies: new Map() }, '/dashboard/customers');
      assert.equal(out.status, 303);
      assert.equal(out.location, '/dashboard/login');
      const { b } = await signIn(server, freshKey());
      const token = b.cookies.get('oc_dashboard') ?? '';
      const parts = token.split('.');
      parts[0] = 'acct_someoneelse00000';
      const forged = await request(server, { cookies: new Map([['oc_dashboard', parts.join('.')]]) }, '/dashboard/customers');
      assert.equal(forged.status, 303, 'a token whose account was changed is not accepted');
    });

    it('refuses a sign-in form that did not come from its own sign-in page', async () => {
      const b: Browserless = { cookies: new Map() };
      await request(server, b, '/dashboard/login');
      const r = await request(server, b, '/dashboard/login', { method: 'POST', form: { secret: freshKey(), csrf_token: 'forged' } });
      assert.equal(r.status, 403);
      assert.equal(b.cookies.get('oc_dashboard'), undefined);
    });

    it('does not take the admin token in dev mode', async () => {
      const { status } = await signIn(server, 'admin-secret-token');
      assert.equal(status, 401);
    });

    it('pages a list 20 at a time, newest first', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      for (let i = 0; i < 23; i++) await stripe.customers.create({ email: `c${i}@example.com` });
      const { b } = await signIn(server, key);
      const first = await request(server, b, '/dashboard/customers');
      const rows = (html: string) => [...html.matchAll(/c(\d+)@example\.com/g)].map((m) => Number(m[1]));
      assert.deepEqual(rows(first.text), [22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
      const next = /href="(\/dashboard\/customers\?starting_after=[^"]+)"/.exec(first.text)?.[1];
      assert.ok(next, 'a Next link');
      const second = await request(server, b, next.replaceAll('&amp;', '&'));
      assert.deepEqual(rows(second.text), [2, 1, 0]);
      const prev = /href="(\/dashboard\/customers\?ending_before=[^"]+)"/.exec(second.text)?.[1];
      assert.ok(prev, 'a Previous link');
      assert.deepEqual(rows((await request(server, b, prev)).text).slice(-1), [3]);
    });

    it('finds objects by metadata with key:value, through the API’s search or among the newest', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const wanted = await stripe.customers.create({ email: 'meta-a@example.com', metadata: { order: "o'7" } });
      const other = await stripe.customers.create({ email: 'meta-b@example.com', metadata: { order: 'o8' } });
      const session = await stripe.checkout.sessions.create({ mode: 'payment', metadata: { order: "o'7" }, line_items: [{ price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Mug' } }, quantity: 1 }], success_url: 'https://example.com/ok' });
      const plain = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Mug' } }, quantity: 1 }], success_url: 'https://example.com/ok' });
      const { b } = await signIn(server, key);
      const customers = await request(server, b, `/dashboard/customers?q=${encodeURIComponent("order:o'7")}`);
      assert.ok(customers.text.includes(wanted.id) && !customers.text.includes(other.id), 'customers by metadata, through customers/search');
      const sessions = await request(server, b, `/dashboard/checkout_sessions?q=${encodeURIComponent("order=o'7")}`);
      assert.ok(sessions.text.includes(session.id) && !sessions.text.includes(plain.id), 'sessions by metadata, among the newest');
    });

    it('shows a subscription’s items and its invoice’s lines, found by the customer’s email', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ email: 'subscriber@example.com' });
      const plan = await stripe.prices.create({ currency: 'usd', unit_amount: 1200, recurring: { interval: 'month' }, product_data: { name: 'Pro plan' } });
      const s = await stripe.checkout.sessions.create({ mode: 'subscription', customer: customer.id, line_items: [{ price: plan.id, quantity: 1 }], success_url: 'https://example.com/ok' });
      const pm = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } } as Stripe.PaymentMethodCreateParams);
      const done = await stripe.rawRequest('POST', `/v1/payment_pages/${s.id}/confirm`, { payment_method: pm.id, expected_amount: 1200 });
      const { b } = await signIn(server, key);
      const found = await request(server, b, '/dashboard/subscriptions?q=subscriber%40example.com');
      assert.ok(found.text.includes(String(done.subscription)), 'the search by email lists the customer’s subscription');
      const sub = await request(server, b, `/dashboard/subscriptions/${String(done.subscription)}`);
      assert.equal(sub.status, 200);
      assert.ok(sub.text.includes(plan.id));
      assert.ok(sub.text.includes('$12.00'));
      const invoices = await stripe.invoices.list({ customer: customer.id });
      const invoice = invoices.data[0];
      assert.ok(invoice);
      const page = await request(server, b, `/dashboard/invoices/${invoice.id}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /Pro plan/);
    });

    it('speaks the browser’s language among the hosted page’s ten, English otherwise', async () => {
      const { b } = await signIn(server, freshKey());
      const cases: Array<[string, string, RegExp]> = [
        ['fr-FR,fr;q=0.9', 'fr', />Clients</],
        ['de-CH', 'de', />Kunden</],
        ['ko', 'ko', />고객</],
        ['pt-BR', 'pt', />Assinaturas</],
        ['sv-SE', 'en', />Customers</],
      ];
      for (const [lang, tag, nav] of cases) {
        const page = await request(server, b, '/dashboard/customers', { lang });
        assert.match(page.text, new RegExp(`<html lang="${tag}"`), lang);
        assert.match(page.text, nav, lang);
      }
    });

    it('shows a deleted customer as deleted', async () => {
      const key = freshKey();
      const c = await server.stripe(key).customers.create({ email: 'gone@example.com' });
      await server.stripe(key).customers.del(c.id);
      const { b } = await signIn(server, key);
      const page = await request(server, b, `/dashboard/customers/${c.id}`);
      assert.equal(page.status, 200);
      assert.match(page.text, />deleted</);
    });

    it('answers unknown paths and bad cursors with a page, not a 500', async () => {
      const { b } = await signIn(server, freshKey());
      assert.equal((await request(server, b, '/dashboard/nothing_here')).status, 404);
      assert.equal((await request(server, b, '/dashboard/customers?starting_after=cus_nope')).status, 404);
      assert.equal((await request(server, b, '/dashboard/customers/%E0%A4%A')).status, 400);
      assert.equal((await request(server, b, '/dashboard/customers', { method: 'DELETE' })).status, 405);
    });
  });

  describe(`dashboard sign-in in strict mode (${store})`, () => {
    let server: TestServer;
    const keyA = 'sk_test_dashboard_strict_a';
    const keyB = 'sk_test_dashboard_strict_b';
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_API_KEYS: `${keyA},${keyB}`, OPENCHECKOUT_ADMIN_TOKEN: 'admin-secret-token' } });
    });
    after(() => server.close());

    it('takes only a configured key', async () => {
      assert.equal((await signIn(server, keyA)).status, 303);
      const refused = await signIn(server, freshKey());
      assert.equal(refused.status, 401);
      assert.match(refused.text, /does not open an account/);
    });

    it('takes the admin token, which may switch between the configured keys’ accounts', async () => {
      await server.stripe(keyB).customers.create({ email: 'only-in-b@example.com' });
      const { b, status } = await signIn(server, 'admin-secret-token');
      assert.equal(status, 303);
      const home = await request(server, b, '/dashboard/customers');
      assert.match(home.text, /name="account"/, 'an account switcher');
      assert.ok(!home.text.includes('only-in-b@example.com'), 'the first key’s account first');
      const accountB = [...home.text.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1])[1] ?? '';
      const switched = await request(server, b, '/dashboard/account', { method: 'POST', form: { account: accountB, csrf_token: csrfOf(home.text) } });
      assert.equal(switched.status, 303);
      const inB = await request(server, b, '/dashboard/customers');
      assert.match(inB.text, /only-in-b@example\.com/);
      const stale = await request(server, b, '/dashboard/account', { method: 'POST', form: { account: accountB, csrf_token: csrfOf(home.text) } });
      assert.equal(stale.status, 403, 'a switch starts a new session: the old forms are refused');
      const refused = await request(server, b, '/dashboard/account', { method: 'POST', form: { account: 'acct_notconfigured', csrf_token: csrfOf(inB.text) } });
      assert.equal(refused.status, 400);
    });

    it('refuses a key’s session once the key is no longer configured', async () => {
      const { b } = await signIn(server, keyA);
      server.app.deps.config.apiKeys = [keyB];
      try {
        const r = await request(server, b, '/dashboard/customers');
        assert.equal(r.status, 303);
        assert.equal(r.location, '/dashboard/login');
      } finally {
        server.app.deps.config.apiKeys = [keyA, keyB];
      }
    });
  });
}
