/**
 * The customer portal's login page in Chromium (docs/decisions.md#customer-portal): a customer
 * enters an email, the page says a link is on its way without showing it, the link is read from the
 * account's test mailbox with the secret key, and it opens that customer's portal, where the email
 * cannot be changed. English at desktop width, Japanese at phone width.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { saveScreenshot, useBrowser } from '../helpers/browser.js';
import { freshKey, startServer, type TestServer } from '../helpers/server.js';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describe('customer portal login page in Chromium', () => {
  const browser = useBrowser();
  let server: TestServer;
  before(async () => {
    server = await startServer('sqlite');
  });
  after(() => server.close());

  async function mailbox(key: string, email: string): Promise<Array<{ url: string; customer: string }>> {
    const res = await fetch(`${server.url}/_admin/portal_login_links?email=${encodeURIComponent(email)}`, { headers: { authorization: `Bearer ${key}` } });
    return ((await res.json()) as { data: Array<{ url: string; customer: string }> }).data;
  }

  for (const [label, viewport, locale, width] of [
    ['English', DESKTOP, 'en-US', 'desktop'],
    ['Japanese', PHONE, 'ja-JP', 'phone'],
  ] as const) {
    it(`signs a customer in by email (${label}, ${width})`, async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ email: 'hanako@example.com', name: 'Hanako Yamada' });
      const config = await stripe.billingPortal.configurations.create({
        business_profile: { headline: 'Acme <Cloud>' },
        features: { customer_update: { enabled: true, allowed_updates: ['email', 'name'] }, invoice_history: { enabled: true } },
        login_page: { enabled: true },
      });
      const probe = await browser.newPage({ allowedOrigins: [server.url], viewport, locale });
      const { page } = probe;
      await page.goto(config.login_page.url as string);
      await page.waitForSelector('[data-testid="portal-login"][data-kind="form"]');
      assert.match((await page.textContent('[data-testid="headline"]')) ?? '', /Acme <Cloud>/);
      await page.fill('[data-testid="login-email"]', 'hanako@example');
      await page.click('[data-testid="login-submit"]');
      await page.waitForSelector('[data-testid="login-error"]');
      assert.match((await page.textContent('[data-testid="login-error"]')) ?? '', locale === 'ja-JP' ? /有効なメールアドレス/ : /valid email/);
      await saveScreenshot(page, `portal-login-${locale === 'ja-JP' ? 'ja-' : ''}${width}.png`);
      await page.fill('[data-testid="login-email"]', 'hanako@example.com');
      await page.click('[data-testid="login-submit"]');
      await page.waitForSelector('[data-testid="portal-login"][data-kind="sent"]');
      assert.match((await page.textContent('[data-testid="login-sent"]')) ?? '', /hanako@example\.com/);
      assert.equal(await page.locator('a[href*="/p/session/"]').count(), 0, 'the link is not on the page');
      await saveScreenshot(page, `portal-login-sent-${locale === 'ja-JP' ? 'ja-' : ''}${width}.png`);

      const [link] = await mailbox(key, 'hanako@example.com');
      assert.equal(link?.customer, customer.id);
      await page.goto(link?.url as string);
      await page.waitForSelector('[data-testid="customer-portal"]');
      await page.click('[data-testid="update-information"]');
      await page.waitForSelector('[data-testid="email-locked"]');
      assert.equal(await page.locator('[data-testid="field-email"]').count(), 0, 'no email field in a session the login page made');
      assert.match((await page.textContent('[data-testid="email-locked"]')) ?? '', /hanako@example\.com/);
      assert.deepEqual(probe.errors.filter((e) => !/status of 400/.test(e)), []);
      assert.deepEqual(probe.externalRequests, []);
    });
  }
});
