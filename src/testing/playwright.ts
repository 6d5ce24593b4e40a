/**
 * For a merchant's browser tests (docs/decisions.md#embedded-checkout): makes a Playwright page
 * load OpenCheckout's Stripe.js where the merchant's page asks for Stripe's, so the page runs
 * unchanged against OpenCheckout.
 *
 *   import { routeStripeJs } from 'opencheckout/dist/testing/playwright.js';
 *   await routeStripeJs(page, 'http://localhost:12111');
 *   await page.goto('http://localhost:3000/checkout'); // loads https://js.stripe.com/v3/
 *
 * Works with a Page or a BrowserContext of `playwright` / `playwright-core` / `@playwright/test`
 * (only their `route` is used, so this module needs none of them).
 */

/** Stripe.js URLs: `https://js.stripe.com/v3/…` and the versioned `https://js.stripe.com/<release>/stripe.js`. */
export const STRIPE_JS_URL = /^https:\/\/js\.stripe\.com\/(v3(\/.*)?|[a-z0-9]+\/stripe\.js)(\?.*)?$/;

interface Fulfillable {
  fulfill(response: { status?: number; contentType?: string; headers?: Record<string, string>; body?: string }): Promise<void>;
}

/** What is used of a Playwright Page or BrowserContext. */
export interface Routable {
  route(url: RegExp, handler: (route: Fulfillable) => Promise<void> | void): Promise<unknown>;
}

/**
 * Routes every request for Stripe.js to `{baseUrl}/v3/`. The script is fetched once, by this
 * process, at the first request (its address inside is the one `baseUrl` names).
 */
export async function routeStripeJs(page: Routable, baseUrl: string): Promise<void> {
  const url = `${baseUrl.replace(/\/+$/, '')}/v3/`;
  let script: Promise<{ body: string; contentType: string }> | undefined;
  const load = async (): Promise<{ body: string; contentType: string }> => {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`OpenCheckout's Stripe.js at ${url} answered ${res.status}`);
    return { body: await res.text(), contentType: res.headers.get('content-type') ?? 'text/javascript; charset=utf-8' };
  };
  await page.route(STRIPE_JS_URL, async (route) => {
    script ??= load().catch((err: unknown) => {
      script = undefined;
      throw err;
    });
    const s = await script;
    await route.fulfill({ status: 200, contentType: s.contentType, body: s.body });
  });
}
