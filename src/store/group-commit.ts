/**
 * Group commit on SQLite (docs/architecture.md#group-commit-on-sqlite). A COMMIT costs more than the
 * writes of a whole create (the WAL append of every page the transaction dirtied). Writes that
 * arrive together — the requests whose bytes one turn of the event loop read — run one after the
 * other inside one SQLite transaction, each in a savepoint of its own, and commit together at the
 * end of that turn. Each request's promise settles only after the COMMIT, so nothing is
 * acknowledged before it is durable; a request that fails rolls back to its savepoint and leaves
 * the others of its batch untouched.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

interface Pending {
  fn: (tx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** The most requests one COMMIT acknowledges, and the longest a batch stays open (ms). */
const MAX_BATCH = 64;
const MAX_OPEN_MS = 5;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * `transaction(fn)` for the SQLite store. `db` is the Kysely instance on `raw`'s connection; the
 * batch holds that connection from BEGIN to COMMIT, so every other query on it waits for the batch
 * instead of joining it.
 */
export function groupCommit(db: Db, raw: BetterSqlite3.Database): <T>(fn: (tx: Db) => Promise<T>) => Promise<T> {
  const begin = raw.prepare('BEGIN');
  const commit = raw.prepare('COMMIT');
  const rollback = raw.prepare('ROLLBACK');
  const savepoint = raw.prepare('SAVEPOINT request');
  const release = raw.prepare('RELEASE request');
  const rollbackTo = raw.prepare('ROLLBACK TO request');
  const queue: Pending[] = [];
  let running = false;

  /** Runs one request's writes in its own savepoint; true when they are kept. */
  async function runOne(tx: Db, p: Pending, done: Array<{ p: Pending; value: unknown }>): Promise<void> {
    savepoint.run();
    try {
      const value = await p.fn(tx);
      release.run();
      done.push({ p, value });
    } catch (err) {
      p.reject(err);
      rollbackTo.run();
      release.run();
    }
  }

  async function batch(tx: Db): Promise<void> {
    const done: Array<{ p: Pending; value: unknown }> = [];
    const opened = Date.now();
    begin.run();
    try {
      for (;;) {
        let p: Pending | undefined;
        while (done.length < MAX_BATCH && (p = queue.shift())) await runOne(tx, p, done);
        if (done.length === 0 || done.length >= MAX_BATCH || Date.now() - opened >= MAX_OPEN_MS) break;
        // Let the rest of this turn's requests reach here before committing.
        await nextTurn();
        if (queue.length === 0) break;
      }
      commit.run();
    } catch (err) {
      // The COMMIT (or a savepoint statement) failed: nothing of the batch is durable.
      if (raw.inTransaction) rollback.run();
      for (const d of done) d.p.reject(err);
      return;
    }
    for (const d of done) d.p.resolve(d.value);
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) await db.connection().execute(batch);
    } finally {
      running = false;
    }
  }

  return <T>(fn: (tx: Db) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!running) {
        running = true;
        void drain().catch((err: unknown) => {
          // The connection itself failed: every waiting request learns it.
          for (const p of queue.splice(0)) p.reject(err);
        });
      }
    });
}
