/**
 * Whole-database views for the security tests: row counts of every table (to prove a refused
 * request stored nothing) and every row of every table as text (to scan for secrets).
 */
import { sql } from 'kysely';
import type { Db } from '../../src/store/db.js';

/** Every table of the store, Kysely's own migration bookkeeping excepted. */
export async function tableNames(db: Db): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables.map((t) => t.name).filter((n) => !n.startsWith('kysely_')).sort();
}

/**
 * The highest seq (any insert moves it, even of a row deleted again) of every table with one, the
 * row count of the others, leaving out `settings` (installation secrets and the pruner's marks,
 * written by background maintenance at any moment, never by a request on behalf of its caller)
 * and `request_log` (every request, refused ones too, is logged in batches a moment later).
 */
export async function rowCounts(db: Db): Promise<Record<string, string>> {
  return (await rowCounter(db))();
}

/** A reusable rowCounts for one database: the tables are looked up once, each call is one query. */
export async function rowCounter(db: Db): Promise<() => Promise<Record<string, string>>> {
  const all = await db.introspection.getTables();
  const names = all.map((t) => t.name).filter((n) => !n.startsWith('kysely_') && n !== 'settings' && n !== 'request_log').sort();
  // max(seq) is an index lookup however big the table grows (a long fuzz run fills them); tables
  // without a seq are small and counted.
  const parts = names.map((t) =>
    all.find((x) => x.name === t)?.columns.some((c) => c.name === 'seq')
      ? sql`select ${sql.lit(t)} as t, 0 as n, coalesce(max(seq), 0) as m from ${sql.table(t)}`
      : sql`select ${sql.lit(t)} as t, count(*) as n, 0 as m from ${sql.table(t)}`,
  );
  const query = sql<{ t: string; n: number | string; m: number | string }>`${sql.join(parts, sql` union all `)}`;
  return async () => {
    const { rows } = await query.execute(db);
    return Object.fromEntries(rows.map((r) => [r.t, `${Number(r.n)}/${Number(r.m)}`]));
  };
}

/** Every row of every table, one JSON line per row, prefixed with its table. */
export async function dumpAll(db: Db): Promise<string[]> {
  const out: string[] = [];
  for (const t of await tableNames(db)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(db);
    for (const r of rows) out.push(`${t} ${JSON.stringify(r)}`);
  }
  return out;
}
