/**
 * Payment Links in Chromium (docs/decisions.md#payment-links): the link's URL lands on a new
 * Checkout Session's page, paying there with 4242 completes that session (`payment_link` set),
 * a second visit makes another session, and an inactive link shows its page. Screenshots at
 * desktop and phone width.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { saveScreenshot, useBrowser, type PageProbe } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startLanding, type Landing } from './setup.js';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** The session id of a hosted page URL. */
const sessionOf = (url: string): string => /\/c\/pay\/(cs_test_[A-Za-z0-9]+)/.exec(url)?.[1] ?? '';

// Browser suites run on SQLite only (API rules on both stores, browser flows on SQLite).
describe('payment links in Chromium', () => {
  const browser = useBrowser();
  let server: TestServer;
  let landing: Landing;
  before(async () => {
    [server, landing] = await Promise.all([startServer('sqlite'), startLanding()]);
  });
  after(async () => {
    await Promise.all([server.close(), landing.close()]);
  });

  function clean(probe: PageProbe): void {
    assert.deepEqual(probe.errors, [], 'no script or console errors');
    assert.deepEqual(probe.dialogs, [], 'no dialogs');
    assert.deepEqual(probe.externalRequests, [], 'no requests beyond the server and the merchant');
  }

  async function link(stripe: Stripe, params: Partial<Stripe.PaymentLinkCreateParams> = {}): Promise<Stripe.PaymentLink> {
    const product = await stripe.products.create({ name: 'Organic cotton T-shirt' });
    const price = await stripe.prices.create({ product: product.id, unit_amount: 2500, currency: 'usd' });
    return stripe.paymentLinks.create({
      line_items: [{ price: price.id, quantity: 1, adjustable_quantity: { enabled: true, maximum: 5 } }],
      after_completion: { type: 'redirect', redirect: { url: `${landing.url}/success?session_id={CHECKOUT_SESSION_ID}` } },
      ...params,
    });
  }

  for (const [width, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`opens a new session from the link and pays it with 4242 (${width})`, async () => {
      const stripe = server.stripe();
      const made = await link(stripe, { metadata: { channel: 'newsletter' } });
      const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url], viewport });
      const { page } = probe;
      await page.goto(made.url);
      assert.match(page.url(), /\/c\/pay\/cs_test_/, 'the link lands on a hosted page');
      const first = sessionOf(page.url());
      await page.waitForSelector('.SubmitButton');
      assert.match((await page.textContent('body')) ?? '', /Organic cotton T-shirt/);
      await saveScreenshot(page, `payment-link-page-${width}.png`);

      await page.fill('#email', 'buyer@example.com');
      await page.click('[data-testid="card-accordion-item-button"]');
      await page.locator('#cardNumber').pressSequentially('4242 4242 4242 4242');
      await page.locator('#cardExpiry').pressSequentially('12 / 34');
      await page.fill('#cardCvc', '123');
      await page.fill('#billingName', 'Buyer Example');
      await page.selectOption('#billingCountry', 'US');
      await page.fill('#billingPostalCode', '94102');
      await Promise.all([page.waitForURL((u) => u.href.startsWith(landing.url)), page.click('.SubmitButton')]);
      const landed = new URL(page.url());
      assert.equal(landed.pathname, '/success');
      assert.equal(landed.searchParams.get('session_id'), first);

      const done = await stripe.checkout.sessions.retrieve(first);
      assert.equal(done.status, 'complete');
      assert.equal(done.payment_status, 'paid');
      assert.equal(done.payment_link, made.id);
      assert.deepEqual(done.metadata, { channel: 'newsletter' });
      assert.equal(done.amount_total, 2500);

      // A second visit makes another session, open, of the same link.
      await page.goto(made.url);
      const second = sessionOf(page.url());
      assert.ok(second && second !== first, 'a second visit opens another session');
      await page.waitForSelector('.SubmitButton');
      const again = await stripe.checkout.sessions.retrieve(second);
      assert.deepEqual([again.status, again.payment_link], ['open', made.id]);
      const listed = await stripe.checkout.sessions.list({ payment_link: made.id });
      assert.deepEqual(listed.data.map((s) => s.id), [second, first]);
      clean(probe);
    });

    it(`shows that an inactive link is no longer available (${width})`, async () => {
      const stripe = server.stripe();
      const made = await link(stripe);
      await stripe.paymentLinks.update(made.id, { active: false });
      const probe = await browser.newPage({ allowedOrigins: [server.url], viewport });
      const { page } = probe;
      const res = await page.goto(made.url);
      assert.equal(res?.status(), 200);
      assert.equal(page.url(), made.url, 'no redirect: no session was made');
      assert.equal(await page.getAttribute('[data-testid="checkout-notice"]', 'data-kind'), 'payment-link-inactive');
      assert.equal(await page.textContent('h1'), 'This link is no longer available');
      await saveScreenshot(page, `payment-link-inactive-${width}.png`);
      assert.equal((await stripe.checkout.sessions.list({ payment_link: made.id })).data.length, 0);
      clean(probe);
    });
  }

  it('speaks the buyer’s language on an inactive link, and shows the merchant’s message', async () => {
    const stripe = server.stripe();
    const made = await link(stripe, { inactive_message: 'Ausverkauft — bis bald!' });
    await stripe.paymentLinks.update(made.id, { active: false });
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: PHONE, locale: 'de-DE' });
    const { page } = probe;
    await page.goto(made.url);
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.equal(await page.textContent('h1'), 'Dieser Link ist nicht mehr verfügbar');
    assert.match((await page.textContent('main')) ?? '', /Ausverkauft — bis bald!/);
    await saveScreenshot(page, 'payment-link-inactive-de-phone.png');
    clean(probe);
  });
});
