/**
 * Memory benchmark (not a test): the server's peak resident memory under a mixed load, and what
 * each request costs in server CPU, for several sets of Node flags side by side. Each round
 * starts one fresh server per flag set, in turn (alternating, so a busy host slows every set
 * alike), and runs on it, in order:
 *   POST /v1/customers, GET /v1/customers?limit=10, GET /v1/customers/{id},
 *   POST /v1/subscriptions (a customer with a saved card: subscription, invoice, PaymentIntent,
 *   Charge, 9 events), POST /v1/checkout/sessions and GET /c/pay/:id (the hosted page with a
 *   saved card prefilled).
 * Peak RSS is the server's VmHWM at the end of the round. Target (issue: scale): <= 120 MiB.
 *
 *   node scripts/build.mjs --if-stale && node --import tsx bench/memory.ts   # --seconds=4 --rounds=3
 *   ... bench/memory.ts --launch="node" --launch="node --max-semi-space-size=4"   # other launches
 * Without --launch: plain `node` against SERVER_LAUNCH (what `npm start` runs).
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { call, fmt, measure, numberOption, SERVER_LAUNCH, startChild, table, type Measured } from './harness.js';

const argv = process.argv.slice(2);
const SECONDS = numberOption(argv, 'seconds', 4);
const ROUNDS = numberOption(argv, 'rounds', 3);
const CONNECTIONS = 10;
const KEY = 'sk_test_bench_memory';
const given = argv.filter((a) => a.startsWith('--launch=')).map((a) => a.slice('--launch='.length));
const LAUNCHES = given.length > 0 ? given : ['node', SERVER_LAUNCH];
const auth = { authorization: `Bearer ${KEY}` };

interface Round {
  measured: Measured[];
  /** RSS after each load, MiB. */
  after: number[];
  peakMiB: number;
}

async function round(launch: string): Promise<Round> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-memory-'));
  const server = await startChild('opencheckout', { DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, [], launch);
  try {
    const u = server.url;
    const customer = await call(u, KEY, 'POST', '/v1/customers', 'email=jenny%40example.com&name=Jenny%20Rosen');
    const pm = await call(u, KEY, 'POST', '/v1/payment_methods', 'type=card&card[token]=tok_visa&allow_redisplay=always&billing_details[name]=Jenny%20Rosen&billing_details[address][country]=JP');
    await call(u, KEY, 'POST', `/v1/payment_methods/${String(pm.id)}/attach`, `customer=${String(customer.id)}`);
    const monthly = await call(u, KEY, 'POST', '/v1/prices', 'currency=jpy&unit_amount=980&recurring[interval]=month&product_data[name]=Pro');
    const once = await call(u, KEY, 'POST', '/v1/prices', 'currency=jpy&unit_amount=2500&product_data[name]=Poster');
    const sessionBody =
      `mode=payment&customer=${String(customer.id)}&success_url=${encodeURIComponent('https://shop.example/ok')}` +
      `&line_items[0][price]=${String(once.id)}&line_items[0][quantity]=2&locale=ja`;
    const page = new URL(String((await call(u, KEY, 'POST', '/v1/checkout/sessions', sessionBody)).url)).pathname;
    const loads = [
      { name: 'POST /v1/customers', url: `${u}/v1/customers`, method: 'POST' as const, body: 'email=jenny%40example.com&name=Jenny+Rosen&metadata[order]=123', headers: auth },
      { name: 'GET /v1/customers?limit=10', url: `${u}/v1/customers?limit=10`, headers: auth },
      { name: 'GET /v1/customers/{id}', url: `${u}/v1/customers/${String(customer.id)}`, headers: auth },
      {
        name: 'POST /v1/subscriptions',
        url: `${u}/v1/subscriptions`,
        method: 'POST' as const,
        body: `customer=${String(customer.id)}&items[0][price]=${String(monthly.id)}&default_payment_method=${String(pm.id)}`,
        headers: auth,
      },
      { name: 'POST /v1/checkout/sessions', url: `${u}/v1/checkout/sessions`, method: 'POST' as const, body: sessionBody, headers: auth },
      { name: 'GET /c/pay/:id (ja, card prefilled)', url: `${u}${page}` },
    ];
    const measured: Measured[] = [];
    const after: number[] = [];
    for (const load of loads) {
      measured.push(await measure(load, SECONDS, CONNECTIONS, server.pid));
      after.push(server.rss().now);
    }
    return { measured, after, peakMiB: server.rss().peak };
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  console.log(`Memory benchmark: ${ROUNDS} rounds, ${SECONDS} s per load, ${CONNECTIONS} connections, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  const rounds = new Map<string, Round[]>(LAUNCHES.map((f) => [f, []]));
  for (let r = 0; r < ROUNDS; r++) for (const launch of LAUNCHES) rounds.get(launch)?.push(await round(launch));
  const names = rounds.get(LAUNCHES[0] as string)?.[0]?.measured.map((m) => m.name) ?? [];
  const head = ['Started as', ...names.map((n) => `${n}: CPU µs/req, p99 ms`), 'peak RSS MiB, each round'];
  const rows = LAUNCHES.map((launch) => {
    const rs = rounds.get(launch) ?? [];
    const cells = names.map((_, i) => {
      const ms = rs.map((r) => r.measured[i] as Measured);
      if (ms.some((m) => m.non2xx > 0 || m.errors > 0)) throw new Error(`${names[i]} answered errors started as ${launch}`);
      return `${fmt(median(ms.map((m) => m.cpuUs)))}, ${median(ms.map((m) => m.p99))}`;
    });
    return [`\`${launch}\``, ...cells, rs.map((r) => r.peakMiB.toFixed(0)).join(' / ')];
  });
  console.log('Median of the rounds for CPU and p99; every round\'s peak RSS.\n');
  console.log(table(head, rows));
  console.log('\nRSS (MiB) after each load, each round:\n');
  console.log(
    table(
      ['Started as', ...names],
      LAUNCHES.map((launch) => [`\`${launch}\``, ...names.map((_, i) => (rounds.get(launch) ?? []).map((r) => (r.after[i] as number).toFixed(0)).join(' / '))]),
    ),
  );
  console.log(`\nload average now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

await main();
