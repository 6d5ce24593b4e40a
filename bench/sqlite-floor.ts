/**
 * The floor under POST /v1/customers on SQLite (not a test): what the store alone costs, without
 * HTTP, parsing, validation or logging. On OpenCheckout's own schema (its migrations), with the
 * server's settings (WAL, synchronous=NORMAL, checkpoints off the hot path), better-sqlite3 runs
 * in a tight loop exactly the statements a customer create commits — the customer row, its
 * `customer.created` Event row, the webhook-endpoint lookup — and the COMMIT, timing each.
 * A GET by id is one indexed select on the read-only connection. A Checkout Session create
 * (payment mode, an existing customer, 2 line items by price id) reads the customer, the two
 * prices and their products, and commits the session row and its expiry job: its rows are copied
 * from a session the server itself created at the start of the run.
 *
 *   node --import tsx bench/sqlite-floor.ts        # --n=20000 transactions
 *
 * Compare the µs per transaction with the bare node:http server's µs per request in
 * `npm run bench:api`: the ratio targets are ceilings set by these numbers, before any HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { newId, newSessionId } from '../src/api/ids.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { call, numberOption } from './harness.js';

const argv = process.argv.slice(2);
const N = numberOption(argv, 'n', 20_000);
const ACCOUNT = 'acct_floor';

function eventJson(customer: string, created: number): string {
  return `{"id":"${newId('evt_')}","object":"event","api_version":"2025-01-01","created":${created},"data":{"object":${customer}},"livemode":false,"pending_webhooks":0,"request":{"id":"${newId('req_')}","idempotency_key":null},"type":"customer.created"}`;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-floor-'));
  try {
    // The schema exactly as the server creates it, and one real Checkout Session to copy.
    const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir });
    const app = await createApp({ config, log: createLogger('warn') });
    const KEY = 'sk_test_floor';
    const price = (name: string, amount: number) => call(app.url, KEY, 'POST', '/v1/prices', `currency=usd&unit_amount=${amount}&product_data[name]=${name}`);
    const [p1, p2] = [await price('Poster', 2500), await price('Frame', 4000)];
    const cus = await call(app.url, KEY, 'POST', '/v1/customers', 'email=jenny%40example.com&name=Jenny%20Rosen&metadata[order]=42');
    // A customer as the API serves it; each copy gets its own id and time.
    const customerJson = (id: string, created: number) => JSON.stringify({ ...cus, id, created });
    const template = await call(
      app.url,
      KEY,
      'POST',
      '/v1/checkout/sessions',
      `mode=payment&customer=${String(cus.id)}&success_url=https%3A%2F%2Fshop.example%2Fok&line_items[0][price]=${String(p1.id)}&line_items[0][quantity]=1&line_items[1][price]=${String(p2.id)}&line_items[1][quantity]=2`,
    );
    await app.close();
    const file = path.join(dir, 'opencheckout.db');
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // The server checkpoints in a worker thread; here no checkpoint runs inside the timed loop.
    db.pragma('wal_autocheckpoint = 0');
    const reader = new BetterSqlite3(file, { readonly: true });

    const begin = db.prepare('begin');
    const commit = db.prepare('commit');
    const insertCustomer = db.prepare('insert into "customers" ("account_id", "id", "created", "data", "email", "test_clock", "deleted") values (?, ?, ?, ?, ?, ?, ?)');
    const endpoints = db.prepare('select "id", "data" from "webhook_endpoints" where "account_id" = ? and "status" = ? order by "seq"');
    const insertEvent = db.prepare('insert into "events" ("account_id", "id", "created", "data", "type", "pending_webhooks") values (?, ?, ?, ?, ?, ?)');
    const get = reader.prepare('select "data" from "customers" where "account_id" = ? and "id" = ?');

    type Row = Record<string, string | number | null>;
    const session = db.prepare('select * from checkout_sessions where id = ?').get(String(template.id)) as Row;
    const job = db.prepare('select * from jobs where subject_id = ?').get(String(template.id)) as Row;
    const sessionAccount = String(session.account_id);
    const getRow = db.prepare('select "data" from "customers" where "account_id" = ? and "id" = ?');
    const getPrice = db.prepare('select "data" from "prices" where "account_id" = ? and "id" = ?');
    const getProduct = db.prepare('select "data" from "products" where "account_id" = ? and "id" = ?');
    const sessionCols = Object.keys(session).filter((c) => c !== 'seq');
    const insertSession = db.prepare(`insert into checkout_sessions (${sessionCols.join(', ')}) values (${sessionCols.map(() => '?').join(', ')})`);
    const schedule = db.prepare(
      'insert into jobs (account_id, kind, subject_id, due_at, test_clock, claimed_until) values (?, ?, ?, ?, ?, 0) ' +
        'on conflict (kind, subject_id) do update set due_at = excluded.due_at, test_clock = excluded.test_clock, claimed_until = 0',
    );
    const products = [p1, p2].map((p) => String((p as { product: string }).product));

    const ids: string[] = [];
    const t = { statements: 0n, commit: 0n, get: 0n };
    const now = () => process.hrtime.bigint();
    const created0 = Math.floor(Date.now() / 1000);
    for (let i = 0; i < N; i++) {
      const id = newId('cus_');
      const created = created0 + Math.floor(i / 100);
      const customer = customerJson(id, created);
      const a = now();
      begin.run();
      insertCustomer.run(ACCOUNT, id, created, customer, 'jenny@example.com', null, 0);
      endpoints.all(ACCOUNT, 'enabled');
      insertEvent.run(ACCOUNT, newId('evt_'), created, eventJson(customer, created), 'customer.created', 0);
      const b = now();
      commit.run();
      t.commit += now() - b;
      t.statements += b - a;
      ids.push(id);
      // Checkpoint between batches, outside the timing, as the server's worker thread does.
      if (i % 1000 === 999) db.pragma('wal_checkpoint(PASSIVE)');
    }
    const st = { statements: 0n, commit: 0n };
    const templateId = String(session.id);
    for (let i = 0; i < N; i++) {
      const id = newSessionId();
      const values = sessionCols.map((c) => (c === 'id' ? id : c === 'data' ? String(session.data).replaceAll(templateId, id) : session[c] ?? null));
      const a = now();
      begin.run();
      JSON.parse((getRow.get(sessionAccount, String(cus.id)) as { data: string }).data);
      for (const p of [p1, p2]) JSON.parse((getPrice.get(sessionAccount, String(p.id)) as { data: string }).data);
      for (const p of products) JSON.parse((getProduct.get(sessionAccount, p) as { data: string }).data);
      insertSession.run(values);
      schedule.run(sessionAccount, String(job.kind), id, Number(job.due_at), null);
      const b = now();
      commit.run();
      st.commit += now() - b;
      st.statements += b - a;
      if (i % 1000 === 999) db.pragma('wal_checkpoint(PASSIVE)');
    }
    for (let i = 0; i < N; i++) {
      const a = now();
      const row = get.get(ACCOUNT, ids[(i * 7919) % N]) as { data: string };
      JSON.parse(row.data);
      t.get += now() - a;
    }
    const us = (ns: bigint) => Number(ns) / N / 1000;
    const tx = us(t.statements) + us(t.commit);
    console.log(`SQLite floor on OpenCheckout's schema, ${N.toLocaleString('en')} transactions, Node ${process.version}, ${os.cpus().length} CPUs`);
    console.log(`| Step | µs per request | requests/s on one core |`);
    console.log(`| --- | --- | --- |`);
    console.log(`| customer create: 2 inserts + endpoint lookup | ${us(t.statements).toFixed(1)} | |`);
    console.log(`| customer create: COMMIT (WAL append) | ${us(t.commit).toFixed(1)} | |`);
    console.log(`| customer create, store only | ${tx.toFixed(1)} | ${Math.round(1e6 / tx).toLocaleString('en')} |`);
    const stx = us(st.statements) + us(st.commit);
    console.log(`| checkout session create: 5 reads + session row + expiry job | ${us(st.statements).toFixed(1)} | |`);
    console.log(`| checkout session create: COMMIT (WAL append) | ${us(st.commit).toFixed(1)} | |`);
    console.log(`| checkout session create, store only | ${stx.toFixed(1)} | ${Math.round(1e6 / stx).toLocaleString('en')} |`);
    console.log(`| GET by id: indexed select + JSON.parse | ${us(t.get).toFixed(1)} | ${Math.round(1e6 / us(t.get)).toLocaleString('en')} |`);
    reader.close();
    db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
