/**
 * Embedded Checkout in Chromium (docs/decisions.md#embedded-checkout): a merchant's page on its own
 * origin loads `https://js.stripe.com/v3/`, routed to OpenCheckout's script by routeStripeJs (every
 * other external request is recorded and must not happen), fetches the client secret from its
 * server, mounts the form, and the buyer pays inside the frame. The top page lands on return_url;
 * with `redirect_on_completion: never` onComplete fires; a saved card shows prefilled inside the
 * frame; 3D Secure happens inside the frame; redirectToCheckout opens the hosted page.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import type Stripe from 'stripe';
import { routeStripeJs } from '../../src/testing/playwright.js';
import { saveScreenshot, useBrowser, type PageProbe } from '../helpers/browser.js';
import { freshKey, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { savedCard, twoItems } from './setup.js';

interface Merchant {
  url: string;
  /** The session each visit's server side creates, by the query the page was opened with. */
  makeSession: (query: URLSearchParams) => Promise<Stripe.Checkout.Session>;
  close(): Promise<void>;
}

/** The merchant's checkout page, as Stripe's embedded quickstart writes it. */
function checkoutPage(pk: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Shop checkout</title>
<script src="https://js.stripe.com/v3/"></script>
<style>body{font-family:sans-serif;margin:0;background:#f6f6f6}header{background:#1a1a2e;color:#fff;padding:14px 24px}#checkout{max-width:1000px;margin:24px auto;background:#fff}</style></head>
<body><header>Tote &amp; Tee shop</header><p id="status"></p><div id="checkout"></div>
<script>
const stripe = Stripe(${JSON.stringify(pk)});
stripe.initEmbeddedCheckout({
  fetchClientSecret: () => fetch('/create-checkout-session' + location.search, { method: 'POST' }).then((r) => r.json()).then((j) => j.clientSecret),
  onComplete: () => { document.getElementById('status').textContent = 'onComplete'; },
}).then((checkout) => checkout.mount('#checkout'), (e) => { document.getElementById('status').textContent = 'error: ' + e.message; });
</script></body></html>`;
}

/** A page that sends the buyer to the hosted page with redirectToCheckout. */
function redirectPage(pk: string, sessionId: string): string {
  return `<!doctype html><html><head><script src="https://js.stripe.com/v3/"></script></head><body>
<button id="go">Pay</button><script>
document.getElementById('go').addEventListener('click', () => Stripe(${JSON.stringify(pk)}).redirectToCheckout({ sessionId: ${JSON.stringify(sessionId)} }));
</script></body></html>`;
}

async function startMerchant(pk: string, makeSession: Merchant['makeSession']): Promise<Merchant> {
  const merchant: Merchant = { url: '', makeSession, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://merchant');
    const html = (body: string) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(body);
    };
    req.resume();
    if (url.pathname === '/create-checkout-session' && req.method === 'POST') {
      merchant.makeSession(url.searchParams).then(
        (s) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ clientSecret: s.client_secret }));
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        },
      );
    } else if (url.pathname === '/return') {
      html(`<!doctype html><title>Thanks</title><h1 id="landed">Thanks</h1><p id="session">${url.searchParams.get('session_id') ?? ''}</p>`);
    } else if (url.pathname === '/redirect') {
      html(redirectPage(pk, url.searchParams.get('session') ?? ''));
    } else {
      html(checkoutPage(url.searchParams.get('pk') ?? pk));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  merchant.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  merchant.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return merchant;
}

// Browser suites run on SQLite only.
describe('Embedded Checkout and the served Stripe.js in Chromium', () => {
  const browser = useBrowser();
  const key = freshKey();
  const pk = key.replace(/^sk_/, 'pk_');
  let server: TestServer;
  let merchant: Merchant;
  let stripe: Stripe;
  let customer: string;
  before(async () => {
    server = await startServer('sqlite');
    stripe = server.stripe(key);
    merchant = await startMerchant(pk, async (q) => {
      const never = q.get('redirect') === 'never';
      return stripe.checkout.sessions.create({
        mode: 'payment',
        ui_mode: 'embedded_page',
        line_items: twoItems(),
        ...(never ? { redirect_on_completion: 'never' } : { return_url: `${merchant.url}/return?session_id={CHECKOUT_SESSION_ID}` }),
        ...(q.get('customer') ? { customer: q.get('customer') as string } : { customer_email: 'buyer@example.com' }),
        ...(q.get('locale') ? { locale: q.get('locale') as 'ja' } : {}),
      });
    });
    customer = (await stripe.customers.create({ email: 'saved@example.com', name: 'Jenny Rosen' })).id;
    await savedCard(stripe, customer);
  });
  after(async () => {
    await Promise.all([server.close(), merchant.close()]);
  });

  async function open(path: string, viewport?: { width: number; height: number }): Promise<PageProbe> {
    const probe = await browser.newPage({ allowedOrigins: [server.url, merchant.url], ...(viewport ? { viewport } : {}) });
    // js.stripe.com is fulfilled by the route and never leaves the browser.
    await routeStripeJs(probe.page, server.url);
    await probe.page.route((u) => !u.href.startsWith(server.url) && !u.href.startsWith(merchant.url) && !u.href.startsWith('https://js.stripe.com/'), (r) => r.abort());
    await probe.page.goto(merchant.url + path);
    return probe;
  }

  function form(page: Page): FrameLocator {
    return page.frameLocator('iframe[name="embedded-checkout"]');
  }

  async function fillCard(f: FrameLocator, number: string): Promise<void> {
    await f.locator('[data-testid="card-accordion-item-button"]').click();
    await f.locator('#cardNumber').fill(number);
    await f.locator('#cardExpiry').fill('12 / 34');
    await f.locator('#cardCvc').fill('123');
    await f.locator('#billingName').fill('Buyer Example');
    await f.locator('#billingCountry').selectOption('US');
    await f.locator('#billingPostalCode').fill('94102');
  }

  function clean(probe: PageProbe): void {
    assert.deepEqual(probe.externalRequests.filter((u) => !u.startsWith('https://js.stripe.com/')), []);
    assert.deepEqual(probe.errors, []);
  }

  it('pays with 4242 inside the frame; the top page lands on return_url with the session id', async () => {
    const probe = await open('/');
    const { page } = probe;
    const f = form(page);
    await f.locator('#cardNumber').waitFor({ state: 'attached' });
    await fillCard(f, '4242 4242 4242 4242');
    // The frame is sized to its form: no scrollbar inside.
    await page.waitForFunction("document.querySelector('iframe').offsetHeight > 600");
    await saveScreenshot(page, 'embedded-checkout-desktop.png');
    await Promise.all([page.waitForURL((u) => u.pathname === '/return'), f.locator('.SubmitButton').click()]);
    const id = await page.textContent('#session');
    assert.match(id ?? '', /^cs_test_/);
    const done = await stripe.checkout.sessions.retrieve(id as string);
    assert.equal(done.status, 'complete');
    assert.equal(done.payment_status, 'paid');
    assert.equal(done.ui_mode, 'embedded_page');
    clean(probe);
  });

  it('redirect_on_completion never: onComplete fires and the frame shows the payment done (in Japanese, phone width)', async () => {
    const probe = await open('/?redirect=never&locale=ja', { width: 390, height: 844 });
    const { page } = probe;
    const f = form(page);
    await fillCard(f, '4242 4242 4242 4242');
    await saveScreenshot(page, 'embedded-checkout-phone.png');
    await f.locator('.SubmitButton').click();
    await page.waitForFunction("document.getElementById('status').textContent === 'onComplete'");
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await f.locator('[data-testid="checkout-notice"]').getAttribute('data-kind'), 'paid');
    assert.equal(await f.locator('html').getAttribute('lang'), 'ja');
    await saveScreenshot(page, 'embedded-checkout-complete-phone.png');
    clean(probe);
  });

  it("prefills the customer's saved card inside the frame and pays with it", async () => {
    const probe = await open(`/?customer=${customer}`);
    const { page } = probe;
    const saved = form(page).locator('[data-testid="saved-payment-method"]');
    assert.match((await saved.textContent()) ?? '', /Visa.*4242/s);
    assert.equal(await saved.getAttribute('aria-checked'), 'true');
    await saveScreenshot(page, 'embedded-checkout-saved-card.png');
    await Promise.all([page.waitForURL((u) => u.pathname === '/return'), form(page).locator('.SubmitButton').click()]);
    const done = await stripe.checkout.sessions.retrieve((await page.textContent('#session')) as string, { expand: ['payment_intent'] });
    assert.equal(done.status, 'complete');
    assert.equal(done.customer, customer);
    clean(probe);
  });

  it('3D Secure happens inside the frame, then the top page lands on return_url', async () => {
    const probe = await open('/');
    const { page } = probe;
    const f = form(page);
    await fillCard(f, '4000 0025 0000 3155');
    await f.locator('.SubmitButton').click();
    await f.locator('#test-source-authorize-3ds').waitFor();
    assert.equal(new URL(page.url()).origin, merchant.url, 'the top page stays the merchant’s');
    await saveScreenshot(page, 'embedded-checkout-3ds.png');
    await Promise.all([page.waitForURL((u) => u.pathname === '/return'), f.locator('#test-source-authorize-3ds').click()]);
    const done = await stripe.checkout.sessions.retrieve((await page.textContent('#session')) as string);
    assert.equal(done.status, 'complete');
    clean(probe);
  });

  it("refuses the session in the frame for another account's publishable key, and a secret key in Stripe()", async () => {
    const probe = await open(`/?pk=pk_test_someoneElse`);
    const notice = form(probe.page).locator('[data-testid="checkout-notice"]');
    assert.equal(await notice.getAttribute('data-kind'), 'forbidden');
    assert.equal(await notice.textContent().then((t) => (t ?? '').length > 0), true);
    const secret = await open(`/?pk=${key}`);
    await waitFor(() => secret.errors.length > 0, 5_000, 'the page error');
    assert.match(secret.errors.join('\n'), /You should not use your secret key with Stripe\.js/);
    assert.equal(await secret.page.locator('iframe').count(), 0);
  });

  it('redirectToCheckout sends the buyer to the hosted page of the session', async () => {
    const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: twoItems(), success_url: `${merchant.url}/return?session_id={CHECKOUT_SESSION_ID}` });
    const probe = await open(`/redirect?session=${session.id}`);
    await Promise.all([probe.page.waitForURL((u) => u.pathname === `/c/pay/${session.id}`), probe.page.click('#go')]);
    assert.equal(await probe.page.locator('#cardNumber').count(), 1);
    clean(probe);
  });
});
