import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import { startCheckpointer } from './checkpointer.js';
import { registerDirect } from './direct.js';
import { groupCommit } from './group-commit.js';
import type { Database } from './schema.js';
import { SQLITE_CACHE_MIB } from '../config.js';
import * as m001 from './migrations/001_initial.js';
import * as m002 from './migrations/002_price_filters.js';
import * as m003 from './migrations/003_checkout_session_id.js';
import * as m004 from './migrations/004_checkout_session_unique_id.js';
import * as m005 from './migrations/005_delivery_attempt_response.js';
import * as m009 from './migrations/009_request_log.js';
import * as m010 from './migrations/010_event_objects.js';

export type Dialect = 'sqlite' | 'postgres';
/** A query handle: the database, or a transaction on it (Kysely's Transaction is a Kysely). */
export type Db = Kysely<Database>;

export interface Store {
  readonly db: Db;
  /**
   * Where API reads (GET) run. SQLite: a second, read-only connection, which sees committed data
   * only and never waits behind a write transaction on the main connection. PostgreSQL: the pool.
   */
  readonly reader?: Db;
  readonly dialect: Dialect;
  /** Runs fn in one transaction: every write a request makes commits together or not at all. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A schema change: run once per database, in name order, never edited once landed. */
export interface StoreMigration {
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** The store's first migrations: the tables of the first resources, events, jobs and settings. */
const MIGRATIONS: Record<string, StoreMigration> = {
  '001_initial': m001,
  '002_price_filters': m002,
  '003_checkout_session_id': m003,
  '004_checkout_session_unique_id': m004,
  '005_delivery_attempt_response': m005,
  '009_request_log': m009,
  '010_event_objects': m010,
};

/**
 * better-sqlite3 compiles a statement on every prepare(); Kysely prepares each query it runs.
 * Caching prepared statements by SQL text removes that cost from every request.
 */
function cachingDatabase(raw: BetterSqlite3.Database) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = raw.prepare(sql);
        if (cache.size > 2000) cache.clear();
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

function openSqlite(dataDir: string, cacheMib: number): {
  db: Kysely<Database>;
  reader: Kysely<Database>;
  transaction: <T>(fn: (tx: Db) => Promise<T>) => Promise<T>;
  stop(): Promise<void>;
} {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'opencheckout.db');
  const raw = new BetterSqlite3(file);
  // WAL + synchronous=NORMAL: a committed transaction survives a process crash (kill -9); only an
  // OS crash or power loss can drop the last transactions. bench/README.md has the trade-off.
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  // Group commit gives each request a savepoint; SQLite copies every page a savepoint first
  // touches into a statement journal, a temp file by default. In memory it costs a memcpy
  // (bench/README.md, "Statement journals in memory").
  raw.pragma('temp_store = MEMORY');
  // better-sqlite3 builds SQLite with a 16 MiB page cache per connection; two of them were a
  // quarter of the server's memory under load. The OS caches the file too, so a page missing here
  // costs a read from memory, not the disk (bench/README.md, "Memory").
  const cacheSize = `cache_size = ${-Math.round(cacheMib * 1024)}`;
  raw.pragma(cacheSize);
  // Checkpoints (and their fsyncs) run in a worker thread (checkpointer.ts); this threshold
  // (~40 MB of WAL) is only the backstop, and the WAL file is cut back to 64 MB after a reset.
  raw.pragma('wal_autocheckpoint = 10000');
  raw.pragma('journal_size_limit = 67108864');
  const checkpointer = startCheckpointer(file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingDatabase(raw) }) });
  // One statement cache serves both ways of reading: Kysely's queries and the direct ones.
  const readOnly = new BetterSqlite3(file, { readonly: true });
  readOnly.pragma(cacheSize);
  const readerDb = cachingDatabase(readOnly);
  const reader = new Kysely<Database>({ dialect: new SqliteDialect({ database: readerDb }) });
  registerDirect(reader, (sql) => readerDb.prepare(sql));
  return {
    db,
    reader,
    transaction: groupCommit(db, raw),
    stop: async () => {
      await checkpointer.stop();
      await reader.destroy();
    },
  };
}

/** SQL texts run as named prepared statements on PostgreSQL: text -> statement name. */
const preparedNames = new Map<string, string>();

/**
 * Marks a query text (a hot query, built once: store/objects.ts) to run as a named prepared
 * statement on PostgreSQL: each connection parses and plans it once instead of on every call.
 * Only fixed texts belong here (each one costs a statement on every connection).
 */
export function prepareOnPostgres(text: string): void {
  if (!preparedNames.has(text)) preparedNames.set(text, `oc_${preparedNames.size + 1}`);
}

type QueryFn = (text: unknown, values?: unknown) => Promise<unknown>;
const namedClients = new WeakSet<object>();

/** The pool as Kysely sees it, whose clients run the marked texts as named statements. */
function namingPool(pool: pg.Pool): pg.Pool {
  const connect = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect();
    if (!namedClients.has(client)) {
      namedClients.add(client);
      const query = client.query.bind(client) as QueryFn;
      (client as unknown as { query: QueryFn }).query = (text, values) => {
        const name = typeof text === 'string' ? preparedNames.get(text) : undefined;
        return name ? query({ name, text, values }) : query(text, values);
      };
    }
    return client;
  };
  // Kysely's PostgresDriver uses only connect() and end().
  return { connect, end: () => pool.end() } as unknown as pg.Pool;
}

/**
 * The PostgreSQL store. The driver is loaded here, when first needed: an instance on SQLite never
 * pays for loading it at start (bench/README.md, Start-up).
 */
async function openPostgres(url: string): Promise<Kysely<Database>> {
  const { default: pg } = await import('pg');
  // int8 (bigint) columns hold unix times and sequence numbers, all well inside 2^53.
  pg.types.setTypeParser(20, (v) => Number(v));
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.PG_POOL_SIZE ?? 10),
    // A transaction holds its claims (a job row it deleted, a locked session) until it ends. A
    // killed instance's connections close and PostgreSQL rolls back at once; an instance that
    // hangs or whose host vanishes leaves its transaction idle, and this ends it so another
    // instance can take the work over. Our transactions never wait on anything but the database.
    idle_in_transaction_session_timeout: Number(process.env.OPENCHECKOUT_PG_IDLE_TX_TIMEOUT_MS ?? 60_000),
  });
  // PostgreSQL ends connections on its own (restart, failover, pg_terminate_backend, the timeout
  // above). That must cost the queries on them, not the process: without listeners the 'error'
  // event is unhandled and Node exits. The failed query still rejects; the pool drops the client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: namingPool(pool) }) });
}

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** Page cache of each SQLite connection, in MiB (config `sqliteCacheMib`); SQLITE_CACHE_MIB when not given. */
  sqliteCacheMib?: number | undefined;
  /** Resources' own migrations (their `migrations`, assembled in resources/index.ts), by unique name. */
  migrations?: Readonly<Record<string, StoreMigration>>;
}

/** Opens SQLite (`dataDir`) or PostgreSQL (`databaseUrl`) and runs the migrations not yet run. */
export async function openStore(opts: StoreOptions): Promise<Store> {
  const dialect: Dialect = opts.databaseUrl ? 'postgres' : 'sqlite';
  const sqlite = opts.databaseUrl ? undefined : openSqlite(opts.dataDir, opts.sqliteCacheMib ?? SQLITE_CACHE_MIB);
  const db = sqlite?.db ?? (await openPostgres(opts.databaseUrl as string));
  await migrate(db, dialect, { ...opts.migrations, ...MIGRATIONS });
  return {
    db,
    reader: sqlite?.reader ?? db,
    dialect,
    transaction: sqlite?.transaction ?? ((fn) => db.transaction().execute(fn)),
    close: async () => {
      await sqlite?.stop();
      await db.destroy();
    },
  };
}

async function migrate(db: Kysely<Database>, dialect: Dialect, migrations: Record<string, StoreMigration>): Promise<void> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, mig] of Object.entries(migrations)) out[name] = { up: (d) => mig.up(d, dialect) };
      return out;
    },
  };
  // Resources add migrations in their own folders, so a new one may sort before one already run
  // (two resources landing in either order): each runs once, whatever its place.
  const { error } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateToLatest();
  if (error) throw error;
}

/**
 * Secrets already read, per database: keyed by its Kysely adapter, which the database's
 * transactions share, so a second app in the same process (tests) keeps its own.
 */
const secretsRead = new WeakMap<object, Map<string, string>>();

/**
 * A per-installation secret (fingerprint key, page tokens), created once and kept in the database
 * so every instance uses the same one. A secret found stored never changes, so each process reads
 * it once (a card payment asked for it twice per request). One created here is not remembered: it
 * may be inside a request's transaction that still rolls back. createApp creates the installation's
 * secrets at start, committed, so requests only ever find them.
 */
export async function installationSecret(db: Db, name: string): Promise<string> {
  const adapter = db.getExecutor().adapter;
  const known = secretsRead.get(adapter)?.get(name);
  if (known !== undefined) return known;
  const row = await db.selectFrom('settings').select('value').where('key', '=', name).executeTakeFirst();
  if (row) {
    let read = secretsRead.get(adapter);
    if (!read) secretsRead.set(adapter, (read = new Map()));
    read.set(name, row.value);
    return row.value;
  }
  await db
    .insertInto('settings')
    .values({ key: name, value: randomBytes(32).toString('hex') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  // Another instance may have stored its secret first: the stored one is the secret.
  const stored = await db.selectFrom('settings').select('value').where('key', '=', name).executeTakeFirstOrThrow();
  return stored.value;
}

/** A value kept in the `settings` table (the store owns it), or undefined. */
export async function readSetting(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Sets a value in the `settings` table, replacing any. */
export async function writeSetting(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/** True for a unique-constraint violation on either store. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
