import type BetterSqlite3 from 'better-sqlite3';
import type { QueryResult } from 'kysely';
import type { Db } from './db.js';

type Runner = (sql: string, params: unknown[]) => QueryResult<unknown>;

const runners = new WeakMap<Db, Runner>();

/**
 * Lets the hot queries (objects.ts) on `db` run straight on the better-sqlite3 connection behind
 * it. Only for a connection no transaction ever uses (the read-only GET connection): Kysely's
 * connection lock, skipped here, is what keeps a statement out of another's open transaction.
 */
export function registerDirect(db: Db, prepare: (sql: string) => BetterSqlite3.Statement): void {
  runners.set(db, (sql, params) => {
    const stmt = prepare(sql);
    if (stmt.reader) return { rows: stmt.all(params) };
    const { changes } = stmt.run(params);
    return { rows: [], numAffectedRows: BigInt(changes) };
  });
}

/** The direct runner for `db`, if it has one. */
export function directRunner(db: Db): Runner | undefined {
  return runners.get(db);
}

/** True for SQLite's refusal to write on a read-only connection (a GET handler that writes). */
export function isReadOnlyError(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'SQLITE_READONLY';
}
