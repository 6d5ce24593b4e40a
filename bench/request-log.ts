/**
 * What the API request log costs (docs/decisions.md#request-log): OpenCheckout with the log on
 * (the default) against the same build with `OPENCHECKOUT_REQUEST_LOG_MAX_ROWS=0` (off), in
 * alternating rounds on fresh SQLite stores, each server in its own process under autocannon.
 * Reports req/s and server CPU µs per request (the steadier figure on a shared host) for a create,
 * a GET by id and a list, and the cost of the log on each.
 *
 *   node scripts/build.mjs --if-stale && node --import tsx bench/request-log.ts [--seconds=5] [--rounds=3] [--connections=10]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { call, fmt, measure, numberOption, startChild, table, type Measured } from './harness.js';

const argv = process.argv.slice(2);
const SECONDS = numberOption(argv, 'seconds', 5);
const ROUNDS = numberOption(argv, 'rounds', 3);
const CONNECTIONS = numberOption(argv, 'connections', 10);
const KEY = 'sk_test_bench';

async function round(logOn: boolean): Promise<Measured[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-log-'));
  const server = await startChild('opencheckout', { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', DATA_DIR: dir, OPENCHECKOUT_REQUEST_LOG_MAX_ROWS: logOn ? '10000' : '0' });
  try {
    const auth = { authorization: `Bearer ${KEY}` };
    const body = 'email=jenny%40example.com&name=Jenny%20Rosen&metadata[order]=42';
    const customer = await call(server.url, KEY, 'POST', '/v1/customers', body);
    for (let i = 0; i < 20; i++) await call(server.url, KEY, 'POST', '/v1/customers', `email=c${i}%40example.com&name=Customer%20${i}`);
    return [
      await measure({ name: 'POST /v1/customers', url: `${server.url}/v1/customers`, method: 'POST', body, headers: auth }, SECONDS, CONNECTIONS, server.pid),
      await measure({ name: 'GET /v1/customers/{id}', url: `${server.url}/v1/customers/${String(customer.id)}`, headers: auth }, SECONDS, CONNECTIONS, server.pid),
      await measure({ name: 'GET /v1/customers?limit=10', url: `${server.url}/v1/customers?limit=10`, headers: auth }, SECONDS, CONNECTIONS, server.pid),
    ];
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

async function main(): Promise<void> {
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`Request log cost: ${ROUNDS} alternating rounds, ${SECONDS} s per measurement, ${CONNECTIONS} connections, load average ${load()}, Node ${process.version}`);
  const off: Measured[][] = [];
  const on: Measured[][] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so a drift in the host's load falls on both sides.
    if (r % 2 === 0) {
      off.push(await round(false));
      on.push(await round(true));
    } else {
      on.push(await round(true));
      off.push(await round(false));
    }
  }
  // Each round's on/off pair ran back to back: the median of the pairs' ratios is steadier than
  // the ratio of the medians on a host whose speed drifts from minute to minute.
  const pct = (x: number) => `${((x - 1) * 100).toFixed(1)} %`;
  const rows = (off[0] ?? []).map((m, i) => {
    const pairs = off.map((x, r) => ({ off: x[i] as Measured, on: (on[r] as Measured[])[i] as Measured }));
    const bad = pairs.reduce((n, p) => n + p.off.non2xx + p.off.errors + p.on.non2xx + p.on.errors, 0);
    return [
      `${m.name}${bad ? ` (${bad} non-2xx/errors)` : ''}`,
      `${fmt(median(pairs.map((p) => p.off.rps)))} / ${fmt(median(pairs.map((p) => p.on.rps)))}`,
      pct(median(pairs.map((p) => p.on.rps / p.off.rps))),
      `${fmt(median(pairs.map((p) => p.off.cpuUs)))} / ${fmt(median(pairs.map((p) => p.on.cpuUs)))}`,
      pct(median(pairs.map((p) => p.on.cpuUs / p.off.cpuUs))),
      pairs.map((p) => pct(p.on.rps / p.off.rps)).join(', '),
    ];
  });
  console.log(
    `\n${table(['Request', 'req/s off / on (median)', 'throughput change (median of pairs)', 'server CPU µs/req off / on (median)', 'CPU per request change (median of pairs)', 'throughput change per pair'], rows)}`,
  );
  console.log(`\nload average now ${load()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
