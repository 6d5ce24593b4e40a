import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { saveScreenshot, useBrowser, type PageProbe } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startLanding, type Landing } from './setup.js';

/** The text the page shows in the element with `data-testid`, with Intl's narrow spaces made plain. */
const shown = async (page: Page, testid: string) => (await page.locator(`[data-testid="${testid}"]`).first().innerText()).replace(/[\u00a0\u202f]/g, ' ');

const PHONE = { width: 390, height: 844 };

// Browser suites run on SQLite only (SPEC: API rules on both stores, browser flows on SQLite).
describe('hosted payment page in Chromium: the buyer\'s language', () => {
  const browser = useBrowser();
  let server: TestServer;
  let landing: Landing;
  before(async () => {
    [server, landing] = await Promise.all([startServer('sqlite'), startLanding()]);
  });
  after(async () => {
    await Promise.all([server.close(), landing.close()]);
  });

  /** Opens `url` in a browser whose language is `locale` (it sends it as Accept-Language). */
  async function open(url: string, opts: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<PageProbe> {
    const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url], ...opts });
    await probe.page.goto(url);
    return probe;
  }

  function clean(probe: PageProbe): void {
    assert.deepEqual(probe.errors, [], 'no script or console errors');
    assert.deepEqual(probe.externalRequests, [], 'no requests beyond the server and the merchant');
  }

  /** No element of the form is wider than the viewport (a long translation wraps, it does not overflow). */
  async function fitsWidth(page: Page): Promise<void> {
    const overflow = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
      return doc.documentElement.scrollWidth - doc.documentElement.clientWidth;
    });
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  }

  it('a `locale: ja` yen session speaks Japanese, shows ￥ amounts, and pays with 4242 to success_url', async () => {
    const stripe = server.stripe();
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      locale: 'ja',
      customer_email: 'hanako@example.jp',
      line_items: [
        { price_data: { currency: 'jpy', unit_amount: 2000, product_data: { name: '抹茶 100g' } }, quantity: 2 },
        { price_data: { currency: 'jpy', unit_amount: 1500, product_data: { name: '茶筅' } }, quantity: 1 },
      ],
      success_url: `${landing.url}/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${landing.url}/cart`,
    });
    for (const [name, viewport] of [['desktop', undefined], ['phone', PHONE]] as const) {
      const probe = await open(session.url as string, viewport ? { viewport } : {});
      const { page } = probe;
      assert.equal(await page.getAttribute('html', 'lang'), 'ja');
      assert.equal(await shown(page, 'total-amount'), '￥5,500');
      assert.match(await page.innerText('.summary'), /数量 2 · 単価 ￥2,000/);
      assert.match(await page.innerText('#payment-form'), /連絡先情報[\s\S]*お支払い方法[\s\S]*カード情報/);
      assert.equal((await page.textContent('.SubmitButton'))?.trim(), '支払う');
      await fitsWidth(page);
      await saveScreenshot(page, `locale-ja-${name}.png`);
      clean(probe);
    }

    const probe = await open(session.url as string);
    const { page } = probe;
    await page.click('[data-testid="card-accordion-item-button"]');
    await page.locator('#cardNumber').pressSequentially('4242424242424242');
    await page.locator('#cardExpiry').pressSequentially('1234');
    await page.fill('#cardCvc', '123');
    await page.fill('#billingName', '山田 花子');
    await page.selectOption('#billingCountry', 'JP');
    assert.equal(await page.locator('#billingCountry option:checked').innerText(), '日本');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(landing.url)), page.click('.SubmitButton')]);
    const landed = new URL(page.url());
    assert.equal(landed.pathname, '/success');
    assert.equal(landed.searchParams.get('session_id'), session.id);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    assert.equal(done.status, 'complete');
    assert.equal(done.amount_total, 5500);
    clean(probe);
  });

  it('a `locale: auto` session opened with Accept-Language fr speaks French with amounts like 20,00 €', async () => {
    const stripe = server.stripe();
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      locale: 'auto',
      line_items: [{ price_data: { currency: 'eur', unit_amount: 1000, product_data: { name: 'Thé vert' } }, quantity: 2 }],
      billing_address_collection: 'required',
      phone_number_collection: { enabled: true },
      success_url: `${landing.url}/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${landing.url}/cart`,
    });
    for (const [name, viewport] of [['desktop', undefined], ['phone', PHONE]] as const) {
      const probe = await open(session.url as string, { locale: 'fr-FR', ...(viewport ? { viewport } : {}) });
      assert.match((await probe.page.evaluate(() => (globalThis as unknown as { navigator: { language: string } }).navigator.language)), /^fr/);
      const { page } = probe;
      assert.equal(await page.getAttribute('html', 'lang'), 'fr');
      assert.equal(await shown(page, 'total-amount'), '20,00 €');
      assert.match((await page.innerText('.summary')).replace(/[\u00a0\u202f]/g, ' '), /Qté 2 · 10,00 € l’unité/);
      assert.match(await page.innerText('#payment-form'), /Coordonnées[\s\S]*Moyen de paiement[\s\S]*Adresse de facturation/);
      assert.equal((await page.textContent('.SubmitButton'))?.trim(), 'Payer');
      await fitsWidth(page);
      await saveScreenshot(page, `locale-fr-${name}.png`);
      clean(probe);
    }

    // A refused form explains itself in French too.
    const probe = await open(session.url as string, { locale: 'fr-FR' });
    const { page } = probe;
    await Promise.all([page.waitForLoadState('load'), page.click('.SubmitButton')]);
    assert.equal((await page.textContent('[data-testid="payment-error"]'))?.trim(), 'Le numéro de votre carte est incomplet.');
  });

  it('fits long translations at phone width: a German page with a promotion code, shipping options and tax to calculate', async () => {
    const stripe = server.stripe();
    await stripe.tax.registrations.create({ country: 'DE', country_options: { de: { type: 'standard', standard: { place_of_supply_scheme: 'standard' } } }, active_from: 'now' });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      locale: 'de',
      line_items: [{ price_data: { currency: 'eur', unit_amount: 1250, tax_behavior: 'exclusive', product_data: { name: 'Grüner Tee aus biologischem Anbau' } }, quantity: 3 }],
      allow_promotion_codes: true,
      automatic_tax: { enabled: true },
      shipping_address_collection: { allowed_countries: ['DE', 'AT', 'CH'] },
      shipping_options: [
        {
          shipping_rate_data: {
            display_name: 'Standardversand',
            type: 'fixed_amount',
            fixed_amount: { amount: 490, currency: 'eur' },
            delivery_estimate: { minimum: { unit: 'business_day', value: 3 }, maximum: { unit: 'business_day', value: 5 } },
          },
        },
        { shipping_rate_data: { display_name: 'Expressversand', type: 'fixed_amount', fixed_amount: { amount: 1290, currency: 'eur' } } },
      ],
      success_url: `${landing.url}/success`,
    });
    const probe = await open(session.url as string, { viewport: PHONE });
    const { page } = probe;
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.equal(await shown(page, 'tax-amount'), 'Zur Berechnung Adresse eingeben');
    assert.equal(await page.getAttribute('#promotionCode', 'placeholder'), 'Aktionscode hinzufügen');
    assert.match(await page.innerText('.rates'), /3–5 Werktage/);
    assert.match(await page.innerText('#payment-form'), /Versandinformationen[\s\S]*Versandart/);
    await fitsWidth(page);
    await saveScreenshot(page, 'locale-de-phone.png');
    clean(probe);
  });
});
