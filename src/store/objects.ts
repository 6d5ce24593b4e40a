import { CompiledQuery, PostgresAdapter, type QueryResult } from 'kysely';
import { prepareOnPostgres, type Db } from './db.js';
import { directRunner } from './direct.js';
import type { ObjectTableName } from './schema.js';

/** A row filter: column -> value (equality) on the table's queried columns. */
export type Filter = Record<string, string | number | null>;

export interface Range {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export interface Page {
  limit: number;
  startingAfter?: string | undefined;
  endingBefore?: string | undefined;
  created?: Range | undefined;
}

export interface PageResult<T> {
  data: T[];
  hasMore: boolean;
  /** Set when a cursor id does not exist in this account (the caller answers 404). */
  missingCursor?: 'starting_after' | 'ending_before';
}

export type Placeholder = (n: number) => string;

/** Per-dialect SQL text of the hot queries, built once per shape (see {@link ObjectTable}). */
const sqlCache = new Map<string, string>();
const dialects = new WeakMap<object, 'pg' | 'sqlite'>();

function dialectOf(db: Db): 'pg' | 'sqlite' {
  const adapter = db.getExecutor().adapter;
  let d = dialects.get(adapter);
  if (!d) dialects.set(adapter, (d = adapter instanceof PostgresAdapter ? 'pg' : 'sqlite'));
  return d;
}

/**
 * Runs the SQL `build` makes (cached by `key` and dialect) with positional params: for the queries
 * every request runs, where building and compiling a Kysely query would cost more than running it.
 */
export async function exec<R>(db: Db, key: string, build: (p: Placeholder) => string, params: unknown[]): Promise<QueryResult<R>> {
  const direct = directRunner(db);
  const dialect = direct ? 'sqlite' : dialectOf(db);
  const cacheKey = `${dialect} ${key}`;
  let text = sqlCache.get(cacheKey);
  if (text === undefined) {
    text = build(dialect === 'pg' ? (n) => `$${n}` : () => '?');
    sqlCache.set(cacheKey, text);
    if (dialect === 'pg') prepareOnPostgres(text);
  }
  if (direct) return direct(text, params) as QueryResult<R>;
  return db.executeQuery<R>(CompiledQuery.raw(text, params));
}

const q = (name: string) => `"${name}"`;

/**
 * Generic reads and writes on a Stripe object table. The table name and columns come from code,
 * never from a request (values are always bound parameters).
 *
 * These are the queries every API request runs, so they skip Kysely's query builder: each
 * query's SQL text is built once per table, column set and dialect and then only re-bound
 * (building and compiling a Kysely query cost more than SQLite executing it).
 */
export class ObjectTable<T extends { id: string }> {
  constructor(readonly name: ObjectTableName) {}

  async insert(db: Db, account: string, object: T & { created: number }, columns: Filter = {}): Promise<void> {
    const extra = Object.keys(columns);
    await exec(
      db,
      `insert ${this.name} ${extra.join(',')}`,
      (p) => {
        const cols = ['account_id', 'id', 'created', 'data', ...extra];
        return `insert into ${q(this.name)} (${cols.map(q).join(', ')}) values (${cols.map((_, i) => p(i + 1)).join(', ')})`;
      },
      [account, object.id, object.created, JSON.stringify(object), ...extra.map((c) => columns[c])],
    );
  }

  /** Overwrites the object's data (and queried columns); returns false when it does not exist. */
  async update(db: Db, account: string, object: T, columns: Filter = {}): Promise<boolean> {
    const extra = Object.keys(columns);
    const res = await exec(
      db,
      `update ${this.name} ${extra.join(',')}`,
      (p) => {
        const sets = ['data', ...extra].map((c, i) => `${q(c)} = ${p(i + 1)}`);
        return `update ${q(this.name)} set ${sets.join(', ')} where "account_id" = ${p(extra.length + 2)} and "id" = ${p(extra.length + 3)}`;
      },
      [JSON.stringify(object), ...extra.map((c) => columns[c]), account, object.id],
    );
    return Number(res.numAffectedRows ?? 0) > 0;
  }

  async get(db: Db, account: string, id: string): Promise<T | undefined> {
    const text = await this.getText(db, account, id);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  /** The object's JSON as stored (and served), unparsed. */
  async getText(db: Db, account: string, id: string): Promise<string | undefined> {
    const { rows } = await exec<{ data: string }>(
      db,
      `get ${this.name}`,
      (p) => `select "data" from ${q(this.name)} where "account_id" = ${p(1)} and "id" = ${p(2)}`,
      [account, id],
    );
    return rows[0]?.data;
  }

  /**
   * Reads an object a write is about to change and locks its row until the transaction ends
   * (PostgreSQL `FOR UPDATE`; SQLite has one writer). Concurrent read-modify-writes of one object,
   * on one instance or several, then apply one after the other instead of losing each other's
   * changes. Only for the object being changed: a lock on a row merely read serialises writers.
   */
  async getForUpdate(db: Db, account: string, id: string): Promise<T | undefined> {
    const { rows } = await exec<{ data: string }>(
      db,
      `lock ${this.name}`,
      (p) => `select "data" from ${q(this.name)} where "account_id" = ${p(1)} and "id" = ${p(2)}${dialectOf(db) === 'pg' ? ' for update' : ''}`,
      [account, id],
    );
    const row = rows[0];
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  /** Reads one row with its queried columns (for rules that need them without parsing data). */
  async row(db: Db, account: string, id: string, columns: string[]): Promise<Record<string, unknown> | undefined> {
    const { rows } = await exec<Record<string, unknown>>(
      db,
      `row ${this.name} ${columns.join(',')}`,
      (p) => `select ${columns.map(q).join(', ')} from ${q(this.name)} where "account_id" = ${p(1)} and "id" = ${p(2)}`,
      [account, id],
    );
    return rows[0];
  }

  /** Every row of the account matching `filter` (equality on queried columns), with `columns`, oldest first. */
  async select(db: Db, account: string, filter: Record<string, string | number>, columns: string[]): Promise<Array<Record<string, unknown>>> {
    const keys = Object.keys(filter);
    const { rows } = await exec<Record<string, unknown>>(
      db,
      `select ${this.name} ${columns.join(',')} where ${keys.join(',')}`,
      (p) => {
        const where = ['account_id', ...keys].map((c, i) => `${q(c)} = ${p(i + 1)}`).join(' and ');
        return `select ${columns.map(q).join(', ')} from ${q(this.name)} where ${where} order by "seq"`;
      },
      [account, ...keys.map((k) => filter[k])],
    );
    return rows;
  }

  async delete(db: Db, account: string, id: string): Promise<void> {
    await exec(db, `delete ${this.name}`, (p) => `delete from ${q(this.name)} where "account_id" = ${p(1)} and "id" = ${p(2)}`, [account, id]);
  }

  /** Newest first (created, then insertion order), with Stripe's cursor pagination. */
  async list(db: Db, account: string, filter: Filter, page: Page): Promise<PageResult<T>> {
    const result = await this.listText(db, account, filter, page);
    return { ...result, data: result.data.map((text) => JSON.parse(text) as T) };
  }

  /** {@link list} with each object's JSON as stored (and served), unparsed. */
  async listText(db: Db, account: string, filter: Filter, page: Page): Promise<PageResult<string>> {
    const cursorId = page.startingAfter ?? page.endingBefore;
    const backwards = page.startingAfter === undefined && page.endingBefore !== undefined;
    let cursor: { created: number; seq: number } | undefined;
    if (cursorId !== undefined) {
      const found = await exec<{ created: number; seq: number }>(
        db,
        `cursor ${this.name}`,
        (p) => `select "created", "seq" from ${q(this.name)} where "account_id" = ${p(1)} and "id" = ${p(2)}`,
        [account, cursorId],
      );
      cursor = found.rows[0];
      if (!cursor) return { data: [], hasMore: false, missingCursor: backwards ? 'ending_before' : 'starting_after' };
    }

    // The shape of the query (which filters, bounds and cursor) is the cache key; values are params.
    const params: unknown[] = [account];
    const shape: string[] = [];
    const conds: Array<(p: Placeholder, n: () => number) => string> = [];
    for (const [col, value] of Object.entries(filter)) {
      if (value === null) {
        shape.push(`${col} null`);
        conds.push(() => `${q(col)} is null`);
      } else {
        shape.push(`${col} =`);
        params.push(value);
        conds.push((p, n) => `${q(col)} = ${p(n())}`);
      }
    }
    const c = page.created;
    for (const [key, op] of [['gt', '>'], ['gte', '>='], ['lt', '<'], ['lte', '<=']] as const) {
      const bound = c?.[key];
      if (bound === undefined) continue;
      shape.push(`created ${op}`);
      params.push(bound);
      conds.push((p, n) => `"created" ${op} ${p(n())}`);
    }
    const op = backwards ? '>' : '<';
    if (cursor) {
      shape.push(`cursor ${op}`);
      params.push(cursor.created, cursor.created, cursor.seq);
      conds.push((p, n) => `("created" ${op} ${p(n())} or ("created" = ${p(n())} and "seq" ${op} ${p(n())}))`);
    }
    params.push(page.limit + 1);
    const dir = backwards ? 'asc' : 'desc';
    const { rows } = await exec<{ data: string }>(
      db,
      `list ${this.name} ${dir} ${shape.join(';')}`,
      (p) => {
        let i = 1;
        const n = () => ++i;
        const where = ['"account_id" = ' + p(1), ...conds.map((f) => f(p, n))].join(' and ');
        return `select "data" from ${q(this.name)} where ${where} order by "created" ${dir}, "seq" ${dir} limit ${p(n())}`;
      },
      params,
    );
    const hasMore = rows.length > page.limit;
    const slice = rows.slice(0, page.limit);
    if (backwards) slice.reverse();
    return { data: slice.map((r) => r.data), hasMore };
  }
}
