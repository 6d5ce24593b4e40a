import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import Stripe from 'stripe';
import { freshKey, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const BIN = path.resolve('bin/opencheckout.js');
const run = promisify(execFile);

interface Received {
  event: Stripe.Event;
  verified: boolean;
}

/** A merchant's webhook receiver that verifies every delivery with the SDK's constructEvent. */
async function receiver(secret: () => string | undefined): Promise<{ url: string; got: Received[]; close(): void }> {
  const got: Received[] = [];
  const verifier = new Stripe('sk_test_unused');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const event = verifier.webhooks.constructEvent(body, req.headers['stripe-signature'] as string, secret() ?? '');
        got.push({ event, verified: true });
        res.writeHead(200).end();
      } catch {
        got.push({ event: JSON.parse(body) as Stripe.Event, verified: false });
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, got, close: () => server.close() };
}

describe('the opencheckout CLI', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer('sqlite', { env: { OPENCHECKOUT_SETTLEMENT_DELAY: '1' } });
  });
  after(() => server.close());

  const cli = (key: string, ...args: string[]) =>
    run(process.execPath, [BIN, ...args], { env: { ...process.env, OPENCHECKOUT_API_BASE: server.url, STRIPE_API_KEY: key }, timeout: 60_000 });

  it('prints help for every command', async () => {
    for (const cmd of ['', 'serve', 'listen', 'trigger', 'events', 'seed', 'reset']) {
      const { stdout } = await cli('sk_test_x', ...(cmd ? [cmd] : []), '--help');
      assert.match(stdout, /Usage: opencheckout/);
    }
  });

  it('listen forwards each trigger’s event, signed with the secret it prints (to a URL given without a scheme, as the Stripe CLI takes it)', async () => {
    const key = freshKey();
    let secret: string | undefined;
    const hook = await receiver(() => secret);
    const listener: ChildProcess = spawn(process.execPath, [BIN, 'listen', '--forward-to', hook.url.replace(/^http:\/\//, '')], {
      env: { ...process.env, OPENCHECKOUT_API_BASE: server.url, STRIPE_API_KEY: key },
    });
    let output = '';
    listener.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    try {
      secret = await waitFor(() => /signing secret is (whsec_\w+)/.exec(output)?.[1], 20_000, 'the listen secret');
      const triggers = [
        'checkout.session.completed',
        'checkout.session.async_payment_succeeded',
        'checkout.session.async_payment_failed',
        'checkout.session.expired',
        'payment_intent.succeeded',
      ];
      for (const name of triggers) {
        const { stdout } = await cli(key, 'trigger', name);
        assert.match(stdout, /Trigger succeeded/);
        await waitFor(() => hook.got.some((r) => r.event.type === name), 15_000, `${name} at the receiver`);
      }
      assert.ok(hook.got.length > 0 && hook.got.every((r) => r.verified), 'every forwarded event verifies with constructEvent');
      assert.match(output, /<-- {2}\[200\] POST/);
      const completed = hook.got.find((r) => r.event.type === 'checkout.session.completed')?.event.data.object as Stripe.Checkout.Session;
      assert.equal(completed.payment_status, 'paid');
      const failed = hook.got.find((r) => r.event.type === 'checkout.session.async_payment_failed')?.event.data.object as Stripe.Checkout.Session;
      assert.equal(failed.payment_status, 'unpaid');
    } finally {
      listener.kill('SIGINT');
      hook.close();
    }
  });

  it('seeds a customer whose card prefills and one whose card does not', async () => {
    const key = freshKey();
    const { stdout } = await cli(key, 'seed');
    const [prefilled, other] = [...stdout.matchAll(/(cus_\w+)/g)].map((m) => m[1] as string);
    const stripe = server.stripe(key);
    const always = await stripe.customers.listPaymentMethods(prefilled as string, { allow_redisplay: 'always' });
    assert.equal(always.data.length, 1);
    assert.equal((await stripe.customers.listPaymentMethods(other as string, { allow_redisplay: 'always' })).data.length, 0);
  });

  it('resends an event to an endpoint and reads its delivery attempts', async () => {
    const key = freshKey();
    let secret: string | undefined;
    const hook = await receiver(() => secret);
    try {
      const stripe = server.stripe(key);
      const endpoint = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['customer.created'] });
      secret = endpoint.secret;
      await stripe.customers.create({ email: 'resend@example.com' });
      await waitFor(() => hook.got.length === 1, 10_000, 'first delivery');
      const eventId = hook.got[0]?.event.id as string;
      const { stdout } = await cli(key, 'events', 'resend', eventId, '--webhook-endpoint', endpoint.id);
      assert.match(stdout, /Resent/);
      await waitFor(() => hook.got.length === 2, 10_000, 'the resent delivery');
      assert.equal(hook.got[1]?.event.id, eventId);
      const attempts = await cli(key, 'events', 'attempts', eventId);
      assert.equal(attempts.stdout.trim().split('\n').length, 2);
    } finally {
      hook.close();
    }
  });

  it('refuses an unknown trigger with the list of known ones', async () => {
    await assert.rejects(cli('sk_test_x', 'trigger', 'charge.refunded'), (err: { stderr: string }) => /Cannot trigger/.test(err.stderr) && /checkout\.session\.completed/.test(err.stderr));
  });
});
