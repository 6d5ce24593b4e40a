/**
 * The Dashboard's pages and actions over HTTP, on both stores (docs/decisions.md#dashboard): every
 * action through its form (resend, disable and enable, create and advance a test clock), each
 * refused without this sign-in's CSRF token, one account's objects out of another's reach, merchant
 * data escaped, a complete and paged timeline however many newer events the account has, a test
 * clock's advances with what came due, and searches that page. The Chromium suite
 * (test/e2e/dashboard.test.ts) runs on SQLite, as browser suites do.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { links, request, signIn, submit, type Visitor } from '../helpers/dashboard.js';
import { STORES, freshKey, raw, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { startReceiver, type Receiver } from '../events/receiver.js';

const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';

/** The `data-testid` block of a page (a table or a card), as HTML. */
function block(html: string, testid: string): string {
  const start = html.indexOf(`data-testid="${testid}"`);
  if (start === -1) return '';
  const end = html.indexOf('</div>', start);
  return html.slice(start, end === -1 ? undefined : end);
}

/** Event types in a timeline or list block, in order. */
const typesIn = (html: string): string[] => [...html.matchAll(/<span class="mono">([a-z_.]+)<\/span>/g)].map((m) => m[1] as string);

for (const store of STORES) {
  describe(`dashboard pages and actions (${store})`, () => {
    let server: TestServer;
    let receiver: Receiver;
    const keyA = freshKey();
    const keyB = freshKey();
    let stripe: Stripe;
    let a: Visitor;
    let b: Visitor;
    let customer: Stripe.Customer;
    let endpoint: Stripe.WebhookEndpoint;
    let clockId = '';

    before(async () => {
      [server, receiver] = await Promise.all([startServer(store, { env: { OPENCHECKOUT_WEBHOOK_RETRY_SCHEDULE: '1', OPENCHECKOUT_WEBHOOK_MAX_ATTEMPTS: '1' } }), startReceiver()]);
      stripe = server.stripe(keyA);
      endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
      customer = await stripe.customers.create({ email: 'timeline@example.com', name: XSS, metadata: { note: XSS } });
      a = (await signIn(server, keyA)).v;
      b = (await signIn(server, keyB)).v;
    });
    after(async () => {
      await Promise.all([server.close(), receiver.close()]);
    });

    it('escapes merchant data on a list, an object page and its JSON', async () => {
      for (const path of ['/dashboard/customers', `/dashboard/customers/${customer.id}`]) {
        const page = await request(server, a, path);
        assert.equal(page.status, 200);
        assert.ok(!page.text.includes(XSS) && !page.text.includes('<img src=x'), `${path} holds the raw name`);
        assert.ok(page.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), path);
      }
    });

    it('resends an event to one endpoint through its form, and shows the second attempt', async () => {
      const event = (await stripe.events.list({ type: 'customer.created' })).data.find((e) => (e.data.object as { id: string }).id === customer.id);
      assert.ok(event);
      await waitFor(() => receiver.eventIds().includes(event.id), 10_000, 'the first delivery');
      const page = `/dashboard/events/${event.id}`;
      const sent = await submit(server, a, page, `${page}/resend`, { webhook_endpoint: endpoint.id });
      assert.equal(sent.status, 303);
      assert.equal(sent.location, `${page}?notice=resent`);
      await waitFor(() => receiver.eventIds().filter((id) => id === event.id).length === 2, 10_000, 'the resent delivery');
      const attempts = async () => block((await request(server, a, page)).text, 'attempts').split('<tr>').slice(2);
      await waitFor(async () => (await attempts()).length === 2, 10_000, 'two attempts on the page');
      assert.ok((await attempts()).every((row) => /200/.test(row) && row.includes('{&quot;received&quot;:true}')), 'both answered 200, with the receiver’s body');
    });

    it('disables and enables an endpoint through its forms', async () => {
      const page = `/dashboard/webhook_endpoints/${endpoint.id}`;
      const off = await submit(server, a, page, `${page}/disable`);
      assert.equal(off.location, `${page}?notice=disabled`);
      assert.equal((await stripe.webhookEndpoints.retrieve(endpoint.id)).status, 'disabled');
      const on = await submit(server, a, page, `${page}/enable`);
      assert.equal(on.location, `${page}?notice=enabled`);
      assert.equal((await stripe.webhookEndpoints.retrieve(endpoint.id)).status, 'enabled');
    });

    it('creates a test clock and advances it, and lists each advance with what came due in it', async () => {
      const created = await submit(server, a, '/dashboard/test_clocks', '/dashboard/test_clocks', { name: 'Renewals', frozen_time: '2026-01-01T00:00:00' });
      assert.equal(created.status, 303);
      clockId = /\/dashboard\/test_clocks\/(clock_[^?]+)\?notice=created/.exec(created.location ?? '')?.[1] ?? '';
      assert.ok(clockId, created.location ?? '');
      const page = `/dashboard/test_clocks/${clockId}`;
      const ready = () => waitFor(async () => (await stripe.testHelpers.testClocks.retrieve(clockId)).status === 'ready', 10_000, 'the clock to be ready');
      assert.equal((await submit(server, a, page, `${page}/advance`, { by: '86400' })).location, `${page}?notice=advanced`);
      await ready();
      const subscriber = await stripe.customers.create({ test_clock: clockId, email: 'clock@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
      const plan = await stripe.prices.create({ currency: 'usd', unit_amount: 900, recurring: { interval: 'month' }, product_data: { name: 'Plan' } });
      await stripe.subscriptions.create({ customer: subscriber.id, items: [{ price: plan.id }] });
      assert.equal((await submit(server, a, page, `${page}/advance`, { to: '2026-02-05T00:00:00' })).location, `${page}?notice=advanced`);
      await ready();
      const refused = await submit(server, a, page, `${page}/advance`, { to: 'yesterday' });
      assert.equal(refused.status, 400);
    });

    it('shows an object’s whole timeline, paged, however many newer events the account has', async () => {
      // The customer's own events, one about it from a PaymentIntent that points at it, then
      // 520 events about other objects: the customer's are no longer among the latest 500.
      for (let i = 0; i < 23; i++) await stripe.customers.update(customer.id, { metadata: { step: String(i) } });
      await stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer: customer.id });
      for (let i = 0; i < 520; i += 20) await Promise.all(Array.from({ length: 20 }, (_, j) => stripe.products.create({ name: `Filler ${i + j}` })));
      const path = `/dashboard/customers/${customer.id}`;
      const first = await request(server, a, path);
      const top = typesIn(block(first.text, 'timeline'));
      assert.equal(top.length, 20);
      assert.equal(top[0], 'payment_intent.created', 'an event of an object that points at the customer');
      assert.ok(top.slice(1).every((t) => t === 'customer.updated'));
      const older = links(first.text, /timeline_after=/);
      assert.equal(older.length, 1, 'an Older link');
      const second = await request(server, a, older[0] as string);
      const rest = typesIn(block(second.text, 'timeline'));
      assert.deepEqual(rest, ['customer.updated', 'customer.updated', 'customer.updated', 'customer.updated', 'customer.created'], 'the oldest page ends with the creation');
      assert.deepEqual(links(second.text, /timeline_after=/), [], 'no page after the oldest');
      assert.ok(links(second.text, new RegExp(`^/dashboard/customers/${customer.id}#timeline$`)).length === 1, 'a Newest link');
      // The advances of the clock are read from the same index: still complete.
      const clock = await request(server, a, `/dashboard/test_clocks/${clockId}`);
      const advances = block(clock.text, 'advances');
      const rows = advances.split('<tr>').slice(2);
      assert.equal(rows.length, 2, advances);
      assert.match(rows[0] as string, /2026-01-02 00:00:00 UTC → 2026-02-05 00:00:00 UTC/);
      assert.match(rows[0] as string, /invoice\.(created|paid)/, 'the renewal came due');
      assert.match(rows[1] as string, /2026-01-01 00:00:00 UTC → 2026-01-02 00:00:00 UTC/);
      assert.match(rows[1] as string, /Nothing came due/);
    });

    it('pages a search: by email across objects that carry it, by a customer’s id, by metadata', async () => {
      const buyer = await stripe.customers.create({ email: 'buyer@example.com' });
      const line = [{ price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Mug' } }, quantity: 1 }];
      const mine: string[] = [];
      for (let i = 0; i < 23; i++) {
        const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: line, success_url: 'https://example.com/ok', ...(i % 2 ? { customer: buyer.id } : { customer_email: 'buyer@example.com' }), metadata: { batch: 'b1' } });
        mine.push(s.id);
        await stripe.checkout.sessions.create({ mode: 'payment', line_items: line, success_url: 'https://example.com/ok', customer_email: 'someone@example.com' });
      }
      const ids = (html: string) => [...block(html, 'list').matchAll(/\/dashboard\/checkout_sessions\/(cs_[^"]+)"/g)].map((m) => m[1]);
      const newestFirst = [...mine].reverse();
      for (const q of ['buyer@example.com', 'batch:b1']) {
        const first = await request(server, a, `/dashboard/checkout_sessions?q=${encodeURIComponent(q)}`);
        assert.deepEqual(ids(first.text), newestFirst.slice(0, 20), q);
        const next = links(first.text, /scan_after=/);
        assert.equal(next.length, 1, `${q}: a Next link`);
        const second = await request(server, a, next[0] as string);
        assert.deepEqual(ids(second.text), newestFirst.slice(20), q);
        assert.equal(links(second.text, /[?&]q=/).filter((h) => !/scan_after/.test(h)).length, 1, `${q}: a Newest link keeps the search`);
      }
      // A customer's id in a list of customers' objects lists that customer's, with Stripe's cursors.
      const byId = await request(server, a, `/dashboard/checkout_sessions?q=${buyer.id}`);
      assert.deepEqual(ids(byId.text), newestFirst.filter((_, i) => (22 - i) % 2 === 1));
      // The customer's page links there when it shows only the newest.
      const customerPage = await request(server, a, `/dashboard/customers/${buyer.id}`);
      assert.deepEqual(links(customerPage.text, /view|q=cus_/), [`/dashboard/checkout_sessions?q=${buyer.id}`]);
      // Metadata through the API's search pages with its own cursor.
      for (let i = 0; i < 22; i++) await stripe.customers.create({ email: `m${i}@example.com`, metadata: { cohort: 'c7' } });
      await waitFor(async () => (await stripe.customers.search({ query: "metadata['cohort']:'c7'", limit: 100 })).data.length === 22, 10_000, 'the search to see them');
      const meta = await request(server, a, '/dashboard/customers?q=cohort%3Ac7');
      assert.equal((block(meta.text, 'list').match(/<tr>/g) ?? []).length - 1, 20);
      const page2 = links(meta.text, /[?&]page=/);
      assert.equal(page2.length, 1);
      assert.equal((block((await request(server, a, page2[0] as string)).text, 'list').match(/<tr>/g) ?? []).length - 1, 2);
    });

    it('shows another account nothing of this one, and refuses its actions on this one’s objects', async () => {
      const event = (await stripe.events.list({ type: 'customer.created', limit: 100 })).data.find((e) => (e.data.object as { id: string }).id === customer.id);
      assert.ok(event);
      const logRow = (((await raw(server.url, '/_admin/request_log?limit=1', { key: keyA })).body as { data: Array<{ request_id: string }> }).data[0]?.request_id) ?? '';
      assert.ok(logRow);
      for (const path of [`customers/${customer.id}`, `events/${event.id}`, `webhook_endpoints/${endpoint.id}`, `test_clocks/${clockId}`, `logs/${logRow}`]) {
        const page = await request(server, b, `/dashboard/${path}`);
        assert.equal(page.status, 404, path);
        assert.ok(!page.text.includes('timeline@example.com'), path);
      }
      for (const [section, q] of [['customers', 'timeline@example.com'], ['customers', customer.id], ['checkout_sessions', 'buyer@example.com'], ['customers', 'cohort:c7'], ['events', 'customer.created']] as const) {
        const page = await request(server, b, `/dashboard/${section}?q=${encodeURIComponent(q)}`);
        assert.match(block(page.text, 'list'), /No results/, `${section} ${q}`);
      }
      assert.match(block((await request(server, b, '/dashboard/logs')).text, 'logs'), /No requests match/);
      // B's own session and CSRF token, on A's objects: the API finds nothing, nothing changes.
      const before = receiver.eventIds().length;
      const resend = await submit(server, b, '/dashboard/events', `/dashboard/events/${event.id}/resend`, { webhook_endpoint: endpoint.id });
      assert.equal(resend.status, 404);
      const disable = await submit(server, b, '/dashboard/events', `/dashboard/webhook_endpoints/${endpoint.id}/disable`);
      assert.equal(disable.status, 404);
      assert.equal((await stripe.webhookEndpoints.retrieve(endpoint.id)).status, 'enabled');
      const advance = await submit(server, b, '/dashboard/events', `/dashboard/test_clocks/${clockId}/advance`, { by: '3600' });
      assert.equal(advance.status, 404);
      assert.equal((await stripe.testHelpers.testClocks.retrieve(clockId)).status, 'ready');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(receiver.eventIds().length, before, 'nothing was resent');
    });

    it('refuses every action without this sign-in’s CSRF token, or without a sign-in, and changes nothing', async () => {
      const event = (await stripe.events.list({ type: 'customer.created', limit: 1 })).data[0];
      assert.ok(event);
      const otherToken = /name="csrf_token" value="([^"]+)"/.exec((await request(server, b, '/dashboard/customers')).text)?.[1] ?? '';
      const actions: Array<[string, Record<string, string>]> = [
        [`/dashboard/events/${event.id}/resend`, { webhook_endpoint: endpoint.id }],
        [`/dashboard/webhook_endpoints/${endpoint.id}/disable`, {}],
        ['/dashboard/test_clocks', { name: 'forged' }],
        [`/dashboard/test_clocks/${clockId}/advance`, { by: '3600' }],
        ['/dashboard/logout', {}],
      ];
      const clocks = (await stripe.testHelpers.testClocks.list()).data.length;
      for (const [action, form] of actions) {
        for (const token of ['forged', '', otherToken]) {
          const r = await request(server, a, action, { method: 'POST', form: { ...form, csrf_token: token } });
          assert.equal(r.status, 403, `${action} with ${token || 'no token'}`);
          assert.match(r.text, /did not come from this Dashboard/);
        }
        const outside = await request(server, { cookies: new Map() }, action, { method: 'POST', form: { ...form, csrf_token: 'x' } });
        assert.equal(outside.status, 403, `${action} without a sign-in`);
      }
      assert.equal((await stripe.webhookEndpoints.retrieve(endpoint.id)).status, 'enabled');
      assert.equal((await stripe.testHelpers.testClocks.list()).data.length, clocks);
      assert.equal((await stripe.testHelpers.testClocks.retrieve(clockId)).status, 'ready');
      assert.equal((await request(server, a, '/dashboard/customers')).status, 200, 'still signed in');
    });
  });
}
