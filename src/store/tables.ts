/**
 * Helpers for migrations: the shape every Stripe object table shares. A resource's own migration
 * (docs/architecture.md#adding-a-resource) creates its table with {@link objectTable}.
 */
import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from './db.js';

/** A queried column: name, type, and 'null' when it may be null. */
export type Extra = [name: string, type: 'text' | 'bigint' | 'integer', nullable?: 'null'];

/**
 * Creates a Stripe object table: seq, account, id, created, data, plus the queried columns, with
 * the unique `(account_id, id)` index, the newest-first index, and one newest-first index per
 * entry of `indexes` (the columns lists filter on).
 */
export async function objectTable(db: Kysely<unknown>, dialect: Dialect, name: string, extra: Extra[], indexes: string[][]) {
  let t: CreateTableBuilder<string, string> = db.schema.createTable(name);
  t = seqColumn(t, dialect)
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull());
  for (const [col, type, nullable] of extra) t = t.addColumn(col, type, (c) => (nullable ? c : c.notNull()));
  await t.execute();
  await db.schema.createIndex(`${name}_id`).unique().on(name).columns(['account_id', 'id']).execute();
  await db.schema.createIndex(`${name}_created`).on(name).columns(['account_id', 'created desc', 'seq desc']).execute();
  for (const cols of indexes) {
    await db.schema
      .createIndex(`${name}_${cols.join('_')}`)
      .on(name)
      .columns(['account_id', ...cols, 'created desc', 'seq desc'])
      .execute();
  }
}

/** The `seq` column: the insertion order that breaks ties of `created` in lists. */
export function seqColumn(t: CreateTableBuilder<string, string>, dialect: Dialect): CreateTableBuilder<string, string> {
  return dialect === 'postgres'
    ? t.addColumn('seq', 'bigserial', (c) => c.primaryKey())
    : t.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
}
