/**
 * The hosted page of a subscription that starts with a free trial, in real Chromium
 * (docs/decisions.md#subscription-data-from-checkout): the trial's length, the price after it and
 * nothing due today; with `payment_method_collection: if_required` the buyer starts the trial
 * with an email alone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type Stripe from 'stripe';
import { saveScreenshot, useBrowser, type PageProbe } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startLanding, type Landing } from './setup.js';

const shown = (page: Page, testid: string) => page.locator(`[data-testid="${testid}"]`).first().innerText();

// Browser suites run on SQLite only; test/api/session-subscription-data.test.ts runs the rules on both stores.
describe('hosted payment page in Chromium: free trials', () => {
  const browser = useBrowser();
  let server: TestServer;
  let landing: Landing;
  before(async () => {
    [server, landing] = await Promise.all([startServer('sqlite'), startLanding()]);
  });
  after(async () => {
    await Promise.all([server.close(), landing.close()]);
  });

  async function open(url: string, width: number): Promise<PageProbe> {
    const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url] });
    await probe.page.setViewportSize({ width, height: 900 });
    await probe.page.goto(url);
    return probe;
  }

  async function trialSession(stripe: Stripe, extra: Partial<Stripe.Checkout.SessionCreateParams>): Promise<Stripe.Checkout.Session> {
    return stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price_data: { currency: 'usd', unit_amount: 900, recurring: { interval: 'month' }, product_data: { name: 'Pro plan' } }, quantity: 1 }],
      success_url: `${landing.url}/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${landing.url}/cart`,
      ...extra,
    });
  }

  it('shows “14 days free”, the price after the trial and $0.00 due today, and starts the trial without a card (if_required)', async () => {
    const stripe = server.stripe();
    const s = await trialSession(stripe, { payment_method_collection: 'if_required', subscription_data: { trial_period_days: 14 } });
    const { page, errors } = await open(s.url as string, 1280);
    assert.equal(await shown(page, 'trial-length'), '14 days free');
    assert.equal(await shown(page, 'trial-then'), 'Then $9.00 per month');
    assert.equal(await shown(page, 'total-after-trial'), '$9.00');
    assert.equal(await shown(page, 'total-amount'), '$0.00');
    assert.equal(await page.locator('#cardNumber').count(), 0, 'no card is asked');
    assert.match(await shown(page, 'no-payment-method'), /No payment method is needed/);
    assert.equal((await page.locator('.SubmitButton').innerText()).trim(), 'Start trial');
    assert.equal(await page.locator('.fine').count(), 0, 'no payment method, no mandate text');
    await saveScreenshot(page, 'trial-if-required-desktop.png');
    await page.fill('#email', 'trial@example.com');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(landing.url)), page.click('.SubmitButton')]);
    const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['subscription'] });
    assert.deepEqual([done.status, done.payment_status], ['complete', 'no_payment_required']);
    const sub = done.subscription as Stripe.Subscription;
    assert.deepEqual([sub.status, sub.default_payment_method], ['trialing', null]);
    assert.deepEqual(errors, []);
  });

  it('a promotion code on a trial page lowers the price after the trial, still nothing due today', async () => {
    const stripe = server.stripe();
    const coupon = await stripe.coupons.create({ percent_off: 20, duration: 'forever' });
    await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'TRIAL20' });
    const s = await trialSession(stripe, { allow_promotion_codes: true, subscription_data: { trial_period_days: 7 } });
    const { page, errors } = await open(s.url as string, 1280);
    assert.equal(await shown(page, 'trial-length'), '7 days free');
    await page.fill('#promotionCode', 'TRIAL20');
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid="promotion-code-apply"]')]);
    await page.waitForSelector('[data-testid="applied-promotion-code"]');
    assert.equal(await shown(page, 'total-after-trial'), '$7.20');
    await saveScreenshot(page, 'trial-promotion-code-desktop.png');
    assert.equal(await shown(page, 'trial-then'), 'Then $7.20 per month');
    assert.equal(await shown(page, 'total-amount'), '$0.00');
    const session = await stripe.checkout.sessions.retrieve(s.id);
    assert.deepEqual([session.amount_total, session.discounts?.[0]?.coupon], [0, coupon.id]);
    assert.deepEqual(errors, []);
  });

  it('a Japanese trial page on a phone asks for a card when payment methods are always collected', async () => {
    const stripe = server.stripe();
    const s = await trialSession(stripe, {
      locale: 'ja',
      line_items: [{ price_data: { currency: 'jpy', unit_amount: 980, recurring: { interval: 'month' }, product_data: { name: 'プレミアムプラン' } }, quantity: 1 }],
      subscription_data: { trial_period_days: 30 },
    });
    const { page, errors } = await open(s.url as string, 390);
    assert.equal(await shown(page, 'trial-length'), '30日間無料');
    assert.match(await shown(page, 'trial-then'), /^その後は毎月[￥¥]980$/);
    assert.match(await shown(page, 'total-amount'), /^[￥¥]0$/);
    assert.equal(await page.locator('#cardNumber').count(), 1);
    await saveScreenshot(page, 'trial-ja-phone.png');
    await page.fill('#email', 'hanako@example.com');
    await page.locator('#cardNumber').pressSequentially('4242424242424242');
    await page.locator('#cardExpiry').pressSequentially('1234');
    await page.fill('#cardCvc', '123');
    await page.fill('#billingName', 'Hanako Yamada');
    await page.selectOption('#billingCountry', 'JP');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(landing.url)), page.click('.SubmitButton')]);
    const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['subscription'] });
    const sub = done.subscription as Stripe.Subscription;
    assert.equal(sub.status, 'trialing');
    assert.match(sub.default_payment_method as string, /^pm_/);
    assert.deepEqual(errors, []);
  });
});
