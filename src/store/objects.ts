import type { Kysely } from 'kysely';
import type { Db } from './db.js';
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

/**
 * Generic reads and writes on a Stripe object table. The table name and columns come from code,
 * never from a request, so the loose typing here (Kysely<any>) cannot be reached by user input.
 */
export class ObjectTable<T extends { id: string }> {
  constructor(readonly name: ObjectTableName) {}

  private q(db: Db): Kysely<any> {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- table chosen by code, see class comment
    return db as unknown as Kysely<any>;
  }

  async insert(db: Db, account: string, object: T & { created: number }, columns: Filter = {}): Promise<void> {
    await this.q(db)
      .insertInto(this.name)
      .values({ account_id: account, id: object.id, created: object.created, data: JSON.stringify(object), ...columns })
      .execute();
  }

  /** Overwrites the object's data (and queried columns); returns false when it does not exist. */
  async update(db: Db, account: string, object: T, columns: Filter = {}): Promise<boolean> {
    const res = await this.q(db)
      .updateTable(this.name)
      .set({ data: JSON.stringify(object), ...columns })
      .where('account_id', '=', account)
      .where('id', '=', object.id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async get(db: Db, account: string, id: string): Promise<T | undefined> {
    const row = await this.q(db)
      .selectFrom(this.name)
      .select('data')
      .where('account_id', '=', account)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? (JSON.parse(row.data as string) as T) : undefined;
  }

  /** Reads one row with its queried columns (for rules that need them without parsing data). */
  async row(db: Db, account: string, id: string, columns: string[]): Promise<Record<string, unknown> | undefined> {
    return this.q(db)
      .selectFrom(this.name)
      .select(columns)
      .where('account_id', '=', account)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async delete(db: Db, account: string, id: string): Promise<void> {
    await this.q(db).deleteFrom(this.name).where('account_id', '=', account).where('id', '=', id).execute();
  }

  /** Newest first (created, then insertion order), with Stripe's cursor pagination. */
  async list(db: Db, account: string, filter: Filter, page: Page): Promise<PageResult<T>> {
    const k = this.q(db);
    let query = k.selectFrom(this.name).select('data').where('account_id', '=', account);
    for (const [col, value] of Object.entries(filter)) {
      query = value === null ? query.where(col, 'is', null) : query.where(col, '=', value);
    }
    const c = page.created;
    if (c?.gt !== undefined) query = query.where('created', '>', c.gt);
    if (c?.gte !== undefined) query = query.where('created', '>=', c.gte);
    if (c?.lt !== undefined) query = query.where('created', '<', c.lt);
    if (c?.lte !== undefined) query = query.where('created', '<=', c.lte);

    const cursorId = page.startingAfter ?? page.endingBefore;
    const backwards = page.startingAfter === undefined && page.endingBefore !== undefined;
    if (cursorId !== undefined) {
      const cursor = await k
        .selectFrom(this.name)
        .select(['created', 'seq'])
        .where('account_id', '=', account)
        .where('id', '=', cursorId)
        .executeTakeFirst();
      if (!cursor) return { data: [], hasMore: false, missingCursor: backwards ? 'ending_before' : 'starting_after' };
      const op = backwards ? '>' : '<';
      query = query.where((eb) =>
        eb.or([
          eb('created', op, cursor.created),
          eb.and([eb('created', '=', cursor.created), eb('seq', op, cursor.seq)]),
        ]),
      );
    }
    const dir = backwards ? 'asc' : 'desc';
    const rows = await query
      .orderBy('created', dir)
      .orderBy('seq', dir)
      .limit(page.limit + 1)
      .execute();
    const hasMore = rows.length > page.limit;
    const slice = rows.slice(0, page.limit);
    if (backwards) slice.reverse();
    return { data: slice.map((r) => JSON.parse(r.data as string) as T), hasMore };
  }
}
