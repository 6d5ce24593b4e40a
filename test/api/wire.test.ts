import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { bool, parseParams } from '../../src/api/params.js';
import { parseForm } from '../../src/api/form.js';
import { assertMatchesSchema, assertStripeError } from '../helpers/contract.js';
import { STORES, freshKey, raw, startServer, type TestServer } from '../helpers/server.js';

type RawResponse = Awaited<ReturnType<typeof raw>>;
const REQUEST_ID = /^req_[A-Za-z0-9]{24}$/;

/** Asserts a Stripe error body with the given status and fields, and a Request-Id header. */
export function expectError(res: RawResponse, status: number, fields: { type?: string; code?: string; param?: string } = {}): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text.slice(0, 300)}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.match(res.headers.get('request-id') ?? '', REQUEST_ID);
  assertStripeError(res.body);
  const error = (res.body as { error: Record<string, unknown> }).error;
  assert.equal(typeof error.message, 'string');
  for (const [k, v] of Object.entries(fields)) assert.equal(error[k], v, `error.${k}`);
}

for (const store of STORES) {
  describe(`wire protocol: auth, URLs, encoding (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('refuses a request without a key with 401 invalid_request_error', async () => {
      const res = await raw(server.url, '/v1/customers', { key: null });
      expectError(res, 401, { type: 'invalid_request_error' });
      assert.match((res.body as { error: { message: string } }).error.message, /You did not provide an API key/);
    });

    it('refuses malformed keys and unknown auth schemes with 401', async () => {
      for (const authorization of ['Bearer nope', 'Bearer sk_test_', 'Bearer sk_test_bad-char', 'Bearer sk_live_123', 'Token sk_test_123', 'Bearer', 'Basic !!!!']) {
        expectError(await raw(server.url, '/v1/customers', { key: null, headers: { authorization } }), 401, { type: 'invalid_request_error' });
      }
      await assert.rejects(server.stripe('sk_test_bad-char').customers.list(), (err: unknown) => {
        assert.ok(err instanceof Stripe.errors.StripeAuthenticationError);
        assert.equal(err.statusCode, 401);
        assert.equal(err.type, 'StripeAuthenticationError');
        return true;
      });
    });

    it('refuses a publishable key on a secret endpoint with 401 invalid_request_error', async () => {
      const res = await raw(server.url, '/v1/customers', { key: 'pk_test_123' });
      expectError(res, 401, { type: 'invalid_request_error' });
      assert.match((res.body as { error: { message: string } }).error.message, /publishable API key/);
      await assert.rejects(server.stripe('pk_test_abc').customers.create({ name: 'x' }), (err: unknown) => {
        assert.ok(err instanceof Stripe.errors.StripeAuthenticationError);
        assert.equal(err.raw && (err.raw as { type?: string }).type, 'invalid_request_error');
        return true;
      });
    });

    it('accepts HTTP Basic auth with the key as user, on the same account as Bearer', async () => {
      const key = freshKey();
      const basic = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
      const created = await raw(server.url, '/v1/customers', { method: 'POST', body: 'name=Basic', key: null, headers: { authorization: basic } });
      assert.equal(created.status, 200, created.text);
      assertMatchesSchema('customer', created.body);
      const id = (created.body as { id: string }).id;
      const viaBearer = await server.stripe(key).customers.retrieve(id);
      assert.equal((viaBearer as Stripe.Customer).name, 'Basic');
      const noColon = `Basic ${Buffer.from(key).toString('base64')}`;
      assert.equal((await raw(server.url, `/v1/customers/${id}`, { key: null, headers: { authorization: noColon } })).status, 200);
    });

    it('puts a unique Request-Id on every response: success, errors, unknown URLs and non-API paths', async () => {
      const key = freshKey();
      const responses = [
        await raw(server.url, '/v1/customers', { key }),
        await raw(server.url, '/v1/customers', { method: 'POST', body: 'bogus=1', key }),
        await raw(server.url, '/v1/customers', { key: null }),
        await raw(server.url, '/v1/customers/cus_nope', { key }),
        await raw(server.url, '/v1/nope', { key }),
        await raw(server.url, '/nope', { key }),
        await raw(server.url, '/v1/customers', { method: 'POST', body: 'name=' + 'x'.repeat(1024 * 1024), key }),
      ];
      const ids = responses.map((r) => r.headers.get('request-id') ?? '');
      for (const id of ids) assert.match(id, REQUEST_ID);
      assert.equal(new Set(ids).size, ids.length);
      const sdkCustomer = await server.stripe(key).customers.create({ name: 'x' });
      assert.match(sdkCustomer.lastResponse.requestId, REQUEST_ID);
    });

    it('answers an unknown URL or method with a 404 Stripe error in JSON, never HTML', async () => {
      const key = freshKey();
      const cases: Array<[string, string]> = [
        ['GET', '/v1/nope'],
        ['POST', '/v1/customers/cus_1/nope'],
        ['PUT', '/v1/customers'],
        ['PATCH', '/v1/customers/cus_1'],
        ['GET', '/v1'],
        ['GET', '/'],
        ['GET', '/v1/customers/%FF'],
      ];
      for (const [method, path] of cases) {
        const res = await raw(server.url, path, { method, key });
        expectError(res, 404, { type: 'invalid_request_error' });
        assert.match((res.body as { error: { message: string } }).error.message, /Unrecognized request URL/);
      }
      await assert.rejects(
        server.stripe(key).rawRequest('GET', '/v1/unknown_things'),
        (err: unknown) => err instanceof Stripe.errors.StripeInvalidRequestError && err.statusCode === 404,
      );
    });

    it('answers a body over 1 MB with 413 in Stripe’s error shape and keeps serving', async () => {
      const key = freshKey();
      const res = await raw(server.url, '/v1/customers', { method: 'POST', body: 'name=' + 'x'.repeat(1024 * 1024 + 1), key });
      expectError(res, 413, { type: 'invalid_request_error' });
      await assert.rejects(server.stripe(key).customers.create({ description: 'y'.repeat(1100 * 1024) }), (err: unknown) => {
        assert.ok(err instanceof Stripe.errors.StripeError);
        assert.equal(err.statusCode, 413);
        return true;
      });
      assert.equal((await server.stripe(key).customers.list()).data.length, 0, 'nothing stored');
      const ok = await raw(server.url, '/v1/customers', { method: 'POST', body: 'name=' + 'x'.repeat(200), key });
      assert.equal(ok.status, 200);
    });

    it('refuses invalid UTF-8, malformed percent-encoding and NUL with 400, in bodies and query strings', async () => {
      const key = freshKey();
      const bodies: Array<string | Buffer> = [
        Buffer.concat([Buffer.from('name='), Buffer.from([0xff, 0xfe, 0x41])]),
        Buffer.concat([Buffer.from('name='), Buffer.from([0xed, 0xa0, 0x80])]),
        'name=%E0%A4%A',
        'name=%zz',
        'name=%FF',
        'name=%C3%28',
        'name=a%00b',
        'metadata[%00]=1',
      ];
      for (const body of bodies) {
        expectError(await raw(server.url, '/v1/customers', { method: 'POST', body, key }), 400, { type: 'invalid_request_error' });
      }
      for (const query of ['email=%FF', 'email=%', 'email=%E2%82', 'email=a%00']) {
        expectError(await raw(server.url, `/v1/customers?${query}`, { key }), 400, { type: 'invalid_request_error' });
      }
      assert.equal((await server.stripe(key).customers.list()).data.length, 0);
      const unicode = await server.stripe(key).customers.create({ name: 'Zoë 山田 🚀', metadata: { 'ключ': 'значение' } });
      assert.equal(unicode.name, 'Zoë 山田 🚀');
      assert.deepEqual(unicode.metadata, { 'ключ': 'значение' });
    });

    it('refuses nesting deeper than the limit and more parameters than the limit with 400', async () => {
      const key = freshKey();
      const deep = 'metadata' + '[a]'.repeat(9) + '=1';
      expectError(await raw(server.url, '/v1/customers', { method: 'POST', body: deep, key }), 400, { type: 'invalid_request_error' });
      expectError(await raw(server.url, `/v1/customers?${deep}`, { key }), 400, { type: 'invalid_request_error' });
      const many = Array.from({ length: 2001 }, (_, i) => `metadata[k${i}]=v`).join('&');
      expectError(await raw(server.url, '/v1/customers', { method: 'POST', body: many, key }), 400, { type: 'invalid_request_error' });
      const manyArray = Array.from({ length: 2001 }, () => 'preferred_locales[]=en').join('&');
      expectError(await raw(server.url, '/v1/customers', { method: 'POST', body: manyArray, key }), 400);
      // Inside the parser's limits, Stripe's own limits still apply.
      const fiftyOne = Array.from({ length: 51 }, (_, i) => `metadata[k${i}]=v`).join('&');
      expectError(await raw(server.url, '/v1/customers', { method: 'POST', body: fiftyOne, key }), 400, { param: 'metadata' });
      const allowedDepth = 'shipping[address][line1]=1&shipping[name]=n';
      assert.equal((await raw(server.url, '/v1/customers', { method: 'POST', body: allowedDepth, key })).status, 200);
      assert.equal((await server.stripe(key).customers.list()).data.length, 1);
    });

    it('refuses wrong types with 400 naming the param', async () => {
      const key = freshKey();
      const cases: Array<[string, string, string]> = [
        ['email[]=a@example.com', 'email', 'parameter_invalid_string'],
        ['name[first]=Jenny', 'name', 'parameter_invalid_string'],
        ['name=a&name=b', 'name', 'parameter_invalid_string'],
        ['address=somewhere', 'address', 'parameter_invalid_object'],
        ['address[]=x', 'address[0]', 'parameter_unknown'],
        ['metadata=x', 'metadata', 'parameter_invalid_object'],
        ['metadata[k][x]=y', 'metadata[k]', 'parameter_invalid_string'],
        ['preferred_locales=en', 'preferred_locales', 'parameter_invalid_array'],
        ['preferred_locales[a]=en', 'preferred_locales', 'parameter_invalid_array'],
        ['preferred_locales[0][x]=en', 'preferred_locales[0]', 'parameter_invalid_string'],
        ['balance=1.5', 'balance', 'parameter_invalid_integer'],
        ['balance[]=1', 'balance', 'parameter_invalid_string'],
        ['tax_exempt=maybe', 'tax_exempt', 'parameter_invalid_string'],
        ['invoice_settings=x', 'invoice_settings', 'parameter_invalid_object'],
      ];
      for (const [body, param, code] of cases) {
        const res = await raw(server.url, '/v1/customers', { method: 'POST', body, key });
        expectError(res, 400, { type: 'invalid_request_error', param, code });
      }
      for (const [query, param] of [['limit[]=1', 'limit'], ['limit=ten', 'limit'], ['email[x]=a', 'email'], ['created[gte][x]=1', 'created[gte]']]) {
        expectError(await raw(server.url, `/v1/customers?${query}`, { key }), 400, { param });
      }
      await assert.rejects(server.stripe(key).customers.create({ name: ['a', 'b'] as never }), (err: unknown) => {
        assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError);
        assert.equal(err.param, 'name');
        return true;
      });
      assert.equal((await server.stripe(key).customers.list()).data.length, 0);
    });

    it('reads indexed keys as Stripe does: metadata[0] is a key, a[0]/a[] are arrays', async () => {
      const key = freshKey();
      const body = 'metadata[0]=zero&metadata[5000]=big&preferred_locales[1]=fr&preferred_locales[0]=en&preferred_locales[10]=de';
      const res = await raw(server.url, '/v1/customers', { method: 'POST', body, key });
      assert.equal(res.status, 200, res.text);
      const c = res.body as Stripe.Customer;
      assert.deepEqual(c.metadata, { 0: 'zero', 5000: 'big' });
      assert.deepEqual(c.preferred_locales, ['en', 'fr', 'de']);
      const brackets = await raw(server.url, '/v1/customers', { method: 'POST', body: 'preferred_locales[]=en&preferred_locales[]=fr&metadata[constructor]=c&metadata[toString]=t', key });
      assert.equal(brackets.status, 200, brackets.text);
      assert.deepEqual((brackets.body as Stripe.Customer).preferred_locales, ['en', 'fr']);
      assert.deepEqual((brackets.body as Stripe.Customer).metadata, { constructor: 'c', toString: 't' });
      const sdk = await server.stripe(key).customers.create({ preferred_locales: ['ja', 'en'], metadata: { '7': 'seven' } });
      assert.deepEqual(sdk.preferred_locales, ['ja', 'en']);
      assert.deepEqual(sdk.metadata, { 7: 'seven' });
      assertMatchesSchema('customer', sdk);
    });

    it('reads form booleans case-insensitively, over HTTP and in the param parser', async () => {
      const key = freshKey();
      const off = await raw(server.url, '/v1/products', { method: 'POST', body: 'name=Off&active=False', key });
      assert.equal(off.status, 200, off.text);
      assert.equal((off.body as { active: boolean }).active, false);
      const on = await raw(server.url, '/v1/products', { method: 'POST', body: 'name=On&active=TRUE', key });
      assert.equal((on.body as { active: boolean }).active, true);
      expectError(await raw(server.url, '/v1/products', { method: 'POST', body: 'name=X&active=yes', key }), 400, { param: 'active', code: 'parameter_invalid_boolean' });
      const shape = { flag: bool() };
      for (const [text, value] of [['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['fAlSe', false]] as const) {
        assert.equal(parseParams(shape, parseForm(`flag=${text}`)).flag, value);
      }
    });


    it('expands nullable references, refuses fields that cannot be expanded, and expands data.x on lists', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const c = await stripe.customers.create({ email: 'expand@example.com' });
      const got = (await stripe.customers.retrieve(c.id, { expand: ['invoice_settings.default_payment_method'] })) as Stripe.Customer;
      assert.equal(got.invoice_settings.default_payment_method, null);
      assertMatchesSchema('customer', got);
      for (const path of ['email', 'nope', 'constructor', '__proto__', 'invoice_settings.nope', 'a.b.c.d.e']) {
        await assert.rejects(stripe.customers.retrieve(c.id, { expand: [path] }), (err: unknown) => {
          assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError, String(err));
          assert.equal(err.statusCode, 400);
          assert.equal(err.param, 'expand');
          return true;
        });
      }
      const list = await stripe.customers.list({ expand: ['data.invoice_settings.default_payment_method'] });
      assert.equal(list.data.length, 1);
      assert.equal(list.data[0]?.invoice_settings.default_payment_method, null);
      await assert.rejects(stripe.customers.list({ expand: ['data.email'] }), { statusCode: 400, param: 'expand' });
      await assert.rejects(stripe.customers.list({ expand: ['email'] }), { statusCode: 400, param: 'expand' });
      expectError(await raw(server.url, `/v1/customers/${c.id}?expand=email`, { key }), 400, { param: 'expand' });
      expectError(await raw(server.url, `/v1/customers/${c.id}?expand[0]=email`, { key }), 400, { param: 'expand' });
      assert.equal((await raw(server.url, `/v1/customers/${c.id}?expand[0]=invoice_settings.default_payment_method`, { key })).status, 200);
    });

    it('expands invoice_settings.default_payment_method into the PaymentMethod, on retrieve and on lists', async () => {
      const stripe = server.stripe();
      const c = await stripe.customers.create({ email: 'pm@example.com' });
      const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: c.id });
      await stripe.customers.update(c.id, { invoice_settings: { default_payment_method: pm.id } });
      const got = (await stripe.customers.retrieve(c.id, { expand: ['invoice_settings.default_payment_method'] })) as Stripe.Customer;
      const expanded = got.invoice_settings.default_payment_method as Stripe.PaymentMethod;
      assert.equal(expanded.id, pm.id);
      assert.equal(expanded.object, 'payment_method');
      assertMatchesSchema('payment_method', expanded);
      const list = await stripe.customers.list({ expand: ['data.invoice_settings.default_payment_method'] });
      assert.equal((list.data[0]?.invoice_settings.default_payment_method as Stripe.PaymentMethod).id, pm.id);
    });
  });

  describe(`wire protocol: strict key mode (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_API_KEYS: 'sk_test_alpha, sk_test_beta_2' } });
    });
    after(() => server.close());

    it('accepts only configured keys, each on its own account', async () => {
      const alpha = await server.stripe('sk_test_alpha').customers.create({ name: 'alpha' });
      await assert.rejects(server.stripe('sk_test_beta_2').customers.retrieve(alpha.id), { statusCode: 404, code: 'resource_missing' });
      await assert.rejects(server.stripe('sk_test_gamma').customers.list(), (err: unknown) => {
        assert.ok(err instanceof Stripe.errors.StripeAuthenticationError);
        assert.equal(err.statusCode, 401);
        return true;
      });
      const res = await raw(server.url, '/v1/customers', { key: 'sk_test_unknown123' });
      expectError(res, 401, { type: 'invalid_request_error' });
      assert.match((res.body as { error: { message: string } }).error.message, /^Invalid API Key provided: sk_test_\*+n123$/);
      assert.ok(!res.text.includes('sk_test_unknown123'), 'the key is masked in the message');
      const basic = `Basic ${Buffer.from('sk_test_beta_2:').toString('base64')}`;
      assert.equal((await raw(server.url, '/v1/customers', { key: null, headers: { authorization: basic } })).status, 200);
    });
  });
}
