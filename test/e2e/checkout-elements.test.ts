/**
 * Checkout Elements and server-set shipping in Chromium (docs/decisions.md#checkout-elements,
 * docs/decisions.md#shipping-details-from-the-server): a merchant's page on its own origin loads
 * `https://js.stripe.com/v3/` (routed to OpenCheckout's script by routeStripeJs; every other
 * external request is aborted and must not happen). With `initCheckoutElementsSdk` it shows the
 * session's total, updates the email, applies a promotion code, mounts the Payment Element and
 * confirms: a new card lands on return_url, 3D Secure happens in the element's frame, a decline
 * resolves confirm() with `paymentFailed`; the basil shape (`initCheckout({ fetchClientSecret })`)
 * resolves with `redirect: 'if_required'`. An embedded form of a `server_only` session asks the
 * page's onShippingDetailsChange, which asks the merchant's server: a refusal shows its message
 * in the frame, an acceptance shows the shipping options the server set, and the buyer pays.
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
import { twoItems } from './setup.js';

/** The merchant's Elements checkout page, as Stripe's quickstart writes it (`shape=basil`: the 2025 basil API). */
function elementsPage(pk: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Shop checkout</title>
<script src="https://js.stripe.com/v3/"></script>
<style>body{font-family:sans-serif;max-width:520px;margin:24px auto;padding:0 12px}input{display:block;width:100%;margin:6px 0;padding:8px}#payment-element{margin:12px 0}</style></head>
<body><h1>Tote &amp; Tee shop</h1><p>Total: <strong id="total"></strong></p>
<label>Email <input id="email" type="email"></label>
<label>Promotion code <input id="promo"></label><button id="apply" type="button">Apply</button>
<div id="payment-element"></div><button id="pay" type="button">Pay now</button><p id="status"></p>
<script>
const stripe = Stripe(${JSON.stringify(pk)});
const status = (t) => { document.getElementById('status').textContent = t; };
const basil = new URLSearchParams(location.search).get('shape') === 'basil';
const fetchClientSecret = () => fetch('/create-checkout-session' + location.search, { method: 'POST' }).then((r) => r.json()).then((j) => j.clientSecret);
function wire(checkout, actions) {
  checkout.on('change', (s) => { document.getElementById('total').textContent = s.total.total.amount; });
  const element = checkout.createPaymentElement();
  element.on('ready', () => { document.body.dataset.ready = 'yes'; });
  element.mount('#payment-element');
  document.getElementById('email').addEventListener('change', async (e) => {
    const r = await actions.updateEmail(e.target.value);
    status(r.type === 'success' ? 'email ' + actions.getSession().email : 'email error: ' + r.error.code);
  });
  document.getElementById('apply').addEventListener('click', async () => {
    const r = await actions.applyPromotionCode(document.getElementById('promo').value);
    status(r.type === 'success' ? 'promo applied' : 'promo error: ' + r.error.code);
  });
  document.getElementById('pay').addEventListener('click', async () => {
    status('confirming');
    const r = await actions.confirm(basil ? { redirect: 'if_required' } : undefined);
    status(r.type === 'success' ? 'paid: ' + r.session.status.type : 'confirm error: ' + r.error.code + ' ' + (r.error.paymentFailed ? r.error.paymentFailed.declineCode : '') + ' ' + r.error.message);
  });
}
if (basil) {
  stripe.initCheckout({ fetchClientSecret }).then((checkout) => wire(checkout, { ...checkout, getSession: checkout.session }), (e) => status('init error: ' + e.message));
} else {
  const checkout = stripe.initCheckoutElementsSdk({ clientSecret: fetchClientSecret() });
  checkout.loadActions().then((r) => r.type === 'success' ? wire(checkout, r.actions) : status('init error: ' + r.error.message));
}
</script></body></html>`;
}

/** The embedded checkout page of a session whose shipping details the merchant's server sets. */
function shippingPage(pk: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop checkout</title><script src="https://js.stripe.com/v3/"></script></head>
<body><p id="status"></p><div id="checkout"></div><script>
Stripe(${JSON.stringify(pk)}).initEmbeddedCheckout({
  fetchClientSecret: () => fetch('/create-checkout-session?kind=shipping', { method: 'POST' }).then((r) => r.json()).then((j) => j.clientSecret),
  onShippingDetailsChange: async (event) => {
    const r = await fetch('/calculate-shipping-options', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
    const result = await r.json();
    document.getElementById('status').textContent = 'shipping ' + result.type;
    return result;
  },
}).then((checkout) => checkout.mount('#checkout'));
</script></body></html>`;
}

interface Merchant {
  url: string;
  close(): Promise<void>;
}

async function startMerchant(pk: string, stripe: Stripe): Promise<Merchant> {
  let base = '';
  const json = (res: http.ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://merchant');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fail = (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      };
      if (url.pathname === '/create-checkout-session') {
        const shipping = url.searchParams.get('kind') === 'shipping';
        const params: Stripe.Checkout.SessionCreateParams = shipping
          ? {
              mode: 'payment', ui_mode: 'embedded_page', line_items: twoItems(), customer_email: 'buyer@example.com',
              return_url: `${base}/return?session_id={CHECKOUT_SESSION_ID}`,
              shipping_address_collection: { allowed_countries: ['US', 'CA'] },
              permissions: { update_shipping_details: 'server_only' },
            }
          : {
              mode: 'payment', ui_mode: 'elements', line_items: twoItems(), allow_promotion_codes: true,
              ...(url.searchParams.get('shape') === 'basil' ? { redirect_on_completion: 'if_required' } : {}),
              return_url: `${base}/return?session_id={CHECKOUT_SESSION_ID}`,
            };
        stripe.checkout.sessions.create(params as Stripe.Checkout.SessionCreateParams).then((s) => json(res, { clientSecret: s.client_secret }), fail);
      } else if (url.pathname === '/calculate-shipping-options') {
        // The merchant's server, as Stripe's guide writes it: validate the address, set the options, accept.
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { checkoutSessionId: string; shippingDetails: { name: string; address: Stripe.AddressParam & { country: string; line1: string } } };
        const { address, name } = event.shippingDetails;
        if (address.country !== 'US') {
          json(res, { type: 'reject', errorMessage: 'We only ship to the United States.' });
          return;
        }
        stripe.checkout.sessions
          .update(event.checkoutSessionId, {
            collected_information: { shipping_details: { name, address: { country: address.country, line1: address.line1, city: address.city ?? '', postal_code: address.postal_code ?? '', state: address.state ?? '' } } },
            shipping_options: [{ shipping_rate_data: { type: 'fixed_amount', display_name: 'Courier', fixed_amount: { amount: 900, currency: 'usd' } } }],
          } as Stripe.Checkout.SessionUpdateParams)
          .then(() => json(res, { type: 'accept' }), fail);
      } else if (url.pathname === '/return') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><title>Thanks</title><h1 id="landed">Thanks</h1><p id="session">${url.searchParams.get('session_id') ?? ''}</p>`);
      } else {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(url.pathname === '/shipping' ? shippingPage(pk) : elementsPage(pk));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// Browser suites run on SQLite only.
describe('Checkout Elements and server-set shipping in Chromium', () => {
  const browser = useBrowser();
  const key = freshKey();
  const pk = key.replace(/^sk_/, 'pk_');
  let server: TestServer;
  let merchant: Merchant;
  let stripe: Stripe;
  before(async () => {
    server = await startServer('sqlite');
    stripe = server.stripe(key);
    merchant = await startMerchant(pk, stripe);
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'once', name: 'Ten off' });
    await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'TENOFF' } as Stripe.PromotionCodeCreateParams);
  });
  after(async () => {
    await Promise.all([server.close(), merchant.close()]);
  });

  async function open(path: string, viewport?: { width: number; height: number }): Promise<PageProbe> {
    const probe = await browser.newPage({ allowedOrigins: [server.url, merchant.url], ...(viewport ? { viewport } : {}) });
    await routeStripeJs(probe.page, server.url);
    await probe.page.route((u) => !u.href.startsWith(server.url) && !u.href.startsWith(merchant.url) && !u.href.startsWith('https://js.stripe.com/'), (r) => r.abort());
    await probe.page.goto(merchant.url + path);
    return probe;
  }

  const element = (page: Page): FrameLocator => page.frameLocator('iframe[title="Secure payment input frame"]');

  async function fillCard(f: FrameLocator, number: string): Promise<void> {
    await f.locator('[data-testid="card-accordion-item-button"]').click();
    await f.locator('#cardNumber').fill(number);
    await f.locator('#cardExpiry').fill('12 / 34');
    await f.locator('#cardCvc').fill('123');
    // Embedded Checkout asks for the cardholder name, as the hosted page does; the Payment Element does not.
    if (await f.locator('#billingName').count()) await f.locator('#billingName').fill('Buyer Example');
    await f.locator('#billingCountry').selectOption('US');
    await f.locator('#billingPostalCode').fill('94102');
  }

  const status = (page: Page, pattern: RegExp) =>
    page.waitForFunction(`new RegExp(${JSON.stringify(pattern.source)}).test(document.getElementById('status').textContent)`, undefined, { timeout: 15_000 });
  const ready = (page: Page) => page.waitForFunction("document.body.dataset.ready === 'yes'");

  /** No external request and no page error; `expected` are the statuses of refusals the test asks for (the browser logs them). */
  function clean(probe: PageProbe, expected: number[] = []): void {
    assert.deepEqual(probe.externalRequests.filter((u) => !u.startsWith('https://js.stripe.com/')), []);
    const refusal = /^Failed to load resource: the server responded with a status of (\d+)/;
    assert.deepEqual(probe.errors.filter((e) => !expected.includes(Number(refusal.exec(e)?.[1]))), []);
  }

  it('updates the email, applies a promotion code and pays a new card in the Payment Element; the top page lands on return_url', async () => {
    const probe = await open('/');
    const { page } = probe;
    await ready(page);
    assert.equal(await page.textContent('#total'), '$55.00');
    await page.fill('#email', 'jenny@example.com');
    await page.press('#email', 'Tab');
    await status(page, /^email jenny@example\.com$/);
    await page.fill('#promo', 'NOPE');
    await page.click('#apply');
    await status(page, /^promo error: invalidCode$/);
    await page.fill('#promo', 'TENOFF');
    await page.click('#apply');
    await status(page, /^promo applied$/);
    assert.equal(await page.textContent('#total'), '$49.50');
    const f = element(page);
    await fillCard(f, '4242 4242 4242 4242');
    // As Stripe's Payment Element: no cardholder name, only the country and postal code.
    assert.equal(await f.locator('#billingName').count(), 0, 'no cardholder name field');
    await saveScreenshot(page, 'checkout-elements-desktop.png');
    await Promise.all([page.waitForURL((u) => u.pathname === '/return'), page.click('#pay')]);
    const done = await stripe.checkout.sessions.retrieve((await page.textContent('#session')) as string, { expand: ['payment_intent'] });
    assert.deepEqual([done.status, done.payment_status, done.ui_mode, done.amount_total], ['complete', 'paid', 'elements', 4950]);
    assert.equal(done.customer_details?.email, 'jenny@example.com');
    assert.equal((done.payment_intent as Stripe.PaymentIntent).amount, 4950);
    const pm = await stripe.paymentMethods.retrieve((done.payment_intent as Stripe.PaymentIntent).payment_method as string);
    assert.deepEqual([pm.card?.last4, pm.billing_details.name, pm.billing_details.address?.postal_code], ['4242', null, '94102']);
    clean(probe, [404]);
  });

  it('3D Secure happens in the Payment Element’s frame: a failure resolves confirm() with its error, a completion lands on return_url', async () => {
    const probe = await open('/', { width: 390, height: 844 });
    const { page } = probe;
    await ready(page);
    await page.fill('#email', 'three@example.com');
    await page.press('#email', 'Tab');
    await status(page, /^email /);
    const f = element(page);
    await fillCard(f, '4000 0025 0000 3155');
    await saveScreenshot(page, 'checkout-elements-phone.png');
    await page.click('#pay');
    // A failed authentication resolves confirm() with the card's error, in the element's frame too.
    await f.locator('#test-source-fail-3ds').click();
    await status(page, /^confirm error: paymentFailed /);
    await f.locator('[data-testid="payment-error"]').waitFor();
    await fillCard(f, '4000 0025 0000 3155');
    await page.click('#pay');
    await f.locator('#test-source-authorize-3ds').waitFor();
    assert.equal(new URL(page.url()).origin, merchant.url, 'the top page stays the merchant’s');
    await saveScreenshot(page, 'checkout-elements-3ds-phone.png');
    await Promise.all([page.waitForURL((u) => u.pathname === '/return'), f.locator('#test-source-authorize-3ds').click()]);
    const done = await stripe.checkout.sessions.retrieve((await page.textContent('#session')) as string);
    assert.equal(done.status, 'complete');
    clean(probe, [400]);
  });

  it('the basil shape: a decline resolves confirm() with paymentFailed, then a card pays without a redirect', async () => {
    const probe = await open('/?shape=basil');
    const { page } = probe;
    await ready(page);
    await page.fill('#email', 'basil@example.com');
    await page.press('#email', 'Tab');
    await status(page, /^email basil@example\.com$/);
    const f = element(page);
    await fillCard(f, '4000 0000 0000 0002');
    await page.click('#pay');
    await status(page, /^confirm error: paymentFailed generic_decline /);
    assert.equal(await f.locator('[data-testid="payment-error"]').count(), 1);
    await fillCard(f, '4242 4242 4242 4242');
    await page.click('#pay');
    await status(page, /^paid: complete$/);
    assert.equal(new URL(page.url()).origin + new URL(page.url()).pathname, `${merchant.url}/`);
    clean(probe, [402]);
  });

  async function fillShipping(f: FrameLocator, country: string, state: string, postal: string): Promise<void> {
    await f.locator('#shippingName').fill('Jenny Rosen');
    await f.locator('#shippingAddressLine1').fill('1 Main St');
    await f.locator('#shippingLocality').fill('Springfield');
    await f.locator('#shippingCountry').selectOption(country);
    await f.locator('#shippingPostalCode').fill(postal);
    await f.locator('#shippingAdministrativeArea').fill(state);
    await f.locator('#shippingAdministrativeArea').press('Tab');
  }

  it('onShippingDetailsChange: the merchant refuses an address with its message, accepts another with its shipping options, and the buyer pays', async () => {
    const probe = await open('/shipping');
    const { page } = probe;
    const f = page.frameLocator('iframe[name="embedded-checkout"]');
    await f.locator('#shippingName').waitFor();
    await fillShipping(f, 'CA', 'ON', 'K1A 0B1');
    await status(page, /^shipping reject$/);
    assert.equal(await f.locator('[data-testid="shipping-details-error"]').textContent(), 'We only ship to the United States.');
    await saveScreenshot(page, 'embedded-checkout-shipping-rejected.png');
    await fillShipping(f, 'US', 'CA', '94102');
    await status(page, /^shipping accept$/);
    await f.locator('[data-testid="shipping-rate"]').filter({ hasText: 'Courier' }).waitFor();
    assert.equal(await f.locator('[data-testid="shipping-details-error"]').count(), 0);
    await fillCard(f, '4242 4242 4242 4242');
    await saveScreenshot(page, 'embedded-checkout-shipping-accepted.png');
    await Promise.all([page.waitForURL((u) => u.pathname === '/return'), f.locator('.SubmitButton').click()]);
    const done = await stripe.checkout.sessions.retrieve((await page.textContent('#session')) as string);
    assert.equal(done.status, 'complete');
    assert.equal(done.collected_information?.shipping_details?.address.city, 'Springfield');
    assert.equal(done.shipping_cost?.amount_total, 900);
    assert.equal(done.amount_total, 5500 + 900);
    clean(probe);
  });
});
