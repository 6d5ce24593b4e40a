/**
 * Real headless Chromium for browser suites (Debian's `chromium`, installed by
 * scripts/system-deps.sh). One browser per test file, a fresh context (cookies, storage) per test.
 * Every page records console errors, page errors and dialogs, so a test can assert that none
 * happened (no `alert(1)` from an XSS payload, no script error).
 */
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, offline-friendly Chromium: no sandbox in containers, no background traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where tests put screenshots and other artifacts (gitignored). */
export const ARTIFACTS_DIR = path.resolve('test-artifacts');

export interface PageProbe {
  page: Page;
  context: BrowserContext;
  /** `alert()` / `confirm()` / `prompt()` messages the page opened (each is dismissed). */
  dialogs: string[];
  /** Uncaught exceptions and console errors. */
  errors: string[];
  /** Requests that left for anywhere but the allowed origins. */
  externalRequests: string[];
}

export interface BrowserHandle {
  /** A fresh context and page; `allowedOrigins` are the origins the page may talk to. */
  newPage(opts?: { allowedOrigins?: string[]; javaScriptEnabled?: boolean; viewport?: { width: number; height: number }; locale?: string }): Promise<PageProbe>;
  browser(): Browser;
}

/**
 * Registers before/after hooks that launch Chromium once for the calling test file and close it
 * (and every context opened through it) at the end. Playwright's `launch` gives the browser a
 * fresh temporary profile directory of its own and removes it on close.
 */
export function useBrowser(): BrowserHandle {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
  });
  return {
    browser() {
      if (!browser) throw new Error('the browser is launched in before(): call newPage() inside a test');
      return browser;
    },
    async newPage(opts = {}) {
      const b = this.browser();
      // Close the previous tests' contexts: one live context at a time keeps memory flat.
      while (contexts.length > 0) await contexts.pop()?.close().catch(() => undefined);
      const context = await b.newContext({
        javaScriptEnabled: opts.javaScriptEnabled ?? true,
        viewport: opts.viewport ?? { width: 1280, height: 900 },
        // The browser's language: it sends it as Accept-Language (a page with `locale: auto` follows it).
        locale: opts.locale ?? 'en-US',
      });
      contexts.push(context);
      const page = await context.newPage();
      const probe: PageProbe = { page, context, dialogs: [], errors: [], externalRequests: [] };
      page.on('dialog', (d) => {
        probe.dialogs.push(d.message());
        void d.dismiss().catch(() => undefined);
      });
      page.on('pageerror', (err) => probe.errors.push(err.message));
      page.on('console', (msg) => {
        if (msg.type() === 'error') probe.errors.push(msg.text());
      });
      const allowed = opts.allowedOrigins;
      if (allowed) {
        page.on('request', (req) => {
          const url = req.url();
          if (url.startsWith('data:') || url.startsWith('about:')) return;
          if (!allowed.some((o) => url.startsWith(o))) probe.externalRequests.push(url);
        });
      }
      return probe;
    },
  };
}

/** Saves a full-page screenshot under test-artifacts/ and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Fills the hosted page's card form as a buyer types it: a new card `number` (any spacing), expiry
 * 12/34, CVC 123, and a US billing name and postal code. The pay button is left to the test.
 */
export async function payWithNewCard(page: Page, number: string): Promise<void> {
  await page.click('[data-testid="card-accordion-item-button"]');
  await page.locator('#cardNumber').fill('');
  await page.locator('#cardNumber').pressSequentially(number);
  await page.locator('#cardExpiry').fill('');
  await page.locator('#cardExpiry').pressSequentially('12 / 34');
  await page.fill('#cardCvc', '123');
  await page.fill('#billingName', 'Buyer Example');
  await page.selectOption('#billingCountry', 'US');
  await page.fill('#billingPostalCode', '94102');
}
