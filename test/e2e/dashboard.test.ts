/**
 * The local Dashboard in Chromium (docs/decisions.md#dashboard): sign in with a key, find a
 * customer by email, see why a card was not prefilled, resend a webhook and see the second
 * attempt, page a timeline and a search, read GETs in the Logs, another account sees none of it,
 * a forged form is refused. On SQLite, as every browser suite; the same pages and actions run on
 * both stores over HTTP in test/api/dashboard.test.ts.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type Stripe from 'stripe';
import { saveScreenshot, useBrowser, type PageProbe } from '../helpers/browser.js';
import { freshKey, raw, startServer, type TestServer } from '../helpers/server.js';
import { savedCard } from './setup.js';

const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';

interface Receiver {
  url: string;
  posts: string[];
  /** While true, every delivery is answered 500 (the merchant's server is down). */
  failing: boolean;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const posts: string[] = [];
  const state = { failing: false };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(state.failing ? 500 : 200, { 'content-type': 'application/json' });
      res.end(state.failing ? '{"error":"temporarily down"}' : '{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    posts,
    get failing() {
      return state.failing;
    },
    set failing(v: boolean) {
      state.failing = v;
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function until(what: string, fn: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('dashboard in Chromium', () => {
  const browser = useBrowser();
  let server: TestServer;
  let receiver: Receiver;
  const keyA = freshKey();
  let stripe: Stripe;
  let customer: Stripe.Customer;
  let complete: Stripe.PaymentMethod;
  let limited: Stripe.PaymentMethod;
  let session: Stripe.Checkout.Session;
  let endpoint: Stripe.WebhookEndpoint;

  before(async () => {
    // One attempt per delivery: the second attempt of the failed one is the Dashboard's resend.
    [server, receiver] = await Promise.all([startServer('sqlite', { env: { OPENCHECKOUT_WEBHOOK_RETRY_SCHEDULE: '1', OPENCHECKOUT_WEBHOOK_MAX_ATTEMPTS: '1' } }), startReceiver()]);
    receiver.failing = true;
    stripe = server.stripe(keyA);
    endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created', 'checkout.session.completed'] });
    customer = await stripe.customers.create({ email: 'dash.jenny@example.com', name: XSS });
    await until('the failed first delivery', async () => receiver.posts.some((p) => p.includes(customer.id)));
    receiver.failing = false;
    // A failed API request and a card typed into the API, for the Logs page.
    await raw(server.url, '/v1/customers', { method: 'POST', key: keyA, body: 'email=broken@example.com&balance=abc' });
    await raw(server.url, '/v1/payment_methods', { method: 'POST', key: keyA, body: 'type=card&card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123' });
    complete = await savedCard(stripe, customer.id);
    limited = await savedCard(stripe, customer.id, { allow_redisplay: 'limited', token: 'tok_mastercard' });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: complete.id } });
    session = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer: customer.id,
      line_items: [{ price_data: { currency: 'jpy', unit_amount: 3200, product_data: { name: 'Organic cotton T-shirt' } }, quantity: 2 }],
      success_url: 'https://example.com/ok',
    });
  });
  after(async () => {
    await Promise.all([server.close(), receiver.close()]);
  });

  async function signIn(key: string, opts: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<PageProbe> {
    const probe = await browser.newPage({ allowedOrigins: [server.url], ...opts });
    await probe.page.goto(`${server.url}/dashboard`);
    assert.match(probe.page.url(), /\/dashboard\/login$/, 'signed out: the sign-in page');
    await probe.page.fill('#secret', key);
    await probe.page.click('button[type=submit]');
    await probe.page.waitForURL(/\/dashboard\/customers$/);
    return probe;
  }

  const listText = (page: Page) => page.locator('[data-testid="list"]').innerText();

  it('signs in with a key into an HttpOnly, SameSite=Strict cookie that does not hold the key', async () => {
    const probe = await signIn(keyA);
    const cookies = await probe.context.cookies();
    const c = cookies.find((x) => x.name === 'oc_dashboard');
    assert.ok(c, 'a session cookie');
    assert.equal(c.httpOnly, true);
    assert.equal(c.sameSite, 'Strict');
    assert.ok(!c.value.includes(keyA), 'the raw key is not in the cookie');
    assert.equal(await probe.page.evaluate('document.cookie'), '', 'scripts cannot read it');
    assert.match(await listText(probe.page), /dash\.jenny@example\.com/);
    await saveScreenshot(probe.page, 'dashboard-customers-desktop.png');
    await probe.page.goto(`${server.url}/dashboard/events`);
    await saveScreenshot(probe.page, 'dashboard-events-desktop.png');
    assert.deepEqual(probe.externalRequests, []);
  });

  it('refuses a key that opens no account, and a publishable key, with a clear message', async () => {
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: { width: 390, height: 844 } });
    await probe.page.goto(`${server.url}/dashboard/login`);
    await saveScreenshot(probe.page, 'dashboard-login-phone.png');
    await probe.page.fill('#secret', 'pk_test_123');
    await probe.page.click('button[type=submit]');
    assert.match(await probe.page.locator('[role=alert]').innerText(), /publishable key/);
    await probe.page.fill('#secret', 'not a key');
    await probe.page.click('button[type=submit]');
    assert.match(await probe.page.locator('[role=alert]').innerText(), /does not open an account/);
  });

  it('finds the customer by email, with saved cards and the default method, escaping merchant data', async () => {
    const probe = await signIn(keyA);
    await probe.page.fill('input[name=q]', 'dash.jenny@example.com');
    await probe.page.click('form[role=search] button');
    const rows = probe.page.locator('[data-testid="list"] tbody tr');
    assert.equal(await rows.count(), 1);
    await rows.first().locator('a').click();
    await probe.page.waitForURL(new RegExp(`/dashboard/customers/${customer.id}$`));
    const cards = await probe.page.locator('[data-testid="payment-methods"]').innerText();
    assert.match(cards, /visa •••• 4242/);
    assert.match(cards, /mastercard •••• 4444/);
    assert.match(await probe.page.locator('[data-testid="payment-methods"] tr', { hasText: '4242' }).innerText(), /Default/, 'the default method is marked');
    assert.doesNotMatch(await probe.page.locator('[data-testid="payment-methods"] tr', { hasText: '4444' }).innerText(), /Default/);
    assert.ok((await probe.page.content()).includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the name is escaped');
    assert.match(await probe.page.locator('[data-testid="timeline"]').innerText(), /customer\.created/);
    await saveScreenshot(probe.page, 'dashboard-customer-desktop.png');
    assert.deepEqual(probe.dialogs, []);
    assert.deepEqual(probe.errors, []);
    assert.deepEqual(probe.externalRequests, []);
    // Searching by id opens the object.
    await probe.page.goto(`${server.url}/dashboard/checkout_sessions?q=${session.id}`);
    assert.match(probe.page.url(), new RegExp(`/dashboard/checkout_sessions/${session.id}$`));
  });

  it('shows, card by card, why a card was not prefilled, and links the open hosted page', async () => {
    for (const [width, name] of [[1280, 'desktop'], [390, 'phone']] as const) {
      const probe = await signIn(keyA, { viewport: { width, height: 900 } });
      await probe.page.goto(`${server.url}/dashboard/checkout_sessions/${session.id}`);
      const cards = probe.page.locator('[data-testid="prefill-cards"] tbody tr');
      assert.equal(await cards.count(), 2);
      const limitedRow = cards.filter({ hasText: limited.id });
      assert.match(await limitedRow.innerText(), /Not shown/);
      assert.match(await limitedRow.innerText(), /redisplay_allowed/);
      assert.match(await cards.filter({ hasText: complete.id }).innerText(), /Prefilled/);
      assert.equal(await probe.page.getAttribute('[data-testid="hosted-page"]', 'href'), session.url);
      assert.match(await probe.page.locator('main').innerText(), /￥6,400|¥6,400/);
      await saveScreenshot(probe.page, `dashboard-session-${name}.png`);
      assert.deepEqual(probe.errors, [], 'no CSP violation or script error');
    }
  });

  it('resends a failed event to an endpoint and shows the second attempt succeed', async () => {
    const events = await stripe.events.list({ type: 'customer.created' });
    const event = events.data.find((e) => (e.data.object as { id: string }).id === customer.id);
    assert.ok(event);
    await until('the first delivery', async () => receiver.posts.some((p) => p.includes(event.id)));
    const probe = await signIn(keyA);
    await probe.page.goto(`${server.url}/dashboard/events/${event.id}`);
    const attempts = probe.page.locator('[data-testid="attempts"] tbody tr');
    await until('the first attempt shown', async () => {
      await probe.page.reload();
      return (await attempts.count()) === 1;
    });
    assert.match(await attempts.first().innerText(), /500/);
    assert.match(await attempts.first().innerText(), /temporarily down/, 'the response body');
    await probe.page.selectOption('#resend-endpoint', endpoint.id);
    await probe.page.click('[data-testid="resend"]');
    await probe.page.waitForURL(/notice=resent/);
    assert.match(await probe.page.locator('[role=status]').innerText(), /queued/);
    await until('the second attempt shown', async () => {
      await probe.page.reload();
      return (await attempts.count()) === 2;
    });
    assert.equal(receiver.posts.filter((p) => p.includes(event.id)).length, 2);
    assert.match(await attempts.filter({ hasText: '{"received":true}' }).innerText(), /200/, 'the second attempt succeeded');
    assert.match(await attempts.filter({ hasText: 'temporarily down' }).innerText(), /500/);
    // The endpoint's page counts its recent attempts that failed, as its attempts table shows them.
    await probe.page.goto(`${server.url}/dashboard/webhook_endpoints/${endpoint.id}`);
    const rows = await probe.page.locator('[data-testid="endpoint-attempts"] tbody tr').allInnerTexts();
    const failedRows = rows.filter((r) => !/\b2\d\d\b/.test(r)).length;
    const rate = /(\d+) % \((\d+) of the last (\d+) attempts failed\)/.exec(await probe.page.locator('[data-testid="endpoint-failure-rate"]').innerText());
    assert.ok(rate, 'the failure rate is shown');
    assert.deepEqual([Number(rate[2]), Number(rate[3])], [failedRows, rows.length]);
    assert.ok(failedRows >= 1 && failedRows < rows.length, 'the 500 counts as failed, the 200 does not');
    assert.equal(Number(rate[1]), Math.round((failedRows / rows.length) * 100));
    await probe.page.goto(`${server.url}/dashboard/events/${event.id}`);
    await saveScreenshot(probe.page, 'dashboard-event-desktop.png');
    await probe.page.setViewportSize({ width: 390, height: 844 });
    await saveScreenshot(probe.page, 'dashboard-event-phone.png');
  });

  it('disables and enables a webhook endpoint through the webhook endpoints service', async () => {
    const probe = await signIn(keyA);
    await probe.page.goto(`${server.url}/dashboard/webhook_endpoints/${endpoint.id}`);
    assert.match(await probe.page.locator('[data-testid="endpoint-attempts"]').innerText(), /200[\s\S]*\{"received":true\}/, 'the endpoint lists its attempts');
    await saveScreenshot(probe.page, 'dashboard-endpoint-desktop.png');
    await probe.page.click('[data-testid="toggle-endpoint"]');
    await probe.page.waitForURL(/notice=disabled/);
    assert.equal((await stripe.webhookEndpoints.retrieve(endpoint.id)).status, 'disabled');
    await probe.page.click('[data-testid="toggle-endpoint"]');
    await probe.page.waitForURL(/notice=enabled/);
    assert.equal((await stripe.webhookEndpoints.retrieve(endpoint.id)).status, 'enabled');
  });

  it('creates a test clock and advances it by a day', async () => {
    const probe = await signIn(keyA);
    await probe.page.goto(`${server.url}/dashboard/test_clocks`);
    await probe.page.fill('input[name=name]', 'Renewals');
    await probe.page.fill('#frozen-time', '2026-01-01T00:00:00');
    await probe.page.click('form[action="/dashboard/test_clocks"] button');
    await probe.page.waitForURL(/\/dashboard\/test_clocks\/clock_.*notice=created/);
    const id = new URL(probe.page.url()).pathname.split('/').pop() as string;
    assert.equal((await stripe.testHelpers.testClocks.retrieve(id)).frozen_time, Date.UTC(2026, 0, 1) / 1000);
    await probe.page.click('form:has(input[name=by][value="86400"]) button');
    await probe.page.waitForURL(/notice=advanced/);
    await until('the clock advanced', async () => (await stripe.testHelpers.testClocks.retrieve(id)).status === 'ready');
    assert.equal((await stripe.testHelpers.testClocks.retrieve(id)).frozen_time, Date.UTC(2026, 0, 2) / 1000);
    // A subscription on the clock: its renewal comes due at the next advance.
    const subscriber = await stripe.customers.create({ test_clock: id, email: 'clock@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
    const plan = await stripe.prices.create({ currency: 'usd', unit_amount: 900, recurring: { interval: 'month' }, product_data: { name: 'Plan' } });
    await stripe.subscriptions.create({ customer: subscriber.id, items: [{ price: plan.id }] });
    await probe.page.goto(`${server.url}/dashboard/test_clocks/${id}`);
    await probe.page.fill('#advance-to', '2026-02-05T00:00:00');
    await probe.page.click('form:has(#advance-to) button');
    await probe.page.waitForURL(/notice=advanced/);
    await until('the second advance', async () => (await stripe.testHelpers.testClocks.retrieve(id)).status === 'ready');
    await probe.page.goto(`${server.url}/dashboard/test_clocks/${id}`);
    const advances = probe.page.locator('[data-testid="advances"] tbody tr');
    assert.equal(await advances.count(), 2);
    assert.match(await advances.nth(0).innerText(), /2026-01-02 00:00:00 UTC → 2026-02-05 00:00:00 UTC/);
    assert.match(await advances.nth(0).innerText(), /invoice\.(created|paid)/, 'the renewal came due');
    assert.match(await advances.nth(1).innerText(), /2026-01-01 00:00:00 UTC → 2026-01-02 00:00:00 UTC/);
    assert.match(await advances.nth(1).innerText(), /Nothing came due/);
    await saveScreenshot(probe.page, 'dashboard-test-clock-desktop.png');
    await probe.page.goto(`${server.url}/dashboard/test_clocks`);
    assert.match(await listText(probe.page), /Renewals/);
    const ja = await signIn(keyA, { viewport: { width: 390, height: 844 }, locale: 'ja-JP' });
    await ja.page.goto(`${server.url}/dashboard/test_clocks/${id}`);
    assert.match(await ja.page.locator('[data-testid="advances"]').innerText(), /invoice\.(created|paid)/);
    await saveScreenshot(ja.page, 'dashboard-test-clock-phone-ja.png');
  });

  it('shows the API request log, filtered to failed requests, with each request’s masked params and response', async () => {
    for (const [width, name, locale] of [[1280, 'desktop', 'en-US'], [390, 'phone', 'ja-JP']] as const) {
      const probe = await signIn(keyA, { viewport: { width, height: 900 }, locale });
      await probe.page.click('nav a[href="/dashboard/logs"]');
      await probe.page.waitForURL(/\/dashboard\/logs$/);
      const rows = probe.page.locator('[data-testid="logs"] tbody tr');
      assert.ok((await rows.count()) >= 5, 'the setup requests are listed');
      await probe.page.selectOption('select[name=status]', 'failed');
      await probe.page.selectOption('select[name=method]', 'POST');
      await probe.page.click('[data-testid="log-filters"] button');
      await probe.page.waitForURL(/status=failed/);
      assert.equal(await rows.count(), 1);
      assert.match(await rows.first().innerText(), /400[\s\S]*POST[\s\S]*\/v1\/customers/);
      await saveScreenshot(probe.page, `dashboard-logs-${name}.png`);
      await rows.first().locator('a').click();
      await probe.page.waitForURL(/\/dashboard\/logs\/req_/);
      assert.match(await probe.page.locator('[data-testid="log-params"]').innerText(), /"balance": "abc"/);
      assert.match(await probe.page.locator('[data-testid="log-response"]').innerText(), /invalid_request_error/);
      await saveScreenshot(probe.page, `dashboard-log-detail-${name}.png`);
      if (locale === 'ja-JP') assert.match(await probe.page.locator('nav').innerText(), /ログ/);
      assert.deepEqual(probe.errors, []);
      assert.deepEqual(probe.externalRequests, []);
    }
    // A successful GET is listed beside the writes, from this server's memory.
    for (const [width, name, locale] of [[1280, 'desktop', 'en-US'], [390, 'phone-ja', 'ja-JP']] as const) {
      const probe = await signIn(keyA, { viewport: { width, height: 900 }, locale });
      await probe.page.goto(`${server.url}/dashboard/logs?method=GET`);
      const gets = probe.page.locator('[data-testid="logs"] tbody tr');
      assert.ok((await gets.count()) >= 1, 'GETs are listed');
      assert.match(await gets.first().innerText(), /200[\s\S]*GET/);
      await saveScreenshot(probe.page, `dashboard-logs-get-${name}.png`);
      await gets.first().locator('a').click();
      await probe.page.waitForURL(/\/dashboard\/logs\/req_/);
      assert.match(await probe.page.locator('[data-testid="log-kept"]').innerText(), locale === 'ja-JP' ? /メモリ/ : /memory only/);
      await saveScreenshot(probe.page, `dashboard-log-get-detail-${name}.png`);
      assert.deepEqual(probe.errors, []);
    }
    // The card typed into the API is in the log only as its last four, and without its CVC.
    const probe = await signIn(keyA);
    await probe.page.goto(`${server.url}/dashboard/logs?path=/v1/payment_methods`);
    await probe.page.locator('[data-testid="logs"] tbody tr a').last().click(); // the oldest: the card typed in before()
    const params = await probe.page.locator('[data-testid="log-params"]').innerText();
    assert.match(params, /•+4242/);
    assert.doesNotMatch(params, /4242424242424242|cvc/);
  });

  it('pages a customer’s whole timeline and a search, at desktop and phone width, in English and Japanese', async () => {
    // Enough of the customer's own events for two pages, and a PaymentIntent that points at it.
    for (let i = 0; i < 22; i++) await stripe.customers.update(customer.id, { metadata: { step: String(i) } });
    await stripe.paymentIntents.create({ amount: 1200, currency: 'usd', customer: customer.id });
    const line = [{ price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Mug' } }, quantity: 1 }];
    for (let i = 0; i < 22; i++) await stripe.checkout.sessions.create({ mode: 'payment', line_items: line, success_url: 'https://example.com/ok', customer_email: 'guest.buyer@example.com' });
    for (const [width, name, locale] of [[1280, 'desktop', 'en-US'], [390, 'phone', 'en-US'], [390, 'phone-ja', 'ja-JP']] as const) {
      const probe = await signIn(keyA, { viewport: { width, height: 900 }, locale });
      await probe.page.goto(`${server.url}/dashboard/customers/${customer.id}`);
      const timeline = probe.page.locator('[data-testid="timeline"] tbody tr');
      assert.equal(await timeline.count(), 20);
      assert.match(await timeline.first().innerText(), /payment_intent\.created/);
      await probe.page.click('[data-testid="timeline-older"]');
      await probe.page.waitForURL(/timeline_after=/);
      assert.match(await timeline.last().innerText(), /customer\.created/, 'the oldest page ends with the creation');
      // The Older link jumps to #timeline; a full-page screenshot is taken from the top (the header is sticky).
      await probe.page.evaluate('window.scrollTo(0, 0)');
      await saveScreenshot(probe.page, `dashboard-timeline-${name}.png`);
      // A guest's email finds the sessions that carry it, 20 a page, and Next continues the scan.
      await probe.page.goto(`${server.url}/dashboard/checkout_sessions?q=${encodeURIComponent('guest.buyer@example.com')}`);
      const rows = probe.page.locator('[data-testid="list"] tbody tr');
      assert.equal(await rows.count(), 20);
      await saveScreenshot(probe.page, `dashboard-search-${name}.png`);
      await probe.page.click('[data-testid="pager-next"]');
      await probe.page.waitForURL(/scan_after=/);
      assert.equal(await rows.count(), 2);
      assert.equal(await probe.page.inputValue('input[name=q]'), 'guest.buyer@example.com', 'the search is kept');
      if (locale === 'ja-JP') assert.match(await probe.page.locator('.pager').innerText(), /最新/);
      assert.deepEqual(probe.errors, []);
      assert.deepEqual(probe.externalRequests, []);
    }
  });

  it('shows another account’s key none of it', async () => {
    const probe = await signIn(freshKey());
    assert.match(await listText(probe.page), /No results/);
    await probe.page.fill('input[name=q]', 'dash.jenny@example.com');
    await probe.page.click('form[role=search] button');
    assert.match(await listText(probe.page), /No results/);
    for (const path of [`customers/${customer.id}`, `checkout_sessions/${session.id}`, `webhook_endpoints/${endpoint.id}`]) {
      const res = await probe.page.goto(`${server.url}/dashboard/${path}`);
      assert.equal(res?.status(), 404, path);
      assert.ok(!(await probe.page.content()).includes('dash.jenny'), path);
    }
    await probe.page.goto(`${server.url}/dashboard/events`);
    assert.match(await listText(probe.page), /No results/);
  });

  it('refuses a form whose CSRF token is not this sign-in’s, and a post without a session', async () => {
    const probe = await signIn(keyA);
    await probe.page.goto(`${server.url}/dashboard/webhook_endpoints/${endpoint.id}`);
    await probe.page.locator('input[name=csrf_token]').evaluateAll((inputs) => {
      for (const input of inputs) input.setAttribute('value', 'forged');
    });
    const [res] = await Promise.all([probe.page.waitForResponse((r) => r.request().method() === 'POST'), probe.page.click('[data-testid="toggle-endpoint"]')]);
    assert.equal(res.status(), 403);
    assert.match(await probe.page.locator('[role=alert]').innerText(), /did not come from this Dashboard/);
    assert.equal((await stripe.webhookEndpoints.retrieve(endpoint.id)).status, 'enabled', 'nothing changed');
    const outside = await raw(server.url, `/dashboard/webhook_endpoints/${endpoint.id}/disable`, { method: 'POST', key: null, body: 'csrf_token=x' });
    assert.equal(outside.status, 403);
    assert.equal((await stripe.webhookEndpoints.retrieve(endpoint.id)).status, 'enabled');
  });

  it('speaks Japanese to a Japanese browser, with a strict CSP and no external request', async () => {
    const probe = await signIn(keyA, { locale: 'ja-JP', viewport: { width: 390, height: 844 } });
    assert.match(await probe.page.locator('nav').innerText(), /顧客/);
    await probe.page.goto(`${server.url}/dashboard/checkout_sessions/${session.id}`);
    assert.match(await probe.page.locator('main').innerText(), /表示されない/);
    await saveScreenshot(probe.page, 'dashboard-session-phone-ja.png');
    const res = await probe.page.goto(`${server.url}/dashboard/customers`);
    const csp = res?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-/);
    await saveScreenshot(probe.page, 'dashboard-customers-phone-ja.png');
    assert.deepEqual(probe.externalRequests, []);
    assert.deepEqual(probe.errors, []);
  });
});
