/**
 * 3D Secure in subscription mode on the hosted page in Chromium
 * (docs/decisions.md#3d-secure-in-subscription-mode): a card that asks for authentication opens
 * the test authentication page; Complete starts the subscription, active with its first invoice
 * paid; Fail brings the buyer back with Stripe's error and nothing is started.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import type { Page } from 'playwright-core';
import { payWithNewCard, saveScreenshot, useBrowser, type PageProbe } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startLanding, type Landing } from './setup.js';

// Browser suites run on SQLite only.
describe('3D Secure in subscription mode on the hosted page in Chromium', () => {
  const browser = useBrowser();
  let server: TestServer;
  let landing: Landing;
  before(async () => {
    [server, landing] = await Promise.all([startServer('sqlite'), startLanding()]);
  });
  after(async () => {
    await Promise.all([server.close(), landing.close()]);
  });

  async function open(url: string): Promise<PageProbe> {
    const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url] });
    await probe.page.goto(url);
    return probe;
  }

  function subscriptionSession(stripe: Stripe): Promise<Stripe.Checkout.Session> {
    return stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price_data: { currency: 'usd', unit_amount: 1200, recurring: { interval: 'month' }, product_data: { name: 'Monthly plan' } }, quantity: 1 }],
      customer_email: 'buyer@example.com',
      success_url: `${landing.url}/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${landing.url}/cart`,
    });
  }

  it('4000 0027 6000 3184: authenticate, then the subscription is active and its first invoice paid', async () => {
    const stripe = server.stripe();
    const session = await subscriptionSession(stripe);
    const probe = await open(session.url as string);
    const { page } = probe;
    await payWithNewCard(page, '4000 0027 6000 3184');
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/c/3ds/')), page.click('.SubmitButton')]);
    assert.equal(await page.locator('#test-source-authorize-3ds').count(), 1);
    const waiting = await stripe.checkout.sessions.retrieve(session.id, { expand: ['setup_intent'] });
    assert.deepEqual([waiting.status, waiting.subscription], ['open', null]);
    assert.equal((waiting.setup_intent as Stripe.SetupIntent).status, 'requires_action');

    await Promise.all([page.waitForURL((u) => u.href.startsWith(landing.url)), page.click('#test-source-authorize-3ds')]);
    assert.equal(new URL(page.url()).pathname, '/success');
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription', 'setup_intent'] });
    assert.deepEqual([done.status, done.payment_status], ['complete', 'paid']);
    const sub = done.subscription as Stripe.Subscription;
    assert.equal(sub.status, 'active');
    assert.equal((done.setup_intent as Stripe.SetupIntent).status, 'succeeded');
    const invoice = await stripe.invoices.retrieve(sub.latest_invoice as string);
    assert.deepEqual([invoice.status, invoice.amount_paid], ['paid', 1200]);
    assert.deepEqual(probe.errors, []);
  });

  it('4000 0025 0000 3155, Fail: back on the page with the error, no subscription; then 4242 completes', async () => {
    const stripe = server.stripe();
    const session = await subscriptionSession(stripe);
    const { page } = await open(session.url as string);
    await payWithNewCard(page, '4000 0025 0000 3155');
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/c/3ds/')), page.click('.SubmitButton')]);
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/c/pay/')), page.click('#test-source-fail-3ds')]);
    assert.match((await page.locator('[data-testid="payment-error"]').textContent()) ?? '', /unable to authenticate your payment method/);
    await saveScreenshot(page, 'three-d-secure-subscription-failed.png');
    const open_ = await stripe.checkout.sessions.retrieve(session.id);
    assert.deepEqual([open_.status, open_.subscription], ['open', null]);
    assert.equal((await stripe.subscriptions.list()).data.length, 0);

    await payWithNewCard(page, '4242 4242 4242 4242');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(landing.url)), page.click('.SubmitButton')]);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] });
    assert.equal(done.status, 'complete');
    assert.equal((done.subscription as Stripe.Subscription).status, 'active');
  });
});
