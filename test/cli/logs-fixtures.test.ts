/**
 * `opencheckout logs tail` and `opencheckout fixtures` as child processes against a running server
 * on both stores,
 * with real Stripe CLI fixtures files (test/fixtures/: one of stripe-cli's own trigger fixtures,
 * and a stripe-samples style seed of products and prices with lookup keys), and
 * `OPENCHECKOUT_FIXTURES` loaded once across restarts on both stores
 * (docs/decisions.md#request-log, docs/decisions.md#fixtures).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { freshPgDatabase } from '../helpers/pg.js';
import { STORES, freshKey, raw, sdk, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const BIN = path.resolve('bin/opencheckout.js');
const SEED = path.resolve('test/fixtures/sample-seed.json');
const SUBSCRIPTION = path.resolve('test/fixtures/customer.subscription.created.json');
const run = promisify(execFile);

for (const store of STORES) {
  describe(`opencheckout fixtures and logs tail (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    const cli = (key: string, args: string[], env: Record<string, string> = {}) =>
      run(process.execPath, [BIN, ...args], { env: { ...process.env, OPENCHECKOUT_API_BASE: server.url, STRIPE_API_KEY: key, ...env }, timeout: 60_000 });

    it('runs stripe-cli’s own customer.subscription.created fixture unchanged', async () => {
      const key = freshKey();
      const { stdout } = await cli(key, ['fixtures', SUBSCRIPTION]);
      assert.match(stdout, /Setting up fixture for: customer\nRunning fixture for: customer/);
      assert.match(stdout, /Running fixture for: subscription/);
      const stripe = sdk(server.url, key);
      const subs = await stripe.subscriptions.list();
      assert.equal(subs.data.length, 1);
      const sub = subs.data[0];
      assert.equal(sub?.items.data[0]?.price.unit_amount, 1500);
      assert.equal(sub?.items.data[0]?.price.recurring?.interval, 'month');
      const customer = await stripe.customers.retrieve(sub?.customer as string);
      assert.equal((customer as { description: string }).description, '(created by Stripe CLI)');
      assert.ok((customer as { invoice_settings: { default_payment_method: string } }).invoice_settings.default_payment_method);
    });

    it('runs a stripe-samples seed: references, ${.env:VAR|default}, numbers, nested params, arrays and GETs', async () => {
      const key = freshKey();
      const { stdout } = await cli(key, ['fixtures', SEED], { SEED_CURRENCY: 'eur' });
      assert.match(stdout, /Running fixture for: product_of_first/);
      const stripe = sdk(server.url, key);
      const prices = await stripe.prices.list({ lookup_keys: ['sample_basic', 'sample_premium'], expand: ['data.product'] });
      const basic = prices.data.find((p) => p.lookup_key === 'sample_basic');
      const premium = prices.data.find((p) => p.lookup_key === 'sample_premium');
      assert.deepEqual([basic?.currency, basic?.unit_amount, basic?.recurring?.interval, basic?.metadata.sample], ['eur', 1800, 'month', 'fixture']);
      assert.deepEqual([premium?.currency, premium?.unit_amount], ['jpy', 3000]);
      const product = basic?.product as { name: string; metadata: Record<string, string> };
      assert.equal(product.name, 'Basic');
      assert.equal(product.metadata.plan, 'basic'); // SEED_PLAN_NAME unset: the default after |
    });

    it('refuses a reference to a fixture that does not exist, naming it', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-fx-'));
      const file = path.join(dir, 'bad.json');
      fs.writeFileSync(file, JSON.stringify({ _meta: { template_version: 0 }, fixtures: [{ name: 'prod', path: '/v1/products', method: 'post', params: { name: 'X' } }, { name: 'price', path: '/v1/prices', method: 'post', params: { product: '${product:id}', currency: 'usd', unit_amount: 1 } }] }));
      const failed = await cli(freshKey(), ['fixtures', file]).then(
        () => assert.fail('the run should fail'),
        (err: { code: number; stderr: string }) => err,
      );
      assert.equal(failed.code, 2);
      assert.match(failed.stderr, /undeclared fixture name was referenced: product\. Perhaps you meant one of the following: prod/);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('logs tail streams the account’s new requests in the Stripe CLI’s format, filtered', async () => {
      const key = freshKey();
      await raw(server.url, '/v1/customers', { method: 'POST', key, body: 'email=before@example.com' });
      const child = spawn(process.execPath, [BIN, 'logs', 'tail', '--filter-http-method', 'POST', '--filter-status-code-type', '4XX,2XX', '--filter-request-path', '/v1/customers'], {
        env: { ...process.env, OPENCHECKOUT_API_BASE: server.url, STRIPE_API_KEY: key },
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      try {
        await waitFor(() => output.includes("Ready! You're now waiting to receive API request logs (^C to quit)"), 20_000, 'the Ready line');
        const bad = await raw(server.url, '/v1/customers', { method: 'POST', key, body: 'balance=abc' });
        await raw(server.url, '/v1/customers', { key }); // a GET: filtered out
        await raw(server.url, '/v1/products', { method: 'POST', key, body: 'name=Tee' }); // another path: filtered out
        await raw(server.url, '/v1/customers', { method: 'POST', key: freshKey(), body: 'email=other@example.com' }); // another account
        const good = await raw(server.url, '/v1/customers', { method: 'POST', key, body: 'email=after@example.com' });
        const goodId = good.headers.get('request-id') as string;
        await waitFor(() => output.includes(goodId), 10_000, 'the last request in the tail');
        const lines = output.trim().split('\n').slice(1);
        assert.match(lines[0] as string, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\[400\\] POST /v1/customers \\[${bad.headers.get('request-id')}\\]$`));
        assert.equal(lines[1], 'Type: invalid_request_error');
        assert.ok(lines.includes('Param: balance'), output);
        assert.ok(lines.some((l) => l.startsWith('Message: ')), output);
        assert.match(lines.at(-1) as string, new RegExp(`\\[200\\] POST /v1/customers \\[${goodId}\\]$`));
        assert.equal(lines.filter((l) => /^\d{4}-/.test(l)).length, 2, output);
      } finally {
        child.kill('SIGTERM');
      }
    });

    it('logs tail streams successful GETs too (kept in the server’s memory) and GET errors', async () => {
      const key = freshKey();
      const customer = await raw(server.url, '/v1/customers', { method: 'POST', key, body: 'email=get@example.com' });
      const child = spawn(process.execPath, [BIN, 'logs', 'tail', '--filter-http-method', 'GET'], { env: { ...process.env, OPENCHECKOUT_API_BASE: server.url, STRIPE_API_KEY: key } });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      try {
        await waitFor(() => output.includes('Ready!'), 20_000, 'the Ready line');
        const read = await raw(server.url, `/v1/customers/${(customer.body as { id: string }).id}`, { key });
        const missing = await raw(server.url, '/v1/customers/cus_missing', { key });
        await waitFor(() => output.includes(missing.headers.get('request-id') as string) && output.includes(read.headers.get('request-id') as string), 10_000, 'both GETs in the tail');
        assert.match(output, new RegExp(`\\[200\\] GET /v1/customers/cus_\\w+ \\[${read.headers.get('request-id')}\\]`));
        assert.match(output, new RegExp(`\\[404\\] GET /v1/customers/cus_missing \\[${missing.headers.get('request-id')}\\]`));
        assert.doesNotMatch(output, /POST/);
      } finally {
        child.kill('SIGTERM');
      }
    });

    it('logs tail refuses a filter value the Stripe CLI refuses', async () => {
      const failed = await cli(freshKey(), ['logs', 'tail', '--filter-status-code-type', '3XX']).then(
        () => assert.fail('should fail'),
        (err: { code: number; stderr: string }) => err,
      );
      assert.equal(failed.code, 2);
      assert.match(failed.stderr, /3XX is not an acceptable value for --filter-status-code-type/);
    });
  });
}

for (const store of STORES) {
  describe(`OPENCHECKOUT_FIXTURES at start (${store})`, () => {
    it('loads the file once per account: a restart on the same data creates nothing twice', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-fx-start-'));
      const key = freshKey();
      const env: Record<string, string> = { DATA_DIR: dataDir, OPENCHECKOUT_FIXTURES: SEED, OPENCHECKOUT_FIXTURES_API_KEY: key };
      if (store === 'postgres') env.DATABASE_URL = await freshPgDatabase();
      const count = async (s: TestServer) => (await s.stripe(key).prices.list({ lookup_keys: ['sample_basic', 'sample_premium'] })).data.length;
      const first = await startServer('sqlite', { env });
      try {
        assert.equal(await count(first), 2);
        assert.equal((await first.stripe(key).products.list()).data.length, 2);
      } finally {
        await first.close();
      }
      const second = await startServer('sqlite', { env });
      try {
        assert.equal(await count(second), 2);
        assert.equal((await second.stripe(key).products.list()).data.length, 2);
        // Another key's account does not have them: the file ran for the configured key only.
        assert.equal((await second.stripe(freshKey()).products.list()).data.length, 0);
      } finally {
        await second.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
