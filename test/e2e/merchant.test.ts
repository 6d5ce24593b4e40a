import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type Stripe from 'stripe';
import { saveScreenshot, useBrowser, type PageProbe } from '../helpers/browser.js';
import { waitFor } from '../helpers/wait.js';
import { startShop, type ShopUnderTest } from './merchant-helpers.js';

// The seed's merchant end to end in Chromium: the shop's own pages, OpenCheckout's hosted page,
// signed webhooks into the shop, its SMTP mail and its shipping worker. Runs on SQLite.
describe('example shop in Chromium: existing customers pay and are fulfilled exactly once', () => {
  const browser = useBrowser();
  let shop: ShopUnderTest;
  before(async () => {
    shop = await startShop();
  });
  after(async () => {
    await shop?.close();
  });

  async function open(): Promise<PageProbe> {
    return browser.newPage({ allowedOrigins: [shop.shopUrl, shop.openCheckoutUrl] });
  }

  /** Signs in (a demo user by their button, or a new user through the form), fills the cart, presses the seed's Checkout button. */
  async function shopAndCheckout(page: Page, who: { email: string; name?: string }, skus: string[]): Promise<string> {
    await page.goto(`${shop.shopUrl}/signin`);
    if (who.name) {
      await page.fill('#signin-email', who.email);
      await page.fill('#signin-name', who.name);
      await Promise.all([page.waitForURL(`${shop.shopUrl}/`), page.click('#signin-submit')]);
    } else {
      await Promise.all([page.waitForURL(`${shop.shopUrl}/`), page.click(`[data-testid="sign-in-${who.email}"]`)]);
    }
    for (const sku of skus) await Promise.all([page.waitForURL(`${shop.shopUrl}/`), page.click(`[data-testid="add-${sku}"]`)]);
    await Promise.all([page.waitForURL((u) => u.href.startsWith(`${shop.openCheckoutUrl}/c/pay/`)), page.click('button:text-is("Checkout")')]);
    const sessionId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    assert.match(sessionId, /^cs_test_/);
    return sessionId;
  }

  async function fillShippingIfEmpty(page: Page, name: string): Promise<void> {
    if ((await page.inputValue('#shippingName')) !== '') return;
    await page.fill('#shippingName', name);
    await page.selectOption('#shippingCountry', 'US');
    await page.fill('#shippingAddressLine1', '1 Market St');
    await page.fill('#shippingLocality', 'San Francisco');
    await page.fill('#shippingPostalCode', '94105');
    await page.fill('#shippingAdministrativeArea', 'CA');
  }

  async function typeNewCard(page: Page, name: string): Promise<void> {
    await page.click('[data-testid="card-accordion-item-button"]');
    await page.locator('#cardNumber').pressSequentially('4242 4242 4242 4242');
    await page.locator('#cardExpiry').pressSequentially('12 / 34');
    await page.fill('#cardCvc', '123');
    await page.fill('#billingName', name);
    await page.selectOption('#billingCountry', 'US');
    await page.fill('#billingPostalCode', '94105');
  }

  async function typeBankAccount(page: Page, name: string, account: string): Promise<void> {
    await page.click('[data-testid="us_bank_account-accordion-item-button"]');
    await page.fill('#accountHolderName', name);
    await page.fill('#routingNumber', '110000000');
    await page.fill('#accountNumber', account);
    // The account holder's name is the payer's: the card's billing fields are hidden.
    assert.equal(await page.isVisible('#billingName'), false);
  }

  /** Pays and lands on the shop's success page; returns the payment state it shows. */
  async function payAndLand(probe: PageProbe, sessionId: string, screenshot: string): Promise<string> {
    const { page } = probe;
    try {
      await Promise.all([page.waitForURL((u) => u.href.startsWith(`${shop.shopUrl}/success`), { timeout: 15_000 }), page.click('.SubmitButton')]);
    } catch (err) {
      await saveScreenshot(page, screenshot);
      throw err;
    }
    assert.equal(new URL(page.url()).searchParams.get('session_id'), sessionId);
    return (await page.textContent('[data-testid="payment-state"]')) ?? '';
  }

  async function eventFor(type: string, sessionId: string): Promise<Stripe.Event> {
    return waitFor(async () => {
      const events = await shop.stripe.events.list({ type, limit: 100 });
      return events.data.find((e) => (e.data.object as { id?: string }).id === sessionId);
    }, 30_000, `${type} for ${sessionId}`);
  }

  /** Posts an event to the shop's webhook as Stripe would: JSON body, freshly signed with the endpoint's secret. */
  async function postSigned(event: Stripe.Event): Promise<number> {
    const payload = JSON.stringify(event);
    const header = shop.stripe.webhooks.generateTestHeaderString({ payload, secret: shop.webhookEndpoint.secret as string });
    const res = await fetch(`${shop.shopUrl}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload });
    await res.arrayBuffer();
    return res.status;
  }

  async function fulfilledOrder(sessionId: string) {
    return waitFor(async () => {
      const order = (await shop.orders()).find((o) => o.session_id === sessionId);
      return order && order.email_sent && order.shipment_status === 'label_created' ? order : undefined;
    }, 30_000, `order for ${sessionId} with email sent and label created`);
  }

  /** Exactly one order, one shipment and one confirmation email for the session — after giving any duplicate time to show up. */
  async function assertFulfilledOnce(sessionId: string, to: string): Promise<void> {
    await new Promise((r) => setTimeout(r, 1_500)); // > the mailer's and shipping worker's poll intervals
    assert.equal((await shop.orders()).filter((o) => o.session_id === sessionId).length, 1, 'one order');
    assert.equal(shop.count('SELECT COUNT(*) FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.session_id = ?', sessionId), 1, 'one shipment');
    const order = (await shop.orders()).find((o) => o.session_id === sessionId);
    const mail = (await shop.outbox()).filter((m) => m.subject === `Order ${order?.order_number} confirmed`);
    assert.equal(mail.length, 1, 'one confirmation email reached the SMTP catcher');
    assert.equal(mail[0]?.to, to);
    const fulfilled = (await shop.webhookLog()).filter((w) => w.session_id === sessionId && w.action === 'fulfilled');
    assert.ok(fulfilled.length <= 1, 'at most one webhook delivery fulfilled the session');
  }

  it('prefills the saved card of a signed-in customer, pays with it, and fulfils once even when the webhook is delivered again and again', async () => {
    const probe = await open();
    const { page } = probe;
    const sessionId = await shopAndCheckout(page, { email: 'jenny.rosen@example.com' }, ['mug', 'tea']);
    const saved = page.locator('[data-testid="saved-payment-method"][aria-checked="true"]');
    assert.equal(await saved.count(), 1, 'the saved card is prefilled and selected');
    assert.match((await saved.textContent()) ?? '', /4242/);
    assert.equal(await page.inputValue('#email'), 'jenny.rosen@example.com');
    assert.equal(await page.inputValue('#shippingName'), 'Jenny Rosen', 'shipping comes from the customer');

    assert.equal(await payAndLand(probe, sessionId, 'merchant-prefill.png'), 'paid');
    assert.match((await page.textContent('[data-testid="success-headline"]')) ?? '', /is confirmed/);
    assert.equal((await page.textContent('[data-testid="order-total"]'))?.trim(), '$30.50');

    const order = await fulfilledOrder(sessionId);
    assert.equal(order.status, 'paid');
    assert.equal(order.amount_total, 3050);
    assert.deepEqual(order.items.map((i) => [i.description, i.quantity, i.amount_total]), [
      ['Tanuki mug', 1, 1800],
      ['Hojicha, 100 g', 1, 1250],
    ]);
    const completed = await eventFor('checkout.session.completed', sessionId);
    await waitFor(async () => (await shop.webhookLog()).some((w) => w.event_id === completed.id), 15_000, 'the completed webhook');

    // Deliver it again: Stripe's resend (events/:id/retry), our own replays of the signed payload
    // racing each other, and the success page reloaded at the same time.
    await shop.stripe.rawRequest('POST', `/v1/events/${completed.id}/retry`, { webhook_endpoint: shop.webhookEndpoint.id });
    const replays = await Promise.all([
      ...Array.from({ length: 5 }, () => postSigned(completed)),
      ...Array.from({ length: 3 }, () => fetch(page.url()).then((r) => r.status)),
    ]);
    assert.deepEqual(replays, Array(8).fill(200));
    await waitFor(
      async () => (await shop.webhookLog()).filter((w) => w.event_id === completed.id).length >= 7,
      15_000,
      'the resent delivery',
    );
    const actions = (await shop.webhookLog()).filter((w) => w.event_id === completed.id).map((w) => w.action);
    assert.ok(actions.slice(1).every((a) => a === 'already_fulfilled'), `duplicates fulfil nothing: ${actions.join(', ')}`);
    await assertFulfilledOnce(sessionId, 'jenny.rosen@example.com');
    assert.deepEqual(probe.errors, []);
    assert.deepEqual(probe.externalRequests, []);
  });

  it('lets a new customer without a saved card pay with a new card, and creates their Customer once', async () => {
    const probe = await open();
    const { page } = probe;
    const email = `first.timer.${Date.now()}@example.com`;
    const sessionId = await shopAndCheckout(page, { email, name: 'First Timer' }, ['tote']);
    assert.equal(await page.locator('[data-testid="saved-payment-method"]').count(), 0, 'nothing to prefill');
    assert.equal(await page.inputValue('#email'), email);
    await typeNewCard(page, 'First Timer');
    await fillShippingIfEmpty(page, 'First Timer');
    assert.equal(await payAndLand(probe, sessionId, 'merchant-new-card.png'), 'paid');

    const order = await fulfilledOrder(sessionId);
    assert.equal(order.amount_total, 2800);
    assert.equal(order.email, email);
    await assertFulfilledOnce(sessionId, email);
    const session = await shop.stripe.checkout.sessions.retrieve(sessionId);
    const customers = await shop.stripe.customers.list({ email, limit: 10 });
    assert.deepEqual(customers.data.map((c) => c.id), [session.customer]);
    assert.deepEqual(probe.errors, []);
  });

  it("lists both of a customer's saved cards with the newest one prefilled", async () => {
    const probe = await open();
    const { page } = probe;
    await shopAndCheckout(page, { email: 'akira.tanaka@example.com' }, ['mug']);
    assert.equal(await page.locator('[data-testid="saved-payment-method"]').count(), 2);
    const chosen = page.locator('[data-testid="saved-payment-method"][aria-checked="true"]');
    assert.equal(await chosen.count(), 1);
    assert.match((await chosen.textContent()) ?? '', /0005/, 'the Amex saved last');
    assert.deepEqual(probe.errors, []);
  });

  it('shows a bank payment as processing without fulfilling it, then fulfils it once after it succeeds', async () => {
    const probe = await open();
    const { page } = probe;
    const sessionId = await shopAndCheckout(page, { email: 'sam.lee@example.com' }, ['tote', 'mug']);
    await typeBankAccount(page, 'Sam Lee', '000123456789');
    await fillShippingIfEmpty(page, 'Sam Lee');
    assert.equal(await payAndLand(probe, sessionId, 'merchant-bank-ok.png'), 'processing');
    assert.match((await page.textContent('[data-testid="success-headline"]')) ?? '', /is processing/);
    // The page fulfilled nothing; if the payment is still unpaid now, no order can exist yet.
    const early = (await shop.orders()).filter((o) => o.session_id === sessionId);
    if ((await shop.stripe.checkout.sessions.retrieve(sessionId)).payment_status === 'unpaid') assert.equal(early.length, 0);

    const succeeded = await eventFor('checkout.session.async_payment_succeeded', sessionId);
    const order = await fulfilledOrder(sessionId);
    assert.equal(order.payment_status, 'paid');
    assert.equal(order.amount_total, 4600);
    assert.ok(Date.parse(order.created_at) >= succeeded.created * 1000, 'fulfilled after the payment succeeded');
    await waitFor(async () => (await shop.webhookLog()).some((w) => w.event_id === succeeded.id), 15_000, 'the async_payment_succeeded webhook');
    const log = (await shop.webhookLog()).filter((w) => w.session_id === sessionId);
    assert.deepEqual(log.map((w) => w.type).sort(), ['checkout.session.async_payment_succeeded', 'checkout.session.completed']);
    assert.equal(log.filter((w) => w.action === 'fulfilled').length, 1);
    await assertFulfilledOnce(sessionId, 'sam.lee@example.com');

    await page.reload();
    assert.equal(await page.textContent('[data-testid="payment-state"]'), 'paid');
    assert.deepEqual(probe.errors, []);
  });

  it('emails the customer once when a bank payment fails, with a link that opens a fresh Checkout Session for the same order', async () => {
    const probe = await open();
    const { page } = probe;
    const sessionId = await shopAndCheckout(page, { email: 'maria.garcia@example.com' }, ['tea']);
    assert.equal(await page.locator('[data-testid="saved-payment-method"]').count(), 0, "Maria's card was saved as 'limited': not shown");
    await typeBankAccount(page, 'Maria Garcia', '000222222227');
    await fillShippingIfEmpty(page, 'Maria Garcia');
    assert.equal(await payAndLand(probe, sessionId, 'merchant-bank-fail.png'), 'processing');
    const first = await shop.stripe.checkout.sessions.retrieve(sessionId);

    const failed = await eventFor('checkout.session.async_payment_failed', sessionId);
    const notice = await waitFor(
      async () => (await shop.outbox()).find((m) => m.subject === `Payment failed for order ${first.client_reference_id}`),
      15_000,
      'the payment-failed email',
    );
    assert.equal(notice.to, 'maria.garcia@example.com');
    assert.equal(await postSigned(failed), 200, 'a duplicate delivery is acknowledged');
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal((await shop.outbox()).filter((m) => m.subject === notice.subject).length, 1, 'one failure email');
    assert.equal((await shop.orders()).filter((o) => o.session_id === sessionId).length, 0, 'a failed payment is not fulfilled');
    const actions = (await shop.webhookLog()).filter((w) => w.event_id === failed.id).map((w) => w.action);
    assert.deepEqual(actions, ['failure_notified', 'failure_already_notified']);
    await page.reload();
    assert.equal(await page.textContent('[data-testid="payment-state"]'), 'failed');

    // Back on-session: the emailed link opens a fresh hosted page for the same order.
    const link = /https?:\/\/\S+\/pay-again\/\S+/.exec(notice.text ?? '')?.[0];
    assert.ok(link, 'the email carries the pay-again link');
    await page.goto(link);
    await page.waitForURL((u) => u.href.startsWith(`${shop.openCheckoutUrl}/c/pay/`));
    const retryId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    assert.notEqual(retryId, sessionId);
    const retry = await shop.stripe.checkout.sessions.retrieve(retryId, { expand: ['line_items'] });
    assert.equal(retry.status, 'open');
    assert.equal(retry.customer, first.customer);
    assert.equal(retry.client_reference_id, first.client_reference_id);
    assert.deepEqual(retry.line_items?.data.map((li) => [li.description, li.quantity]), [['Hojicha, 100 g', 1]]);

    await typeNewCard(page, 'Maria Garcia');
    await fillShippingIfEmpty(page, 'Maria Garcia');
    assert.equal(await payAndLand(probe, retryId, 'merchant-pay-again.png'), 'paid');
    const order = await fulfilledOrder(retryId);
    assert.equal(order.order_number, first.client_reference_id);
    await assertFulfilledOnce(retryId, 'maria.garcia@example.com');

    // The link now says the order is paid instead of opening yet another session.
    await page.goto(link);
    assert.match((await page.textContent('h1')) ?? '', /Already paid/);
    assert.deepEqual(probe.errors, []);
  });
});
