/**
 * The customer portal's editing in Chromium (docs/decisions.md#customer-portal): a quantity and a
 * promotion code on a plan change, the shipping address and tax IDs among the billing details, and
 * the `subscription_update` and `subscription_update_confirm` deep links with their
 * `after_completion` (a redirect, the hosted confirmation). Each checks through the SDK that the
 * subscription or customer changed and that the services' events were written. Screenshots at
 * desktop and phone width, English and Japanese.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { saveScreenshot, useBrowser, type PageProbe } from '../helpers/browser.js';
import { eventsOf } from '../helpers/events.js';
import { freshKey, startServer, type TestServer } from '../helpers/server.js';
import { startLanding, type Landing } from './setup.js';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describe('customer portal editing in Chromium', () => {
  const browser = useBrowser();
  let server: TestServer;
  let landing: Landing;
  before(async () => {
    [server, landing] = await Promise.all([startServer('sqlite'), startLanding()]);
  });
  after(async () => {
    await Promise.all([server.close(), landing.close()]);
  });

  function clean(probe: PageProbe, allowed: RegExp[] = []): void {
    assert.deepEqual(probe.errors.filter((e) => !allowed.some((a) => a.test(e))), [], 'no script or console errors');
    assert.deepEqual(probe.externalRequests, [], 'no requests beyond the server and the merchant');
  }

  async function setup(stripe: Stripe, subscriptionUpdate: Partial<Stripe.BillingPortal.ConfigurationCreateParams.Features.SubscriptionUpdate> = {}) {
    const product = await stripe.products.create({ name: 'Team plan' });
    const monthly = await stripe.prices.create({ product: product.id, unit_amount: 1500, currency: 'usd', recurring: { interval: 'month' }, nickname: 'Standard' });
    const premium = await stripe.prices.create({ product: product.id, unit_amount: 4000, currency: 'usd', recurring: { interval: 'month' }, nickname: 'Premium' });
    const customer = await stripe.customers.create({ name: 'Jenny Rosen', email: 'jenny@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
    const config = await stripe.billingPortal.configurations.create({
      features: {
        customer_update: { enabled: true, allowed_updates: ['name', 'address', 'shipping', 'tax_id'] },
        invoice_history: { enabled: true },
        subscription_cancel: { enabled: true },
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price'],
          products: [{ product: product.id, prices: [monthly.id, premium.id] }],
          proration_behavior: 'create_prorations',
          ...subscriptionUpdate,
        },
      },
    });
    return { product, monthly, premium, customer, sub, config };
  }

  it('changes plan, quantity and promotion code together: the preview is what the change bills', async () => {
    const key = freshKey();
    const stripe = server.stripe(key);
    const coupon = await stripe.coupons.create({ percent_off: 20, duration: 'forever' });
    const promo = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'SPRING20' });
    const { product, monthly, premium, customer, sub, config } = await setup(stripe, { default_allowed_updates: ['price', 'quantity', 'promotion_code'] });
    await stripe.billingPortal.configurations.update(config.id, {
      features: { subscription_update: { products: [{ product: product.id, prices: [monthly.id, premium.id], adjustable_quantity: { enabled: true, minimum: 1, maximum: 10 } }] } },
    });
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id });
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: DESKTOP });
    const { page } = probe;
    await page.goto(session.url);
    await page.click('[data-testid="update-plan"]');
    await page.click(`[data-testid="plan-choice"][data-price="${premium.id}"] [data-testid="select-plan"]`);
    await page.waitForSelector('[data-testid="confirm-view"]');

    // Out of the product's range (the browser's own check of the field is bypassed), then an
    // unknown code: each refused on the step, nothing changed.
    assert.equal(await page.getAttribute('[data-testid="field-quantity"]', 'max'), '10');
    const confirmUrl = new URL(page.url());
    confirmUrl.searchParams.set('quantity', '11');
    await page.goto(confirmUrl.href);
    assert.match((await page.textContent('[data-testid="portal-error"]')) ?? '', /from 1 to 10/);
    assert.equal(await page.getAttribute('[data-testid="field-quantity"]', 'aria-invalid'), 'true');
    assert.equal(await page.locator('[data-testid="confirm-update"]').count(), 0, 'no confirm for a refused change');
    await page.fill('[data-testid="field-quantity"]', '3');
    await page.fill('[data-testid="field-promotion_code"]', 'NOPE');
    await page.click('[data-testid="apply-change"]');
    assert.match((await page.textContent('[data-testid="portal-error"]')) ?? '', /invalid/);

    await page.fill('[data-testid="field-promotion_code"]', 'spring20');
    await page.click('[data-testid="apply-change"]');
    await page.waitForSelector('[data-testid="promotion-applied"]');
    assert.match((await page.textContent('[data-testid="confirm-price"]')) ?? '', /\$120\.00 per month/, 'three seats at $40');
    const proration = Number(await page.getAttribute('[data-testid="proration-amount"]', 'data-amount'));
    const next = Number(await page.getAttribute('[data-testid="next-invoice"]', 'data-amount'));
    assert.ok(proration > 0);
    await saveScreenshot(page, 'portal-quantity-promo-desktop.png');
    await page.setViewportSize(PHONE);
    await saveScreenshot(page, 'portal-quantity-promo-phone.png');
    const unchanged = await stripe.subscriptions.retrieve(sub.id);
    assert.equal(unchanged.items.data[0]?.quantity, 1, 'previewing changes nothing');
    assert.equal((await stripe.promotionCodes.retrieve(promo.id)).times_redeemed, 0, 'nor redeems the code');

    await page.click('[data-testid="confirm-update"]');
    await page.waitForSelector('[data-testid="customer-portal"][data-view="home"]');
    const changed = await stripe.subscriptions.retrieve(sub.id, { expand: ['discounts'] });
    assert.equal(changed.items.data[0]?.price.id, premium.id);
    assert.equal(changed.items.data[0]?.quantity, 3);
    assert.deepEqual(changed.discounts.map((d) => (d as Stripe.Discount).promotion_code), [promo.id]);
    assert.equal((await stripe.promotionCodes.retrieve(promo.id)).times_redeemed, 1);
    assert.match((await page.textContent('[data-testid="plan-quantity"]')) ?? '', /Quantity: 3/);
    // The next invoice shown is the preview API's (with the code's 20 % off) plus the prorations waiting for it.
    const preview = await stripe.invoices.createPreview({ subscription: sub.id });
    assert.equal(preview.amount_due, 3 * 4000 * 0.8);
    assert.equal(next, preview.amount_due + proration);
    const updated = (await eventsOf(server, key, sub.id)).filter((e) => e.type === 'customer.subscription.updated');
    assert.equal(updated.length, 1, 'one customer.subscription.updated');
    clean(probe);
  });

  it('bills a plan change with a code at once: the amount due today shown is the discounted invoice', async () => {
    const stripe = server.stripe();
    const coupon = await stripe.coupons.create({ percent_off: 50, duration: 'forever' });
    await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'HALF' });
    const { premium, customer, sub, config } = await setup(stripe, { default_allowed_updates: ['price', 'promotion_code'], proration_behavior: 'always_invoice' });
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id });
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: DESKTOP });
    const { page } = probe;
    await page.goto(`${session.url}?view=confirm&sub=${sub.id}&price=${premium.id}&promotion_code=half`);
    await page.waitForSelector('[data-testid="promotion-applied"]');
    const proration = Number(await page.getAttribute('[data-testid="proration-amount"]', 'data-amount'));
    const dueToday = Number(await page.getAttribute('[data-testid="due-today"]', 'data-amount'));
    assert.ok(dueToday > 0 && dueToday < proration, 'the code takes its part off what is billed today, as the Invoices service discounts it');
    await page.click('[data-testid="confirm-update"]');
    await page.waitForSelector('[data-testid="customer-portal"][data-view="home"]');
    const changed = await stripe.subscriptions.retrieve(sub.id);
    const billed = await stripe.invoices.retrieve(changed.latest_invoice as string);
    assert.equal(billed.billing_reason, 'subscription_update');
    assert.equal(billed.amount_due, dueToday, 'the amount shown is the invoice the change made');
    clean(probe);
  });

  it('changes only the quantity when prices are not offered, and refuses another price posted anyway', async () => {
    const stripe = server.stripe();
    const { premium, customer, sub, config } = await setup(stripe, { default_allowed_updates: ['quantity'] });
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id });
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: PHONE });
    const { page } = probe;
    await page.goto(session.url);
    assert.match((await page.textContent('[data-testid="update-plan"]')) ?? '', /Update subscription/);
    await page.click('[data-testid="update-plan"]');
    await page.waitForSelector('[data-testid="confirm-view"]');
    assert.equal(await page.locator('[data-testid="field-promotion_code"]').count(), 0, 'no code field unless promotion_code is allowed');
    assert.equal(await page.locator('[data-testid="portal-error"]').count(), 0, 'the current plan opens without a refusal');
    assert.equal(await page.locator('[data-testid="confirm-update"]').count(), 0, 'nothing to confirm before a quantity is chosen');
    await saveScreenshot(page, 'portal-update-quantity-phone.png');
    await page.fill('[data-testid="field-quantity"]', '4');
    await page.click('[data-testid="apply-change"]');
    await page.waitForSelector('[data-testid="confirm-update"]');
    // A hand-made post for another price is refused: the configuration does not allow price changes.
    const csrf = (await page.getAttribute('input[name="csrf_token"]', 'value')) as string;
    const forged = await page.request.post(session.url, { form: { csrf_token: csrf, action: 'update', subscription: sub.id, price: premium.id, quantity: '4' }, maxRedirects: 0 });
    assert.equal(forged.status(), 400);
    await page.click('[data-testid="confirm-update"]');
    await page.waitForSelector('[data-testid="plan-quantity"]');
    const changed = await stripe.subscriptions.retrieve(sub.id);
    assert.equal(changed.items.data[0]?.quantity, 4);
    assert.equal(changed.items.data[0]?.price.id, sub.items.data[0]?.price.id);
    clean(probe, [/status of 400/]);
  });

  it('updates the shipping address and adds and removes tax IDs, in Japanese', async () => {
    const key = freshKey();
    const stripe = server.stripe(key);
    const { customer, config } = await setup(stripe);
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id, locale: 'ja', flow_data: { type: 'customer_update', after_completion: { type: 'redirect', redirect: { return_url: `${landing.url}/account` } } } });
    const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url], viewport: DESKTOP, locale: 'ja-JP' });
    const { page } = probe;
    await page.goto(session.url);
    await page.waitForSelector('[data-testid="details-view"]');
    assert.match((await page.innerText('main')) ?? '', /配送先住所[\s\S]*税番号/);

    await page.selectOption('#taxIdType', 'jp_trn');
    await page.fill('#taxIdValue', 'T12345');
    await page.click('[data-testid="add-tax-id"]');
    await page.waitForSelector('[data-testid="portal-error"]');
    assert.match((await page.textContent('[data-testid="portal-error"]')) ?? '', /税番号として正しくありません/);
    await page.selectOption('#taxIdType', 'jp_trn');
    await page.fill('#taxIdValue', 'T1234567890123');
    await page.click('[data-testid="add-tax-id"]');
    await page.waitForSelector('[data-testid="tax-id-row"]');
    const [added] = (await stripe.customers.listTaxIds(customer.id)).data;
    assert.equal(added?.type, 'jp_trn');
    assert.equal(added?.value, 'T1234567890123');

    await page.selectOption('#pf-shipping_country', 'JP');
    await page.fill('[data-testid="field-shipping_name"]', '山田 花子');
    await page.fill('[data-testid="field-shipping_line1"]', '千代田1-1');
    await page.fill('[data-testid="field-shipping_city"]', '千代田区');
    await page.fill('[data-testid="field-shipping_state"]', '東京都');
    await page.fill('[data-testid="field-shipping_postal_code"]', '100-0001');
    await saveScreenshot(page, 'portal-details-ja-desktop.png');
    await page.setViewportSize(PHONE);
    await saveScreenshot(page, 'portal-details-ja-phone.png');
    await page.click('[data-testid="save-details"]');
    await page.waitForURL(`${landing.url}/account`);
    const updated = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    assert.deepEqual(updated.shipping, { address: { city: '千代田区', country: 'JP', line1: '千代田1-1', line2: null, postal_code: '100-0001', state: '東京都' }, name: '山田 花子', phone: null });

    await page.goto(`${session.url}?view=home`);
    assert.match((await page.textContent('[data-testid="billing-shipping"]')) ?? '', /山田 花子/);
    assert.match((await page.textContent('[data-testid="billing-tax-id"]')) ?? '', /T1234567890123/);
    await saveScreenshot(page, 'portal-home-ja-phone.png');
    await page.goto(`${session.url}?view=details`);
    await page.click(`[data-testid="tax-id-row"][data-id="${added?.id}"] [data-testid="remove-tax-id"]`);
    await page.waitForSelector('[data-testid="details-view"]');
    assert.equal(await page.locator('[data-testid="tax-id-row"]').count(), 0);
    assert.equal((await stripe.customers.listTaxIds(customer.id)).data.length, 0);
    const types = (await eventsOf(server, key)).map((e) => e.type);
    for (const t of ['customer.tax_id.created', 'customer.tax_id.deleted', 'customer.updated']) assert.ok(types.includes(t), `${t} was written`);
    clean(probe, [/status of 400/]);
  });

  it('opens a subscription_update deep link on the plans and redirects after the change', async () => {
    const stripe = server.stripe();
    const { premium, customer, sub, config } = await setup(stripe);
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: config.id,
      flow_data: { type: 'subscription_update', subscription_update: { subscription: sub.id }, after_completion: { type: 'redirect', redirect: { return_url: `${landing.url}/plan-changed` } } },
    });
    const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url], viewport: DESKTOP });
    const { page } = probe;
    await page.goto(session.url);
    await page.waitForSelector('[data-testid="update-view"]');
    await saveScreenshot(page, 'portal-flow-update-desktop.png');
    await page.setViewportSize(PHONE);
    await saveScreenshot(page, 'portal-flow-update-phone.png');
    await page.click(`[data-testid="plan-choice"][data-price="${premium.id}"] [data-testid="select-plan"]`);
    await page.waitForSelector('[data-testid="confirm-view"]');
    await page.click('[data-testid="confirm-update"]');
    await page.waitForURL(`${landing.url}/plan-changed`);
    assert.equal((await stripe.subscriptions.retrieve(sub.id)).items.data[0]?.price.id, premium.id);
    clean(probe);
  });

  it('opens a subscription_update_confirm deep link on its price, quantity and coupon, and shows the hosted confirmation', async () => {
    const key = freshKey();
    const stripe = server.stripe(key);
    const coupon = await stripe.coupons.create({ amount_off: 500, currency: 'usd', duration: 'forever', name: 'Loyalty' });
    const { premium, customer, sub, config } = await setup(stripe);
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: config.id,
      locale: 'ja',
      flow_data: {
        type: 'subscription_update_confirm',
        subscription_update_confirm: { subscription: sub.id, items: [{ id: sub.items.data[0]?.id as string, price: premium.id, quantity: 2 }], discounts: [{ coupon: coupon.id }] },
        after_completion: { type: 'hosted_confirmation', hosted_confirmation: { custom_message: 'ご利用<ありがとうございます>' } },
      },
    });
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: PHONE, locale: 'ja-JP' });
    const { page } = probe;
    await page.goto(session.url);
    await page.waitForSelector('[data-testid="confirm-view"]');
    assert.match((await page.textContent('[data-testid="confirm-price"]')) ?? '', /80\.00/, 'two seats of the deep link’s price');
    const next = Number(await page.getAttribute('[data-testid="next-invoice"]', 'data-amount'));
    const proration = Number(await page.getAttribute('[data-testid="proration-amount"]', 'data-amount'));
    assert.match((await page.textContent('[data-testid="discounts-applied"]')) ?? '', /割引: Loyalty/, 'the deep link’s coupon is named');
    await saveScreenshot(page, 'portal-flow-confirm-ja-phone.png');
    await page.setViewportSize(DESKTOP);
    await saveScreenshot(page, 'portal-flow-confirm-ja-desktop.png');
    await page.click('[data-testid="confirm-update"]');
    await page.waitForSelector('[data-kind="portal-done"]');
    assert.match((await page.innerText('main')) ?? '', /プランを変更しました[\s\S]*ご利用<ありがとうございます>/);
    await saveScreenshot(page, 'portal-flow-done-ja-desktop.png');
    const changed = await stripe.subscriptions.retrieve(sub.id, { expand: ['discounts'] });
    assert.equal(changed.items.data[0]?.price.id, premium.id);
    assert.equal(changed.items.data[0]?.quantity, 2);
    assert.deepEqual(changed.discounts.map((d) => (d as Stripe.Discount).source.coupon), [coupon.id]);
    const preview = await stripe.invoices.createPreview({ subscription: sub.id });
    assert.equal(preview.amount_due, 2 * 4000 - 500, 'the preview API counts the deep link’s coupon');
    assert.equal(next, preview.amount_due + proration, 'the next invoice shown is the preview plus the prorations waiting for it');
    assert.equal(preview.total_discount_amounts?.[0]?.amount, 500, 'the deep link’s coupon takes $5 off the next invoice');
    assert.equal((await eventsOf(server, key, sub.id)).filter((e) => e.type === 'customer.subscription.updated').length, 1);
    clean(probe);
  });
});
