import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDatabase } from '../test/helpers/pg.js';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'pg.sh');

/**
 * The PostgreSQL cluster a benchmark runs against: `--pg=URL` / BENCH_PG_URL names one; a bare
 * `--pg` starts a throwaway cluster with scripts/pg.sh (stopped by `stop`). Undefined = no PG run.
 */
export function pgCluster(argv: string[]): { adminUrl: string; stop(): void } | undefined {
  const flag = argv.find((a) => a === '--pg' || a.startsWith('--pg='));
  const given = flag?.startsWith('--pg=') ? flag.slice(5) : process.env.BENCH_PG_URL;
  if (given) return { adminUrl: given, stop: () => undefined };
  if (!flag) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-pg-'));
  const port = String(20000 + Math.floor(Math.random() * 20000));
  const adminUrl = execFileSync('bash', [script, 'start', dir, port], { encoding: 'utf8' }).trim();
  return { adminUrl, stop: () => execFileSync('bash', [script, 'stop', dir]) };
}

/** A fresh, empty database on the cluster. */
export function freshDatabase(adminUrl: string): Promise<string> {
  return createDatabase(adminUrl, 'oc_bench');
}

/**
 * Refreshes the planner's statistics, as autovacuum does within a minute of a table growing.
 * A benchmark that lists right after inserting thousands of rows would otherwise measure a plan
 * made for an empty table (a sort of the whole account instead of an index walk).
 */
export async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('analyze');
  } finally {
    await client.end();
  }
}
