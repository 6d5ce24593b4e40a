import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { saveScreenshot, useBrowser, type PageProbe } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startLanding, type Landing } from './setup.js';

/** The text the page shows in the element with `data-testid`. */
const shown = (page: Page, testid: string) => page.locator(`[data-testid="${testid}"]`).first().innerText();

/** Waits until the page (reloaded by the script) shows `text` in the element with `data-testid`. */
async function shownSoon(page: Page, testid: string, text: string): Promise<void> {
  await page.waitForFunction(([id, want]) => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector(`[data-testid="${id}"]`)?.textContent === want, [testid, text] as const);
}

// Browser suites run on SQLite only; the API suite (test/api/checkout-totals.test.ts) runs the same rules on both stores.
describe('hosted payment page in Chromium: discounts, shipping and tax', () => {
  const browser = useBrowser();
  let server: TestServer;
  let landing: Landing;
  before(async () => {
    [server, landing] = await Promise.all([startServer('sqlite'), startLanding()]);
  });
  after(async () => {
    await Promise.all([server.close(), landing.close()]);
  });

  async function open(url: string, opts: { javaScriptEnabled?: boolean; width?: number } = {}): Promise<PageProbe> {
    const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url], ...(opts.javaScriptEnabled === false ? { javaScriptEnabled: false } : {}) });
    if (opts.width) await probe.page.setViewportSize({ width: opts.width, height: 900 });
    await probe.page.goto(url);
    return probe;
  }

  async function typeCard(page: Page): Promise<void> {
    await page.locator('#cardNumber').pressSequentially('4242424242424242');
    await page.locator('#cardExpiry').pressSequentially('1234');
    await page.fill('#cardCvc', '123');
  }

  async function pay(page: Page): Promise<void> {
    await Promise.all([page.waitForURL((u) => u.href.startsWith(landing.url)), page.click('.SubmitButton')]);
  }

  it('a Japanese buyer enters a promotion code, picks express shipping, gets 10 % tax by address, and pays exactly what the page showed', async () => {
    const stripe = server.stripe();
    await stripe.tax.registrations.create({ country: 'JP', country_options: { jp: { type: 'standard' } }, active_from: 'now' });
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'once', name: 'はじめて割' });
    await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'HAJIME10' });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      locale: 'ja',
      line_items: [{ price_data: { currency: 'jpy', unit_amount: 2000, tax_behavior: 'exclusive', product_data: { name: '抹茶 100g' } }, quantity: 2 }],
      allow_promotion_codes: true,
      automatic_tax: { enabled: true },
      shipping_address_collection: { allowed_countries: ['JP'] },
      shipping_options: [
        { shipping_rate_data: { display_name: '通常配送', type: 'fixed_amount', fixed_amount: { amount: 500, currency: 'jpy' } } },
        { shipping_rate_data: { display_name: 'お急ぎ便', type: 'fixed_amount', fixed_amount: { amount: 1200, currency: 'jpy' } } },
      ],
      success_url: `${landing.url}/success?session_id={CHECKOUT_SESSION_ID}`,
    });
    const probe = await open(session.url as string);
    const { page } = probe;
    assert.equal(await shown(page, 'total-amount'), '￥4,500');
    // The session's locale is ja: the page says so in Japanese (docs/decisions.md#page-languages).
    assert.equal(await shown(page, 'tax-amount'), '住所を入力すると計算されます');

    await page.fill('#promotionCode', 'nope');
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid="promotion-code-apply"]')]);
    assert.ok((await shown(page, 'promotion-code-error')).length > 0, 'a wrong code is explained');
    assert.equal(await shown(page, 'total-amount'), '￥4,500', 'and changes nothing');

    await page.fill('#promotionCode', 'hajime10');
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid="promotion-code-apply"]')]);
    assert.equal(await shown(page, 'discount-amount'), '−￥400');

    // Choosing the rate and the address reprice at once (the page's script presses the buttons).
    await page.locator('input[name="shippingRate"]').nth(1).check();
    await shownSoon(page, 'shipping-amount', '￥1,200');
    assert.equal(await shown(page, 'shipping-amount'), '￥1,200');
    await page.fill('#email', 'hanako@example.jp');
    await page.fill('#shippingName', '山田 花子');
    await page.fill('#shippingAddressLine1', '千代田1-1');
    await page.fill('#shippingLocality', '千代田区');
    await page.fill('#shippingAdministrativeArea', '東京都');
    await page.fill('#shippingPostalCode', '100-0001');
    // Leaving the address block reprices with the address (the script presses Calculate tax).
    await page.click('#billingName');
    await shownSoon(page, 'tax-amount', '￥480');
    // 2 × ¥2,000 − ¥400 = ¥3,600; tax 10 % of ¥3,600 + ¥1,200 shipping = ¥480; total ¥5,280.
    assert.equal(await shown(page, 'tax-amount'), '￥480');
    assert.equal(await shown(page, 'total-amount'), '￥5,280');
    await saveScreenshot(page, 'totals-jp-desktop.png');

    await page.fill('#billingName', '山田 花子');
    await page.selectOption('#billingCountry', 'JP');
    await typeCard(page);
    await pay(page);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    assert.equal(done.amount_total, 5280);
    assert.equal((await stripe.paymentIntents.retrieve(done.payment_intent as string)).amount, 5280);
    // The one 400 is the page refusing the wrong code; nothing else went wrong.
    assert.deepEqual(probe.errors.filter((e) => !e.includes('status of 400')), []);
    assert.deepEqual(probe.externalRequests, []);
  });

  it('works without JavaScript: the Apply and Update buttons do what the script does, and a phone-width page shows every line', async () => {
    const stripe = server.stripe();
    const coupon = await stripe.coupons.create({ amount_off: 300, currency: 'usd', duration: 'once' });
    await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'THREE' });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'Notebook' } }, quantity: 1 }],
      allow_promotion_codes: true,
      shipping_address_collection: { allowed_countries: ['US'] },
      shipping_options: [
        { shipping_rate_data: { display_name: 'Ground', type: 'fixed_amount', fixed_amount: { amount: 400, currency: 'usd' } } },
        { shipping_rate_data: { display_name: 'Overnight', type: 'fixed_amount', fixed_amount: { amount: 2500, currency: 'usd' } } },
      ],
      success_url: `${landing.url}/success`,
    });
    const { page } = await open(session.url as string, { javaScriptEnabled: false, width: 390 });
    await page.fill('#promotionCode', 'three');
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid="promotion-code-apply"]')]);
    assert.equal(await shown(page, 'discount-amount'), '−$3.00');
    await page.locator('input[name="shippingRate"]').nth(1).check();
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid="shipping-rate-update"]')]);
    assert.equal(await shown(page, 'total-amount'), '$32.00');
    await saveScreenshot(page, 'totals-nojs-phone.png');
    assert.equal((await stripe.checkout.sessions.retrieve(session.id)).amount_total, 3200);
  });
});
