import { CompiledQuery, PostgresAdapter, type QueryResult } from 'kysely';
import { prepareOnPostgres, type Db } from './db.js';
import { directRunner } from './direct.js';

/**
 * A condition on one queried column: a value (equality; null = IS NULL), one of a few values, a
 * LIKE pattern (with `\\` as its escape character), or a bound.
 */
export type Condition =
  | string
  | number
  | null
  | { in: ReadonlyArray<string | number> }
  | { like: string }
  | { gt: number }
  | { gte: number }
  | { lt: number }
  | { lte: number };

/** A row filter: column -> condition, on the table's queried columns (all must hold). */
export type Filter = Record<string, Condition>;
/** Plain column values, as rows are written. */
export type Columns = Record<string, string | number | null>;

/** Where a list stopped: the last row's `created` and `seq` (search's `next_page` encodes it). */
export interface Position {
  created: number;
  seq: number;
}

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
  /** Continue after this position (search pages), instead of after an object id. */
  after?: Position | undefined;
}

export interface PageResult<T> {
  data: T[];
  hasMore: boolean;
  /** Set when a cursor id does not exist in this account (the caller answers 404). */
  missingCursor?: 'starting_after' | 'ending_before';
  /** The position of the last object of the page, newest-first order (for search's `next_page`). */
  last?: Position;
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

/** The dialect `db` speaks: SQLite (the direct runner or Kysely's SQLite adapter) or PostgreSQL. */
export function dialectFor(db: Db): 'pg' | 'sqlite' {
  return directRunner(db) ? 'sqlite' : dialectOf(db);
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
  /** `name`: the table's name, from code (a resource's own tables need not be in schema.ts). */
  constructor(readonly name: string) {}

  async insert(db: Db, account: string, object: T & { created: number }, columns: Columns = {}): Promise<void> {
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

  /** {@link insert}, answering the new row's `seq` (its place in insertion order). */
  async insertReturningSeq(db: Db, account: string, object: T & { created: number }, columns: Columns = {}): Promise<number> {
    const extra = Object.keys(columns);
    const { rows } = await exec<{ seq: number | string }>(
      db,
      `insert-seq ${this.name} ${extra.join(',')}`,
      (p) => {
        const cols = ['account_id', 'id', 'created', 'data', ...extra];
        return `insert into ${q(this.name)} (${cols.map(q).join(', ')}) values (${cols.map((_, i) => p(i + 1)).join(', ')}) returning "seq"`;
      },
      [account, object.id, object.created, JSON.stringify(object), ...extra.map((c) => columns[c])],
    );
    return Number(rows[0]?.seq);
  }

  /** Overwrites the object's data (and queried columns); returns false when it does not exist. */
  async update(db: Db, account: string, object: T, columns: Columns = {}): Promise<boolean> {
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
    const result = await this.listRows<{ data: string }>(db, account, filter, page, ['data']);
    return { ...result, data: result.data.map((r) => r.data) };
  }

  /**
   * A search page: newest first, the rows of `filter` and `page.created` whose object `accept`
   * keeps, after `page.after`. The rows are read through {@link listRows} in batches and tested in
   * JS until one more than the page holds is found or the rows run out
   * (docs/decisions.md#search). Each object's JSON as stored, unparsed.
   */
  async searchText(db: Db, account: string, filter: Filter, page: Page, accept: (object: T) => boolean): Promise<PageResult<string>> {
    const hits: Array<{ data: string } & Position> = [];
    await this.scan(db, account, filter, page, (row) => {
      if (accept(JSON.parse(row.data) as T)) hits.push(row);
      return hits.length <= page.limit;
    });
    const data = hits.slice(0, page.limit);
    const tail = data[data.length - 1];
    return { data: data.map((r) => r.data), hasMore: hits.length > page.limit, ...(tail ? { last: { created: tail.created, seq: tail.seq } } : {}) };
  }

  /** How many rows of `filter` and `created` hold an object `accept` keeps (a search's `total_count`). */
  async countMatching(db: Db, account: string, filter: Filter, created: Range | undefined, accept: (object: T) => boolean): Promise<number> {
    let n = 0;
    await this.scan(db, account, filter, { limit: 0, created }, (row) => {
      if (accept(JSON.parse(row.data) as T)) n++;
      return true;
    });
    return n;
  }

  /** Visits rows newest first from `page.after`, in batches, while `visit` answers true. */
  private async scan(db: Db, account: string, filter: Filter, page: Page, visit: (row: { data: string } & Position) => boolean): Promise<void> {
    let after = page.after;
    for (;;) {
      const batch = await this.listRows<{ data: string }>(db, account, filter, { limit: SCAN_BATCH, after, created: page.created }, ['data']);
      for (const row of batch.data as Array<{ data: string } & Position>) {
        if (!visit({ data: row.data, created: Number(row.created), seq: Number(row.seq) })) return;
      }
      if (!batch.hasMore || !batch.last) return;
      after = batch.last;
    }
  }

  /**
   * The one paginator of the store: newest first (created, then insertion order), `filter` on the
   * queried columns, a `created` range, and Stripe's cursors (`starting_after`, `ending_before`,
   * or a search page's position). Reads `columns` of each row of the page.
   * See docs/architecture.md#lists-pagination-and-search.
   */
  async listRows<R extends object>(db: Db, account: string, filter: Filter, page: Page, columns: readonly string[]): Promise<PageResult<R>> {
    const cursorId = page.startingAfter ?? page.endingBefore;
    const backwards = page.startingAfter === undefined && page.endingBefore !== undefined;
    let cursor: Position | undefined = page.after;
    if (cursorId !== undefined) {
      const found = await exec<Position>(
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
    const bound = (col: string, op: string, value: unknown) => {
      shape.push(`${col} ${op}`);
      params.push(value);
      conds.push((p, n) => `${q(col)} ${op} ${p(n())}`);
    };
    for (const [col, value] of Object.entries(filter)) {
      if (value === null) {
        shape.push(`${col} null`);
        conds.push(() => `${q(col)} is null`);
      } else if (typeof value !== 'object') bound(col, '=', value);
      else if ('in' in value) {
        shape.push(`${col} in ${value.in.length}`);
        params.push(...value.in);
        conds.push((p, n) => (value.in.length === 0 ? '1 = 0' : `${q(col)} in (${value.in.map(() => p(n())).join(', ')})`));
      } else if ('like' in value) {
        shape.push(`${col} like`);
        params.push(value.like);
        conds.push((p, n) => `${q(col)} like ${p(n())} escape '\\'`);
      } else for (const [key, op] of RANGE_OPS) if (key in value) bound(col, op, (value as Record<string, number>)[key]);
    }
    for (const [key, op] of RANGE_OPS) {
      const b = page.created?.[key];
      if (b !== undefined) bound('created', op, b);
    }
    const op = backwards ? '>' : '<';
    if (cursor) {
      shape.push(`cursor ${op}`);
      params.push(cursor.created, cursor.created, cursor.seq);
      conds.push((p, n) => `("created" ${op} ${p(n())} or ("created" = ${p(n())} and "seq" ${op} ${p(n())}))`);
    }
    params.push(page.limit + 1);
    const dir = backwards ? 'asc' : 'desc';
    const selected = [...new Set([...columns, 'created', 'seq'])];
    const { rows } = await exec<R & Position>(
      db,
      `list ${this.name} ${selected.join(',')} ${dir} ${shape.join(';')}`,
      (p) => {
        let i = 1;
        const n = () => ++i;
        const where = ['"account_id" = ' + p(1), ...conds.map((f) => f(p, n))].join(' and ');
        return `select ${selected.map(q).join(', ')} from ${q(this.name)} where ${where} order by "created" ${dir}, "seq" ${dir} limit ${p(n())}`;
      },
      params,
    );
    const hasMore = rows.length > page.limit;
    const slice = rows.slice(0, page.limit);
    if (backwards) slice.reverse();
    const tail = slice[slice.length - 1];
    return { data: slice, hasMore, ...(tail ? { last: { created: Number(tail.created), seq: Number(tail.seq) } } : {}) };
  }
}

/** Rows a search reads per query while it looks for matches. */
const SCAN_BATCH = 200;

const RANGE_OPS = [
  ['gt', '>'],
  ['gte', '>='],
  ['lt', '<'],
  ['lte', '<='],
] as const;
