/**
 * The hosted microdeposit verification page in Chromium (docs/decisions.md#ach-microdeposits):
 * a wrong code shows the error and leaves the PaymentIntent waiting, SM11AA verifies it
 * (`processing`); a SetupIntent verified with 32 and 45 succeeds; Japanese for a Japanese
 * browser. Screenshots at desktop and phone width.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { saveScreenshot, useBrowser, type PageProbe } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const BANK = { routing_number: '110000000', account_number: '000123456789', account_holder_type: 'individual' as const };
const PM_DATA = { type: 'us_bank_account' as const, us_bank_account: BANK, billing_details: { name: 'Jenny Rosen' } };
const OPTIONS = { us_bank_account: { verification_method: 'microdeposits' as const } };

// Browser suites run on SQLite only.
describe('microdeposit verification page in Chromium', () => {
  const browser = useBrowser();
  let server: TestServer;
  before(async () => {
    server = await startServer('sqlite');
  });
  after(() => server.close());

  function clean(probe: PageProbe): void {
    assert.deepEqual(probe.errors, [], 'no script or console errors');
    assert.deepEqual(probe.externalRequests, [], 'no requests beyond the server');
  }

  it('refuses a wrong code, then verifies a PaymentIntent with SM11AA (desktop, phone)', async () => {
    const stripe = server.stripe();
    const pi = await stripe.paymentIntents.create({ amount: 2500, currency: 'usd', allowed_payment_method_types: ['us_bank_account'], payment_method_options: OPTIONS, payment_method_data: PM_DATA, confirm: true });
    const url = pi.next_action?.verify_with_microdeposits?.hosted_verification_url as string;
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: DESKTOP });
    const { page } = probe;
    await page.goto(url);
    await page.waitForSelector('[data-testid="microdeposits"]');
    await saveScreenshot(page, 'microdeposits-page-desktop.png');
    await page.fill('#descriptorCode', 'SM00AA');
    await Promise.all([page.waitForNavigation(), page.click('#verify')]);
    assert.match((await page.textContent('[data-testid="microdeposits-error"]')) ?? '', /do not match/);
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, 'requires_action');
    await page.setViewportSize(PHONE);
    await saveScreenshot(page, 'microdeposits-page-error-phone.png');
    await page.fill('#descriptorCode', 'sm11aa');
    await Promise.all([page.waitForNavigation(), page.click('#verify')]);
    assert.equal(await page.getAttribute('[data-testid="microdeposits-result"]', 'data-kind'), 'verified');
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, 'processing');
    clean(probe);
  });

  it('verifies a SetupIntent with the two amounts, in Japanese', async () => {
    const stripe = server.stripe();
    const customer = await stripe.customers.create({ name: '山田 太郎' });
    const si = await stripe.setupIntents.create({ customer: customer.id, payment_method_types: ['us_bank_account'], payment_method_options: OPTIONS, payment_method_data: PM_DATA, confirm: true } as Stripe.SetupIntentCreateParams);
    const url = si.next_action?.verify_with_microdeposits?.hosted_verification_url as string;
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: PHONE, locale: 'ja-JP' });
    const { page } = probe;
    await page.goto(url);
    assert.match((await page.textContent('h1')) ?? '', /銀行口座の確認/);
    await saveScreenshot(page, 'microdeposits-page-ja-phone.png');
    await page.fill('#amount1', '32');
    await page.fill('#amount2', '45');
    await Promise.all([page.waitForNavigation(), page.click('#verify')]);
    assert.equal(await page.getAttribute('[data-testid="microdeposits-result"]', 'data-kind'), 'verified');
    assert.equal((await stripe.setupIntents.retrieve(si.id)).status, 'succeeded');
    // The link of an intent no longer waiting says so.
    await page.goto(url);
    assert.equal(await page.getAttribute('[data-testid="microdeposits-result"]', 'data-kind'), 'notice');
    clean(probe);
  });
});
