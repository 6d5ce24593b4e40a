import assert from 'node:assert/strict';
import dns from 'node:dns/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { isBlockedAddress } from '../../src/events/address-policy.js';
import { WebhookTransport } from '../../src/events/post.js';
import { startReceiver, type Receiver } from '../events/receiver.js';
import { assertStripeError } from '../helpers/contract.js';
import { freshKey, raw, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

/**
 * OPENCHECKOUT_WEBHOOK_BLOCK_PRIVATE (docs/decisions.md#webhook-url-policy): endpoint URLs on
 * private, loopback, link-local, CGNAT, unique-local, IPv4-mapped and metadata addresses are
 * refused at create and update, a name is checked again on its resolved address at connect time,
 * and redirects are never followed.
 */

const REFUSED = [
  'http://127.0.0.1/hook',
  'http://127.9.9.9:8080/hook',
  'http://localhost:3000/hook',
  'http://shop.localhost/hook',
  'http://10.1.2.3/hook',
  'http://172.16.0.1/hook',
  'http://192.168.1.10/hook',
  'http://100.64.0.1/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://0.0.0.0/hook',
  'http://2130706433/hook', // 127.0.0.1 as one number
  'http://0x7f.1/hook',
  'http://[::1]/hook',
  'http://[fe80::1]/hook',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://[fc00::5]/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://[::ffff:a9fe:a9fe]/hook', // 169.254.169.254, IPv4-mapped in hex
  'http://[64:ff9b::10.0.0.1]/hook',
  'https://[::]/hook',
];

const ALLOWED = ['https://example.com/hook', 'https://93.184.216.34/hook', 'https://[2606:4700::1111]/hook', 'https://172.32.0.1/hook'];

describe('webhook endpoint URL policy (OPENCHECKOUT_WEBHOOK_BLOCK_PRIVATE=1)', () => {
  let server: TestServer;
  let stripe: Stripe;
  let key: string;
  const receivers: Receiver[] = [];
  before(async () => {
    server = await startServer('sqlite', {
      env: { OPENCHECKOUT_WEBHOOK_BLOCK_PRIVATE: '1', OPENCHECKOUT_WEBHOOK_MAX_ATTEMPTS: '1', OPENCHECKOUT_WEBHOOK_TIMEOUT_MS: '2000' },
    });
    key = freshKey();
    stripe = server.stripe(key);
  });
  after(async () => {
    for (const r of receivers) await r.close();
    await server.close();
  });

  it('refuses private, loopback, link-local, CGNAT, unique-local, mapped and metadata addresses at create, with Stripe error shape', async () => {
    for (const url of REFUSED) {
      const res = await raw(server.url, '/v1/webhook_endpoints', {
        method: 'POST',
        key,
        body: new URLSearchParams({ url, 'enabled_events[]': '*' }).toString(),
      });
      assert.equal(res.status, 400, `${url}: ${res.text}`);
      assertStripeError(res.body);
      const { error } = res.body as { error: { type: string; code: string; param: string; message: string } };
      assert.deepEqual([error.type, error.code, error.param], ['invalid_request_error', 'url_invalid', 'url'], url);
      assert.match(error.message, /publicly accessible/);
    }
  });

  it('accepts public addresses and names, and refuses a private URL on update', async () => {
    for (const url of ALLOWED) {
      const we = await stripe.webhookEndpoints.create({ url, enabled_events: ['customer.created'] });
      assert.equal(we.url, url);
    }
    const we = await stripe.webhookEndpoints.create({ url: 'https://example.com/x', enabled_events: ['customer.created'] });
    await assert.rejects(
      () => stripe.webhookEndpoints.update(we.id, { url: 'http://192.168.0.1/x' }),
      (err: Stripe.errors.StripeError) => err.statusCode === 400 && err.code === 'url_invalid' && err.param === 'url',
    );
    assert.equal((await stripe.webhookEndpoints.retrieve(we.id)).url, 'https://example.com/x');
    // Clean up: these endpoints must not get the next test's events.
    for (const e of (await stripe.webhookEndpoints.list({ limit: 100 })).data) await stripe.webhookEndpoints.del(e.id);
  });

  it('checks the resolved address at connect time: a name that resolves to loopback fails the attempt', async (t) => {
    const name = os.hostname();
    const resolved = await dns.lookup(name, { all: true }).catch(() => []);
    if (resolved.length === 0 || !resolved.every((a) => isBlockedAddress(a.address))) {
      t.skip(`${name} does not resolve to a blocked address here`);
      return;
    }
    const receiver = await startReceiver();
    receivers.push(receiver);
    const key = freshKey();
    const stripe = server.stripe(key);
    // Accepted: a name is not judged until it is resolved (the DNS answer may change, as in rebinding).
    const we = await stripe.webhookEndpoints.create({ url: `http://${name}:${receiver.port}/webhook`, enabled_events: ['customer.created'] });
    const customer = await stripe.customers.create({ email: 'rebind@example.com' });
    const event = (await stripe.events.list({ type: 'customer.created', limit: 1 })).data[0];
    assert.equal((event?.data.object as Stripe.Customer).id, customer.id);
    const log = await waitFor(async () => {
      const res = await raw(server.url, `/_admin/events/${event?.id}/attempts`, { key });
      const body = res.body as { data: Array<{ error: string | null; status_code: number | null }> };
      return body.data.length > 0 ? body : undefined;
    }, 5000, 'the refused attempt');
    assert.equal(log.data[0]?.status_code, null);
    assert.match(log.data[0]?.error ?? '', /refused: .* resolves to .*OPENCHECKOUT_WEBHOOK_BLOCK_PRIVATE/);
    assert.equal(receiver.received.length, 0);
    await stripe.webhookEndpoints.del(we.id);
  });
});

describe('webhook transport', () => {
  it('never follows a redirect: the 302 is the attempt result and the target gets nothing', async () => {
    const target = await startReceiver();
    const redirector = http.createServer((_req, res) => {
      res.writeHead(302, { Location: target.url });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', () => resolve()));
    const transport = new WebhookTransport();
    try {
      const result = await transport.post(`http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hook`, '{}', {}, 2000);
      assert.equal(result.statusCode, 302);
      assert.equal(target.received.length, 0);
    } finally {
      transport.close();
      redirector.closeAllConnections();
      await new Promise<void>((resolve) => redirector.close(() => resolve()));
      await target.close();
    }
  });

  it('refuses an address literal and a name resolving to loopback when blocking, without connecting', async () => {
    const receiver = await startReceiver();
    const transport = new WebhookTransport({ blockPrivate: true });
    try {
      const literal = await transport.post(receiver.url, '{}', {}, 2000);
      assert.equal(literal.statusCode, null);
      assert.match(literal.error ?? '', /refused/);
      const named = await transport.post(`http://localhost.:${receiver.port}/hook`, '{}', {}, 2000);
      assert.equal(named.statusCode, null);
      assert.match(named.error ?? '', /refused/);
      assert.equal(receiver.received.length, 0);
    } finally {
      transport.close();
      await receiver.close();
    }
  });
});
