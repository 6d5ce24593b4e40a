/**
 * The customer portal in Chromium (docs/decisions.md#customer-portal): cancel at the period's end
 * and renew, change plan with the proration shown matching the invoice preview API after the
 * change, add a card that becomes the default, a deep link that redirects after completion, a
 * Japanese page. Screenshots at desktop and phone width.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { saveScreenshot, useBrowser, type PageProbe } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startLanding, type Landing } from './setup.js';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describe('customer portal in Chromium', () => {
  const browser = useBrowser();
  let server: TestServer;
  let landing: Landing;
  before(async () => {
    [server, landing] = await Promise.all([startServer('sqlite'), startLanding()]);
  });
  after(async () => {
    await Promise.all([server.close(), landing.close()]);
  });

  function clean(probe: PageProbe): void {
    assert.deepEqual(probe.errors, [], 'no script or console errors');
    assert.deepEqual(probe.externalRequests, [], 'no requests beyond the server and the merchant');
  }

  async function setup(stripe: Stripe, cancel: Stripe.BillingPortal.ConfigurationCreateParams.Features.SubscriptionCancel = { enabled: true }, proration: 'always_invoice' | 'create_prorations' = 'create_prorations') {
    const product = await stripe.products.create({ name: 'Pro plan' });
    const monthly = await stripe.prices.create({ product: product.id, unit_amount: 1500, currency: 'usd', recurring: { interval: 'month' }, nickname: 'Monthly' });
    const premium = await stripe.prices.create({ product: product.id, unit_amount: 4000, currency: 'usd', recurring: { interval: 'month' }, nickname: 'Premium' });
    const customer = await stripe.customers.create({ name: 'Jenny Rosen', email: 'jenny@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
    const config = await stripe.billingPortal.configurations.create({
      business_profile: { headline: 'Acme <Cloud> billing', privacy_policy_url: 'https://example.com/privacy', terms_of_service_url: 'https://example.com/terms' },
      features: {
        customer_update: { enabled: true, allowed_updates: ['name', 'email', 'address', 'phone'] },
        invoice_history: { enabled: true },
        payment_method_update: { enabled: true },
        subscription_cancel: cancel,
        subscription_update: { enabled: true, default_allowed_updates: ['price'], products: [{ product: product.id, prices: [monthly.id, premium.id] }], proration_behavior: proration },
      },
    });
    return { product, monthly, premium, customer, sub, config };
  }

  {
    const [width, viewport] = ['desktop', DESKTOP] as const;
    it('cancels at the period’s end with a reason, then renews', async () => {
      const stripe = server.stripe();
      const { customer, sub, config } = await setup(stripe, { enabled: true, mode: 'at_period_end', cancellation_reason: { enabled: true, options: ['too_expensive', 'unused'] } });
      const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id, return_url: `${landing.url}/account` });
      const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url], viewport });
      const { page } = probe;
      await page.goto(session.url);
      await page.waitForSelector('[data-testid="customer-portal"]');
      const body = (await page.innerText('main')) ?? '';
      assert.match(body, /Pro plan/);
      assert.match(body, /\$15\.00 per month/);
      assert.match(body, /Your next invoice is \$15\.00 on/);
      assert.match(body, /Acme <Cloud> billing/, 'the headline shows as text');
      assert.equal(await page.locator('[data-testid="invoice-row"]').count(), 1, 'the first invoice is listed');
      await saveScreenshot(page, `portal-home-${width}.png`);

      await page.click('[data-testid="cancel-subscription"]');
      await page.waitForSelector('[data-testid="cancel-view"]');
      await page.check('[data-testid="reason-too_expensive"]');
      await saveScreenshot(page, `portal-cancel-${width}.png`);
      await page.setViewportSize(PHONE);
      await saveScreenshot(page, 'portal-cancel-phone.png');
      await page.goBack();
      await saveScreenshot(page, 'portal-home-phone.png');
      await page.goForward();
      await page.setViewportSize(viewport);
      await page.check('[data-testid="reason-too_expensive"]');
      await page.click('[data-testid="confirm-cancel"]');
      await page.waitForSelector('[data-testid="renew-subscription"]');
      const canceling = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(canceling.cancel_at_period_end, true);
      assert.equal(canceling.status, 'active');
      assert.equal(canceling.cancellation_details?.feedback, 'too_expensive');
      assert.match((await page.textContent('[data-testid="subscription"]')) ?? '', /will be canceled on/);

      await page.click('[data-testid="renew-subscription"]');
      await page.waitForSelector('[data-testid="cancel-subscription"]');
      assert.equal((await stripe.subscriptions.retrieve(sub.id)).cancel_at_period_end, false);
      const types = (await stripe.events.list({ type: 'customer.subscription.updated' })).data.filter((e) => (e.data.object as { id: string }).id === sub.id);
      assert.equal(types.length, 2, 'cancel and renew each wrote customer.subscription.updated');
      clean(probe);
    });
  }

  it('pauses payments for a chosen length in Japanese, resumes them, and pauses indefinitely where configured', async () => {
    const stripe = server.stripe();
    const { customer, sub, product } = await setup(stripe);
    const config = await stripe.billingPortal.configurations.create({
      features: {
        subscription_pause: { enabled: true, duration: { type: 'interval_options', interval_options: [{ interval: 'week', interval_count: 2 }, { interval: 'month', interval_count: 1 }] } },
        subscription_cancel: { enabled: true },
      },
    } as Stripe.BillingPortal.ConfigurationCreateParams);
    assert.ok(product.id);
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id, locale: 'ja' });
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: DESKTOP });
    const { page } = probe;
    await page.goto(session.url);
    await page.waitForSelector('[data-testid="pause-subscription"]');
    const lengths = await page.locator('[data-testid="pause-length"] option').allInnerTexts();
    assert.deepEqual(lengths.map((l) => l.replace(/\s/g, '')), ['2週間', '1か月'], 'the lengths in Japanese');
    await saveScreenshot(page, 'portal-pause-ja-desktop.png');
    await page.setViewportSize(PHONE);
    await saveScreenshot(page, 'portal-pause-ja-phone.png');
    await page.setViewportSize(DESKTOP);
    const before = Math.floor(Date.now() / 1000);
    await page.selectOption('[data-testid="pause-length"]', '1');
    await page.click('[data-testid="pause-subscription"]');
    await page.waitForSelector('[data-testid="resume-payments"]');
    const paused = await stripe.subscriptions.retrieve(sub.id);
    assert.equal(paused.pause_collection?.behavior, 'void');
    const resumesAt = paused.pause_collection?.resumes_at as number;
    assert.ok(resumesAt >= before + 28 * 86_400 && resumesAt <= before + 31 * 86_400 + 60, 'resumes a month from now');
    assert.match((await page.textContent('[data-testid="subscription"]')) ?? '', /まで支払いは一時停止中です/);
    assert.equal(await page.locator('[data-testid="pause-subscription"]').count(), 0, 'no second pause');

    await page.click('[data-testid="resume-payments"]');
    await page.waitForSelector('[data-testid="pause-subscription"]');
    assert.equal((await stripe.subscriptions.retrieve(sub.id)).pause_collection, null);

    // Indefinitely: one button, no length to choose, no resumes_at.
    const indefinite = await stripe.billingPortal.configurations.create({ features: { subscription_pause: { enabled: true, duration: { type: 'indefinite' } } } } as Stripe.BillingPortal.ConfigurationCreateParams);
    await page.goto((await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: indefinite.id })).url);
    assert.equal(await page.locator('[data-testid="pause-length"]').count(), 0);
    await page.click('[data-testid="pause-subscription"]');
    await page.waitForSelector('[data-testid="resume-payments"]');
    assert.deepEqual((await stripe.subscriptions.retrieve(sub.id)).pause_collection, { behavior: 'void', resumes_at: null });
    assert.match((await page.textContent('[data-testid="subscription"]')) ?? '', /Payments are paused\./);
    const updates = (await stripe.events.list({ type: 'customer.subscription.updated' })).data.filter((e) => (e.data.object as { id: string }).id === sub.id);
    assert.equal(updates.length, 3, 'pause, resume and pause each wrote customer.subscription.updated');
    clean(probe);
  });

  it('changes plan: the amounts shown are the ones the change bills and the invoice preview API gives', async () => {
    const stripe = server.stripe();
    const { customer, sub, config, premium } = await setup(stripe, { enabled: true }, 'always_invoice');
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id });
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: DESKTOP });
    const { page } = probe;
    await page.goto(session.url);
    await page.click('[data-testid="update-plan"]');
    await page.waitForSelector('[data-testid="update-view"]');
    await page.click(`[data-testid="plan-choice"][data-price="${premium.id}"] [data-testid="select-plan"]`);
    await page.waitForSelector('[data-testid="confirm-view"]');
    const proration = Number(await page.getAttribute('[data-testid="proration-amount"]', 'data-amount'));
    const dueToday = Number(await page.getAttribute('[data-testid="due-today"]', 'data-amount'));
    const next = Number(await page.getAttribute('[data-testid="next-invoice"]', 'data-amount'));
    assert.ok(proration > 0, 'moving up costs a prorated amount');
    assert.equal((await stripe.subscriptions.retrieve(sub.id)).items.data[0]?.price.id, sub.items.data[0]?.price.id, 'previewing changes nothing');
    await saveScreenshot(page, 'portal-change-plan-desktop.png');
    await page.click('[data-testid="confirm-update"]');
    await page.waitForSelector('[data-testid="customer-portal"][data-view="home"]');
    const changed = await stripe.subscriptions.retrieve(sub.id);
    assert.equal(changed.items.data[0]?.price.id, premium.id);
    assert.equal(dueToday, proration, 'always_invoice bills the proration at once');
    const billed = await stripe.invoices.retrieve(changed.latest_invoice as string);
    assert.equal(billed.billing_reason, 'subscription_update');
    assert.equal(billed.amount_due, dueToday, 'the amount due today shown is the invoice the change made');
    assert.equal(billed.status, 'paid');
    const preview = await stripe.invoices.createPreview({ subscription: sub.id });
    assert.equal(preview.amount_due, next, 'the next invoice shown is the preview API’s');
    clean(probe);
  });

  it('adds a card that becomes the default, sets the default, removes a card, updates the billing details', async () => {
    const stripe = server.stripe();
    const { customer, config } = await setup(stripe);
    const before = await stripe.customers.listPaymentMethods(customer.id);
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id, flow_data: { type: 'payment_method_update', after_completion: { type: 'redirect', redirect: { return_url: `${landing.url}/card-saved` } } } });
    const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url], viewport: PHONE });
    const { page } = probe;
    await page.goto(session.url);
    await page.waitForSelector('[data-testid="card-view"]');
    await page.fill('#cardNumber', '4000 0000 0000 0002');
    await page.fill('#cardExpiry', '12 / 34');
    await page.fill('#cardCvc', '123');
    const [refusal] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('[data-testid="add-card"]')]);
    assert.equal(refusal.status(), 402);
    await page.waitForSelector('[data-testid="portal-error"]');
    assert.match((await page.textContent('[data-testid="portal-error"]')) ?? '', /declined/i, 'a declined test card is refused as on Checkout');
    await page.fill('#cardNumber', '5555 5555 5555 4444');
    await page.fill('#cardExpiry', '12 / 34');
    await page.fill('#cardCvc', '123');
    await saveScreenshot(page, 'portal-add-card-phone.png');
    await page.click('[data-testid="add-card"]');
    await page.waitForURL(`${landing.url}/card-saved`);
    const after = await stripe.customers.listPaymentMethods(customer.id);
    assert.equal(after.data.length, before.data.length + 1);
    const added = after.data.find((pm) => pm.card?.last4 === '4444') as Stripe.PaymentMethod;
    assert.equal((await stripe.customers.retrieve(customer.id) as Stripe.Customer).invoice_settings.default_payment_method, added.id);

    await page.goto(`${session.url}?view=home`);
    const old = before.data[0]?.id as string;
    await page.click(`[data-testid="payment-method"][data-id="${old}"] [data-testid="make-default"]`);
    await page.waitForSelector(`[data-testid="payment-method"][data-id="${old}"] [data-testid="default-tag"]`);
    assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).invoice_settings.default_payment_method, old);
    await page.click(`[data-testid="payment-method"][data-id="${old}"] [data-testid="remove-payment-method"]`);
    await page.waitForSelector(`[data-testid="payment-method"][data-id="${added.id}"]`);
    assert.equal(await page.locator(`[data-testid="payment-method"][data-id="${old}"]`).count(), 0);
    assert.equal((await stripe.paymentMethods.retrieve(old)).customer, null);

    await page.click('[data-testid="update-information"]');
    await page.fill('[data-testid="field-name"]', 'Jenny Q. Rosen');
    await page.selectOption('#pf-country', 'JP');
    await page.fill('[data-testid="field-line1"]', '1-1 Chiyoda');
    await page.fill('[data-testid="field-city"]', 'Chiyoda-ku');
    await page.fill('[data-testid="field-state"]', 'Tokyo');
    await page.fill('[data-testid="field-postal_code"]', '100-0001');
    await page.click('[data-testid="save-details"]');
    await page.waitForSelector('[data-testid="billing-information"]');
    const updated = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    assert.equal(updated.name, 'Jenny Q. Rosen');
    assert.deepEqual(updated.address, { city: 'Chiyoda-ku', country: 'JP', line1: '1-1 Chiyoda', line2: null, postal_code: '100-0001', state: 'Tokyo' });
    assert.deepEqual(probe.errors.filter((e) => !/status of 402/.test(e)), [], 'no errors beside the refused card');
  });

  it('a card that asks for 3D Secure is saved only after the buyer completes it, in Japanese', async () => {
    const stripe = server.stripe();
    const { customer, config } = await setup(stripe);
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id, locale: 'ja' });
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: PHONE, locale: 'ja-JP' });
    const { page } = probe;
    await page.goto(`${session.url}?view=card`);
    await page.fill('#cardNumber', '4000 0027 6000 3184');
    await page.fill('#cardExpiry', '12 / 34');
    await page.fill('#cardCvc', '123');
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/c/3ds/seti_')), page.click('[data-testid="add-card"]')]);
    await page.locator('#test-source-fail-3ds').waitFor();
    await saveScreenshot(page, 'portal-card-3ds-phone.png');
    const count = async () => (await stripe.customers.listPaymentMethods(customer.id)).data.length;
    assert.equal(await count(), 1, 'nothing attached while the card waits for authentication');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('view') === 'card'), page.click('#test-source-fail-3ds')]);
    assert.match((await page.textContent('[data-testid="portal-error"]')) ?? '', /認証できませんでした/, 'the failure is told in Japanese');
    assert.equal(await count(), 1);
    await page.fill('#cardNumber', '4000 0027 6000 3184');
    await page.fill('#cardExpiry', '12 / 34');
    await page.fill('#cardCvc', '123');
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/c/3ds/seti_')), page.click('[data-testid="add-card"]')]);
    await Promise.all([page.waitForURL((u) => u.searchParams.get('view') === 'home'), page.click('#test-source-authorize-3ds')]);
    const added = (await stripe.customers.listPaymentMethods(customer.id)).data.find((pm) => pm.card?.last4 === '3184') as Stripe.PaymentMethod;
    assert.ok(added, 'attached once authenticated');
    await page.waitForSelector(`[data-testid="payment-method"][data-id="${added.id}"] [data-testid="default-tag"]`);
    await saveScreenshot(page, 'portal-card-3ds-saved-phone.png');
    assert.deepEqual(probe.errors.filter((e) => !/status of 402/.test(e)), [], 'no errors beside the refused authentication');
    assert.deepEqual(probe.externalRequests, []);
  });

  it('speaks Japanese, cancels immediately from a deep link and shows the hosted confirmation', async () => {
    const stripe = server.stripe();
    const { customer, sub, config } = await setup(stripe, { enabled: true, mode: 'immediately' });
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: config.id,
      locale: 'auto',
      flow_data: { type: 'subscription_cancel', subscription_cancel: { subscription: sub.id }, after_completion: { type: 'hosted_confirmation', hosted_confirmation: { custom_message: 'またのご利用を<お待ちしています>' } } },
    });
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: PHONE, locale: 'ja-JP' });
    const { page } = probe;
    await page.goto(session.url);
    await page.waitForSelector('[data-testid="cancel-view"]');
    assert.match((await page.textContent('[data-testid="cancel-text"]')) ?? '', /ただちにキャンセル/);
    await saveScreenshot(page, 'portal-cancel-ja-phone.png');
    await page.click('[data-testid="confirm-cancel"]');
    await page.waitForSelector('[data-kind="portal-done"]');
    assert.match((await page.innerText('main')) ?? '', /サブスクリプションをキャンセルしました。[\s\S]*またのご利用を<お待ちしています>/);
    assert.equal((await stripe.subscriptions.retrieve(sub.id)).status, 'canceled');
    clean(probe);
  });
});
