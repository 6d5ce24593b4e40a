import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshKey, STORES, startServer, type TestServer } from '../helpers/server.js';
import { insertCard, insertSession, lineItem, sessionFixture } from './fixtures.js';

const XSS_SCRIPT = '<script>alert(1)</script>';
const XSS_IMG = '"><img src=x onerror=alert(1)>';

async function get(server: TestServer, id: string): Promise<{ status: number; headers: Headers; html: string }> {
  const res = await fetch(`${server.url}/c/pay/${id}`, { redirect: 'manual' });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

async function post(server: TestServer, id: string, fields: Record<string, string>) {
  const res = await fetch(`${server.url}/c/pay/${id}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

function csrfOf(html: string): string {
  const m = /name="csrf_token" value="([^"]+)"/.exec(html);
  assert.ok(m, 'the form carries a CSRF token');
  return m[1] as string;
}

async function sessionStatus(server: TestServer, id: string): Promise<string> {
  const row = await server.app.deps.store.db.selectFrom('checkout_sessions').select('status').where('id', '=', id).executeTakeFirstOrThrow();
  return row.status;
}

for (const store of STORES) {
  describe(`hosted page over HTTP (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(async () => {
      await server.close();
    });

    it('serves the page with a strict CSP, no framing, no referrer and no caching', async () => {
      const key = freshKey();
      const s = await insertSession(server, key, sessionFixture(), [lineItem('T-shirt', 2000, 2)]);
      const res = await get(server, s.id);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]+'/);
      assert.match(csp, /style-src 'nonce-[A-Za-z0-9+/=]+'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /form-action 'self' https:\/\/shop\.example/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      // Every inline <script> and <style> carries the response's nonce; nothing is loaded from elsewhere.
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      for (const tag of res.html.match(/<(script|style)[^>]*>/g) ?? []) assert.ok(tag.includes(`nonce="${nonce}"`), tag);
      assert.doesNotMatch(res.html, /<(script|link|img)[^>]+(src|href)="https?:/);
      assert.doesNotMatch(res.html, / style="/, 'no inline style attributes (the CSP would block them)');
    });

    it('uses a new nonce on every response', async () => {
      const key = freshKey();
      const s = await insertSession(server, key, sessionFixture(), [lineItem('Mug', 900, 1)]);
      const a = (await get(server, s.id)).headers.get('content-security-policy');
      const b = (await get(server, s.id)).headers.get('content-security-policy');
      assert.notEqual(a, b);
    });

    it('keeps Stripe element ids, shows line items and formats totals for the currency', async () => {
      const key = freshKey();
      const s = await insertSession(server, key, sessionFixture({ billing_address_collection: 'required' }), [lineItem('Poster', 1250, 2), lineItem('Frame', 3000, 1)]);
      const { html } = await get(server, s.id);
      for (const id of [
        'email', 'cardNumber', 'cardExpiry', 'cardCvc', 'billingName', 'billingCountry', 'billingPostalCode', 'billingAddressLine1',
        'billingAddressLine2', 'billingLocality', 'billingAdministrativeArea',
      ]) {
        assert.match(html, new RegExp(`id="${id}"`), id);
      }
      assert.match(html, /<select class="in" id="billingCountry"/);
      assert.match(html, /class="SubmitButton" type="submit" data-testid="hosted-payment-submit-button"/);
      assert.match(html, /data-testid="card-accordion-item"/);
      assert.doesNotMatch(html, /us_bank_account-accordion-item/);
      assert.match(html, /Qty 2/);
      assert.match(html, /\$25\.00/);
      assert.match(html, /\$55\.00/);
      // The button reads the verb alone, as Stripe's does; the amount is the summary's.
      assert.match(html, /<span class="lbl-text[^"]*">Pay<\/span>/);
      assert.match(html, /href="https:\/\/shop\.example\/cart"[^>]*>&#8592; Back</);
    });

    it('formats zero-decimal currencies without decimals', async () => {
      const key = freshKey();
      const s = await insertSession(server, key, sessionFixture({ currency: 'jpy' }), [lineItem('お茶', 500, 3, 'jpy')]);
      const { html } = await get(server, s.id);
      assert.match(html, /¥1,500/);
      assert.doesNotMatch(html, /¥1,500\.00|¥15\.00/);
      assert.match(html, /お茶/);
    });

    it('shows merchant-supplied strings as text, never as markup', async () => {
      const key = freshKey();
      const s = await insertSession(
        server,
        key,
        sessionFixture({ metadata: { note: XSS_SCRIPT }, cancel_url: `https://shop.example/cart?x=${encodeURIComponent(XSS_IMG)}` }),
        [lineItem(XSS_SCRIPT, 100, 1), lineItem(XSS_IMG, 200, 1)],
      );
      const { html } = await get(server, s.id);
      assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
      assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
      assert.ok(!html.includes(XSS_SCRIPT));
      assert.ok(!html.includes(XSS_IMG));
      assert.ok(!html.includes('<img'));
    });

    it('escapes the saved card and shipping details of the customer', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({
        email: 'jenny@example.com',
        shipping: { name: XSS_IMG, address: { line1: XSS_SCRIPT, city: 'Paris', postal_code: '75001', country: 'FR' } },
      });
      await insertCard(server, key, customer.id, {}, { name: XSS_IMG });
      const s = await insertSession(
        server,
        key,
        sessionFixture({ customer: customer.id, shipping_address_collection: { allowed_countries: ['FR', 'US'] } }),
        [lineItem('Book', 1500, 1)],
      );
      const { html } = await get(server, s.id);
      assert.match(html, /id="shippingName" name="shippingName" value="&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;"/);
      assert.match(html, /id="billingName" name="billingName" value="&quot;&gt;&lt;img/);
      assert.ok(!html.includes(XSS_IMG) && !html.includes(XSS_SCRIPT));
    });

    it('refuses a post with a tampered or missing CSRF token and changes nothing', async () => {
      const key = freshKey();
      const s = await insertSession(server, key, sessionFixture({ customer_email: 'buyer@example.com' }), [lineItem('Lamp', 4000, 1)]);
      const token = csrfOf((await get(server, s.id)).html);
      const fields = {
        paymentMethod: 'card', cardNumber: '4242 4242 4242 4242', cardExpiry: '12 / 34', cardCvc: '123',
        billingName: 'Jenny Rosen', billingCountry: 'US', billingPostalCode: '94102',
      };
      const flipped = (token.startsWith('A') ? 'B' : 'A') + token.slice(1);
      for (const csrf_token of [flipped, '', token.slice(0, -1), `${token}x`]) {
        const res = await post(server, s.id, { ...fields, csrf_token });
        assert.equal(res.status, 403, `token ${JSON.stringify(csrf_token)}`);
        assert.match(res.html, /data-kind="forbidden"/);
      }
      const missing = await post(server, s.id, fields);
      assert.equal(missing.status, 403);
      // Another session's token does not open this one.
      const other = await insertSession(server, key, sessionFixture(), [lineItem('Lamp', 4000, 1)]);
      assert.equal((await post(server, s.id, { ...fields, csrf_token: csrfOf((await get(server, other.id)).html) })).status, 403);
      assert.equal(await sessionStatus(server, s.id), 'open');
    });

    it('re-renders a form with a shape error, keeping typed values but never the card number or CVC', async () => {
      const key = freshKey();
      const s = await insertSession(server, key, sessionFixture(), [lineItem('Lamp', 4000, 1)]);
      const csrf_token = csrfOf((await get(server, s.id)).html);
      const res = await post(server, s.id, {
        csrf_token, email: 'buyer@example.com', paymentMethod: 'card', cardNumber: '4242 4242 4242 4242', cardExpiry: '13 / 34', cardCvc: '123',
        billingName: 'Jenny <Rosen>', billingCountry: 'GB', billingPostalCode: 'SW1A 1AA',
      });
      assert.equal(res.status, 400);
      assert.match(res.html, /role="alert"[^>]*>Your card&#39;s expiration date is invalid\.</);
      assert.match(res.html, /id="cardExpiry" name="cardExpiry" value="13 \/ 34"[^>]*aria-invalid="true"/);
      assert.match(res.html, /value="Jenny &lt;Rosen&gt;"/);
      assert.match(res.html, /<option value="GB" selected>/);
      assert.ok(!res.html.includes('4242 4242') && !res.html.includes('4242424242424242'));
      assert.match(res.html, /id="cardCvc" name="cardCvc" value=""/);
      assert.equal(await sessionStatus(server, s.id), 'open');
    });

    it('answers unknown, malformed and foreign-looking links with a not-found page', async () => {
      for (const id of ['cs_test_doesnotexist0000000000000000', 'nope', '%E0%A4%A', 'cs_test_' + 'a'.repeat(300)]) {
        const res = await get(server, id);
        assert.equal(res.status, 404, id);
        assert.match(res.html, /This checkout link is not valid/);
        assert.equal(res.headers.get('x-frame-options'), 'DENY');
      }
    });

    it('shows a clear page for complete and expired sessions, and refuses to take payment on them', async () => {
      const key = freshKey();
      const done = await insertSession(server, key, sessionFixture({ status: 'complete', payment_status: 'paid', url: null }), [lineItem('Lamp', 4000, 1)]);
      const page = await get(server, done.id);
      assert.equal(page.status, 200);
      assert.match(page.html, /This payment is already complete/);
      assert.match(page.html, new RegExp(`href="https://shop\\.example/success\\?session_id=${done.id}"`));
      assert.doesNotMatch(page.html, /hosted-payment-submit-button/);

      const now = Math.floor(Date.now() / 1000);
      const late = await insertSession(server, key, sessionFixture({ created: now - 7200, expires_at: now - 10 }), [lineItem('Lamp', 4000, 1)]);
      const expired = await get(server, late.id);
      assert.match(expired.html, /This checkout session has expired/);
      assert.doesNotMatch(expired.html, /hosted-payment-submit-button/);

      const open = await insertSession(server, key, sessionFixture(), [lineItem('Lamp', 4000, 1)]);
      const csrf = csrfOf((await get(server, open.id)).html);
      await server.app.deps.store.db.updateTable('checkout_sessions').set({ status: 'expired' }).where('id', '=', open.id).execute();
      await server.app.deps.store.db
        .updateTable('checkout_sessions')
        .set({ data: JSON.stringify({ ...open, status: 'expired', url: null }) })
        .where('id', '=', open.id)
        .execute();
      const res = await post(server, open.id, { csrf_token: csrf, paymentMethod: 'card', cardNumber: '4242424242424242', cardExpiry: '1234', cardCvc: '123' });
      assert.equal(res.status, 409);
      assert.match(res.html, /This checkout session has expired/);
    });

    it('answers a paid form with a 303 to success_url, the session id substituted', async () => {
      const key = freshKey();
      const s = await insertSession(server, key, sessionFixture({ customer_email: 'buyer@example.com' }), [lineItem('Lamp', 4000, 1)]);
      const csrf_token = csrfOf((await get(server, s.id)).html);
      const res = await post(server, s.id, {
        csrf_token, paymentMethod: 'card', cardNumber: '4242 4242 4242 4242', cardExpiry: '12 / 34', cardCvc: '123',
        billingName: 'Jenny Rosen', billingCountry: 'US', billingPostalCode: '94102',
      });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), `https://shop.example/success?session_id=${s.id}`);
      assert.equal(await sessionStatus(server, s.id), 'complete');
      const again = await post(server, s.id, { csrf_token, paymentMethod: 'card', cardNumber: '4242424242424242', cardExpiry: '1234', cardCvc: '123' });
      assert.equal(again.status, 409);
      assert.match(again.html, /already complete/);
    });

    it('shows a payment complete page when the session has no success_url', async () => {
      const key = freshKey();
      const s = await insertSession(server, key, sessionFixture({ customer_email: 'buyer@example.com', success_url: null }), [lineItem('Lamp', 4000, 1)]);
      const csrf_token = csrfOf((await get(server, s.id)).html);
      const res = await post(server, s.id, {
        csrf_token, paymentMethod: 'card', cardNumber: '4242424242424242', cardExpiry: '12/34', cardCvc: '123',
        billingName: 'Jenny Rosen', billingCountry: 'FR',
      });
      assert.equal(res.status, 200);
      assert.match(res.html, /<h1>Payment complete<\/h1>/);
    });

    it('answers a decline with 402 and the decline message in the alert', async () => {
      const key = freshKey();
      const s = await insertSession(server, key, sessionFixture({ customer_email: 'buyer@example.com' }), [lineItem('Lamp', 4000, 1)]);
      const csrf_token = csrfOf((await get(server, s.id)).html);
      const res = await post(server, s.id, {
        csrf_token, paymentMethod: 'card', cardNumber: '4000 0000 0000 9995', cardExpiry: '12 / 34', cardCvc: '123',
        billingName: 'Jenny Rosen', billingCountry: 'US', billingPostalCode: '94102',
      });
      assert.equal(res.status, 402);
      assert.match(res.html, /role="alert"[^>]*>Your card has insufficient funds\.</);
      assert.equal(await sessionStatus(server, s.id), 'open');
    });

    it('answers other methods with 405 and an Allow header', async () => {
      const key = freshKey();
      const s = await insertSession(server, key, sessionFixture(), [lineItem('Lamp', 4000, 1)]);
      const res = await fetch(`${server.url}/c/pay/${s.id}`, { method: 'PUT', body: 'x' });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET, HEAD, POST');
    });
  });
}
