import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { startReceiver, type Receiver } from '../events/receiver.js';
import { assertStripeError } from '../helpers/contract.js';
import { STORES, freshKey, raw, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Faults on demand (docs/decisions.md#faults-on-demand): the OpenCheckout-Fault header, the
 * per-account faults of /_admin/faults, the SDK's retries getting through them, a faulted call
 * writing nothing, the seed making the faults repeat, and webhook duplicates, late and failed
 * attempts.
 */

/** An SDK client with retries, and the SDK's 0.5 s first back-off shortened so the test stays quick. */
function retrying(server: TestServer, key: string, retries: number): Stripe {
  const u = new URL(server.url);
  const stripe = new Stripe(key, { host: u.hostname, port: Number(u.port), protocol: 'http', maxNetworkRetries: retries, telemetry: false });
  const tuned = stripe as unknown as { getInitialNetworkRetryDelay: () => number; getMaxNetworkRetryDelay: () => number };
  tuned.getInitialNetworkRetryDelay = () => 0.005;
  tuned.getMaxNetworkRetryDelay = () => 0.02;
  return stripe;
}

async function setFaults(server: TestServer, key: string, spec: unknown): Promise<Record<string, unknown>> {
  const res = await raw(server.url, '/_admin/faults', { method: 'POST', key, body: JSON.stringify(spec), headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 200, res.text);
  return res.body as Record<string, unknown>;
}

async function customerCount(stripe: Stripe): Promise<number> {
  return (await stripe.customers.list({ limit: 100 })).data.length;
}

for (const store of STORES) {
  describe(`faults on demand (${store})`, () => {
    let server: TestServer;
    const receivers: Receiver[] = [];
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_WEBHOOK_RETRY_SCHEDULE: '0.3', OPENCHECKOUT_WEBHOOK_MAX_ATTEMPTS: '30' } });
    });
    after(async () => {
      for (const r of receivers) await r.close();
      await server.close();
    });

    it('answers one call as its OpenCheckout-Fault header asks, writing nothing', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const post = (fault: string) =>
        raw(server.url, '/v1/customers', { method: 'POST', key, body: 'email=a%40example.com', headers: { 'OpenCheckout-Fault': fault, 'Idempotency-Key': `k-${fault}` } });

      const limited = await post('rate_limit');
      assert.equal(limited.status, 429);
      assertStripeError(limited.body);
      assert.deepEqual((limited.body as { error: { code: string; type: string } }).error.code, 'rate_limit');
      assert.equal(limited.headers.get('stripe-should-retry'), 'true');

      const failed = await post('api_error');
      assert.equal(failed.status, 500);
      assertStripeError(failed.body);
      assert.equal((failed.body as { error: { type: string } }).error.type, 'api_error');

      await assert.rejects(post('reset'), (err: Error & { cause?: { code?: string } }) => /fetch failed/.test(err.message));
      assert.equal(await customerCount(stripe), 0, 'no faulted call wrote anything');

      // The same Idempotency-Key again, without the fault: runs normally, as nothing was remembered.
      const retried = await raw(server.url, '/v1/customers', { method: 'POST', key, body: 'email=a%40example.com', headers: { 'Idempotency-Key': 'k-rate_limit' } });
      assert.equal(retried.status, 200, retried.text);
      assert.equal(retried.headers.get('idempotent-replayed'), null);

      const t0 = performance.now();
      const slow = await post('latency=300');
      assert.equal(slow.status, 200);
      assert.ok(performance.now() - t0 >= 290);
      assert.equal(await customerCount(stripe), 2);

      const bad = await post('teapot');
      assert.equal(bad.status, 400);
      assertStripeError(bad.body);
    });

    it('faults a share of an endpoint for the account, the SDK retries through 429, 500 and resets, and each create happens once', async () => {
      const key = freshKey();
      const spec = await setFaults(server, key, {
        seed: 1,
        api: [
          { error: 'reset', share: 0.25, path: '/v1/customers*' },
          { error: 'rate_limit', share: 0.25, method: 'POST', path: '/v1/customers' },
          { error: 'api_error', share: 0.25, method: 'POST', path: '/v1/customers' },
        ],
      });
      assert.equal(spec.seed, 1);
      assert.equal((await raw(server.url, '/_admin/faults', { key })).text, JSON.stringify(spec));

      // Without retries, some calls fail, and which ones follows from the seed.
      const pattern = async (): Promise<string> => {
        const bare = retrying(server, key, 0);
        let out = '';
        for (let i = 0; i < 12; i++) {
          try {
            await bare.customers.create({ email: `p${i}@example.com` }, { idempotencyKey: `pattern-${out.length}-${Math.random()}` });
            out += '.';
          } catch (err) {
            out += err instanceof Stripe.errors.StripeRateLimitError ? 'L' : err instanceof Stripe.errors.StripeAPIError ? 'E' : err instanceof Stripe.errors.StripeConnectionError ? 'R' : '?';
          }
        }
        return out;
      };
      const first = await pattern();
      assert.match(first, /L/);
      assert.match(first, /E/);
      assert.match(first, /R/);
      assert.match(first, /\./);
      assert.doesNotMatch(first, /\?/);
      const written = (first.match(/\./g) ?? []).length;
      // The same seed set again (counters restart) gives the same faults.
      await setFaults(server, key, spec);
      assert.equal(await pattern(), first);

      // With retries every create gets through once: the retries carry the same Idempotency-Key.
      await setFaults(server, key, spec);
      const stripe = retrying(server, key, 10);
      const made = [];
      for (let i = 0; i < 10; i++) made.push(await stripe.customers.create({ email: `r${i}@example.com` }));
      assert.equal(new Set(made.map((c) => c.id)).size, 10);
      await raw(server.url, '/_admin/faults', { method: 'DELETE', key });
      const all = await server.stripe(key).customers.list({ limit: 100 });
      assert.equal(all.data.length, 2 * written + 10);
      assert.equal(all.data.filter((c) => c.email?.startsWith('r')).length, 10);
    });

    it('sets, shows and clears faults with `opencheckout faults`', async () => {
      const key = freshKey();
      const cli = async (...args: string[]) =>
        (await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'faults', ...args, '--api-base', server.url, '--api-key', key])).stdout;
      const set = JSON.parse(await cli('api', 'rate_limit', '--method', 'POST', '--path', '/v1/customers', '--seed', '5')) as { seed: number; api: Array<{ error: string; share: number }> };
      assert.equal(set.seed, 5);
      assert.deepEqual(set.api.map((r) => [r.error, r.share]), [['rate_limit', 1]]);
      await cli('webhooks', '--duplicate', '0.5', '--late', '0.2:300');
      const shown = JSON.parse(await cli('show')) as { api: unknown[]; webhooks: { duplicate: number; late: { share: number; ms: number } } };
      assert.equal(shown.api.length, 1);
      assert.deepEqual(shown.webhooks.late, { share: 0.2, ms: 300 });
      const stripe = server.stripe(key);
      await assert.rejects(stripe.customers.create({ email: 'cli@example.com' }), Stripe.errors.StripeRateLimitError);
      assert.equal((await stripe.customers.list()).data.length, 0);
      await cli('clear');
      assert.match((await stripe.customers.create({ email: 'cli@example.com' })).id, /^cus_/);
    });

    it('refuses a malformed fault specification with a Stripe-shaped error', async () => {
      const key = freshKey();
      for (const spec of [{ api: [{ error: 'boom' }] }, { api: [{ error: 'rate_limit', share: 2 }] }, { webhooks: { late: { ms: -1 } } }, { surprise: 1 }]) {
        const res = await raw(server.url, '/_admin/faults', { method: 'POST', key, body: JSON.stringify(spec), headers: { 'content-type': 'application/json' } });
        assert.equal(res.status, 400, res.text);
        assertStripeError(res.body);
      }
      // A form in Stripe's bracket notation works as JSON does.
      const form = await raw(server.url, '/_admin/faults', { method: 'POST', key, body: 'seed=3&api[0][error]=latency&api[0][latency_ms]=5&webhooks[duplicate]=0.5' });
      assert.equal(form.status, 200, form.text);
      assert.deepEqual((form.body as { api: Array<{ error: string; latency_ms: number }> }).api.map((r) => [r.error, r.latency_ms]), [['latency', 5]]);
      const broken = await raw(server.url, '/_admin/faults', { method: 'POST', key, body: '{', headers: { 'content-type': 'application/json' } });
      assert.equal(broken.status, 400);
      assertStripeError(broken.body);
    });

    it('sends webhooks twice, late and failing for a while, as the account asks', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const receiver = await startReceiver();
      receivers.push(receiver);
      await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
      await setFaults(server, key, { seed: 3, webhooks: { duplicate: 1, late: { share: 0.5, ms: 1000 }, fail: { share: 1, for_seconds: 1 } } });
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push((await stripe.customers.create({ email: `w${i}@example.com` })).id);
      const events = (await stripe.events.list({ type: 'customer.created', limit: 100 })).data;
      assert.equal(events.length, 8);
      await waitFor(async () => {
        const pending = await Promise.all(events.map((e) => stripe.events.retrieve(e.id)));
        return pending.every((e) => e.pending_webhooks === 0);
      }, 20_000, 'every event delivered');
      const received = receiver.eventIds();
      // Each event twice (duplicate: 1), and nothing else.
      assert.deepEqual([...new Set(received)].sort(), events.map((e) => e.id).sort());
      for (const e of events) assert.equal(received.filter((id) => id === e.id).length, 2, e.id);
      // The attempts of the first second failed, then they got through.
      const attempts = await Promise.all(
        events.map(async (e) => (await raw(server.url, `/_admin/events/${e.id}/attempts`, { key })).body as { data: Array<{ attempt: number; error: string | null; status_code: number | null }> }),
      );
      const byAttempt = attempts.map((a) => [...a.data].sort((x, y) => x.attempt - y.attempt));
      assert.ok(byAttempt.some((a) => /fault/.test(a[0]?.error ?? '')), 'some first attempts failed by the fault');
      for (const a of byAttempt) assert.equal(a.at(-1)?.status_code, 200);
      // Late events were overtaken: the arrival order is not the order the events were created in.
      const createdOrder = [...events].sort((a, b) => a.created - b.created || ids.indexOf((a.data.object as Stripe.Customer).id) - ids.indexOf((b.data.object as Stripe.Customer).id)).map((e) => e.id);
      const firstArrivals = [...new Set(received)];
      assert.notDeepEqual(firstArrivals, createdOrder);
    });
  });
}
