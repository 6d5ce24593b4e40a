import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type Stripe from 'stripe';
import { saveScreenshot, useBrowser, type PageProbe } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startLanding, type Landing } from './setup.js';

const shown = (page: Page, testid: string) => page.locator(`[data-testid="${testid}"]`).first().innerText();

// Browser suites run on SQLite only; test/api/session-custom-fields.test.ts and session-quantities.test.ts run the rules on both stores.
describe('hosted payment page in Chromium: custom fields, consent, custom text, quantities', () => {
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
    const probe = await browser.newPage({
      allowedOrigins: [server.url, landing.url],
      ...(opts.javaScriptEnabled === false ? { javaScriptEnabled: false } : {}),
      viewport: { width: opts.width ?? 1280, height: 900 },
    });
    await probe.page.goto(url);
    return probe;
  }

  async function fillBuyer(page: Page): Promise<void> {
    await page.fill('#email', 'jenny.rosen@example.com');
    await page.locator('#cardNumber').pressSequentially('4242424242424242');
    // The expiry is kept after a refused submit; the number and CVC never are.
    await page.fill('#cardExpiry', '');
    await page.locator('#cardExpiry').pressSequentially('1234');
    await page.fill('#cardCvc', '123');
    await page.fill('#billingName', 'Jenny Rosen');
    await page.selectOption('#billingCountry', 'US');
    await page.fill('#billingPostalCode', '94102');
  }

  /** Submits and waits for the page the server answers with (the page again, or the landing). */
  async function submit(page: Page, selector: string): Promise<void> {
    await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.click(selector)]);
  }

  async function richSession(stripe: Stripe, locale?: Stripe.Checkout.SessionCreateParams.Locale, extra: Partial<Stripe.Checkout.SessionCreateParams> = {}): Promise<Stripe.Checkout.Session> {
    const product = await stripe.products.create({ name: 'Gift wrap' });
    const wrap = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 300 });
    return stripe.checkout.sessions.create({
      mode: 'payment',
      ...(locale ? { locale } : {}),
      line_items: [{ price_data: { currency: 'usd', unit_amount: 1800, product_data: { name: 'Fountain pen' } }, quantity: 1, adjustable_quantity: { enabled: true, minimum: 1, maximum: 10 } }],
      optional_items: [{ price: wrap.id, quantity: 1 }],
      custom_fields: [
        { key: 'engraving', label: { type: 'custom', custom: 'Engraving' }, type: 'text', text: { maximum_length: 12 } },
        { key: 'nib', label: { type: 'custom', custom: 'Nib size' }, type: 'dropdown', dropdown: { options: [{ label: 'Fine', value: 'f' }, { label: 'Medium', value: 'm' }] } },
        { key: 'member', label: { type: 'custom', custom: 'Member number' }, type: 'numeric', optional: true },
      ],
      consent_collection: { terms_of_service: 'required', promotions: 'auto' },
      custom_text: {
        submit: { message: 'Engraved pens ship in **3 days**.' },
        after_submit: { message: 'Questions? See our [FAQ](https://merchant.example/faq).' },
        terms_of_service_acceptance: { message: 'I agree to the [Terms of Sale](https://merchant.example/terms).' },
      },
      success_url: `${landing.url}/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${landing.url}/cart`,
      ...extra,
    });
  }

  it('a buyer raises the quantity, adds gift wrap, answers the fields, is stopped by the terms box, and pays what the page showed', async () => {
    const stripe = server.stripe();
    const s = await richSession(stripe);
    const probe = await open(s.url as string);
    const { page } = probe;
    assert.equal(await shown(page, 'total-amount'), '$18.00');
    assert.equal(await page.locator('[data-testid="custom-field"]').count(), 3);
    assert.equal(await shown(page, 'custom-text-submit'), 'Engraved pens ship in 3 days.');
    assert.equal(await page.locator('[data-testid="custom-text-submit"] strong').innerText(), '3 days');
    assert.equal(await page.locator('[data-testid="consent-terms"] a').getAttribute('href'), 'https://merchant.example/terms');

    await page.fill('[data-testid="adjustable-quantity"] input', '2');
    await submit(page, '[data-testid="quantity-update"]');
    assert.equal(await shown(page, 'total-amount'), '$36.00');
    await submit(page, '[data-testid="optional-item-add"]');
    assert.equal(await shown(page, 'total-amount'), '$39.00');
    assert.equal(await page.locator('[data-testid="line-item"]').count(), 2);

    await fillBuyer(page);
    await page.fill('#custom_field_engraving', 'For Ana');
    await page.fill('#custom_field_member', 'abc');
    await submit(page, '.SubmitButton');
    assert.equal(await shown(page, 'payment-error'), 'Select an option for Nib size.');
    assert.equal(await page.locator('#custom_field_nib').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.inputValue('#custom_field_engraving'), 'For Ana', 'typed answers are kept');

    await page.selectOption('#custom_field_nib', 'm');
    await fillBuyer(page);
    await submit(page, '.SubmitButton');
    assert.equal(await shown(page, 'payment-error'), 'Member number may contain digits only.');
    await page.fill('#custom_field_member', '1207');
    await fillBuyer(page);
    await submit(page, '.SubmitButton');
    assert.equal(await shown(page, 'payment-error'), 'Accept the terms of service to continue.');
    assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'open');

    await saveScreenshot(page, 'fields-error-desktop.png');
    await fillBuyer(page);
    await page.check('#consentTermsOfService');
    await page.check('#consentPromotions');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(landing.url)), page.click('.SubmitButton')]);

    const done = await stripe.checkout.sessions.retrieve(s.id);
    assert.equal(done.status, 'complete');
    assert.equal(done.amount_total, 3900);
    assert.deepEqual(done.custom_fields.map((f) => (f.text ?? f.dropdown ?? f.numeric)?.value), ['For Ana', 'm', '1207']);
    assert.deepEqual(done.consent, { promotions: 'opt_in', terms_of_service: 'accepted' });
    assert.equal((await stripe.paymentIntents.retrieve(done.payment_intent as string)).amount, 3900);
    assert.deepEqual(probe.errors.filter((e) => !e.includes('status of 400')), []);
    assert.deepEqual(probe.dialogs, []);
    assert.deepEqual(probe.externalRequests, []);
  });

  it('shows the page tidy at desktop and phone width, in Japanese too, and works without JavaScript', async () => {
    const stripe = server.stripe();
    for (const [width, name] of [[1280, 'desktop'], [390, 'phone']] as const) {
      const s = await richSession(stripe);
      const { page } = await open(s.url as string, { width });
      await saveScreenshot(page, `fields-${name}.png`);
      // Nothing wider than the screen: no sideways scrolling on a phone.
      assert.ok((await page.evaluate('document.documentElement.scrollWidth')) as number <= width, `${name}: the page fits its width`);
    }
    const ja = await richSession(stripe, 'ja', { name_collection: { business: { enabled: true, optional: true } }, tax_id_collection: { enabled: true } });
    const { page } = await open(ja.url as string, { width: 390 });
    assert.match(await page.locator('[data-testid="consent-promotions"]').innerText(), /ニュース/);
    assert.equal(await page.locator('[data-testid="quantity-update"]').innerText(), '更新');
    assert.equal(await page.locator('label[for="businessName"]').innerText(), '会社名（任意）');
    assert.equal(await page.locator('#taxIdType option:checked').innerText(), '適格請求書発行事業者登録番号（インボイス）', 'a Japanese page offers the invoice number first');
    await saveScreenshot(page, 'fields-phone-ja.png');

    const s = await richSession(stripe);
    const probe = await open(s.url as string, { javaScriptEnabled: false });
    await probe.page.fill('[data-testid="adjustable-quantity"] input', '3');
    await submit(probe.page, '[data-testid="quantity-update"]');
    assert.equal(await shown(probe.page, 'total-amount'), '$54.00');
    // And pays without it: the fields, the terms box and the card are plain form fields.
    const p = probe.page;
    await p.fill('#email', 'jenny.rosen@example.com');
    await p.fill('#cardNumber', '4242 4242 4242 4242');
    await p.fill('#cardExpiry', '12 / 34');
    await p.fill('#cardCvc', '123');
    await p.fill('#billingName', 'Jenny Rosen');
    await p.fill('#billingPostalCode', '94102');
    await p.fill('#custom_field_engraving', 'JR');
    await p.selectOption('#custom_field_nib', 'f');
    await p.check('#consentTermsOfService');
    await Promise.all([p.waitForURL((u) => u.href.startsWith(landing.url)), p.click('.SubmitButton')]);
    const done = await stripe.checkout.sessions.retrieve(s.id);
    assert.equal(done.amount_total, 5400);
    assert.deepEqual(done.consent, { promotions: 'opt_out', terms_of_service: 'accepted' });
    assert.equal(done.custom_fields[2]?.numeric?.value, null);
  });
});
