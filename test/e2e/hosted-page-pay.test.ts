import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type Stripe from 'stripe';
import { saveScreenshot, useBrowser, type PageProbe } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { paymentSession, savedCard, startLanding, twoItems, type Landing } from './setup.js';

// Browser suites run on SQLite only (SPEC: API rules on both stores, browser flows on SQLite).
describe('hosted payment page in Chromium: paying', () => {
  const browser = useBrowser();
  let server: TestServer;
  let landing: Landing;
  before(async () => {
    [server, landing] = await Promise.all([startServer('sqlite'), startLanding()]);
  });
  after(async () => {
    await Promise.all([server.close(), landing.close()]);
  });

  async function open(url: string, opts: { javaScriptEnabled?: boolean } = {}): Promise<PageProbe> {
    const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url], ...opts });
    await probe.page.goto(url);
    return probe;
  }

  function clean(probe: PageProbe): void {
    assert.deepEqual(probe.errors, [], 'no script or console errors');
    assert.deepEqual(probe.dialogs, [], 'no dialogs');
    assert.deepEqual(probe.externalRequests, [], 'no requests beyond the server and the merchant');
  }

  async function typeNewCard(page: Page, number: string, expiry = '12 / 34', cvc = '123'): Promise<void> {
    await page.click('[data-testid="card-accordion-item-button"]');
    await page.locator('#cardNumber').pressSequentially(number);
    await page.locator('#cardExpiry').pressSequentially(expiry);
    await page.fill('#cardCvc', cvc);
  }

  async function submitAndLand(page: Page): Promise<URL> {
    await Promise.all([page.waitForURL((u) => u.href.startsWith(landing.url)), page.click('.SubmitButton')]);
    return new URL(page.url());
  }

  it('pays with a new card typed with spaces and lands on success_url with the session id', async () => {
    const stripe = server.stripe();
    const session = await paymentSession(stripe, landing, { customer_email: 'buyer@example.com' });
    const probe = await open(session.url as string);
    const { page } = probe;
    assert.equal(await page.locator('#email').inputValue(), 'buyer@example.com');
    assert.equal(await page.locator('[data-testid="saved-payment-method"]').count(), 0);
    await typeNewCard(page, '4242 4242 4242 4242', '12 / 34');
    assert.equal(await page.inputValue('#cardNumber'), '4242 4242 4242 4242');
    assert.equal(await page.inputValue('#cardExpiry'), '12 / 34');
    await page.fill('#billingName', 'Buyer Example');
    await page.selectOption('#billingCountry', 'US');
    await page.fill('#billingPostalCode', '94102');
    const landed = await submitAndLand(page);
    assert.equal(landed.pathname, '/success');
    assert.equal(landed.searchParams.get('session_id'), session.id);
    assert.equal(await page.textContent('#landed'), 'Thanks for your order');

    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
    assert.equal(done.status, 'complete');
    assert.equal(done.payment_status, 'paid');
    const pi = done.payment_intent as { status: string; amount: number };
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.amount, 5500);
    assert.equal(done.customer_details?.name, 'Buyer Example');
    clean(probe);
  });

  it('prefills the saved card, the read-only email and the billing details, and pays with that card', async () => {
    const stripe = server.stripe();
    const customer = await stripe.customers.create({ email: 'jenny@example.com', name: 'Jenny Rosen' });
    const card = await savedCard(stripe, customer.id);
    const session = await paymentSession(stripe, landing, { customer: customer.id });
    const probe = await open(session.url as string);
    const { page } = probe;
    const email = page.locator('#email');
    assert.equal(await email.inputValue(), 'jenny@example.com');
    assert.equal(await email.getAttribute('readonly'), '');
    const saved = page.locator('[data-testid="saved-payment-method"]');
    assert.equal(await saved.count(), 1);
    assert.equal(await saved.getAttribute('role'), 'radio');
    assert.equal(await saved.getAttribute('aria-checked'), 'true');
    assert.match((await saved.textContent()) ?? '', /Visa.*4242/s);
    assert.ok(await saved.locator('input').isChecked());
    assert.equal(await page.inputValue('#billingName'), 'Jenny Rosen');
    assert.equal(await page.inputValue('#billingCountry'), 'US');
    assert.equal(await page.inputValue('#billingPostalCode'), '94102');
    assert.equal(await page.isVisible('#cardNumber'), false, 'the new-card fields stay folded while the saved card is chosen');
    await saveScreenshot(page, 'prefilled-page.png');

    await submitAndLand(page);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
    assert.equal(done.status, 'complete');
    const pi = done.payment_intent as { payment_method: string; customer: string };
    assert.equal(pi.payment_method, card.id);
    assert.equal(pi.customer, customer.id);
    clean(probe);
  });

  it('lets the buyer switch from the saved card to a new card and back', async () => {
    const stripe = server.stripe();
    const customer = await stripe.customers.create({ email: 'jenny@example.com' });
    await savedCard(stripe, customer.id);
    const session = await paymentSession(stripe, landing, { customer: customer.id });
    const probe = await open(session.url as string);
    const { page } = probe;
    const saved = page.locator('[data-testid="saved-payment-method"]');
    await page.click('[data-testid="card-accordion-item-button"]');
    assert.equal(await saved.getAttribute('aria-checked'), 'false');
    assert.equal(await page.getAttribute('[data-testid="card-accordion-item-button"]', 'aria-expanded'), 'true');
    assert.ok(await page.isVisible('#cardNumber'));
    await saved.click();
    assert.equal(await saved.getAttribute('aria-checked'), 'true');
    assert.equal(await page.isVisible('#cardNumber'), false);
    clean(probe);
  });

  it('shows the decline message inline and keeps the session open', async () => {
    const stripe = server.stripe();
    const session = await paymentSession(stripe, landing, { customer_email: 'buyer@example.com' });
    const probe = await open(session.url as string);
    const { page } = probe;
    await typeNewCard(page, '4000000000000002');
    await page.fill('#billingName', 'Buyer Example');
    await page.fill('#billingPostalCode', '94102');
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('.SubmitButton')]);
    assert.equal(response.status(), 402);
    await page.waitForLoadState();
    const alert = page.getByRole('alert');
    assert.equal((await alert.textContent())?.trim(), 'Your card was declined.');
    assert.equal(await page.inputValue('#cardNumber'), '', 'the card number is never sent back');
    assert.equal(await page.inputValue('#cardCvc'), '');
    assert.equal(await page.inputValue('#billingName'), 'Buyer Example', 'typed values are kept');
    assert.equal(await page.inputValue('#cardExpiry'), '12 / 34');
    assert.equal((await stripe.checkout.sessions.retrieve(session.id)).status, 'open');

    // The buyer fixes the card and pays on the same page.
    await page.locator('#cardNumber').pressSequentially('4242424242424242');
    await page.fill('#cardCvc', '123');
    await submitAndLand(page);
    assert.equal((await stripe.checkout.sessions.retrieve(session.id)).status, 'complete');
    assert.deepEqual(probe.dialogs, []);
  });

  it('subscribes with the customer default payment method chosen among several eligible cards', async () => {
    const stripe = server.stripe();
    const customer = await stripe.customers.create({ email: 'sam@example.com' });
    const older = await savedCard(stripe, customer.id, { token: 'tok_mastercard' });
    await savedCard(stripe, customer.id, { token: 'tok_visa' });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: older.id } });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price_data: { currency: 'usd', unit_amount: 1200, recurring: { interval: 'month' }, product_data: { name: 'Pro plan' } }, quantity: 1 }],
      success_url: `${landing.url}/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${landing.url}/cart`,
    });
    const probe = await open(session.url as string);
    const { page } = probe;
    const saved = page.locator('[data-testid="saved-payment-method"]');
    assert.equal(await saved.count(), 2);
    const checked = page.locator('[data-testid="saved-payment-method"][aria-checked="true"]');
    assert.equal(await checked.count(), 1);
    assert.equal(await checked.getAttribute('data-payment-method'), older.id);
    assert.match((await checked.textContent()) ?? '', /4444/);
    assert.match(await page.textContent('.SubmitButton') ?? '', /Subscribe/);
    assert.match(await page.textContent('.summary') ?? '', /per month/);
    await submitAndLand(page);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] });
    assert.equal(done.status, 'complete');
    const sub = done.subscription as Stripe.Subscription;
    assert.equal(sub.status, 'active');
    assert.equal(sub.default_payment_method, older.id);
    clean(probe);
  });

  it('saves a new card to the customer in setup mode, shown again later', async () => {
    const stripe = server.stripe();
    const customer = await stripe.customers.create({ email: 'setup@example.com' });
    await savedCard(stripe, customer.id);
    const session = await stripe.checkout.sessions.create({
      mode: 'setup',
      currency: 'usd',
      customer: customer.id,
      success_url: `${landing.url}/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${landing.url}/cart`,
    });
    const probe = await open(session.url as string);
    const { page } = probe;
    assert.equal(await page.locator('[data-testid="saved-payment-method"]').count(), 0, 'setup mode never prefills');
    assert.equal(await page.inputValue('#billingName'), '');
    await typeNewCard(page, '5555555555554444', '0330');
    await page.fill('#billingName', 'Set Up');
    await page.fill('#billingPostalCode', '10001');
    await submitAndLand(page);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['setup_intent'] });
    assert.equal(done.status, 'complete');
    const si = done.setup_intent as Stripe.SetupIntent;
    assert.equal(si.status, 'succeeded');
    const pms = await stripe.customers.listPaymentMethods(customer.id, { type: 'card' });
    const added = pms.data.find((pm) => pm.id === si.payment_method);
    assert.ok(added, 'the new card is attached to the customer');
    assert.equal(added.card?.last4, '4444');
    assert.equal(added.card?.exp_month, 3);
    assert.equal(added.card?.exp_year, 2030);
    assert.equal(added.allow_redisplay, 'always');
    clean(probe);
  });

  it('shows an expired page for an expired session and takes no payment', async () => {
    const stripe = server.stripe();
    const session = await paymentSession(stripe, landing, { customer_email: 'late@example.com' });
    const probe = await open(session.url as string);
    const { page } = probe;
    await stripe.checkout.sessions.expire(session.id);
    // The buyer had the page open before it expired, and submits it now.
    await typeNewCard(page, '4242424242424242');
    await page.fill('#billingName', 'Late Buyer');
    await page.fill('#billingPostalCode', '94102');
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('.SubmitButton')]);
    assert.equal(response.status(), 409);
    assert.match((await page.textContent('h1')) ?? '', /expired/);
    assert.equal(await page.locator('.SubmitButton').count(), 0);
    await page.goto(session.url as string);
    assert.match((await page.textContent('h1')) ?? '', /This checkout session has expired/);
    const back = page.getByRole('link', { name: '← Back' });
    assert.equal(await back.getAttribute('href'), `${landing.url}/cart`);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    assert.equal(done.status, 'expired');
    assert.equal(done.payment_intent, null);
    // Chromium logs the refused post's 409 status as a console error; nothing else may appear.
    assert.deepEqual(probe.errors.filter((e) => !/status of 409/.test(e)), []);
    assert.deepEqual(probe.dialogs, []);
  });

  it('shows a completed session as paid and refuses a second payment from a stale page', async () => {
    const stripe = server.stripe();
    const customer = await stripe.customers.create({ email: 'twice@example.com' });
    await savedCard(stripe, customer.id);
    const session = await paymentSession(stripe, landing, { customer: customer.id });
    const first = await open(session.url as string);
    const stale = await first.context.newPage();
    await stale.goto(session.url as string);
    await submitAndLand(first.page);
    const [response] = await Promise.all([stale.waitForResponse((r) => r.request().method() === 'POST'), stale.click('.SubmitButton')]);
    assert.equal(response.status(), 409);
    assert.match((await stale.textContent('h1')) ?? '', /already complete/);
    await stale.goto(session.url as string);
    assert.match((await stale.textContent('h1')) ?? '', /already complete/);
    assert.equal(await stale.locator('.SubmitButton').count(), 0);
    const intents = await stripe.paymentIntents.list({ customer: customer.id });
    assert.equal(intents.data.length, 1, 'exactly one payment');
    clean(first);
  });

  it('refuses a form whose CSRF token was tampered with, and the session stays open', async () => {
    const stripe = server.stripe();
    const customer = await stripe.customers.create({ email: 'csrf@example.com' });
    await savedCard(stripe, customer.id);
    const session = await paymentSession(stripe, landing, { customer: customer.id });
    const probe = await open(session.url as string);
    const { page } = probe;
    const token = page.locator('input[name=csrf_token]');
    const tampered = (await token.inputValue()).split('').reverse().join('');
    await token.evaluate((el, value) => {
      (el as unknown as { value: string }).value = value;
    }, tampered);
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('.SubmitButton')]);
    assert.equal(response.status(), 403);
    assert.match((await page.textContent('h1')) ?? '', /could not be accepted/);
    const after = await stripe.checkout.sessions.retrieve(session.id);
    assert.equal(after.status, 'open');
    assert.equal(after.payment_intent, null);
  });

  it('works without JavaScript: the accordion opens and a typed card pays', async () => {
    const stripe = server.stripe();
    const session = await paymentSession(stripe, landing, {
      customer_email: 'nojs@example.com',
      billing_address_collection: 'required',
      allowed_payment_method_types: ['card', 'us_bank_account'],
    });
    const probe = await open(session.url as string, { javaScriptEnabled: false });
    const { page } = probe;
    assert.equal(await page.isVisible('#routingNumber'), false);
    await page.click('[data-testid="us_bank_account-accordion-item-button"]');
    assert.ok(await page.isVisible('#routingNumber'), 'CSS alone opens the chosen accordion item');
    await page.click('[data-testid="card-accordion-item-button"]');
    assert.equal(await page.isVisible('#routingNumber'), false);
    await page.fill('#cardNumber', '4242424242424242');
    await page.fill('#cardExpiry', '12/34');
    await page.fill('#cardCvc', '123');
    await page.fill('#billingName', 'No Script');
    await page.selectOption('#billingCountry', 'GB');
    assert.equal(await page.isVisible('#billingAdministrativeArea'), false, 'GB addresses have no state field');
    await page.fill('#billingAddressLine1', '10 Downing St');
    await page.fill('#billingLocality', 'London');
    await page.fill('#billingPostalCode', 'SW1A 2AA');
    const landed = await submitAndLand(page);
    assert.equal(landed.searchParams.get('session_id'), session.id);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    assert.equal(done.status, 'complete');
    assert.deepEqual(done.customer_details?.address, { city: 'London', country: 'GB', line1: '10 Downing St', line2: null, postal_code: 'SW1A 2AA', state: null });
  });

  it('pays by US bank account from its accordion item and completes unpaid until settlement', async () => {
    const stripe = server.stripe();
    const session = await paymentSession(stripe, landing, { customer_email: 'ach@example.com', allowed_payment_method_types: ['card', 'us_bank_account'] });
    const probe = await open(session.url as string);
    const { page } = probe;
    await page.click('[data-testid="us_bank_account-accordion-item-button"]');
    await page.fill('#accountHolderName', 'Jenny Rosen');
    await page.fill('#routingNumber', '110000000');
    await page.fill('#accountNumber', '000123456789');
    // The account holder's name is the payer's: the card's billing fields are hidden.
    assert.equal(await page.isVisible('#billingName'), false);
    await submitAndLand(page);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    assert.equal(done.status, 'complete');
    assert.equal(done.payment_status, 'unpaid');
    clean(probe);
  });

  it('keeps the order summary in the session currency with no decimals for yen', async () => {
    const stripe = server.stripe();
    const session = await paymentSession(stripe, landing, { line_items: twoItems('jpy'), customer_email: 'yen@example.com' });
    const probe = await open(session.url as string);
    const { page } = probe;
    assert.equal((await page.textContent('[data-testid="total-amount"]'))?.trim(), '¥5,500');
    assert.equal((await page.textContent('.SubmitButton'))?.trim(), 'Pay');
    clean(probe);
  });
});
