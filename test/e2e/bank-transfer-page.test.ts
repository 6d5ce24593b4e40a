/**
 * The hosted bank transfer instructions in Chromium (docs/decisions.md#bank-transfers-and-the-cash-balance):
 * the amount still to send, the reference and the virtual account, in the buyer's language; once
 * the transfer arrives, that it was received. Screenshots at desktop and phone width.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { saveScreenshot, useBrowser } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';

// Browser suites run on SQLite only.
describe('bank transfer instructions page in Chromium', () => {
  const browser = useBrowser();
  let server: TestServer;
  before(async () => {
    server = await startServer('sqlite');
  });
  after(() => server.close());

  it('shows what is left to send after a partial transfer, then that it was received (ja, desktop and phone)', async () => {
    const stripe = server.stripe();
    const customer = await stripe.customers.create({ email: 'taro@example.com' });
    const pi = await stripe.paymentIntents.create({
      amount: 20000,
      currency: 'jpy',
      customer: customer.id,
      allowed_payment_method_types: ['customer_balance'],
      payment_method_data: { type: 'customer_balance' },
      payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'jp_bank_transfer' } } },
      confirm: true,
    });
    await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 5000, currency: 'jpy' });
    const url = pi.next_action?.display_bank_transfer_instructions?.hosted_instructions_url as string;
    const probe = await browser.newPage({ allowedOrigins: [server.url], viewport: { width: 1280, height: 900 }, locale: 'ja-JP' } as never);
    const { page } = probe;
    await page.setExtraHTTPHeaders({ 'accept-language': 'ja' });
    await page.goto(url);
    await page.waitForSelector('[data-testid="bank-transfer"]');
    assert.match((await page.textContent('[data-testid="bank-transfer-remaining"]')) ?? '', /15,000/);
    assert.equal(await page.textContent('[data-testid="bank-transfer-reference"]'), pi.next_action?.display_bank_transfer_instructions?.reference);
    assert.match((await page.textContent('h1')) ?? '', /銀行振込/);
    await saveScreenshot(page, 'bank-transfer-ja-desktop.png');
    await page.setViewportSize({ width: 390, height: 844 });
    await saveScreenshot(page, 'bank-transfer-ja-phone.png');
    await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 15000, currency: 'jpy' });
    await page.reload();
    assert.equal(await page.getAttribute('[data-testid="bank-transfer-status"]', 'data-state'), 'paid');
    assert.deepEqual(probe.errors, []);
    assert.deepEqual(probe.externalRequests, []);
  });
});
