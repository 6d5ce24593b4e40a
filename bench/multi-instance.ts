/**
 * Multi-instance benchmark (not a test): throughput of 1, 2 and 3 OpenCheckout instances on one
 * PostgreSQL database, load spread evenly over them (one autocannon per instance, the same total
 * number of connections), on POST /v1/checkout/sessions (2 line items by price id) and
 * GET /c/pay/:id. Beside req/s it reports where the machine's CPU went during each measurement:
 * the instances, PostgreSQL (the postmaster and its backends) and the load generator, as a share
 * of all cores — on a 2-core host the three compete for the same two cores.
 *
 *   npm run bench:multi                     # a throwaway PostgreSQL cluster (scripts/pg.sh)
 *   npm run bench:multi -- --pg=postgres://… # that cluster
 * Knobs: --seconds=10, --connections=12, --instances=3.
 */
import fs from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import autocannon from 'autocannon';
import { call, fmt, numberOption, startChild, table, type Child } from './harness.js';
import { freshDatabase, pgCluster } from './pg.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => numberOption(argv, name, fallback);
const SECONDS = opt('seconds', 10);
const CONNECTIONS = opt('connections', 12);
const MAX_INSTANCES = opt('instances', 3);
const KEY = 'sk_test_bench_multi';
const CORES = os.cpus().length;

/** CPU seconds (user + system) of a process, from /proc; 0 once it is gone. */
function cpuOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime + stime, in clock ticks of 1/100 s (USER_HZ on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The postmaster and every process it started (backends, checkpointer, WAL writer, ...). */
function postgresPids(postmaster: number): number[] {
  const pids = [postmaster];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

async function postmasterOf(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    const backend = rows[0]?.pid as number;
    return Number(fs.readFileSync(`/proc/${backend}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
  } finally {
    await client.end();
  }
}

interface Load {
  name: string;
  path: string;
  method: 'GET' | 'POST';
  body?: string;
}

interface Result {
  instances: number;
  load: string;
  rps: number;
  p50: number;
  p99: number;
  failed: number;
  /** Share of all cores, in percent, over the measurement. */
  cpu: { instances: number; postgres: number; generator: number };
}

async function run(instances: Child[], load: Load, postmaster: number): Promise<Result> {
  const per = Math.max(1, Math.round(CONNECTIONS / instances.length));
  const opts = (c: Child) => ({
    url: c.url + load.path,
    connections: per,
    method: load.method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
    ...(load.body !== undefined ? { body: load.body } : {}),
  });
  await Promise.all(instances.map((c) => autocannon({ ...opts(c), duration: 2 })));
  const pgPids = postgresPids(postmaster);
  const cpu = () => ({
    instances: instances.reduce((n, c) => n + cpuOf(c.pid), 0),
    postgres: pgPids.reduce((n, p) => n + cpuOf(p), 0),
    generator: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  });
  const before = cpu();
  const t0 = performance.now();
  const results = await Promise.all(instances.map((c) => autocannon({ ...opts(c), duration: SECONDS })));
  const wall = (performance.now() - t0) / 1000;
  const after = cpu();
  const share = (k: keyof typeof before) => (100 * (after[k] - before[k])) / (wall * CORES);
  const total = results.reduce((n, r) => n + r.requests.total, 0);
  return {
    instances: instances.length,
    load: load.name,
    rps: total / wall,
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    failed: results.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
    cpu: { instances: share('instances'), postgres: share('postgres'), generator: share('generator') },
  };
}

async function fixtures(url: string): Promise<Load[]> {
  const price = (name: string, amount: number) => call(url, KEY, 'POST', '/v1/prices', `currency=usd&unit_amount=${amount}&product_data[name]=${name}`);
  const [a, b] = [await price('Poster', 2500), await price('Frame', 4000)];
  const customer = await call(url, KEY, 'POST', '/v1/customers', 'email=jenny%40example.com&name=Jenny%20Rosen');
  const pm = await call(url, KEY, 'POST', '/v1/payment_methods', 'type=card&card[token]=tok_visa&allow_redisplay=always&billing_details[name]=Jenny&billing_details[email]=jenny%40example.com&billing_details[address][country]=US&billing_details[address][postal_code]=94102');
  await call(url, KEY, 'POST', `/v1/payment_methods/${String(pm.id)}/attach`, `customer=${String(customer.id)}`);
  const body = `mode=payment&customer=${String(customer.id)}&success_url=https%3A%2F%2Fshop.example%2Fok&line_items[0][price]=${String(a.id)}&line_items[0][quantity]=1&line_items[1][price]=${String(b.id)}&line_items[1][quantity]=2`;
  const session = await call(url, KEY, 'POST', '/v1/checkout/sessions', body);
  return [
    { name: 'POST /v1/checkout/sessions', path: '/v1/checkout/sessions', method: 'POST', body },
    { name: 'GET /c/pay/:id', path: new URL(String(session.url)).pathname, method: 'GET' },
  ];
}

async function main(): Promise<void> {
  console.log(`Multi-instance benchmark: 1..${MAX_INSTANCES} instances on one PostgreSQL, ${CONNECTIONS} connections in total, ${SECONDS} s per measurement, ${CORES} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const cluster = pgCluster(argv.some((a) => a.startsWith('--pg')) ? argv : [...argv, '--pg']);
  if (!cluster) throw new Error('no PostgreSQL');
  const results: Result[] = [];
  try {
    for (let n = 1; n <= MAX_INSTANCES; n++) {
      const url = await freshDatabase(cluster.adminUrl);
      const postmaster = await postmasterOf(url);
      const instances = await Promise.all(Array.from({ length: n }, () => startChild('opencheckout', { DATABASE_URL: url, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' })));
      try {
        for (const load of await fixtures((instances[0] as Child).url)) {
          const r = await run(instances, load, postmaster);
          results.push(r);
          console.log(`${n} instance(s), ${r.load}: ${fmt(r.rps)} req/s`);
        }
      } finally {
        await Promise.all(instances.map((c) => c.stop()));
      }
    }
  } finally {
    cluster.stop();
  }
  const base = new Map(results.filter((r) => r.instances === 1).map((r) => [r.load, r.rps]));
  const rows = results.map((r) => [
    r.instances,
    r.load + (r.failed ? ` (${r.failed} failed)` : ''),
    fmt(r.rps),
    ((r.rps / (base.get(r.load) ?? r.rps)) as number).toFixed(2),
    `${r.p50} / ${r.p99}`,
    `${r.cpu.instances.toFixed(0)} %`,
    `${r.cpu.postgres.toFixed(0)} %`,
    `${r.cpu.generator.toFixed(0)} %`,
    `${(100 - r.cpu.instances - r.cpu.postgres - r.cpu.generator).toFixed(0)} %`,
  ]);
  console.log(
    `\n${table(['Instances', 'Request', 'req/s (all instances)', 'vs 1 instance', 'p50 / p99 ms', 'CPU: instances', 'CPU: PostgreSQL', 'CPU: load generator', 'CPU: rest of host'], rows)}`,
  );
  console.log(`\nCPU shares are of all ${CORES} cores over each measurement. load average now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
