/**
 * The hosted invoice page in Chromium (docs/decisions.md#hosted-invoice-page): an open invoice
 * with its lines and due date, a declined card refused inline, paying with 4242 through the
 * Invoices service and the paid receipt; a 3D Secure card through /c/3ds (Fail, then Complete) on
 * the invoice's one PaymentIntent; paying by US bank account; Japanese. Screenshots at
 * desktop and phone width.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { saveScreenshot, useBrowser } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describe('hosted invoice page in Chromium', () => {
  const browser = useBrowser();
  let server: TestServer;
  before(async () => {
    server = await startServer('sqlite');
  });
  after(() => server.close());

  async function openInvoice(stripe: Stripe, currency = 'usd'): Promise<Stripe.Invoice> {
    const customer = await stripe.customers.create({ name: 'Jenny <Rosen>', email: 'jenny@example.com' });
    await stripe.invoiceItems.create({ customer: customer.id, amount: 4200, currency, description: 'Consulting <hours>' });
    await stripe.invoiceItems.create({ customer: customer.id, amount: 800, currency, description: 'Support' });
    const draft = await stripe.invoices.create({ customer: customer.id, collection_method: 'send_invoice', days_until_due: 30, pending_invoice_items_behavior: 'include' });
    return stripe.invoices.finalizeInvoice(draft.id as string);
  }

  it('shows an open invoice, refuses a declined card, pays with 4242 and shows the receipt', async () => {
    const stripe = server.stripe();
    const inv = await openInvoice(stripe);
    assert.equal(inv.status, 'open');
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: PHONE });
    const { page } = probe;
    await page.goto(inv.hosted_invoice_url as string);
    await page.waitForSelector('[data-testid="hosted-invoice"][data-status="open"]');
    await saveScreenshot(page, 'invoice-open-phone.png');
    await page.setViewportSize(DESKTOP);
    await saveScreenshot(page, 'invoice-open-desktop.png');
    const text = await page.innerText('main');
    assert.match(text, /Consulting <hours>/, 'the lines show, escaped');
    assert.match(text, /\$50\.00/);
    assert.match(await page.innerText('[data-testid="due-date"]'), /^Due /);
    assert.equal(await page.getAttribute('[data-testid="download-pdf"]', 'href'), inv.invoice_pdf);
    const card = page.locator('[data-testid="pay-card"]');
    await card.locator('#cardNumber').fill('4000 0000 0000 0002');
    await card.locator('#cardExpiry').fill('12 / 34');
    await card.locator('#cardCvc').fill('123');
    const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), card.locator('[data-testid="pay-button"]').click()]);
    assert.equal(refused.status(), 402);
    assert.match(await page.innerText('[data-testid="pay-error"]'), /declined/i);
    assert.equal((await stripe.invoices.retrieve(inv.id as string)).status, 'open');

    await card.locator('#cardNumber').fill('4242 4242 4242 4242');
    await card.locator('#cardExpiry').fill('12 / 34');
    await card.locator('#cardCvc').fill('123');
    await card.locator('[data-testid="pay-button"]').click();
    await page.waitForSelector('[data-testid="hosted-invoice"][data-status="paid"]');
    assert.match(await page.innerText('[data-testid="amount-paid"]'), /\$50\.00/);
    const paid = await stripe.invoices.retrieve(inv.id as string);
    assert.equal(paid.status, 'paid');
    assert.equal(paid.amount_paid, 5000);
    const events = (await stripe.events.list({ type: 'invoice.paid' })).data.filter((e) => (e.data.object as { id: string }).id === inv.id);
    assert.equal(events.length, 1, 'the Invoices service wrote invoice.paid');
    await saveScreenshot(page, 'invoice-paid-desktop.png');
    assert.deepEqual(probe.errors.filter((e) => !/status of 402/.test(e)), []);
  });

  it('4000 0027 6000 3184: 3D Secure failed brings the buyer back with the error; completed pays the invoice through its one PaymentIntent', async () => {
    const stripe = server.stripe();
    const inv = await openInvoice(stripe);
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: DESKTOP });
    const { page } = probe;
    await page.goto(inv.hosted_invoice_url as string);
    const card = page.locator('[data-testid="pay-card"]');
    const payWith3ds = async () => {
      await card.locator('#cardNumber').fill('4000 0027 6000 3184');
      await card.locator('#cardExpiry').fill('12 / 34');
      await card.locator('#cardCvc').fill('123');
      await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/c/3ds/')), card.locator('[data-testid="pay-button"]').click()]);
      assert.match((await page.textContent('[data-testid="three-d-secure-what"]')) ?? '', /\$50\.00/);
    };
    await payWith3ds();
    const waiting = await stripe.invoices.retrieve(inv.id as string, { expand: ['payments'] });
    assert.equal(waiting.status, 'open');
    const piId = waiting.payments?.data[0]?.payment.payment_intent ?? (await stripe.invoicePayments.list({ invoice: inv.id as string })).data[0]?.payment.payment_intent;
    assert.equal((await stripe.paymentIntents.retrieve(piId as string)).status, 'requires_action');

    await Promise.all([page.waitForURL((u) => u.pathname === `/invoices/${inv.id}`), page.click('#test-source-fail-3ds')]);
    assert.match(await page.innerText('[data-testid="pay-error"]'), /unable to authenticate your payment method/);
    assert.equal(await page.getAttribute('[data-testid="hosted-invoice"]', 'data-status'), 'open');
    await saveScreenshot(page, 'invoice-3ds-failed-desktop.png');
    const failed = (await stripe.events.list({ type: 'invoice.payment_failed' })).data.filter((e) => (e.data.object as { id: string }).id === inv.id);
    assert.equal(failed.length, 2, 'the attempt waiting for 3D Secure, then the failed authentication');

    await payWith3ds();
    await Promise.all([page.waitForURL((u) => u.pathname === `/invoices/${inv.id}`), page.click('#test-source-authorize-3ds')]);
    await page.waitForSelector('[data-testid="hosted-invoice"][data-status="paid"]');
    assert.match(await page.innerText('[data-testid="amount-paid"]'), /\$50\.00/);
    await page.setViewportSize(PHONE);
    await saveScreenshot(page, 'invoice-3ds-paid-phone.png');
    const paid = await stripe.invoices.retrieve(inv.id as string, { expand: ['payments'] });
    assert.equal(paid.status, 'paid');
    assert.equal(paid.payments?.data[0]?.payment.payment_intent, piId, 'the invoice kept its one PaymentIntent');
    const intents = await stripe.paymentIntents.list({ customer: inv.customer as string });
    assert.deepEqual(intents.data.map((pi) => [pi.id, pi.status]), [[piId, 'succeeded']]);
    assert.deepEqual(probe.errors, []);
  });

  it('a yen invoice paid by bank transfer: the page links the transfer instructions, in Japanese, and shows the receipt once the transfer arrives', async () => {
    const stripe = server.stripe();
    const customer = await stripe.customers.create({ name: '株式会社テスト', email: 'keiri@example.com' });
    await stripe.invoiceItems.create({ customer: customer.id, amount: 110000, currency: 'jpy', description: 'コンサルティング 11月分' });
    const draft = await stripe.invoices.create({
      customer: customer.id,
      collection_method: 'send_invoice',
      days_until_due: 30,
      pending_invoice_items_behavior: 'include',
      payment_settings: { payment_method_types: ['customer_balance'], payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'jp_bank_transfer' } } } },
    });
    const inv = await stripe.invoices.finalizeInvoice(draft.id as string);
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: PHONE, locale: 'ja-JP' });
    const { page } = probe;
    await page.goto(inv.hosted_invoice_url as string);
    await page.waitForSelector('[data-testid="pay-bank-transfer"]');
    assert.match(await page.innerText('[data-testid="pay-bank-transfer"]'), /￥110,000/);
    assert.equal(await page.locator('[data-testid="pay-card"]').count(), 0, 'no card form: the invoice takes bank transfers only');
    await saveScreenshot(page, 'invoice-bank-transfer-ja-phone.png');
    await page.setViewportSize(DESKTOP);
    await saveScreenshot(page, 'invoice-bank-transfer-ja-desktop.png');
    await page.setViewportSize(PHONE);
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/c/bank-transfer/')), page.click('[data-testid="bank-transfer-instructions"]')]);
    await saveScreenshot(page, 'invoice-bank-transfer-instructions-ja-phone.png');
    await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 110000, currency: 'jpy' });
    await page.goto(inv.hosted_invoice_url as string);
    await page.waitForSelector('[data-testid="hosted-invoice"][data-status="paid"]');
    assert.deepEqual(probe.errors, []);
    assert.deepEqual(probe.externalRequests, []);
  });

  it('pays by US bank account, in Japanese', async () => {
    const stripe = server.stripe();
    const inv = await openInvoice(stripe);
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: PHONE, locale: 'ja-JP' });
    const { page } = probe;
    await page.goto(inv.hosted_invoice_url as string);
    assert.match(await page.innerText('main'), /お支払い金額/);
    const bank = page.locator('[data-testid="pay-us_bank_account"]');
    await bank.locator('#accountHolderName').fill('Jenny Rosen');
    await bank.locator('#routingNumber').fill('110000000');
    await bank.locator('#accountNumber').fill('000123456789');
    await saveScreenshot(page, 'invoice-open-ja-phone.png');
    await bank.locator('[data-testid="pay-button"]').click();
    await page.waitForSelector('[data-testid="hosted-invoice"][data-status="paid"]');
    assert.match(await page.innerText('[data-testid="receipt-heading"]'), /支払い済み/);
    assert.equal((await stripe.invoices.retrieve(inv.id as string)).status, 'paid');
    assert.deepEqual(probe.errors, []);
  });
});
