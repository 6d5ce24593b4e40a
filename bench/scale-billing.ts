/**
 * Scale benchmark for billing (not a test), on SQLite: do 1,000,000 stored subscriptions and
 * their events slow subscription creates, lists, the events list or renewals? The same account
 * holds, before the server starts, N customers each with an active monthly subscription (its
 * renewal job due a month from now) and a `customer.subscription.created` event: rows copied
 * from a subscription the server itself created, with fresh ids. Then, on that store and on one
 * holding only the template, alternately:
 *   - POST /v1/subscriptions (a customer with a saved card: the subscription, its first invoice,
 *     the PaymentIntent, the Charge and their events, in one write),
 *   - GET /v1/subscriptions?limit=10, GET /v1/events?limit=10, GET /v1/events?type=…&limit=10,
 *   - renewals: 20 subscriptions on a test clock, the clock advanced by a month; server CPU per
 *     renewal (invoice drafted, finalized, charged, paid, with its events) until the clock is ready.
 * Target (issue: scale): each within 1.2x of the small store; RSS <= 120 MiB.
 *
 *   node scripts/build.mjs --if-stale && node --import tsx bench/scale-billing.ts   # --n=1000000 --seconds=8 --rounds=2
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { newId } from '../src/api/ids.js';
import { best, call, fmt, measure, numberOption, startChild, table, type Child, type Measured } from './harness.js';

const argv = process.argv.slice(2);
const N = numberOption(argv, 'n', 1_000_000);
const SECONDS = numberOption(argv, 'seconds', 8);
const ROUNDS = numberOption(argv, 'rounds', 2);
const CONNECTIONS = 10;
const RENEWALS = 20;
const KEY = 'sk_test_scale_billing';
const MONTH = 31 * 86_400;

interface Template {
  customer: string;
  paymentMethod: string;
  price: string;
  subscription: string;
}

/** Creates, through the API, the customer, card, price and subscription every copy is made from. */
async function makeTemplate(dataDir: string): Promise<Template> {
  const server = await startChild('opencheckout', { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  try {
    const customer = await call(server.url, KEY, 'POST', '/v1/customers', 'email=jenny%40example.com&name=Jenny%20Rosen');
    const pm = await call(server.url, KEY, 'POST', '/v1/payment_methods/pm_card_visa/attach', `customer=${String(customer.id)}`);
    const price = await call(server.url, KEY, 'POST', '/v1/prices', 'currency=jpy&unit_amount=980&recurring[interval]=month&product_data[name]=Pro');
    const sub = await call(server.url, KEY, 'POST', '/v1/subscriptions', `customer=${String(customer.id)}&items[0][price]=${String(price.id)}&default_payment_method=${String(pm.id)}`);
    return { customer: String(customer.id), paymentMethod: String(pm.id), price: String(price.id), subscription: String(sub.id) };
  } finally {
    await server.stop();
  }
}

/** Copies `n` times the rows `where` selects, each through `change` (column -> value), in batches. */
function copyRows(db: BetterSqlite3.Database, tableName: string, where: string, args: unknown[], n: number, change: (row: Record<string, unknown>, i: number) => Record<string, unknown>): void {
  const rows = db.prepare(`select * from ${tableName} where ${where}`).all(...args) as Array<Record<string, unknown>>;
  if (rows.length === 0) throw new Error(`no ${tableName} row to copy`);
  const columns = Object.keys(rows[0] as object).filter((c) => c !== 'seq');
  const insert = db.prepare(`insert into ${tableName} (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`);
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      for (const row of rows) {
        const copy = { ...row, ...change(row, i) };
        insert.run(...columns.map((c) => copy[c] as never));
      }
    }
  });
  for (let i = 0; i < n; i += 20_000) batch(i, Math.min(i + 20_000, n));
}

/** N customers, each with an active subscription (renewal due in a month) and its created event. */
function seed(dataDir: string, t: Template, n: number): void {
  const db = new BetterSqlite3(path.join(dataDir, 'opencheckout.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // a bulk load: redone from scratch if interrupted
  const sub = db.prepare('select data from subscriptions where id = ?').get(t.subscription) as { data: string };
  const itemIds = [...new Set(sub.data.match(/\bsi_[0-9A-Za-z]+/g) ?? [])];
  const ids = { customers: [] as string[], subscriptions: [] as string[] };
  const start = Math.floor(Date.now() / 1000) - n;
  for (let i = 0; i < n; i++) {
    ids.customers.push(newId('cus_'));
    ids.subscriptions.push(newId('sub_'));
  }
  const swap = (text: string, i: number): string => {
    let out = text.split(t.customer).join(ids.customers[i] as string).split(t.subscription).join(ids.subscriptions[i] as string);
    for (const item of itemIds) out = out.split(item).join(`${item}${i.toString(36)}`);
    return out;
  };
  copyRows(db, 'customers', 'id = ?', [t.customer], n, (row, i) => ({ id: ids.customers[i], created: start + i, data: swap(String(row.data), i), email: `c${i}@example.com` }));
  copyRows(db, 'subscriptions', 'id = ?', [t.subscription], n, (row, i) => {
    const out: Record<string, unknown> = { id: ids.subscriptions[i], created: start + i, data: swap(String(row.data), i) };
    for (const [k, v] of Object.entries(row)) if (typeof v === 'string' && k !== 'data' && k !== 'id') out[k] = swap(v, i);
    return out;
  });
  copyRows(db, 'events', "type = 'customer.subscription.created'", [], n, (row, i) => ({ id: newId('evt_'), created: start + i, data: swap(String(row.data), i) }));
  // Each copy's renewal is due a month from now, in real time: never during the run.
  const due = Date.now() + MONTH * 1000;
  copyRows(db, 'jobs', 'subject_id = ?', [t.subscription], n, (row, i) => ({ subject_id: ids.subscriptions[i], due_at: Number(row.due_at) > 1e12 ? due + i : Math.floor(due / 1000) + i }));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

interface Run {
  label: string;
  results: Measured[];
  renewalCpuUs: number;
  renewalMs: number;
  rss: { now: number; peak: number };
}

function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** RENEWALS subscriptions on a fresh test clock, advanced by a month: server CPU and time until ready. */
async function renewals(server: Child, t: Template): Promise<{ cpuUs: number; ms: number }> {
  const frozen = Math.floor(Date.now() / 1000);
  const clock = await call(server.url, KEY, 'POST', '/v1/test_helpers/test_clocks', `frozen_time=${frozen}`);
  for (let i = 0; i < RENEWALS; i++) {
    const c = await call(server.url, KEY, 'POST', '/v1/customers', `test_clock=${String(clock.id)}&email=r${i}%40example.com`);
    const pm = await call(server.url, KEY, 'POST', '/v1/payment_methods/pm_card_visa/attach', `customer=${String(c.id)}`);
    await call(server.url, KEY, 'POST', '/v1/subscriptions', `customer=${String(c.id)}&items[0][price]=${t.price}&default_payment_method=${String(pm.id)}`);
  }
  const cpu0 = cpuSeconds(server.pid);
  const t0 = performance.now();
  await call(server.url, KEY, 'POST', `/v1/test_helpers/test_clocks/${String(clock.id)}/advance`, `frozen_time=${frozen + MONTH + 7200}`);
  for (;;) {
    const got = await call(server.url, KEY, 'GET', `/v1/test_helpers/test_clocks/${String(clock.id)}`);
    if (got.status === 'ready') break;
    if (got.status === 'internal_failure') throw new Error('the test clock failed');
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - t0;
  const paid = await call(server.url, KEY, 'GET', `/v1/invoices?limit=100&status=paid`);
  const renewed = (paid.data as Array<{ billing_reason: string }>).filter((i) => i.billing_reason === 'subscription_cycle').length;
  if (renewed < RENEWALS) throw new Error(`only ${renewed} of ${RENEWALS} renewals paid`);
  return { cpuUs: ((cpuSeconds(server.pid) - cpu0) * 1e6) / RENEWALS, ms };
}

async function measureStore(label: string, dataDir: string, t: Template): Promise<Run> {
  const server = await startChild('opencheckout', { DATA_DIR: dataDir, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' });
  try {
    const auth = { authorization: `Bearer ${KEY}` };
    const body = `customer=${t.customer}&items[0][price]=${t.price}&default_payment_method=${t.paymentMethod}`;
    const results: Measured[] = [];
    results.push(await measure({ name: 'POST /v1/subscriptions', url: `${server.url}/v1/subscriptions`, method: 'POST', body, headers: auth }, SECONDS, CONNECTIONS, server.pid));
    results.push(await measure({ name: 'GET /v1/subscriptions?limit=10', url: `${server.url}/v1/subscriptions?limit=10`, headers: auth }, SECONDS, CONNECTIONS, server.pid));
    results.push(await measure({ name: 'GET /v1/events?limit=10', url: `${server.url}/v1/events?limit=10`, headers: auth }, SECONDS, CONNECTIONS, server.pid));
    results.push(await measure({ name: 'GET /v1/events?type=customer.subscription.created&limit=10', url: `${server.url}/v1/events?type=customer.subscription.created&limit=10`, headers: auth }, SECONDS, CONNECTIONS, server.pid));
    const r = await renewals(server, t);
    return { label, results, renewalCpuUs: r.cpuUs, renewalMs: r.ms, rss: server.rss() };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  console.log(`Billing scale benchmark: ${fmt(N)} subscriptions, ${CONNECTIONS} connections, ${SECONDS} s per measurement, ${ROUNDS} rounds, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const smallDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-scale-billing-small-'));
  const fullDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-scale-billing-full-'));
  try {
    const t = await makeTemplate(smallDir);
    const seeded = performance.now();
    fs.cpSync(smallDir, fullDir, { recursive: true });
    seed(fullDir, t, N);
    console.log(`seeded ${fmt(N)} customers, subscriptions, events and renewal jobs in ${((performance.now() - seeded) / 1000).toFixed(0)} s; file ${fmt(fs.statSync(path.join(fullDir, 'opencheckout.db')).size / 2 ** 20)} MiB`);
    let small: Run | undefined;
    let full: Run | undefined;
    const merge = (a: Run | undefined, b: Run): Run =>
      a
        ? {
            label: b.label,
            results: b.results.map((m, i) => best(a.results[i], m)),
            renewalCpuUs: Math.min(a.renewalCpuUs, b.renewalCpuUs),
            renewalMs: Math.min(a.renewalMs, b.renewalMs),
            rss: { now: Math.max(a.rss.now, b.rss.now), peak: Math.max(a.rss.peak, b.rss.peak) },
          }
        : b;
    for (let round = 0; round < ROUNDS; round++) {
      small = merge(small, await measureStore('template only', smallDir, t));
      full = merge(full, await measureStore(`${fmt(N)} subscriptions`, fullDir, t));
    }
    const rows: Array<Array<string | number>> = [];
    const s = small as Run;
    const f = full as Run;
    for (const [i, m] of f.results.entries()) {
      const base = s.results[i] as Measured;
      const ratio = m.cpuUs / base.cpuUs;
      rows.push([m.name, `${fmt(base.rps)}, ${base.p50} / ${base.p99}, ${fmt(base.cpuUs)}`, `${fmt(m.rps)}, ${m.p50} / ${m.p99}, ${fmt(m.cpuUs)}`, `${ratio.toFixed(2)}x (${ratio <= 1.2 ? 'within' : 'over'} 1.2x)`]);
    }
    const rr = f.renewalCpuUs / s.renewalCpuUs;
    rows.push([`renewal on a test clock (${RENEWALS} per advance)`, `${fmt(s.renewalCpuUs)} µs CPU, advance ${fmt(s.renewalMs)} ms`, `${fmt(f.renewalCpuUs)} µs CPU, advance ${fmt(f.renewalMs)} ms`, `${rr.toFixed(2)}x (${rr <= 1.2 ? 'within' : 'over'} 1.2x)`]);
    rows.push(['server RSS', `${s.rss.now.toFixed(0)} MiB (peak ${s.rss.peak.toFixed(0)})`, `${f.rss.now.toFixed(0)} MiB (peak ${f.rss.peak.toFixed(0)})`, '']);
    console.log(`\n${table(['Request', 'template only: req/s, p50 / p99 ms, CPU µs/req', `${fmt(N)} subscriptions: req/s, p50 / p99 ms, CPU µs/req`, 'cost vs small'], rows)}`);
  } finally {
    fs.rmSync(smallDir, { recursive: true, force: true });
    fs.rmSync(fullDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
