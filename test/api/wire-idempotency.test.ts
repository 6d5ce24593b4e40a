import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { assertMatchesSchema, assertStripeError } from '../helpers/contract.js';
import { STORES, freshKey, raw, startServer, type TestServer } from '../helpers/server.js';

function post(server: TestServer, path: string, body: string, key: string, idem?: string) {
  return raw(server.url, path, { method: 'POST', body, key, headers: idem ? { 'idempotency-key': idem } : {} });
}

for (const store of STORES) {
  describe(`wire protocol: Idempotency-Key (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('replays the first response byte for byte with Idempotent-Replayed: true', async () => {
      const key = freshKey();
      const idem = randomUUID();
      const first = await post(server, '/v1/customers', 'name=Once&metadata[a]=1', key, idem);
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      assertMatchesSchema('customer', first.body);
      const second = await post(server, '/v1/customers', 'name=Once&metadata[a]=1', key, idem);
      assert.equal(second.status, 200);
      assert.equal(second.text, first.text);
      assert.equal(second.headers.get('idempotent-replayed'), 'true');
      assert.equal(second.headers.get('original-request'), first.headers.get('request-id'));
      assert.notEqual(second.headers.get('request-id'), first.headers.get('request-id'));
      // Parameter order is not part of a request's identity.
      const reordered = await post(server, '/v1/customers', 'metadata[a]=1&name=Once', key, idem);
      assert.equal(reordered.text, first.text);
      assert.equal((await server.stripe(key).customers.list()).data.length, 1);
    });

    it('replays through the SDK: the same key returns the same customer', async () => {
      const stripe = server.stripe();
      const idempotencyKey = randomUUID();
      const a = await stripe.customers.create({ email: 'sdk@example.com' }, { idempotencyKey });
      const b = await stripe.customers.create({ email: 'sdk@example.com' }, { idempotencyKey });
      assert.equal(b.id, a.id);
      assert.equal(b.lastResponse.headers['idempotent-replayed'], 'true');
      assert.equal((await stripe.customers.list()).data.length, 1);
    });

    it('refuses the same key with a different body or path with 400 idempotency_error', async () => {
      const key = freshKey();
      const idem = randomUUID();
      const first = await post(server, '/v1/customers', 'name=A', key, idem);
      assert.equal(first.status, 200);
      for (const [path, body] of [['/v1/customers', 'name=B'], ['/v1/customers', 'name=A&email=a@example.com'], [`/v1/customers/${(first.body as { id: string }).id}`, 'name=A']]) {
        const res = await post(server, path as string, body as string, key, idem);
        assert.equal(res.status, 400, res.text);
        assertStripeError(res.body);
        assert.equal((res.body as { error: { type: string } }).error.type, 'idempotency_error');
        assert.match(res.headers.get('request-id') ?? '', /^req_/);
      }
      await assert.rejects(server.stripe(key).customers.create({ name: 'C' }, { idempotencyKey: idem }), (err: unknown) => {
        assert.ok(err instanceof Stripe.errors.StripeIdempotencyError);
        assert.equal(err.statusCode, 400);
        return true;
      });
      assert.equal((await server.stripe(key).customers.list()).data.length, 1);
    });

    it('scopes keys per account: another account reusing a key runs its own request', async () => {
      const idem = randomUUID();
      const a = await post(server, '/v1/customers', 'name=A', freshKey(), idem);
      const bKey = freshKey();
      const b = await post(server, '/v1/customers', 'name=B', bKey, idem);
      assert.equal(b.status, 200, b.text);
      assert.equal(b.headers.get('idempotent-replayed'), null);
      assert.notEqual((b.body as { id: string }).id, (a.body as { id: string }).id);
      const bAgain = await post(server, '/v1/customers', 'name=B', bKey, idem);
      assert.equal(bAgain.text, b.text);
    });

    it('runs 50 concurrent requests with one key once: every answer is the replay or a 409', async () => {
      const key = freshKey();
      const idem = randomUUID();
      const responses = await Promise.all(Array.from({ length: 50 }, () => post(server, '/v1/customers', 'name=Race&email=race@example.com', key, idem)));
      const ok = responses.filter((r) => r.status === 200);
      const conflicts = responses.filter((r) => r.status === 409);
      assert.equal(ok.length + conflicts.length, 50, `statuses: ${responses.map((r) => r.status).join(',')}`);
      assert.ok(ok.length >= 1);
      const bodies = new Set(ok.map((r) => r.text));
      assert.equal(bodies.size, 1, 'every 200 carries the same body');
      assert.equal(ok.filter((r) => r.headers.get('idempotent-replayed') !== 'true').length, 1, 'exactly one original');
      for (const c of conflicts) {
        assertStripeError(c.body);
        assert.equal((c.body as { error: { type: string } }).error.type, 'idempotency_error');
      }
      const list = await server.stripe(key).customers.list({ limit: 100 });
      assert.equal(list.data.length, 1, 'exactly one customer created');
      assert.equal(list.data[0]?.id, JSON.parse([...bodies][0] as string).id);
    });

    it('does not remember a request that failed authentication or validation', async () => {
      const key = freshKey();
      const idem = randomUUID();
      const invalid = await post(server, '/v1/customers', 'bogus=1', key, idem);
      assert.equal(invalid.status, 400);
      const missing = await post(server, '/v1/customers', 'test_clock=clock_nope', key, idem);
      assert.equal(missing.status, 404);
      const unauthenticated = await raw(server.url, '/v1/customers', { method: 'POST', body: 'name=X', key: 'pk_test_1', headers: { 'idempotency-key': idem } });
      assert.equal(unauthenticated.status, 401);
      const ok = await post(server, '/v1/customers', 'name=Valid', key, idem);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.headers.get('idempotent-replayed'), null);
      const replay = await post(server, '/v1/customers', 'name=Valid', key, idem);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.text, ok.text);
    });

    it('refuses an Idempotency-Key over 255 characters and ignores the header on GET', async () => {
      const key = freshKey();
      const res = await post(server, '/v1/customers', 'name=Long', key, 'k'.repeat(256));
      assert.equal(res.status, 400);
      assertStripeError(res.body);
      assert.equal((await server.stripe(key).customers.list()).data.length, 0);
      const idem = randomUUID();
      const g1 = await raw(server.url, '/v1/customers', { key, headers: { 'idempotency-key': idem } });
      await post(server, '/v1/customers', 'name=After', key);
      const g2 = await raw(server.url, '/v1/customers', { key, headers: { 'idempotency-key': idem } });
      assert.equal(g2.headers.get('idempotent-replayed'), null);
      assert.notEqual(g2.text, g1.text);
    });
  });
}
