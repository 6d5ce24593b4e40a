/**
 * What group commit's savepoints cost SQLite (not a test). Group commit (src/store/group-commit.ts)
 * runs each request's writes in a savepoint of its own; SQLite copies every page a savepoint
 * touches first into a statement journal. This times the statements of a customer create — the
 * customer row, its Event row, the webhook-endpoint lookup — in batches of 8 per COMMIT, as group
 * commit runs them at 10 connections, three ways: without savepoints, with savepoints and the
 * statement journal in a temp file (SQLite's default), with savepoints and `temp_store = MEMORY`
 * (what the server sets, src/store/db.ts).
 *
 *   node --import tsx bench/statement-journal.ts        # --n=16000 creates per variant
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { newId } from '../src/api/ids.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { call, numberOption } from './harness.js';

const argv = process.argv.slice(2);
const N = numberOption(argv, 'n', 16_000);
const BATCH = 8;

interface Variant {
  name: string;
  savepoints: boolean;
  memory: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'no savepoints', savepoints: false, memory: false },
  { name: 'a savepoint per create, statement journal in a temp file (SQLite default)', savepoints: true, memory: false },
  { name: 'a savepoint per create, temp_store = MEMORY (the server)', savepoints: true, memory: true },
];

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-journal-'));
  try {
    // The schema exactly as the server creates it, and a customer and its event as served.
    const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir });
    const app = await createApp({ config, log: createLogger('warn') });
    const customer = await call(app.url, 'sk_test_journal', 'POST', '/v1/customers', 'email=jenny%40example.com&name=Jenny%20Rosen&metadata[order]=42');
    await app.close();
    const file = path.join(dir, 'opencheckout.db');
    const rows: string[] = [];
    for (const v of VARIANTS) {
      fs.copyFileSync(file, path.join(dir, 'variant.db'));
      const db = new BetterSqlite3(path.join(dir, 'variant.db'));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      if (v.memory) db.pragma('temp_store = MEMORY');
      const insCustomer = db.prepare('insert into customers (account_id, id, created, data, email, test_clock, deleted) values (?, ?, ?, ?, ?, null, 0)');
      const insEvent = db.prepare('insert into events (account_id, id, created, data, type, pending_webhooks) values (?, ?, ?, ?, ?, 0)');
      const endpoints = db.prepare("select id from webhook_endpoints where account_id = ? and status = 'enabled'");
      const begin = db.prepare('BEGIN');
      const commit = db.prepare('COMMIT');
      const savepoint = db.prepare('SAVEPOINT request');
      const release = db.prepare('RELEASE request');
      let writes = 0n;
      let commits = 0n;
      const now = () => process.hrtime.bigint();
      for (let done = 0; done < N; ) {
        begin.run();
        for (let i = 0; i < BATCH; i++, done++) {
          const created = Number(customer.created) + Math.floor(done / 1000);
          const id = newId('cus_');
          const json = JSON.stringify({ ...customer, id, created });
          const t = now();
          if (v.savepoints) savepoint.run();
          insCustomer.run('acct_journal', id, created, json, 'jenny@example.com');
          endpoints.all('acct_journal');
          insEvent.run('acct_journal', newId('evt_'), created, `{"object":"event","data":{"object":${json}}}`, 'customer.created');
          if (v.savepoints) release.run();
          writes += now() - t;
        }
        const t = now();
        commit.run();
        commits += now() - t;
        if (done % 4000 === 0) db.pragma('wal_checkpoint(PASSIVE)');
      }
      db.close();
      const us = (ns: bigint) => (Number(ns) / N / 1000).toFixed(1);
      rows.push(`| ${v.name} | ${us(writes)} | ${us(commits)} |`);
    }
    console.log(`${N} customer creates per variant, ${BATCH} per COMMIT\n`);
    console.log('| Variant | statements, µs per create | COMMIT, µs per create |\n| --- | --- | --- |');
    for (const r of rows) console.log(r);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
