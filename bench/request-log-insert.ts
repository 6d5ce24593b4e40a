/**
 * The floor under a stored request-log row (docs/decisions.md#request-log): CPU per row of
 * inserting rows shaped like `request_log`'s into SQLite (WAL, synchronous=NORMAL, as the server
 * opens it), in batches of 32 with the count pruning the log does, with and without the account
 * index, and with a short and a customer-sized response body.
 *
 *   node --import tsx bench/request-log-insert.ts [--batches=1000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { numberOption, table } from './harness.js';

const BATCHES = numberOption(process.argv.slice(2), 'batches', 1000);
const ROWS = 32;
const COLUMNS = 10;

function run(indexed: boolean, pad: number): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-insert-'));
  const db = new Database(path.join(dir, 'log.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('temp_store = MEMORY');
    db.exec(
      'create table request_log (seq integer primary key autoincrement, account_id text not null, request_id text not null, created bigint not null, method text not null, path text not null, status integer not null, duration_ms integer not null, idempotency_key text, params text not null, response_body text not null)',
    );
    if (indexed) db.exec('create index request_log_account on request_log (account_id, seq)');
    const tuple = `(${Array(COLUMNS).fill('?').join(', ')})`;
    const insert = db.prepare(`insert into request_log (account_id, request_id, created, method, path, status, duration_ms, idempotency_key, params, response_body) values ${Array(ROWS).fill(tuple).join(', ')}`);
    const prune = db.prepare('delete from request_log where seq <= ?');
    const body = JSON.stringify({ id: 'cus_NffrFeUfNV2Hib', object: 'customer', email: 'jenny@example.com', name: 'Jenny Rosen', metadata: { order: '42' }, pad: 'x'.repeat(pad) });
    const cpu0 = process.cpuUsage();
    let seq = 0;
    for (let b = 0; b < BATCHES; b++) {
      const values: unknown[] = [];
      for (let i = 0; i < ROWS; i++) values.push(`acct_${i % 3}`, `req_${b}_${i}`, Date.now(), 'POST', '/v1/customers', 200, 3, null, '?email=jenny%40example.com&name=Jenny', body);
      db.exec('BEGIN');
      insert.run(values);
      seq += ROWS;
      // The log keeps 10,000 rows, pruned every tenth of that.
      if (seq % 1024 === 0) prune.run(seq - 10_000);
      db.exec('COMMIT');
    }
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / (BATCHES * ROWS);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const rows: string[][] = [];
for (const indexed of [true, false]) {
  for (const pad of [0, 700]) {
    const runs = [run(indexed, pad), run(indexed, pad), run(indexed, pad)].sort((a, b) => a - b);
    rows.push([indexed ? 'with the account index' : 'no index', pad ? '~900 bytes' : '~200 bytes', (runs[1] as number).toFixed(1)]);
  }
}
console.log(`Request log insert floor: ${BATCHES} batches of ${ROWS} rows, median of 3, load average ${os.loadavg()[0]?.toFixed(1)}\n`);
console.log(table(['Table', 'Response body', 'CPU µs per row'], rows));
