/**
 * API throughput benchmark (not a test). Each server runs in its own process; autocannon (here)
 * drives 10 connections against:
 *   - a bare node:http server answering a 200-byte JSON (the ceiling this machine allows),
 *   - OpenCheckout as `npm start` runs it (pino request logs at info, SQLite in WAL with
 *     synchronous=NORMAL), on POST /v1/customers, the creates of resources added since (coupons,
 *     tax rates, products, prices, PaymentIntents, a confirmed PaymentIntent),
 *     GET /v1/customers/{id}, GET /v1/customers?limit=10,
 * and reports req/s, the ratio to the bare server, p50/p99 latency and the server's RSS.
 *
 *   npm run bench:api                       # SQLite
 *   npm run bench:api -- --pg               # also PostgreSQL, on a throwaway cluster (scripts/pg.sh)
 *   npm run bench:api -- --pg=postgres://…  # also PostgreSQL, on that cluster
 * Knobs: --seconds=10 (per measurement), --connections=10, --rounds=2 (best run kept), LOG_LEVEL (info),
 * BENCH_NODE_OPTIONS (how the server starts, `NAME=value node --flag ...`; default: as `npm start`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { best, call, fmt, measure, numberOption, startChild, table, type Measured } from './harness.js';
import { analyze, freshDatabase, pgCluster } from './pg.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => numberOption(argv, name, fallback);
const SECONDS = opt('seconds', 10);
const CONNECTIONS = opt('connections', 10);
const ROUNDS = opt('rounds', 2);
const KEY = 'sk_test_bench';
const TARGETS: Record<string, number> = { 'POST /v1/customers': 0.5, 'GET /v1/customers/{id}': 0.6, 'GET /v1/customers?limit=10': 0.6 };

interface StoreRun {
  store: string;
  bare: Measured;
  results: Measured[];
  rss: { now: number; peak: number };
}

async function bareBaseline(): Promise<Measured> {
  const bare = await startChild('bare');
  try {
    return await measure({ name: 'bare node:http, 200-byte JSON', url: `${bare.url}/` }, SECONDS, CONNECTIONS, bare.pid);
  } finally {
    await bare.stop();
  }
}

/** One round: a fresh server, its data set up, each request measured once. */
async function openCheckoutRound(env: Record<string, string>): Promise<{ results: Measured[]; rss: { now: number; peak: number } }> {
  const server = await startChild('opencheckout', { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...env });
  try {
    const auth = { authorization: `Bearer ${KEY}` };
    const body = 'email=jenny%40example.com&name=Jenny%20Rosen&metadata[order]=42';
    const customer = await call(server.url, KEY, 'POST', '/v1/customers', body);
    for (let i = 0; i < 20; i++) await call(server.url, KEY, 'POST', '/v1/customers', `email=c${i}%40example.com&name=Customer%20${i}`);
    const results: Measured[] = [];
    results.push(await measure({ name: 'POST /v1/customers', url: `${server.url}/v1/customers`, method: 'POST', body, headers: auth }, SECONDS, CONNECTIONS, server.pid));
    // Resources added since: a create should cost no more than a customer's (same write path).
    results.push(await measure({ name: 'POST /v1/coupons', url: `${server.url}/v1/coupons`, method: 'POST', body: 'percent_off=10&duration=once&name=Spring', headers: auth }, SECONDS, CONNECTIONS, server.pid));
    results.push(await measure({ name: 'POST /v1/tax_rates', url: `${server.url}/v1/tax_rates`, method: 'POST', body: 'display_name=VAT&percentage=20&inclusive=false&country=GB', headers: auth }, SECONDS, CONNECTIONS, server.pid));
    const product = await call(server.url, KEY, 'POST', '/v1/products', 'name=T-shirt');
    results.push(await measure({ name: 'POST /v1/products', url: `${server.url}/v1/products`, method: 'POST', body: 'name=T-shirt&metadata[sku]=ts-1', headers: auth }, SECONDS, CONNECTIONS, server.pid));
    results.push(await measure({ name: 'POST /v1/prices', url: `${server.url}/v1/prices`, method: 'POST', body: `product=${String(product.id)}&unit_amount=1500&currency=jpy`, headers: auth }, SECONDS, CONNECTIONS, server.pid));
    results.push(await measure({ name: 'POST /v1/payment_intents', url: `${server.url}/v1/payment_intents`, method: 'POST', body: `amount=1500&currency=jpy&customer=${String(customer.id)}`, headers: auth }, SECONDS, CONNECTIONS, server.pid));
    // Not a plain create: a confirmed payment also writes its Charge, balance transaction and five events.
    results.push(await measure({ name: 'POST /v1/payment_intents (confirm=true, pm_card_visa)', url: `${server.url}/v1/payment_intents`, method: 'POST', body: 'amount=1500&currency=jpy&payment_method=pm_card_visa&confirm=true&automatic_payment_methods[enabled]=true&automatic_payment_methods[allow_redirects]=never', headers: auth }, SECONDS, CONNECTIONS, server.pid));
    results.push(await measure({ name: 'GET /v1/customers/{id}', url: `${server.url}/v1/customers/${String(customer.id)}`, headers: auth }, SECONDS, CONNECTIONS, server.pid));
    if (env.DATABASE_URL) await analyze(env.DATABASE_URL);
    results.push(await measure({ name: 'GET /v1/customers?limit=10', url: `${server.url}/v1/customers?limit=10`, headers: auth }, SECONDS, CONNECTIONS, server.pid));
    return { results, rss: server.rss() };
  } finally {
    await server.stop();
  }
}

/**
 * ROUNDS rounds of (bare server, then OpenCheckout on a fresh store), keeping each figure's
 * better run: the host's load drifts over minutes, and both sides of a ratio see the same drift.
 */
async function runStore(store: string, env: () => Promise<Record<string, string>>): Promise<StoreRun> {
  let bare: Measured | undefined;
  let results: Measured[] = [];
  let rss = { now: 0, peak: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    bare = best(bare, await bareBaseline());
    const r = await openCheckoutRound(await env());
    results = r.results.map((m, i) => best(results[i], m));
    rss = { now: Math.max(rss.now, r.rss.now), peak: Math.max(rss.peak, r.rss.peak) };
  }
  return { store, bare: bare as Measured, results, rss };
}

function report(run: StoreRun): string {
  const rows: Array<Array<string | number>> = [[run.bare.name, fmt(run.bare.rps), '1.00', `${run.bare.p50} / ${run.bare.p99}`, fmt(run.bare.cpuUs), '']];
  for (const r of run.results) {
    const ratio = r.rps / run.bare.rps;
    const target = TARGETS[r.name];
    const bad = r.non2xx + r.errors > 0 ? ` (${r.non2xx} non-2xx, ${r.errors} errors)` : '';
    rows.push([
      `${r.name}${bad}`,
      fmt(r.rps),
      target === undefined ? ratio.toFixed(2) : `${ratio.toFixed(2)} (>= ${target}: ${ratio >= target ? 'yes' : 'no'})`,
      `${r.p50} / ${r.p99} (<= 10: ${r.p99 <= 10 ? 'yes' : 'no'})`,
      fmt(r.cpuUs),
      '',
    ]);
  }
  const last = rows.at(-1);
  if (last) last[5] = `${run.rss.now.toFixed(0)} MiB (peak ${run.rss.peak.toFixed(0)})`;
  return `### ${run.store}\n\n${table(['Request', 'req/s', 'ratio to bare (target)', 'p50 / p99 ms (target)', 'server CPU µs/req', 'server RSS'], rows)}`;
}

async function main(): Promise<void> {
  const started = new Date();
  console.log(`API benchmark: ${CONNECTIONS} connections, ${SECONDS} s per measurement, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.version}`);
  const runs: StoreRun[] = [];
  const dirs: string[] = [];
  try {
    const fresh = async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-'));
      dirs.push(dir);
      return { DATA_DIR: dir };
    };
    runs.push(await runStore('SQLite (WAL, synchronous=NORMAL)', fresh));
    console.log(`\n${report(runs[0] as StoreRun)}`);
  } finally {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
  const cluster = pgCluster(argv);
  if (cluster) {
    try {
      const run = await runStore('PostgreSQL 15', async () => ({ DATABASE_URL: await freshDatabase(cluster.adminUrl) }));
      runs.push(run);
      console.log(`\n${report(run)}`);
    } finally {
      cluster.stop();
    }
  }
  console.log(`\nfinished in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s; load average now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
