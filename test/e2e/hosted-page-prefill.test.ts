import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { useBrowser, type PageProbe } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { paymentSession, savedCard, startLanding, US_ADDRESS, type Landing } from './setup.js';

const XSS_SCRIPT = '<script>alert(1)</script>';
const XSS_IMG = '"><img src=x onerror=alert(1)>';

/** Each prefill rule of SPEC §4 seen from the browser: the saved card shows, or it does not. */
describe('hosted payment page in Chromium: prefill rules', () => {
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

  async function savedCount(probe: PageProbe): Promise<number> {
    return probe.page.locator('[data-testid="saved-payment-method"]').count();
  }

  async function customerWithCard(stripe: Stripe, card: Parameters<typeof savedCard>[2] = {}, params: Stripe.CustomerCreateParams = {}) {
    const customer = await stripe.customers.create({ email: 'jenny@example.com', ...params });
    const pm = await savedCard(stripe, customer.id, card);
    return { customer, pm };
  }

  it('does not show a card saved with allow_redisplay limited, unless the session lists limited', async () => {
    const stripe = server.stripe();
    const { customer } = await customerWithCard(stripe, { allow_redisplay: 'limited' });
    const hidden = await open((await paymentSession(stripe, landing, { customer: customer.id })).url as string);
    assert.equal(await savedCount(hidden), 0);
    assert.equal(await hidden.page.inputValue('#billingName'), '');
    assert.equal(await hidden.page.inputValue('#email'), 'jenny@example.com', 'the customer email shows whatever the card rules say');

    const listed = await paymentSession(stripe, landing, {
      customer: customer.id,
      saved_payment_method_options: { allow_redisplay_filters: ['always', 'limited'] },
    });
    const shown = await open(listed.url as string);
    assert.equal(await savedCount(shown), 1);
  });

  it('does not show a card whose billing details are incomplete for the collection mode', async () => {
    const stripe = server.stripe();
    // auto needs a postal code for a US card; this one has none.
    const { customer } = await customerWithCard(stripe, {
      billing_details: { name: 'Jenny Rosen', email: 'jenny@example.com', address: { country: 'US', line1: '1 Main St' } },
    });
    const auto = await open((await paymentSession(stripe, landing, { customer: customer.id })).url as string);
    assert.equal(await savedCount(auto), 0);

    // A complete US card prefills under auto, but not under required when it lacks the city.
    const other = await customerWithCard(stripe, {
      billing_details: { name: 'Jenny Rosen', email: 'jenny@example.com', address: { country: 'US', postal_code: '94102', line1: '1 Main St', state: 'CA' } },
    });
    const autoOk = await open((await paymentSession(stripe, landing, { customer: other.customer.id })).url as string);
    assert.equal(await savedCount(autoOk), 1);
    const required = await open(
      (await paymentSession(stripe, landing, { customer: other.customer.id, billing_address_collection: 'required' })).url as string,
    );
    assert.equal(await savedCount(required), 0);
    assert.ok(await required.page.isVisible('#billingAddressLine1'), 'required shows the full address form');
  });

  it('never prefills in setup mode', async () => {
    const stripe = server.stripe();
    const { customer } = await customerWithCard(stripe);
    const session = await stripe.checkout.sessions.create({
      mode: 'setup',
      currency: 'usd',
      customer: customer.id,
      success_url: `${landing.url}/success`,
      cancel_url: `${landing.url}/cart`,
    });
    const probe = await open(session.url as string);
    assert.equal(await savedCount(probe), 0);
    assert.equal(await probe.page.inputValue('#billingName'), '');
    assert.equal(await probe.page.inputValue('#billingPostalCode'), '');
  });

  it('stops prefilling 31 minutes after the session was created, by the customer test clock', async () => {
    const stripe = server.stripe();
    const start = Math.floor(Date.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
    const { customer } = await customerWithCard(
      stripe,
      {},
      { test_clock: clock.id, shipping: { name: 'Jenny Rosen', address: US_ADDRESS } },
    );
    const session = await paymentSession(stripe, landing, {
      customer: customer.id,
      shipping_address_collection: { allowed_countries: ['US'] },
      expires_at: start + 2 * 3600,
    });
    const before = await open(session.url as string);
    assert.equal(await savedCount(before), 1);
    assert.equal(await before.page.inputValue('#shippingName'), 'Jenny Rosen');

    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 31 * 60 });
    const later = await open(session.url as string);
    assert.equal(await savedCount(later), 0);
    assert.equal(await later.page.inputValue('#billingName'), '');
    assert.equal(await later.page.inputValue('#shippingName'), '', 'shipping prefill keeps the same window');
    assert.equal(await later.page.inputValue('#shippingAddressLine1'), '');
    assert.equal(await later.page.inputValue('#email'), 'jenny@example.com');
    assert.equal(await later.page.getAttribute('#email', 'readonly'), '');
  });

  it('expires the page with the customer test clock', async () => {
    const stripe = server.stripe();
    const start = Math.floor(Date.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
    const customer = await stripe.customers.create({ email: 'clock@example.com', test_clock: clock.id });
    const session = await paymentSession(stripe, landing, { customer: customer.id, expires_at: start + 3600 });
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 3601 });
    const probe = await open(session.url as string);
    assert.match((await probe.page.textContent('h1')) ?? '', /expired/);
    assert.equal((await stripe.checkout.sessions.retrieve(session.id)).status, 'expired');
  });

  it('prefills shipping from the customer only inside allowed_countries', async () => {
    const stripe = server.stripe();
    const customer = await stripe.customers.create({
      email: 'ship@example.com',
      shipping: { name: 'Jenny Rosen', address: { line1: '5 Rue de Rivoli', city: 'Paris', postal_code: '75001', country: 'FR' } },
    });
    const inside = await open(
      (await paymentSession(stripe, landing, { customer: customer.id, shipping_address_collection: { allowed_countries: ['DE', 'FR'] } })).url as string,
    );
    assert.equal(await inside.page.inputValue('#shippingName'), 'Jenny Rosen');
    assert.equal(await inside.page.inputValue('#shippingAddressLine1'), '5 Rue de Rivoli');
    assert.equal(await inside.page.inputValue('#shippingLocality'), 'Paris');
    assert.equal(await inside.page.inputValue('#shippingPostalCode'), '75001');
    assert.equal(await inside.page.inputValue('#shippingCountry'), 'FR');
    const options = await inside.page.locator('#shippingCountry option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    assert.deepEqual(options, ['DE', 'FR'], 'only the allowed countries are offered');

    const outside = await open(
      (await paymentSession(stripe, landing, { customer: customer.id, shipping_address_collection: { allowed_countries: ['US', 'CA'] } })).url as string,
    );
    assert.equal(await outside.page.inputValue('#shippingName'), '');
    assert.equal(await outside.page.inputValue('#shippingAddressLine1'), '');
    assert.equal(await outside.page.inputValue('#shippingCountry'), 'US');
  });

  it('shows XSS payloads in product names, metadata and customer details as text, and no dialog fires', async () => {
    const stripe = server.stripe();
    const customer = await stripe.customers.create({
      email: 'xss@example.com',
      metadata: { note: XSS_SCRIPT },
      shipping: { name: XSS_IMG, address: { line1: XSS_SCRIPT, city: 'Paris', postal_code: '75001', country: 'FR' } },
    });
    await savedCard(stripe, customer.id, { billing_details: { name: XSS_IMG, email: 'xss@example.com', address: { country: 'FR' } } });
    const session = await paymentSession(stripe, landing, {
      customer: customer.id,
      metadata: { note: XSS_IMG },
      client_reference_id: 'ref-1',
      shipping_address_collection: { allowed_countries: ['FR'] },
      line_items: [
        { price_data: { currency: 'eur', unit_amount: 1000, product_data: { name: XSS_SCRIPT, metadata: { x: XSS_IMG } } }, quantity: 1 },
        { price_data: { currency: 'eur', unit_amount: 500, product_data: { name: XSS_IMG } }, quantity: 3 },
      ],
    });
    const probe = await open(session.url as string);
    const { page } = probe;
    const names = await page.locator('.item-name').allTextContents();
    assert.deepEqual(names, [XSS_SCRIPT, XSS_IMG]);
    assert.equal(await page.inputValue('#shippingName'), XSS_IMG);
    assert.equal(await page.inputValue('#shippingAddressLine1'), XSS_SCRIPT);
    assert.equal(await page.inputValue('#billingName'), XSS_IMG);
    assert.equal(await page.locator('img').count(), 0);
    // Give any injected handler a moment to run.
    await page.waitForTimeout(200);
    assert.deepEqual(probe.dialogs, []);
    assert.deepEqual(probe.errors, []);
    assert.deepEqual(probe.externalRequests, []);
  });
});
