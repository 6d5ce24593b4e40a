/**
 * Publishable keys and the sessions Stripe.js pays (docs/decisions.md#publishable-keys,
 * docs/decisions.md#embedded-checkout), through the SDK over real HTTP, with configured keys:
 * `pk_test_<suffix>` opens the account of the listed `sk_test_<suffix>`, on the routes Stripe
 * opens to a browser only; embedded and Elements sessions have a client_secret, no URL, and
 * Stripe's rules about return_url, success_url and cancel_url.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { assertMatchesSchema, assertStripeError } from '../helpers/contract.js';
import { STORES, raw, startServer, type TestServer } from '../helpers/server.js';

const SHOP_A = 'sk_test_embedShopA';
const SHOP_B = 'sk_test_embedShopB';
const PK_A = 'pk_test_embedShopA';
const PK_B = 'pk_test_embedShopB';
const PUBLISHABLE_REFUSAL =
  'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.';
const ITEMS = [{ price_data: { currency: 'usd', unit_amount: 1500, product_data: { name: 'Tote bag' } }, quantity: 1 }];

/** Asserts a raw Stripe error answer: its status and fields. */
function expectError(res: Awaited<ReturnType<typeof raw>>, status: number, fields: Record<string, string>): void {
  assert.equal(res.status, status, res.text.slice(0, 300));
  assertStripeError(res.body);
  const error = (res.body as { error: Record<string, unknown> }).error;
  for (const [k, v] of Object.entries(fields)) assert.equal(error[k], v, `error.${k}`);
}

/** Asserts that `p` is refused with a Stripe error of this class, status and fields. */
async function refused(p: Promise<unknown>, status: number, fields: { code?: string; param?: string; message?: string | RegExp }): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof Stripe.errors.StripeError, String(err));
    assert.equal(err.statusCode, status, err.message);
    if (fields.code) assert.equal(err.code, fields.code);
    if (fields.param) assert.equal(err.param, fields.param);
    if (typeof fields.message === 'string') assert.equal(err.message, fields.message);
    else if (fields.message) assert.match(err.message, fields.message);
    return true;
  });
}

for (const store of STORES) {
  describe(`publishable keys and embedded sessions (${store})`, () => {
    let server: TestServer;
    let a: Stripe;
    let b: Stripe;
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_API_KEYS: `${SHOP_A},${SHOP_B}` } });
      a = server.stripe(SHOP_A);
      b = server.stripe(SHOP_B);
    });
    after(() => server.close());

    it('a publishable key creates a PaymentMethod in the account of its secret key, and no other', async () => {
      const pm = await server.stripe(PK_A).paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
      assert.equal((await a.paymentMethods.retrieve(pm.id)).id, pm.id);
      await refused(b.paymentMethods.retrieve(pm.id), 404, { code: 'resource_missing' });
    });

    it('refuses a publishable key on secret-only routes with Stripe’s message, and one whose secret key is not configured', async () => {
      await refused(server.stripe(PK_A).customers.list(), 401, { message: PUBLISHABLE_REFUSAL });
      await refused(server.stripe(PK_A).checkout.sessions.create({ mode: 'payment', line_items: ITEMS, ui_mode: 'embedded_page', return_url: 'https://shop.example/r' }), 401, { message: PUBLISHABLE_REFUSAL });
      const res = await raw(server.url, '/v1/customers', { key: PK_A });
      expectError(res, 401, { type: 'invalid_request_error' });
      await refused(server.stripe('pk_test_notConfigured').paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } }), 401, { message: /^Invalid API Key provided: pk_test_/ });
    });

    it('creates an embedded session: client_secret, no url, return_url kept, the contract’s shape', async () => {
      const s = await a.checkout.sessions.create({ mode: 'payment', line_items: ITEMS, ui_mode: 'embedded_page', return_url: 'https://shop.example/return?session_id={CHECKOUT_SESSION_ID}' });
      assert.equal(s.ui_mode, 'embedded_page');
      assert.equal(s.url, null);
      assert.equal(s.success_url, null);
      assert.equal(s.return_url, 'https://shop.example/return?session_id={CHECKOUT_SESSION_ID}');
      assert.match(s.client_secret ?? '', new RegExp(`^${s.id}_secret_[A-Za-z0-9]+$`));
      assertMatchesSchema('checkout.session', s);
      assert.deepEqual(await a.checkout.sessions.retrieve(s.id), s);
      // The older name is taken and served under stripe-node 23's.
      const old = await a.checkout.sessions.create({ mode: 'payment', line_items: ITEMS, ui_mode: 'embedded' as 'embedded_page', return_url: 'https://shop.example/r' });
      assert.equal(old.ui_mode, 'embedded_page');
      // A hosted session keeps its URL and has no client_secret.
      const hosted = await a.checkout.sessions.create({ mode: 'payment', line_items: ITEMS, success_url: 'https://shop.example/ok' });
      assert.equal(hosted.client_secret, null);
      assert.equal(hosted.ui_mode, 'hosted_page');
      assert.match(hosted.url ?? '', /\/c\/pay\/cs_test_/);
    });

    it('refuses an embedded session without return_url, or with success_url / cancel_url, as Stripe does', async () => {
      const base = { mode: 'payment' as const, line_items: ITEMS, ui_mode: 'embedded_page' as const };
      await refused(a.checkout.sessions.create(base), 400, { code: 'parameter_missing', param: 'return_url' });
      await refused(a.checkout.sessions.create({ ...base, return_url: 'https://shop.example/r', success_url: 'https://shop.example/ok' }), 400, {
        param: 'success_url',
        message: "The following parameters are not supported with 'ui_mode: embedded_page': success_url.",
      });
      await refused(a.checkout.sessions.create({ ...base, return_url: 'https://shop.example/r', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/c' }), 400, {
        param: 'cancel_url',
        message: "The following parameters are not supported with 'ui_mode: embedded_page': cancel_url, success_url.",
      });
      await refused(a.checkout.sessions.create({ ...base, redirect_on_completion: 'never', return_url: 'https://shop.example/r' }), 400, { param: 'return_url' });
      const never = await a.checkout.sessions.create({ ...base, redirect_on_completion: 'never' });
      assert.equal(never.redirect_on_completion, 'never');
      assert.equal(never.return_url, undefined);
      assertMatchesSchema('checkout.session', never);
      for (const mode of ['always', 'if_required'] as const) {
        assert.equal((await a.checkout.sessions.create({ ...base, redirect_on_completion: mode, return_url: 'https://shop.example/r' })).redirect_on_completion, mode);
      }
    });

    it('creates an Elements session: client_secret and no url; it has no hosted page', async () => {
      const s = await a.checkout.sessions.create({ mode: 'payment', line_items: ITEMS, ui_mode: 'elements', return_url: 'https://shop.example/r' });
      assert.equal(s.ui_mode, 'elements');
      assert.equal(s.url, null);
      assert.match(s.client_secret ?? '', /_secret_/);
      assertMatchesSchema('checkout.session', s);
      assert.equal((await raw(server.url, `/c/pay/${s.id}`, { key: null })).status, 404);
      // What stripe-node 23 says an Elements session cannot take.
      await refused(
        a.checkout.sessions.create({ mode: 'payment', line_items: ITEMS, ui_mode: 'elements', return_url: 'https://shop.example/r', submit_type: 'donate', custom_text: { submit: { message: 'Hi' } } }),
        400,
        { param: 'custom_text', message: "The following parameters are not supported with 'ui_mode: elements': custom_text, submit_type." },
      );
    });

    it('a publishable key reads a session by its client_secret; a wrong secret or another account is refused', async () => {
      const s = await a.checkout.sessions.create({ mode: 'payment', line_items: ITEMS, ui_mode: 'embedded_page', return_url: 'https://shop.example/r' });
      const secret = encodeURIComponent(s.client_secret ?? '');
      const ok = await raw(server.url, `/v1/checkout/sessions/${s.id}?client_secret=${secret}`, { key: PK_A });
      assert.equal(ok.status, 200, ok.text);
      assert.equal((ok.body as { id: string }).id, s.id);
      const wrong = await raw(server.url, `/v1/checkout/sessions/${s.id}?client_secret=${s.id}_secret_nope`, { key: PK_A });
      expectError(wrong, 400, { type: 'invalid_request_error', param: 'client_secret' });
      expectError(await raw(server.url, `/v1/checkout/sessions/${s.id}`, { key: PK_A }), 400, { code: 'parameter_missing', param: 'client_secret' });
      expectError(await raw(server.url, `/v1/checkout/sessions/${s.id}?client_secret=${secret}`, { key: PK_B }), 404, { code: 'resource_missing' });
      // The embedded form refuses another account's key and a wrong secret.
      assert.equal((await raw(server.url, `/c/embed/${s.id}?client_secret=${secret}&pk=${PK_B}`, { key: null })).status, 403);
      assert.equal((await raw(server.url, `/c/embed/${s.id}?client_secret=${s.id}_secret_nope&pk=${PK_A}`, { key: null })).status, 403);
      const page = await raw(server.url, `/c/embed/${s.id}?client_secret=${secret}&pk=${PK_A}`, { key: null });
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors http: https:/);
      assert.equal(page.headers.get('x-frame-options'), null);
      assert.match(page.text, /id="cardNumber"/);
      // Back from a failed 3D Secure (which names the hosted page), the buyer is sent to the frame's page.
      const back = await fetch(`${server.url}/c/pay/${s.id}?authentication=failed`, { redirect: 'manual' });
      assert.equal(back.status, 303);
      assert.equal(back.headers.get('location'), `/c/embed/${s.id}?authentication=failed`);
      // Before completion, the end page sends the frame back to the form.
      const early = await fetch(`${server.url}/c/embed/${s.id}/done`, { redirect: 'manual' });
      assert.equal(early.status, 303);
      assert.equal(early.headers.get('location'), `/c/embed/${s.id}`);
      // The hosted page of a hosted session keeps refusing every frame.
      const hosted = await a.checkout.sessions.create({ mode: 'payment', line_items: ITEMS, success_url: 'https://shop.example/ok' });
      const hostedPage = await raw(server.url, `/c/pay/${hosted.id}`, { key: null });
      assert.match(hostedPage.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.equal(hostedPage.headers.get('x-frame-options'), 'DENY');
    });

    it('a publishable key reads and confirms a PaymentIntent with its client_secret only', async () => {
      const pi = await a.paymentIntents.create({ amount: 1000, currency: 'usd' });
      const ok = await raw(server.url, `/v1/payment_intents/${pi.id}?client_secret=${encodeURIComponent(pi.client_secret ?? '')}`, { key: PK_A });
      assert.equal(ok.status, 200, ok.text);
      assert.equal((ok.body as { id: string }).id, pi.id);
      expectError(await raw(server.url, `/v1/payment_intents/${pi.id}?client_secret=${pi.id}_secret_x`, { key: PK_A }), 400, {
        param: 'client_secret',
        message: 'The client_secret provided does not match the client_secret associated with the PaymentIntent.',
      });
      await refused(server.stripe(PK_A).paymentIntents.list(), 401, { message: PUBLISHABLE_REFUSAL });
      // Confirming with the publishable key: refused with a wrong secret (nothing changes), done with the right one.
      const confirm = (secret: string) => raw(server.url, `/v1/payment_intents/${pi.id}/confirm`, { method: 'POST', key: PK_A, body: `payment_method=pm_card_visa&client_secret=${encodeURIComponent(secret)}` });
      expectError(await confirm(`${pi.id}_secret_x`), 400, { param: 'client_secret' });
      assert.equal((await a.paymentIntents.retrieve(pi.id)).status, 'requires_payment_method');
      const done = await confirm(pi.client_secret ?? '');
      assert.equal(done.status, 200, done.text);
      assert.equal((done.body as { status: string }).status, 'succeeded');
      expectError(await raw(server.url, `/v1/payment_intents/${pi.id}/capture`, { method: 'POST', key: PK_A, body: '' }), 401, { type: 'invalid_request_error' });
    });

    it('serves the Stripe.js script at /v3/ and /v3 with a long cache and a JavaScript type', async () => {
      for (const path of ['/v3/', '/v3']) {
        const res = await raw(server.url, path, { key: null });
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
        assert.match(res.headers.get('cache-control') ?? '', /max-age=\d{6,}/);
        assert.match(res.text, /initEmbeddedCheckout/);
        assert.ok(res.text.includes(JSON.stringify(server.url)), 'the script knows the server it came from');
        assert.doesNotThrow(() => new Function(res.text), 'the script parses');
      }
    });
  });
}
