/**
 * What a front end calls with a publishable key, over real HTTP on both stores: card tokens
 * (docs/decisions.md#tokens), CORS on the routes a browser may call and never on the others
 * (docs/decisions.md#cors), the Checkout Elements SDK's session calls scoped to the session's
 * client_secret (docs/decisions.md#checkout-elements), and the shipping details and options a
 * merchant's server sets on an embedded or Elements session
 * (docs/decisions.md#shipping-details-from-the-server).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { STORES, freshKey, raw, startServer, type TestServer } from '../helpers/server.js';

const ITEMS = [{ price_data: { currency: 'usd', unit_amount: 1500, product_data: { name: 'Tote bag' } }, quantity: 2 }];
const ADDRESS = { line1: '1 Main St', city: 'Springfield', state: 'CA', postal_code: '94102', country: 'US' };

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();

for (const store of STORES) {
  describe(`front-end calls: tokens, CORS, Checkout Elements (${store})`, () => {
    let server: TestServer;
    let stripe: Stripe;
    let key: string;
    let pk: string;
    before(async () => {
      server = await startServer(store);
      key = freshKey();
      pk = key.replace(/^sk_/, 'pk_');
      stripe = server.stripe(key);
    });
    after(() => server.close());

    it('a publishable key makes a card token from a test number; it pays once as card[token] and is then used', async () => {
      const token = await server.stripe(pk).tokens.create({ card: { number: '4242424242424242', exp_month: '12', exp_year: '2034', cvc: '123', address_zip: '94102', name: 'Jenny Rosen' } });
      assert.match(token.id, /^tok_/);
      assert.deepEqual([token.object, token.type, token.used, token.livemode], ['token', 'card', false, false]);
      assert.deepEqual([token.card?.brand, token.card?.last4, token.card?.exp_month, token.card?.exp_year, token.card?.cvc_check, token.card?.address_zip_check, token.card?.name], ['Visa', '4242', 12, 2034, 'pass', 'pass', 'Jenny Rosen']);
      const pi = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', confirm: true, payment_method_data: { type: 'card', card: { token: token.id } } as Stripe.PaymentIntentCreateParams.PaymentMethodData });
      assert.equal(pi.status, 'succeeded');
      const pm = await stripe.paymentMethods.retrieve(pi.payment_method as string);
      assert.deepEqual([pm.card?.last4, pm.card?.fingerprint], ['4242', token.card?.fingerprint]);
      assert.equal((await stripe.tokens.retrieve(token.id)).used, true);
      await assert.rejects(stripe.paymentMethods.create({ type: 'card', card: { token: token.id } }), { statusCode: 400, code: 'token_already_used', param: 'card[token]' });
      // A secret key reads it; a publishable key may not.
      await assert.rejects(server.stripe(pk).tokens.retrieve(token.id), { statusCode: 401 });
    });

    it('a token keeps its test number’s behaviour; bad numbers and other token kinds are refused', async () => {
      const declined = await server.stripe(pk).tokens.create({ card: { number: '4000000000000002', exp_month: '12', exp_year: '34', cvc: '123' } });
      const pm = await server.stripe(pk).paymentMethods.create({ type: 'card', card: { token: declined.id } });
      await assert.rejects(stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: pm.id, confirm: true }), { code: 'card_declined' });
      await assert.rejects(server.stripe(pk).tokens.create({ card: { number: '4242424242424241', exp_month: '12', exp_year: '34' } }), { statusCode: 402, code: 'incorrect_number', param: 'card[number]' });
      await assert.rejects(server.stripe(pk).tokens.create({ bank_account: { country: 'US', currency: 'usd', account_number: '000123456789', routing_number: '110000000' } }), { statusCode: 400, param: 'bank_account' });
      await assert.rejects(server.stripe(pk).tokens.create({}), { statusCode: 400, code: 'parameter_missing', param: 'card' });
      // Another account has no such token.
      await assert.rejects(server.stripe(freshKey()).paymentMethods.create({ type: 'card', card: { token: declined.id } }), { statusCode: 404, param: 'card[token]' });
    });

    it('answers CORS preflights and requests for the routes a browser may call, and never for a secret key’s', async () => {
      const origin = { origin: 'https://shop.example' };
      for (const [method, path] of [['POST', '/v1/tokens'], ['POST', '/v1/payment_methods'], ['GET', '/v1/payment_intents/pi_x'], ['POST', '/v1/payment_pages/cs_x/checkout']] as const) {
        const pre = await raw(server.url, path, { method: 'OPTIONS', key: null, headers: { ...origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' } });
        assert.equal(pre.status, 204, `${method} ${path}`);
        assert.equal(pre.headers.get('access-control-allow-origin'), '*');
        assert.equal(pre.headers.get('access-control-allow-methods'), method);
        assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Authorization/);
      }
      for (const [method, path] of [['GET', '/v1/customers'], ['POST', '/v1/checkout/sessions'], ['GET', '/v1/tokens/tok_x'], ['POST', '/v1/refunds']] as const) {
        const pre = await raw(server.url, path, { method: 'OPTIONS', key: null, headers: { ...origin, 'access-control-request-method': method } });
        assert.equal(pre.status, 403, `${method} ${path}`);
        assert.equal(pre.headers.get('access-control-allow-origin'), null);
      }
      // An OPTIONS that is no preflight goes through the API as any other method.
      assert.equal((await raw(server.url, '/v1/customers', { method: 'OPTIONS', key })).status, 404);
      const made = await raw(server.url, '/v1/tokens', { method: 'POST', key: pk, headers: origin, body: form({ 'card[number]': '4242424242424242', 'card[exp_month]': '12', 'card[exp_year]': '34' }) });
      assert.equal(made.status, 200);
      assert.equal(made.headers.get('access-control-allow-origin'), '*');
      assert.match(made.headers.get('access-control-expose-headers') ?? '', /Request-Id/);
      // An error of an open route is readable too; a secret route's answer carries no CORS header.
      const bad = await raw(server.url, '/v1/tokens', { method: 'POST', key: pk, headers: origin, body: '' });
      assert.equal(bad.status, 400);
      assert.equal(bad.headers.get('access-control-allow-origin'), '*');
      const list = await raw(server.url, '/v1/customers', { key, headers: origin });
      assert.equal(list.status, 200);
      assert.equal(list.headers.get('access-control-allow-origin'), null);
    });

    async function elementsSession(params: Partial<Stripe.Checkout.SessionCreateParams> = {}): Promise<Stripe.Checkout.Session> {
      return stripe.checkout.sessions.create({ mode: 'payment', ui_mode: 'elements', line_items: ITEMS, return_url: 'https://shop.example/return?session_id={CHECKOUT_SESSION_ID}', ...params } as Stripe.Checkout.SessionCreateParams);
    }

    const view = (s: Stripe.Checkout.Session, secret = s.client_secret as string) => raw(server.url, `/v1/payment_pages/${s.id}/checkout?client_secret=${encodeURIComponent(secret)}`, { key: pk });
    const change = (s: Stripe.Checkout.Session, body: Record<string, string>, secret = s.client_secret as string) =>
      raw(server.url, `/v1/payment_pages/${s.id}/checkout`, { method: 'POST', key: pk, body: form({ client_secret: secret, ...body }) });

    it('serves an Elements session as Stripe.js shows it, to its client_secret only', async () => {
      const s = await elementsSession({ customer_email: 'buyer@example.com' });
      const res = await view(s);
      assert.equal(res.status, 200, res.text);
      const v = res.body as Record<string, any>;
      assert.equal(v.id, s.id);
      assert.deepEqual(v.status, { type: 'open' });
      assert.equal(v.email, 'buyer@example.com');
      assert.deepEqual(v.total.total, { minorUnitsAmount: 3000, amount: '$30.00' });
      assert.equal(v.minorUnitsAmountDivisor, 100);
      assert.deepEqual(v.lineItems.map((li: any) => [li.name, li.quantity, li.unitAmount.minorUnitsAmount, li.total.minorUnitsAmount]), [['Tote bag', 2, 1500, 3000]]);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      const wrong = await view(s, `${s.id}_secret_wrong`);
      assert.equal(wrong.status, 400);
      assert.equal((wrong.body as any).error.param, 'client_secret');
      assert.equal((await raw(server.url, `/v1/payment_pages/${s.id}/checkout`, { key: pk })).status, 400, 'no client_secret');
      const other = await raw(server.url, `/v1/payment_pages/${s.id}/checkout?client_secret=${s.client_secret}`, { key: freshKey().replace(/^sk_/, 'pk_') });
      assert.equal(other.status, 404);
      // An embedded session is not an Elements one.
      const embedded = await stripe.checkout.sessions.create({ mode: 'payment', ui_mode: 'embedded_page', line_items: ITEMS, return_url: 'https://shop.example/r' });
      const refused = await view(embedded);
      assert.equal(refused.status, 400);
      assert.match((refused.body as any).error.message, /ui_mode: elements/);
    });

    it('serves the Payment Element’s frame to the session’s client_secret and account only, framable, and no other page of the session', async () => {
      const s = await elementsSession();
      const secret = s.client_secret as string;
      const get = (path: string) => fetch(server.url + path, { redirect: 'manual' });
      const page = await get(`/c/element/${s.id}?client_secret=${secret}&pk=${pk}`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors http: https:/);
      assert.match(html, /id="cardNumber"/);
      assert.match(html, /data-oc-element/);
      assert.doesNotMatch(html, /hosted-payment-submit-button/, 'the merchant’s page has the button');
      // The bank forms of the session's types are the hosted page's too.
      const banks = await elementsSession({ payment_method_types: ['card', 'us_bank_account'] } as Partial<Stripe.Checkout.SessionCreateParams>);
      const bankHtml = await (await get(`/c/element/${banks.id}?client_secret=${banks.client_secret}&pk=${pk}`)).text();
      assert.match(bankHtml, /data-testid="us_bank_account-accordion-item"/);
      assert.match(bankHtml, /id="routingNumber"/);
      assert.equal((await get(`/c/element/${s.id}?client_secret=${s.id}_secret_nope&pk=${pk}`)).status, 403);
      assert.equal((await get(`/c/element/${s.id}?client_secret=${secret}&pk=${freshKey().replace(/^sk_/, 'pk_')}`)).status, 403);
      assert.equal((await get(`/c/pay/${s.id}`)).status, 404);
      const back = await get(`/c/pay/${s.id}?authentication=failed`);
      assert.deepEqual([back.status, back.headers.get('location')], [303, `/c/element/${s.id}?authentication=failed`]);
      const early = await get(`/c/element/${s.id}/done`);
      assert.deepEqual([early.status, early.headers.get('location')], [303, `/c/element/${s.id}`]);
      // An embedded session is not shown as an element, nor an element as an embedded form.
      const embedded = await stripe.checkout.sessions.create({ mode: 'payment', ui_mode: 'embedded_page', line_items: ITEMS, return_url: 'https://shop.example/r' });
      assert.equal((await get(`/c/element/${embedded.id}?client_secret=${embedded.client_secret}`)).status, 404);
      assert.equal((await get(`/c/embed/${s.id}?client_secret=${secret}`)).status, 404);
    });

    it('takes the buyer’s email, shipping address, promotion code and shipping rate through Checkout’s rules', async () => {
      const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'once', name: 'Ten off' });
      await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'TENOFF' } as Stripe.PromotionCodeCreateParams);
      const s = await elementsSession({
        allow_promotion_codes: true,
        shipping_address_collection: { allowed_countries: ['US', 'CA'] },
        shipping_options: [
          { shipping_rate_data: { type: 'fixed_amount', display_name: 'Ground', fixed_amount: { amount: 500, currency: 'usd' } } },
          { shipping_rate_data: { type: 'fixed_amount', display_name: 'Express', fixed_amount: { amount: 1500, currency: 'usd' } } },
        ],
      });
      let res = await change(s, { email: 'jenny@example.com' });
      assert.equal((res.body as any).email, 'jenny@example.com');
      res = await change(s, { email: 'not-an-email' });
      assert.equal(res.status, 400);
      assert.equal((res.body as any).error.code, 'email_invalid');
      res = await change(s, { 'shipping_address[name]': 'Jenny Rosen', ...Object.fromEntries(Object.entries(ADDRESS).map(([k, v]) => [`shipping_address[address][${k}]`, v])) });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual((res.body as any).shippingAddress, { name: 'Jenny Rosen', address: { country: 'US', line1: '1 Main St', line2: null, city: 'Springfield', postal_code: '94102', state: 'CA' } });
      assert.equal((await stripe.checkout.sessions.retrieve(s.id)).collected_information?.shipping_details?.name, 'Jenny Rosen');
      res = await change(s, { 'shipping_address[name]': 'J', 'shipping_address[address][country]': 'FR' });
      assert.equal(res.status, 400);
      res = await change(s, { promotion_code: 'NOPE' });
      assert.equal(res.status, 404, 'no such promotion code');
      assert.equal((res.body as any).error.param, 'promotion_code');
      res = await change(s, { promotion_code: 'TENOFF' });
      const v = res.body as Record<string, any>;
      assert.deepEqual([v.discountAmounts[0].displayName, v.discountAmounts[0].promotionCode, v.total.discount.minorUnitsAmount, v.total.total.minorUnitsAmount], ['Ten off', 'TENOFF', 300, 3200]);
      assert.deepEqual(v.shippingOptions.map((o: any) => [o.displayName, o.minorUnitsAmount]), [['Ground', 500], ['Express', 1500]]);
      res = await change(s, { shipping_rate: v.shippingOptions[1].id });
      assert.deepEqual([(res.body as any).shipping.shippingOption.displayName, (res.body as any).total.total.minorUnitsAmount], ['Express', 4200]);
      res = await change(s, { promotion_code: '' });
      assert.deepEqual([(res.body as any).discountAmounts, (res.body as any).total.total.minorUnitsAmount], [null, 4500]);
      const stored = await stripe.checkout.sessions.retrieve(s.id);
      assert.equal(stored.amount_total, 4500);
    });

    it('a merchant’s server sets the shipping details and options of an embedded session; the buyer cannot when it is server_only', async () => {
      const s = await stripe.checkout.sessions.create({
        mode: 'payment', ui_mode: 'embedded_page', line_items: ITEMS, return_url: 'https://shop.example/r',
        shipping_address_collection: { allowed_countries: ['US'] }, permissions: { update_shipping_details: 'server_only' },
      } as Stripe.Checkout.SessionCreateParams);
      const updated = await stripe.checkout.sessions.update(s.id, {
        collected_information: { shipping_details: { name: 'Jenny Rosen', address: ADDRESS } },
        shipping_options: [{ shipping_rate_data: { type: 'fixed_amount', display_name: 'Courier', fixed_amount: { amount: 700, currency: 'usd' } } }],
      } as Stripe.Checkout.SessionUpdateParams);
      assert.equal(updated.collected_information?.shipping_details?.address.city, 'Springfield');
      assert.equal(updated.shipping_options.length, 1);
      assert.equal(updated.shipping_cost?.amount_total, 700);
      assert.equal(updated.amount_total, 3700);
      const cleared = await stripe.checkout.sessions.update(s.id, { shipping_options: '' } as unknown as Stripe.Checkout.SessionUpdateParams);
      assert.deepEqual([cleared.shipping_options, cleared.amount_total], [[], 3000]);
      // A hosted session's shipping is the buyer's.
      const hosted = await stripe.checkout.sessions.create({ mode: 'payment', line_items: ITEMS, success_url: 'https://shop.example/ok' });
      await assert.rejects(stripe.checkout.sessions.update(hosted.id, { collected_information: { shipping_details: { name: 'J', address: ADDRESS } } } as Stripe.Checkout.SessionUpdateParams), { statusCode: 400, param: 'collected_information' });
      // The buyer of an Elements server_only session cannot set it from the page.
      const el = await elementsSession({ shipping_address_collection: { allowed_countries: ['US'] }, permissions: { update_shipping_details: 'server_only' } } as Stripe.Checkout.SessionCreateParams);
      const res = await change(el, { 'shipping_address[name]': 'J', 'shipping_address[address][country]': 'US' });
      assert.equal(res.status, 400);
      assert.match((res.body as any).error.message, /server_only/);
    });
  });
}
