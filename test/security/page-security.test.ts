import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242 } from '../../src/cli/page.js';
import { esc } from '../../src/pages/escape.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';
import { rowCounts } from './snapshot.js';

/** Markup a hostile merchant string could carry: script, attribute break-outs, URLs, entities, comments. */
const PAYLOADS = [
  '<script>alert("x1")</script>',
  '"><img src=x onerror=alert(2)>',
  "'><svg/onload=alert(3)>",
  '</textarea></title><script>alert(4)</script>',
  '<a href="javascript:alert(5)">x5</a>',
  '&lt;b&gt;x6&amp;',
  '<!--x7--><style>*{x:y}</style>',
  '\u003cscript\u003ex8\u003c/script\u003e',
];

async function page(url: string): Promise<{ status: number; headers: Headers; html: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

async function post(url: string, fields: Record<string, string>): Promise<{ status: number; headers: Headers; html: string }> {
  const res = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

const csrfOf = (html: string): string => /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;

const TAG = /<([a-zA-Z][\w-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g;
const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;

/**
 * The active markup of a document, read tag by tag with attribute values skipped as values (so an
 * escaped `onerror=` inside a value="..." is text, as a browser reads it): script tags,
 * event-handler attributes, and script URLs in href/src/action.
 */
function activeMarkup(html: string): { scripts: string[]; handlers: string[]; jsUrls: string[] } {
  const out = { scripts: [] as string[], handlers: [] as string[], jsUrls: [] as string[] };
  for (const tag of html.matchAll(TAG)) {
    if ((tag[1] as string).toLowerCase() === 'script') out.scripts.push(tag[0]);
    for (const attr of (tag[2] ?? '').matchAll(ATTR)) {
      const name = (attr[1] as string).toLowerCase();
      const value = (attr[2] ?? attr[3] ?? attr[4] ?? '').trim().toLowerCase();
      if (name.startsWith('on')) out.handlers.push(tag[0]);
      if (['href', 'src', 'action', 'formaction'].includes(name) && /^(javascript|vbscript):/.test(value)) out.jsUrls.push(tag[0]);
    }
  }
  return out;
}

function assertInert(html: string, nonce: string, what: string): void {
  const active = activeMarkup(html);
  assert.ok(active.scripts.every((s) => s.includes(`nonce="${nonce}"`)), `${what}: a script without the response's nonce: ${active.scripts.join(' ')}`);
  assert.ok(active.scripts.length <= 1, `${what}: more than the page's own script`);
  assert.deepEqual(active.handlers, [], `${what}: event-handler attributes`);
  assert.deepEqual(active.jsUrls, [], `${what}: javascript: URLs`);
  for (const p of PAYLOADS) assert.ok(!html.includes(p), `${what}: payload rendered raw: ${p}`);
}

function nonceOf(headers: Headers): string {
  const m = /script-src 'nonce-([^']+)'/.exec(headers.get('content-security-policy') ?? '');
  assert.ok(m, 'the CSP names a script nonce');
  return m[1] as string;
}

for (const store of STORES) {
  describe(`hosted page security (${store})`, () => {
    let server: TestServer;
    let stripe: Stripe;
    let price: Stripe.Price;
    before(async () => {
      server = await startServer(store);
      stripe = server.stripe();
      price = await stripe.prices.create({ currency: 'usd', unit_amount: 1000, product_data: { name: 'Plain' } });
    });
    after(() => server.close());

    async function session(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}): Promise<Stripe.Checkout.Session> {
      return stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: 'https://shop.example/ok?s={CHECKOUT_SESSION_ID}',
        cancel_url: 'https://shop.example/cart',
        ...extra,
      });
    }

    it('answers every page with a strict nonce CSP and anti-framing headers, and its one script carries that nonce', async () => {
      const s = await session();
      const a = await page(s.url as string);
      const b = await page(s.url as string);
      assert.equal(a.status, 200);
      const csp = a.headers.get('content-security-policy') ?? '';
      for (const d of ["default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self' https://shop.example"]) assert.ok(csp.includes(d), `CSP has ${d}: ${csp}`);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
      assert.equal(a.headers.get('x-frame-options'), 'DENY');
      assert.equal(a.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(a.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(a.headers.get('cache-control'), 'no-store');
      assert.equal(a.headers.get('set-cookie'), null, 'no cookie to steal or ride on');
      assert.notEqual(nonceOf(a.headers), nonceOf(b.headers), 'a fresh nonce per response');
      assertInert(a.html, nonceOf(a.headers), 'page');
      // Notices (unknown session, wrong method) carry the same headers.
      for (const r of [await page(`${server.url}/c/pay/cs_test_${'x'.repeat(40)}`), await post(`${server.url}/c/pay/nope`, {})]) {
        assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'none'/);
        assert.equal(r.headers.get('x-frame-options'), 'DENY');
      }
    });

    it('refuses a form post without this session’s CSRF token and stores nothing; the page’s own token pays', async () => {
      const s = await session();
      const other = await session();
      const { html } = await page(s.url as string);
      const token = csrfOf(html);
      assert.match(token, /^[A-Za-z0-9_-]{43}$/, 'an HMAC-SHA256 token');
      const otherToken = csrfOf((await page(other.url as string)).html);
      const fields = { ...BUYER, ...CARD_4242 };
      const before = await rowCounts(server.app.deps.store.db);
      const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
      for (const bad of [undefined, '', otherToken, flipped, token.slice(0, 20), `${token}x`, token.toLowerCase() === token ? token.toUpperCase() : token.toLowerCase()]) {
        const r = await post(s.url as string, bad === undefined ? fields : { ...fields, csrf_token: bad });
        assert.equal(r.status, 403, `token ${JSON.stringify(bad)}`);
        assertInert(r.html, nonceOf(r.headers), 'refusal');
      }
      // Two tokens in one body: the first is the one read; it must still be the right one.
      const twice = await fetch(s.url as string, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${new URLSearchParams(fields).toString()}&csrf_token=${otherToken}&csrf_token=${token}`,
      });
      assert.equal(twice.status, 403);
      assert.deepEqual(await rowCounts(server.app.deps.store.db), before, 'a refused post stores nothing');
      assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'open');

      const ok = await post(s.url as string, { ...fields, csrf_token: token });
      assert.equal(ok.status, 303);
      assert.equal(ok.headers.get('location'), `https://shop.example/ok?s=${s.id}`);
    });

    it('renders hostile product names, descriptions, customer and billing details as text', async () => {
      const accepted: string[] = [];
      for (const [i, payload] of PAYLOADS.entries()) {
        const product = await stripe.products.create({ name: `${payload} #${i}`, description: payload, metadata: { note: payload } });
        const pr = await stripe.prices.create({ currency: 'usd', unit_amount: 100 + i, product: product.id, nickname: payload });
        const customer = await stripe.customers.create({
          name: payload,
          email: `buyer${i}@example.com`,
          description: payload,
          shipping: { name: payload, phone: payload.slice(0, 20), address: { line1: payload, line2: payload, city: payload, state: 'CA', postal_code: payload.slice(0, 10), country: 'US' } },
        });
        const pm = await stripe.paymentMethods.create({
          type: 'card',
          card: { token: 'tok_visa' },
          billing_details: { name: payload, email: `billing${i}@example.com`, address: { line1: payload, line2: payload, city: payload, postal_code: '94102', country: 'US', state: 'CA' } },
          allow_redisplay: 'always',
        } as Stripe.PaymentMethodCreateParams);
        await stripe.paymentMethods.attach(pm.id, { customer: customer.id });
        const s = await stripe.checkout.sessions.create({
          mode: 'payment',
          customer: customer.id,
          line_items: [
            { price: pr.id, quantity: 2 },
            { price_data: { currency: 'usd', unit_amount: 50, product_data: { name: `${payload} inline`, description: payload } }, quantity: 1 },
          ],
          shipping_address_collection: { allowed_countries: ['US', 'CA'] },
          billing_address_collection: 'required',
          client_reference_id: payload.slice(0, 200),
          metadata: { payload },
          payment_intent_data: { description: payload },
          success_url: 'https://shop.example/ok',
          cancel_url: 'https://shop.example/cart',
        });
        const r = await page(s.url as string);
        assert.equal(r.status, 200);
        assertInert(r.html, nonceOf(r.headers), `payload ${i}`);
        // The product name and the customer's shipping name reach the page, escaped.
        assert.ok(r.html.includes(esc(`${payload} #${i}`)), `product name ${i} rendered (escaped)`);
        assert.ok(r.html.includes(`id="shippingName" name="shippingName" value="${esc(payload)}"`), `shipping prefill ${i} rendered (escaped)`);
        assert.ok(r.html.includes(`id="billingName" name="billingName" value="${esc(payload)}"`), `billing details ${i} prefilled (escaped)`);
        assert.ok(r.html.includes(`id="billingAddressLine1" name="billingAddressLine1" value="${esc(payload)}"`), `billing address ${i} prefilled (escaped)`);
        accepted.push(payload);

        // A refused submit shows the buyer's typed values again: escaped as well.
        const typed = { billingName: payload, billingAddressLine1: payload, billingLocality: payload, billingAdministrativeArea: 'CA' };
        const ship = { shippingName: payload, shippingCountry: 'US', shippingAddressLine1: payload, shippingLocality: payload, shippingAdministrativeArea: 'CA', shippingPostalCode: '94102' };
        const refused = await post(s.url as string, { csrf_token: csrfOf(r.html), ...BUYER, ...CARD_4242, cardNumber: '4000000000000002', ...typed, ...ship });
        assert.equal(refused.status, 402, 'declined');
        assert.ok(refused.html.includes(`value="${esc(payload)}"`), 'the typed values are shown again');
        assertInert(refused.html, nonceOf(refused.headers), `refused ${i}`);
      }
      assert.equal(accepted.length, PAYLOADS.length);
    });

    it('refuses script URLs as success_url and cancel_url, so they can never become links or redirects', async () => {
      for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', '//evil.example/x', ' javascript:alert(1)']) {
        await assert.rejects(session({ success_url: url }), (e: Stripe.errors.StripeError) => e.statusCode === 400, `success_url ${url}`);
        await assert.rejects(session({ cancel_url: url }), (e: Stripe.errors.StripeError) => e.statusCode === 400, `cancel_url ${url}`);
      }
    });
  });
}
