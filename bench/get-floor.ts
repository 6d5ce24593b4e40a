/**
 * The floor under the GET target (not a test). Issue #18 asks a GET by id for >= 0.6x of a bare
 * `node:http` server's req/s. This measures, alternately on one SQLite file:
 *   - bare: `node:http` answering a 200-byte JSON (as bench/api.ts);
 *   - floor: `node:http` answering GET /v1/customers/{id} with the least any server that reads
 *     its store on each GET does (server-child.mjs `get-floor`: the key in a Map, one indexed
 *     select, the stored JSON with Stripe's headers; no router, params, logging);
 *   - OpenCheckout, as `npm start` runs it, on the same request;
 *   - bare `node:http` answering a constant body of the hosted page's size (--page-bytes, default
 *     20,400: the English page of bench/page.ts's session, 2026-12-07), and of
 *     16,000 bytes: what the hosted page target (>= 0.35x) allows before any read or render.
 * Autocannon at 10 connections; each figure is the better of the rounds.
 *
 *   node scripts/build.mjs --if-stale && node --import tsx bench/get-floor.ts   # --seconds=5 --rounds=3 --page-bytes=20400
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { accountForKey } from '../src/api/auth.js';
import { best, call, fmt, measure, numberOption, startChild, table, type Measured } from './harness.js';

const argv = process.argv.slice(2);
const SECONDS = numberOption(argv, 'seconds', 5);
const ROUNDS = numberOption(argv, 'rounds', 3);
const CONNECTIONS = 10;
const PAGE_BYTES = numberOption(argv, 'page-bytes', 20_400);
const KEY = 'sk_test_get_floor';

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-get-floor-'));
  const env = { DATA_DIR: dataDir, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' };
  const headers = { authorization: `Bearer ${KEY}` };
  // The customer is created through the server, so the row is exactly what it stores.
  const setup = await startChild('opencheckout', env);
  const customer = await call(setup.url, KEY, 'POST', '/v1/customers', 'email=jenny%40example.com&name=Jenny%20Rosen&metadata[order]=42');
  for (let i = 0; i < 20; i++) await call(setup.url, KEY, 'POST', '/v1/customers', `email=c${i}%40example.com`);
  await setup.stop();
  const get = `/v1/customers/${String(customer.id)}`;

  let bare: Measured | undefined;
  let floor: Measured | undefined;
  let server: Measured | undefined;
  let page: Measured | undefined;
  let small: Measured | undefined;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const b = await startChild('bare');
      bare = best(bare, await measure({ name: 'bare node:http, 200-byte JSON', url: `${b.url}/` }, SECONDS, CONNECTIONS, b.pid));
      await b.stop();
      const f = await startChild('get-floor', { ...env, FLOOR_KEYS: JSON.stringify([[KEY, accountForKey(KEY)]]) });
      floor = best(floor, await measure({ name: 'floor: node:http + one indexed select', url: f.url + get, headers }, SECONDS, CONNECTIONS, f.pid));
      await f.stop();
      const o = await startChild('opencheckout', env);
      server = best(server, await measure({ name: 'OpenCheckout', url: o.url + get, headers }, SECONDS, CONNECTIONS, o.pid));
      await o.stop();
      const p = await startChild('bare', { BARE_BYTES: String(PAGE_BYTES) });
      page = best(page, await measure({ name: `bare node:http, ${fmt(PAGE_BYTES)}-byte body (the hosted page's size)`, url: `${p.url}/` }, SECONDS, CONNECTIONS, p.pid));
      await p.stop();
      const q = await startChild('bare', { BARE_BYTES: '16000' });
      small = best(small, await measure({ name: 'bare node:http, 16,000-byte body', url: `${q.url}/` }, SECONDS, CONNECTIONS, q.pid));
      await q.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const all = [bare, floor, server, page, small] as Measured[];
  const base = (bare as Measured).rps;
  console.log(`GET ${get.replace(String(customer.id), '{id}')}, ${CONNECTIONS} connections, ${SECONDS} s, best of ${ROUNDS} rounds, host load ${os.loadavg()[0]?.toFixed(1)}\n`);
  console.log(
    table(
      ['Server', 'req/s', 'ratio to bare', 'p50 / p99 ms', 'server CPU µs/req', 'non-2xx'],
      all.map((m) => [m.name, fmt(m.rps), (m.rps / base).toFixed(2), `${m.p50} / ${m.p99}`, fmt(m.cpuUs), m.non2xx]),
    ),
  );
}

await main();
