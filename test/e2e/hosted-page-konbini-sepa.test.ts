/**
 * Konbini and SEPA Direct Debit on the hosted page in Chromium: a Japanese buyer gets a voucher in
 * Japanese and the merchant's webhooks say `checkout.session.completed` (unpaid), then
 * `checkout.session.async_payment_succeeded`; a SEPA debit is typed as an IBAN beside its mandate.
 * The webhooks are verified with the SDK's constructEvent, as a merchant verifies them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { saveScreenshot, useBrowser } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { advance, waitFor } from '../helpers/wait.js';
import { startReceiver, type Receiver } from '../events/receiver.js';
import { startLanding, type Landing } from './setup.js';

const verifier = new Stripe('sk_test_unused');

/** The events a receiver got, each verified against the endpoint's secret (a forged one throws). */
function verified(receiver: Receiver, secret: string): Stripe.Event[] {
  return receiver.received.map((r) => verifier.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, secret));
}

// Browser suites run on SQLite only.
describe('konbini and SEPA Direct Debit on the hosted page in Chromium', () => {
  const browser = useBrowser();
  let server: TestServer;
  let landing: Landing;
  let receiver: Receiver;
  before(async () => {
    [server, landing, receiver] = await Promise.all([startServer('sqlite', { env: { OPENCHECKOUT_SETTLEMENT_DELAY: '1' } }), startLanding(), startReceiver()]);
  });
  after(async () => {
    await Promise.all([server.close(), landing.close(), receiver.close()]);
  });

  async function accordionTypes(page: import('playwright-core').Page): Promise<string[]> {
    const ids = await page.locator('.acc-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-testid') ?? ''));
    return ids.map((id) => id.replace(/-accordion-item$/, ''));
  }

  it('a Japanese buyer pays a yen session at a konbini: the voucher in Japanese, then completed and async_payment_succeeded', async () => {
    const stripe = server.stripe();
    receiver.received.length = 0;
    const endpoint = await stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed'],
    });
    // The customer lives on a test clock: the voucher stays unpaid until the clock moves.
    const frozen = Math.floor(Date.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: frozen });
    const customer = await stripe.customers.create({ email: 'taro+succeed_immediately@example.jp', name: '山田 太郎', test_clock: clock.id });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      locale: 'ja',
      customer: customer.id,
      allowed_payment_method_types: ['card', 'konbini'],
      payment_method_options: { konbini: { expires_after_days: 3 } },
      line_items: [{ price_data: { currency: 'jpy', unit_amount: 2000, product_data: { name: '抹茶セット' } }, quantity: 1 }],
      success_url: `${landing.url}/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${landing.url}/cart`,
    });
    const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url] });
    const { page } = probe;
    await page.goto(session.url as string);
    // The page offers exactly the session's types, in its order.
    assert.deepEqual(await accordionTypes(page), session.payment_method_types);
    await page.click('[data-testid="konbini-accordion-item-button"]');
    await assert.doesNotReject(page.getByText('コンビニ決済').first().waitFor());
    await page.fill('#konbiniName', '山田 太郎');
    // The payer's name is the konbini field's: the card's billing fields are hidden.
    assert.equal(await page.isVisible('#billingName'), false);
    await saveScreenshot(page, 'konbini-page-ja-desktop.png');
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/voucher')), page.click('.SubmitButton')]);
    assert.deepEqual(probe.errors, []);

    // The voucher, in Japanese.
    assert.equal(await page.getAttribute('html', 'lang'), 'ja');
    await page.getByRole('heading', { name: 'コンビニでのお支払い' }).waitFor();
    assert.equal(await page.textContent('[data-testid="voucher-amount"]'), '￥2,000');
    const confirmation = (await page.textContent('[data-testid="voucher-confirmation-number"]')) ?? '';
    assert.match(confirmation, /^\d{11}$/);
    assert.match((await page.textContent('[data-testid="voucher-expires"]')) ?? '', /^お支払い期限：\d{4}年\d{1,2}月\d{1,2}日 23:59（日本時間）$/);
    assert.deepEqual(await page.locator('[data-testid="voucher-store"] td:first-child').allTextContents(), ['ファミリーマート', 'ローソン', 'ミニストップ', 'セイコーマート']);
    await assert.doesNotReject(page.getByText('確認番号').first().waitFor());
    const pi = await stripe.paymentIntents.retrieve((await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string);
    assert.equal(pi.next_action?.konbini_display_details?.stores.lawson?.confirmation_number, confirmation);
    assert.equal(pi.next_action?.konbini_display_details?.hosted_voucher_url, page.url());
    await saveScreenshot(page, 'konbini-voucher-ja-desktop.png');
    const phone = await browser.newPage({ allowedOrigins: [server.url], viewport: { width: 390, height: 844 } });
    // The session's own link now leads to its voucher.
    await phone.page.goto(session.url as string);
    await phone.page.waitForURL((u) => u.pathname.endsWith('/voucher'));
    await phone.page.getByRole('heading', { name: 'コンビニでのお支払い' }).waitFor();
    await saveScreenshot(phone.page, 'konbini-voucher-ja-phone.png');

    // The webhooks: completed (unpaid) first, then the voucher paid once the clock moves on.
    const secret = endpoint.secret as string;
    await waitFor(() => verified(receiver, secret).some((e) => e.type === 'checkout.session.completed'), 15_000, 'completed');
    await advance(stripe, clock.id, frozen + 10);
    await waitFor(() => verified(receiver, secret).some((e) => e.type === 'checkout.session.async_payment_succeeded'), 15_000, 'async_payment_succeeded');
    const events = verified(receiver, secret);
    assert.deepEqual(events.map((e) => e.type), ['checkout.session.completed', 'checkout.session.async_payment_succeeded']);
    const [completed, succeeded] = events.map((e) => e.data.object as Stripe.Checkout.Session);
    assert.deepEqual([completed?.id, completed?.payment_status, completed?.status], [session.id, 'unpaid', 'complete']);
    assert.deepEqual([succeeded?.id, succeeded?.payment_status], [session.id, 'paid']);

    // The voucher page says it was paid; its button leads to success_url.
    await phone.page.reload();
    assert.equal(await phone.page.getAttribute('[data-testid="voucher-status"]', 'data-state'), 'paid');
    await assert.doesNotReject(phone.page.getByText('お支払いが完了しました').waitFor());
    await Promise.all([phone.page.waitForURL((u) => u.href.startsWith(`${landing.url}/success`)), phone.page.click('[data-testid="voucher-done"]')]);
  });

  it('a SEPA debit is paid on the page with an IBAN beside the mandate, and settles with async_payment_succeeded', async () => {
    const stripe = server.stripe();
    receiver.received.length = 0;
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['checkout.session.completed', 'checkout.session.async_payment_succeeded'] });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer_email: 'jenny@example.com',
      allowed_payment_method_types: ['card', 'sepa_debit'],
      line_items: [{ price_data: { currency: 'eur', unit_amount: 4500, product_data: { name: 'Linen shirt' } }, quantity: 1 }],
      success_url: `${landing.url}/success?session_id={CHECKOUT_SESSION_ID}`,
    });
    const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url] });
    const { page } = probe;
    await page.goto(session.url as string);
    assert.deepEqual(await accordionTypes(page), ['card', 'sepa_debit']);
    await page.click('[data-testid="sepa_debit-accordion-item-button"]');
    await assert.doesNotReject(page.getByText('you authorise (A) this business').waitFor());
    assert.equal(await page.textContent('label[for="iban"]'), 'IBAN');

    // A real-looking IBAN is refused inline (test mode takes Stripe's test IBANs), nothing charged.
    await page.fill('#iban', 'IT60 X054 2811 1010 0000 0123 456');
    await page.fill('#accountHolderName', 'Jenny Rosen');
    await page.click('.SubmitButton');
    await page.locator('[data-testid="payment-error"]').waitFor();
    assert.equal(await page.getAttribute('#iban', 'aria-invalid'), 'true');
    assert.equal(await page.inputValue('#iban'), '', 'the IBAN is never shown again');
    assert.equal((await stripe.checkout.sessions.retrieve(session.id)).status, 'open');

    await page.click('[data-testid="sepa_debit-accordion-item-button"]');
    await page.fill('#iban', 'DE89 3704 0044 0532 0130 00');
    await saveScreenshot(page, 'sepa-iban-desktop.png');
    const phone = await browser.newPage({ allowedOrigins: [server.url], viewport: { width: 390, height: 844 } });
    await phone.page.goto(session.url as string);
    await phone.page.click('[data-testid="sepa_debit-accordion-item-button"]');
    await phone.page.fill('#iban', 'DE89 3704 0044 0532 0130 00');
    await phone.page.fill('#accountHolderName', 'Jenny Rosen');
    await saveScreenshot(phone.page, 'sepa-iban-phone.png');
    await Promise.all([phone.page.waitForURL((u) => u.href.startsWith(`${landing.url}/success`)), phone.page.click('.SubmitButton')]);
    assert.deepEqual(phone.errors, []);

    const secret = endpoint.secret as string;
    // A test IBAN settles at once, so both events are in flight together; like Stripe, delivery order
    // is not promised, so the receiver's order is not asserted, the events' own order is.
    await waitFor(() => verified(receiver, secret).length >= 2, 15_000, 'completed and async_payment_succeeded');
    assert.deepEqual(verified(receiver, secret).map((e) => e.type).sort(), ['checkout.session.async_payment_succeeded', 'checkout.session.completed']);
    const listed = await stripe.events.list({ type: 'checkout.session.*', limit: 10 });
    assert.deepEqual(listed.data.filter((e) => (e.data.object as Stripe.Checkout.Session).id === session.id).map((e) => e.type), ['checkout.session.async_payment_succeeded', 'checkout.session.completed']);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.payment_method'] });
    const pm = (done.payment_intent as Stripe.PaymentIntent).payment_method as Stripe.PaymentMethod;
    assert.deepEqual([done.payment_status, pm.type, pm.sepa_debit?.last4, pm.sepa_debit?.country, pm.billing_details.name], ['paid', 'sepa_debit', '3000', 'DE', 'Jenny Rosen']);
    // The debit was made under the mandate the buyer accepted on the page, in their browser.
    const charge = await stripe.charges.retrieve((done.payment_intent as Stripe.PaymentIntent).latest_charge as string);
    const mandateId = charge.payment_method_details?.sepa_debit?.mandate as string;
    assert.match(mandateId, /^mandate_/);
    const mandate = await stripe.mandates.retrieve(mandateId);
    assert.deepEqual([mandate.type, mandate.single_use?.amount, mandate.single_use?.currency, mandate.payment_method, mandate.status], ['single_use', 4500, 'eur', pm.id, 'active']);
    assert.equal(mandate.customer_acceptance.type, 'online');
    assert.equal(mandate.customer_acceptance.online?.ip_address, '127.0.0.1');
    assert.match(mandate.customer_acceptance.online?.user_agent ?? '', /Chrome/);
  });

  it('Link is its own item beside the card: it pays at once with the Link account of the email typed', async () => {
    const stripe = server.stripe();
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      allowed_payment_method_types: ['card', 'link'],
      line_items: [{ price_data: { currency: 'usd', unit_amount: 1200, product_data: { name: 'Notebook' } }, quantity: 1 }],
      success_url: `${landing.url}/success?session_id={CHECKOUT_SESSION_ID}`,
    });
    const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url], viewport: { width: 390, height: 844 } });
    const { page } = probe;
    await page.goto(session.url as string);
    assert.deepEqual(await accordionTypes(page), ['card', 'link']);
    await page.fill('#email', 'jenny.link@example.com');
    await page.click('[data-testid="card-accordion-item-button"]');
    assert.equal(await page.isVisible('#billingName'), true, 'a card asks for its billing fields');
    await page.click('[data-testid="link-accordion-item-button"]');
    assert.equal(await page.isVisible('#billingName'), false, 'Link does not');
    await page.locator('[data-testid="link-explain"]').waitFor();
    await saveScreenshot(page, 'link-item-phone.png');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(`${landing.url}/success`)), page.click('.SubmitButton')]);
    assert.deepEqual(probe.errors, []);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.payment_method'] });
    const pm = (done.payment_intent as Stripe.PaymentIntent).payment_method as Stripe.PaymentMethod;
    assert.deepEqual([done.payment_status, pm.type, pm.link?.email], ['paid', 'link', 'jenny.link@example.com']);
  });
});
