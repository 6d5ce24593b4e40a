/**
 * An expired session's recovery URL in real Chromium (docs/decisions.md#recovering-an-expired-session):
 * the buyer lands on the copy's payment page, with the promotion code field the recovery allows;
 * a link that is not valid shows a notice in the buyer's language.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { saveScreenshot, useBrowser } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('recovery links in Chromium', () => {
  const browser = useBrowser();
  let server: TestServer;
  before(async () => {
    server = await startServer('sqlite');
  });
  after(() => server.close());

  it('opens the copy of an expired session, promotion codes allowed; an invalid link shows a Japanese notice on a phone', async () => {
    const stripe = server.stripe();
    const s = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price_data: { currency: 'jpy', unit_amount: 3200, product_data: { name: '信楽焼の湯呑み' } }, quantity: 1 }],
      success_url: 'https://merchant.example/success',
      customer_email: 'hanako@example.com',
      locale: 'ja',
      after_expiration: { recovery: { enabled: true, allow_promotion_codes: true } },
    });
    const expired = await stripe.checkout.sessions.expire(s.id);
    const { page, errors } = await browser.newPage({ allowedOrigins: [server.url] });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(expired.after_expiration?.recovery?.url as string);
    const copyId = /\/c\/pay\/(cs_test_[A-Za-z0-9]+)/.exec(page.url())?.[1];
    assert.ok(copyId && copyId !== s.id, page.url());
    assert.equal((await stripe.checkout.sessions.retrieve(copyId)).recovered_from, s.id);
    assert.equal(await page.locator('[data-testid="promotion-code-input"]').count(), 1);
    assert.equal(await page.locator('#email').inputValue(), 'hanako@example.com');
    await saveScreenshot(page, 'recovery-copy-desktop.png');

    await page.setViewportSize({ width: 390, height: 844 });
    const res = await page.goto(`${server.url}/c/recover/cs_test_a1nothing000000000000000000000000`);
    assert.equal(res?.status(), 404);
    assert.equal(await page.locator('[data-testid="checkout-notice"]').getAttribute('data-kind'), 'recovery-invalid');
    assert.equal(await page.locator('h1').innerText(), 'This link is not valid');
    const ja = await browser.newPage({ allowedOrigins: [server.url], locale: 'ja-JP' });
    await ja.page.setViewportSize({ width: 390, height: 844 });
    await ja.page.goto(`${server.url}/c/recover/cs_test_a1nothing000000000000000000000000`);
    assert.equal(await ja.page.locator('h1').innerText(), 'このリンクは無効です');
    await saveScreenshot(ja.page, 'recovery-invalid-ja-phone.png');
    // The 404 itself is logged by Chromium; nothing else may be.
    assert.deepEqual([...errors, ...ja.errors].filter((e) => !e.includes('status of 404')), []);
  });
});
