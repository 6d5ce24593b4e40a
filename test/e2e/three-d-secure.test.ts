/**
 * 3D Secure on the hosted page in Chromium: a card that asks for authentication sends the buyer to
 * the test authentication page; Complete lands on success_url, Fail brings the buyer back to the
 * page with Stripe's error, to pay with another card. Screenshots of the page in English and
 * Japanese, at desktop and phone width.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { payWithNewCard, saveScreenshot, useBrowser, type PageProbe } from '../helpers/browser.js';
import { eventsOf } from '../helpers/events.js';
import { freshKey, startServer, type TestServer } from '../helpers/server.js';
import { paymentSession, startLanding, type Landing } from './setup.js';

// Browser suites run on SQLite only.
describe('3D Secure on the hosted page in Chromium', () => {
  const browser = useBrowser();
  let server: TestServer;
  let landing: Landing;
  before(async () => {
    [server, landing] = await Promise.all([startServer('sqlite'), startLanding()]);
  });
  after(async () => {
    await Promise.all([server.close(), landing.close()]);
  });

  async function open(url: string, opts: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<PageProbe> {
    const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url], ...opts });
    await probe.page.goto(url);
    return probe;
  }

  it('4000 0025 0000 3155: the buyer authenticates, then lands on success_url; the session completes only then', async () => {
    const key = freshKey();
    const stripe = server.stripe(key);
    const session = await paymentSession(stripe, landing, { customer_email: 'buyer@example.com' });
    const probe = await open(session.url as string);
    const { page } = probe;
    await payWithNewCard(page, '4000 0025 0000 3155');
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/c/3ds/')), page.click('.SubmitButton')]);
    assert.equal(await page.locator('#test-source-authorize-3ds').count(), 1);
    assert.equal(await page.locator('#test-source-fail-3ds').count(), 1);
    assert.match((await page.textContent('[data-testid="three-d-secure-what"]')) ?? '', /\$55\.00/);

    // Waiting for authentication, the session is open and its PaymentIntent requires_action.
    const waiting = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
    assert.equal(waiting.status, 'open');
    assert.equal((waiting.payment_intent as { status: string }).status, 'requires_action');

    await Promise.all([page.waitForURL((u) => u.href.startsWith(landing.url)), page.click('#test-source-authorize-3ds')]);
    const landed = new URL(page.url());
    assert.equal(landed.pathname, '/success');
    assert.equal(landed.searchParams.get('session_id'), session.id);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
    assert.equal(done.status, 'complete');
    assert.equal(done.payment_status, 'paid');
    const pi = done.payment_intent as { id: string; status: string; next_action: unknown };
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.next_action, null);
    const types = (await eventsOf(server, key)).map((e) => e.type);
    assert.ok(types.indexOf('payment_intent.requires_action') < types.indexOf('checkout.session.completed'));
    assert.equal(types.filter((t) => t === 'checkout.session.completed').length, 1);
    assert.deepEqual(probe.externalRequests, []);
    assert.deepEqual(probe.errors, []);
  });

  it('Fail: back on the page with the authentication error, then paying with 4242 completes', async () => {
    const stripe = server.stripe();
    const session = await paymentSession(stripe, landing);
    const { page } = await open(session.url as string);
    await page.fill('#email', 'buyer@example.com');
    await payWithNewCard(page, '4000 0027 6000 3184');
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/c/3ds/')), page.click('.SubmitButton')]);
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/c/pay/')), page.click('#test-source-fail-3ds')]);
    const error = page.locator('[data-testid="payment-error"]');
    assert.match((await error.textContent()) ?? '', /unable to authenticate your payment method/);
    await saveScreenshot(page, 'three-d-secure-failed-back-on-page.png');
    const open_ = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
    assert.equal(open_.status, 'open');
    const pi = open_.payment_intent as { status: string; last_payment_error: { code: string } | null };
    assert.equal(pi.status, 'requires_payment_method');
    assert.equal(pi.last_payment_error?.code, 'payment_intent_authentication_failure');

    await page.fill('#email', 'buyer@example.com');
    await payWithNewCard(page, '4242 4242 4242 4242');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(landing.url)), page.click('.SubmitButton')]);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    assert.equal(done.status, 'complete');
    assert.equal(done.payment_intent, (open_.payment_intent as { id: string }).id);
  });

  it("the buyer's save tick survives authentication: the card is saved to the customer", async () => {
    const stripe = server.stripe();
    const customer = await stripe.customers.create({ email: 'saver@example.com' });
    const session = await paymentSession(stripe, landing, { customer: customer.id, saved_payment_method_options: { payment_method_save: 'enabled' } });
    const { page } = await open(session.url as string);
    await payWithNewCard(page, '4000 0025 0000 3155');
    await page.check('#savePaymentMethod');
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/c/3ds/')), page.click('.SubmitButton')]);
    await Promise.all([page.waitForURL((u) => u.href.startsWith(landing.url)), page.click('#test-source-authorize-3ds')]);
    const saved = await stripe.customers.listPaymentMethods(customer.id);
    assert.equal(saved.data.length, 1);
    assert.equal(saved.data[0]?.card?.last4, '3155');
    assert.equal(saved.data[0]?.allow_redisplay, 'always');
  });

  it('setup mode with 4000 0000 0000 3220: authenticated, the SetupIntent succeeds and the card is saved', async () => {
    const stripe = server.stripe();
    const customer = await stripe.customers.create({ email: 'setup@example.com' });
    const session = await stripe.checkout.sessions.create({
      mode: 'setup',
      currency: 'usd',
      customer: customer.id,
      success_url: `${landing.url}/success?session_id={CHECKOUT_SESSION_ID}`,
    });
    const { page } = await open(session.url as string);
    await payWithNewCard(page, '4000 0000 0000 3220');
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/c/3ds/')), page.click('.SubmitButton')]);
    await Promise.all([page.waitForURL((u) => u.href.startsWith(landing.url)), page.click('#test-source-authorize-3ds')]);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['setup_intent'] });
    assert.equal(done.status, 'complete');
    const si = done.setup_intent as { status: string; payment_method: string; customer: string };
    assert.equal(si.status, 'succeeded');
    assert.equal(si.customer, customer.id);
    assert.equal((await stripe.paymentMethods.retrieve(si.payment_method)).customer, customer.id);
  });

  for (const [locale, lang] of [['en', 'en-US'], ['ja', 'ja-JP']] as const) {
    for (const [label, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
      it(`shows the authentication page in ${locale} at ${label} width`, async () => {
        const stripe = server.stripe();
        const session = await paymentSession(stripe, landing, { locale, customer_email: 'buyer@example.com' });
        const { page } = await open(session.url as string, { viewport, locale: lang });
        await payWithNewCard(page, '4000 0025 0000 3155');
        await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/c/3ds/')), page.click('.SubmitButton')]);
        assert.equal(await page.getAttribute('html', 'lang'), locale);
        const complete = (await page.textContent('#test-source-authorize-3ds')) ?? '';
        assert.equal(complete, locale === 'ja' ? '認証を完了する' : 'Complete authentication');
        const box = await page.locator('#test-source-fail-3ds').boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= viewport.width, 'the buttons fit the width');
        await saveScreenshot(page, `three-d-secure-${locale}-${label}.png`);
      });
    }
  }
});
