import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { freshKey, startServer, type TestServer } from '../helpers/server.js';

/**
 * Slow, idle and oversized clients cannot hold the server (docs/decisions.md#sockets-and-bodies):
 * 1,000 sockets trickling their headers do not stop it answering, idle keep-alive sockets close,
 * and a streamed body past 1 MB is answered 413 before it ends.
 */

const SLOW = 1000;
const MAX_CONNECTIONS = SLOW + 20;

/** The soft file-descriptor limit: each slow socket costs two here (client and server end). */
function fdLimit(): number {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Infinity : Number(out);
  } catch {
    return 1024;
  }
}

/** Opens a socket and resolves once it is connected. */
function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves with the time (ms from now) when the socket closes, or rejects after `within` ms. */
function closedWithin(s: net.Socket, within: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    if (s.destroyed) return resolve(0);
    const timer = setTimeout(() => reject(new Error(`socket still open after ${within} ms`)), within);
    s.once('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - t0);
    });
  });
}

/** Collects what a raw socket receives. */
function collect(s: net.Socket): { text: () => string } {
  const chunks: Buffer[] = [];
  s.on('data', (d: Buffer) => chunks.push(d));
  s.on('error', () => undefined);
  return { text: () => Buffer.concat(chunks).toString('utf8') };
}

async function until(check: () => boolean, within: number, what: string): Promise<void> {
  const end = performance.now() + within;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('sockets and bodies', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer('sqlite', {
      env: {
        OPENCHECKOUT_HEADERS_TIMEOUT_MS: '2000',
        OPENCHECKOUT_REQUEST_TIMEOUT_MS: '3000',
        OPENCHECKOUT_KEEP_ALIVE_TIMEOUT_MS: '300',
        OPENCHECKOUT_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
      },
    });
  });
  after(() => server.close());

  it('answers an SDK request while 1,000 sockets trickle their headers, refuses sockets past the cap and closes the slow ones', async (t) => {
    if (fdLimit() < 2 * MAX_CONNECTIONS + 200) {
      t.skip(`ulimit -n is ${fdLimit()}: too low for ${SLOW} sockets`);
      return;
    }
    const slow: net.Socket[] = [];
    try {
      for (let i = 0; i < SLOW; i += 100) {
        slow.push(...(await Promise.all(Array.from({ length: 100 }, () => connect(server.port)))));
      }
      // One header byte each, as a client sending a byte a minute would.
      for (const s of slow) {
        s.on('error', () => undefined);
        s.resume(); // reads the server's 408 and end, so that 'close' comes
        s.write('P');
      }
      const stripe = server.stripe();
      const t0 = performance.now();
      const customer = await stripe.customers.create({ email: 'slow@example.com' });
      assert.match(customer.id, /^cus_/);
      assert.ok(performance.now() - t0 < 2000, `answered in ${Math.round(performance.now() - t0)} ms`);

      // Past OPENCHECKOUT_MAX_CONNECTIONS a new socket is closed at once.
      const extra = await Promise.all(Array.from({ length: 40 }, () => connect(server.port).catch(() => undefined)));
      const opened = extra.filter((s): s is net.Socket => s !== undefined);
      for (const s of opened) s.on('error', () => undefined).resume();
      await until(() => opened.filter((s) => s.destroyed).length + (extra.length - opened.length) >= 20, 2000, 'sockets past the cap to be closed');
      for (const s of opened) s.destroy();

      // The headers timeout (2 s) closes every slow socket.
      await until(() => slow.every((s) => s.destroyed), 6000, 'the slow sockets to be closed');
      const again = await stripe.customers.retrieve(customer.id);
      assert.equal(again.id, customer.id);
    } finally {
      for (const s of slow) s.destroy();
    }
  });

  it('closes an idle keep-alive socket after OPENCHECKOUT_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const s = await connect(server.port);
    const got = collect(s);
    s.write(`GET /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${freshKey()}\r\nConnection: keep-alive\r\n\r\n`);
    await until(() => got.text().includes('"object": "list"') || got.text().includes('"object":"list"'), 2000, 'the list');
    assert.match(got.text(), /^HTTP\/1\.1 200/);
    const ms = await closedWithin(s, 3000);
    assert.ok(ms < 3000);
  });

  it('answers a chunked body past 1 MB with a Stripe-shaped 413 before the body ends, then closes the socket', async () => {
    const s = await connect(server.port);
    const got = collect(s);
    s.write(
      `POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${freshKey()}\r\n` +
        'Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    // 1.25 MB, and the body is never ended.
    while (sent < 1.25 * 1024 * 1024) {
      s.write(`${chunk.length.toString(16)}\r\n`);
      s.write(chunk);
      s.write('\r\n');
      sent += chunk.length;
    }
    await until(() => got.text().includes('}'), 3000, 'the 413');
    const text = got.text();
    assert.match(text, /^HTTP\/1\.1 413/);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { error: { type: string; message: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /too large/);
    await closedWithin(s, 4000);
  });

  it('refuses a declared Content-Length past 1 MB before reading the body', async () => {
    const s = await connect(server.port);
    const got = collect(s);
    s.write(
      `POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${freshKey()}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\nemail=a`,
    );
    await until(() => got.text().includes('}'), 2000, 'the 413');
    assert.match(got.text(), /^HTTP\/1\.1 413/);
    assert.match(got.text(), /"type": ?"invalid_request_error"/);
    await closedWithin(s, 4000);
  });

  for (const page of ['/c/3ds/pi_oversized', '/c/microdeposits/pi_oversized']) {
    it(`answers an oversized form posted to ${page} with a 413 page, then closes the socket`, async () => {
      const s = await connect(server.port);
      const got = collect(s);
      s.write(
        `POST ${page} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
          `Content-Length: ${1024 * 1024}\r\n\r\ncsrf_token=x&action=complete&pad=`,
      );
      await until(() => got.text().includes('</html>'), 3000, 'the 413 page');
      assert.match(got.text(), /^HTTP\/1\.1 413/);
      // The unread rest of the body must not be parsed as a next request: the answer says so.
      assert.match(got.text(), /\r\nConnection: close\r\n/i);
      await closedWithin(s, 4000);
    });
  }

  it('closes a socket whose GET streams an unbounded body', async () => {
    const s = await connect(server.port);
    s.on('error', () => undefined);
    s.write(`GET /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${freshKey()}\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = Buffer.alloc(256 * 1024, 'a');
    for (let i = 0; i < 6 && !s.destroyed; i++) {
      s.write(`${chunk.length.toString(16)}\r\n`);
      s.write(chunk);
      s.write('\r\n');
    }
    await closedWithin(s, 3000);
  });
});
