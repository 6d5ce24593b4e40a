/**
 * Scale benchmark (not a test): does a big store slow the hot path or grow the server? Measures
 * POST /v1/customers and the first page of GET /v1/customers?limit=10 on an empty store, then on a
 * store where the same account already holds 1,000,000 customers (inserted directly, in batches,
 * before the server starts), and compares cost per request and the server's RSS.
 * Targets: within 1.2x of the empty store, RSS <= 120 MiB.
 *
 *   npm run bench:scale                        # SQLite
 *   npm run bench:scale -- --pg                # PostgreSQL too, on a throwaway cluster (scripts/pg.sh)
 * Knobs: --customers=1000000, --seconds=10, --connections=10, --rounds=2 (best run kept),
 * BENCH_NODE_OPTIONS (how the server starts, `NAME=value node --flag ...`; default: as `npm start`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { accountForKey } from '../src/api/auth.js';
import { newId } from '../src/api/ids.js';
import { openAppStore } from '../src/app.js';
import { best, call, fmt, measure, numberOption, startChild, table, type Measured } from './harness.js';
import { analyze, freshDatabase, pgCluster } from './pg.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => numberOption(argv, name, fallback);
const CUSTOMERS = opt('customers', 1_000_000);
const SECONDS = opt('seconds', 10);
const CONNECTIONS = opt('connections', 10);
const ROUNDS = opt('rounds', 2);
const KEY = 'sk_test_scale';
const ACCOUNT = accountForKey(KEY);
const BODY = 'email=jenny%40example.com&name=Jenny%20Rosen&metadata[order]=42';

/** A customer as the API stores it (the shape of service.ts), with varying id, email and time. */
function customerJson(id: string, i: number, created: number): string {
  return JSON.stringify({
    id, object: 'customer', address: null, balance: 0, created, currency: null, customer_account: null, default_source: null,
    delinquent: false, description: null, discount: null, email: `c${i}@example.com`, invoice_prefix: `S${String(i).padStart(7, '0')}`,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false, metadata: { n: String(i) }, name: `Customer ${i}`, next_invoice_sequence: 1, phone: null,
    preferred_locales: [], shipping: null, tax_exempt: 'none', test_clock: null,
  });
}

async function seedSqlite(dataDir: string, n: number): Promise<void> {
  const store = await openAppStore({ dataDir }); // creates the schema
  await store.close();
  const db = new BetterSqlite3(path.join(dataDir, 'opencheckout.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // a bulk load: redone from scratch if interrupted
  const insert = db.prepare('insert into customers (account_id, id, created, data, email, test_clock, deleted) values (?, ?, ?, ?, ?, null, 0)');
  const start = Math.floor(Date.now() / 1000) - n; // one customer a second, up to now
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = newId('cus_');
      insert.run(ACCOUNT, id, start + i, customerJson(id, i, start + i), `c${i}@example.com`);
    }
  });
  for (let i = 0; i < n; i += 20_000) batch(i, Math.min(i + 20_000, n));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

async function seedPostgres(url: string, n: number): Promise<void> {
  const store = await openAppStore({ dataDir: os.tmpdir(), databaseUrl: url });
  await store.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const start = Math.floor(Date.now() / 1000) - n;
    const template = customerJson('ID', 0, 0);
    for (let i = 0; i < n; i += 100_000) {
      await client.query(
        `insert into customers (account_id, id, created, data, email, test_clock, deleted)
         select $1, 'cus_' || md5(random()::text || g)::text, $2::bigint + g, $3, 'c' || g || '@example.com', null, 0
         from generate_series($4::int, $5::int) g`,
        [ACCOUNT, start, template, i, Math.min(i + 100_000, n) - 1],
      );
    }
    // After a bulk load, as autovacuum would within a minute: the planner needs the row counts.
    await client.query('analyze customers');
  } finally {
    await client.end();
  }
}

interface Run {
  label: string;
  create: Measured;
  list: Measured;
  rss: { now: number; peak: number };
}

async function measureStore(label: string, env: Record<string, string>): Promise<Run> {
  const pgUrl = env.DATABASE_URL;
  const server = await startChild('opencheckout', { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...env });
  try {
    for (let i = 0; i < 10; i++) await call(server.url, KEY, 'POST', '/v1/customers', BODY);
    const auth = { authorization: `Bearer ${KEY}` };
    const create = await measure({ name: 'create', url: `${server.url}/v1/customers`, method: 'POST', body: BODY, headers: auth }, SECONDS, CONNECTIONS, server.pid);
    if (pgUrl) await analyze(pgUrl);
    const list = await measure({ name: 'list', url: `${server.url}/v1/customers?limit=10`, headers: auth }, SECONDS, CONNECTIONS, server.pid);
    return { label, create, list, rss: server.rss() };
  } finally {
    await server.stop();
  }
}

function report(store: string, empty: Run, full: Run): string {
  const rows: Array<Array<string | number>> = [];
  for (const run of [empty, full]) {
    for (const [name, m] of [['POST /v1/customers', run.create], ['GET /v1/customers?limit=10', run.list]] as const) {
      const base = name.startsWith('POST') ? empty.create : empty.list;
      const ratio = m.cpuUs / base.cpuUs;
      rows.push([run.label, name, fmt(m.rps), `${m.p50} / ${m.p99}`, fmt(m.cpuUs), run === empty ? '1.00' : `${ratio.toFixed(2)} (${ratio <= 1.2 ? 'within' : 'over'} 1.2x)`]);
    }
    rows.push([run.label, 'server RSS', '', '', '', `${run.rss.now.toFixed(0)} MiB now, ${run.rss.peak.toFixed(0)} MiB peak (${run.rss.peak <= 120 ? 'within' : 'over'} 120)`]);
  }
  return `### ${store}\n\n${table(['Store', 'Request', 'req/s', 'p50 / p99 ms', 'server CPU µs/req', 'cost vs empty'], rows)}`;
}

/**
 * ROUNDS rounds of (empty store, full store), each figure's better run kept: the host's load
 * drifts, and alternating gives both stores the same drift.
 */
async function compare(emptyEnv: Record<string, string>, fullEnv: Record<string, string>): Promise<[Run, Run]> {
  let empty: Run | undefined;
  let full: Run | undefined;
  const merge = (a: Run | undefined, b: Run): Run =>
    a ? { label: b.label, create: best(a.create, b.create), list: best(a.list, b.list), rss: { now: Math.max(a.rss.now, b.rss.now), peak: Math.max(a.rss.peak, b.rss.peak) } } : b;
  for (let round = 0; round < ROUNDS; round++) {
    empty = merge(empty, await measureStore('empty', emptyEnv));
    full = merge(full, await measureStore(`${fmt(CUSTOMERS)} customers`, fullEnv));
  }
  return [empty as Run, full as Run];
}

async function main(): Promise<void> {
  console.log(`Scale benchmark: ${fmt(CUSTOMERS)} customers in one account, ${CONNECTIONS} connections, ${SECONDS} s per measurement, ${ROUNDS} rounds, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-scale-empty-'));
  const fullDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-scale-full-'));
  try {
    const t = Date.now();
    await seedSqlite(fullDir, CUSTOMERS);
    const size = fs.readdirSync(fullDir).reduce((sum, f) => sum + fs.statSync(path.join(fullDir, f)).size, 0);
    console.log(`seeded ${fmt(CUSTOMERS)} customers into SQLite in ${((Date.now() - t) / 1000).toFixed(0)} s (${(size / 2 ** 20).toFixed(0)} MiB on disk)`);
    const [empty, full] = await compare({ DATA_DIR: emptyDir }, { DATA_DIR: fullDir });
    console.log(`\n${report('SQLite (WAL, synchronous=NORMAL)', empty, full)}`);
  } finally {
    fs.rmSync(emptyDir, { recursive: true, force: true });
    fs.rmSync(fullDir, { recursive: true, force: true });
  }
  const cluster = pgCluster(argv);
  if (cluster) {
    try {
      const emptyUrl = await freshDatabase(cluster.adminUrl);
      const fullUrl = await freshDatabase(cluster.adminUrl);
      const t = Date.now();
      await seedPostgres(fullUrl, CUSTOMERS);
      console.log(`seeded ${fmt(CUSTOMERS)} customers into PostgreSQL in ${((Date.now() - t) / 1000).toFixed(0)} s`);
      const [empty, full] = await compare({ DATABASE_URL: emptyUrl }, { DATABASE_URL: fullUrl });
      console.log(`\n${report('PostgreSQL 15', empty, full)}`);
    } finally {
      cluster.stop();
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
