import type { Kysely } from 'kysely';
import type { Store } from '../store/db.js';

const accountTables = new WeakMap<Store, Promise<string[]>>();

/**
 * Every table with an `account_id` column, read from the database itself, so a table added by a
 * later migration is reset too without anyone remembering to list it here.
 */
function tablesWithAccount(store: Store): Promise<string[]> {
  let tables = accountTables.get(store);
  if (!tables) {
    tables = store.db.introspection.getTables().then((all) =>
      all
        .filter((t) => (t.schema === undefined || t.schema === 'public') && t.columns.some((c) => c.name === 'account_id'))
        .map((t) => t.name)
        .sort(),
    );
    accountTables.set(store, tables);
  }
  return tables;
}

/** Deletes every object of one account (every row of every table keyed by account), in one transaction. */
export async function resetAccount(store: Store, account: string): Promise<Record<string, number>> {
  const tables = await tablesWithAccount(store);
  return store.transaction(async (tx) => {
    // Table names come from the database's own catalogue, never from the request.
    const k = tx as unknown as Kysely<Record<string, { account_id: string }>>;
    const deleted: Record<string, number> = {};
    for (const table of tables) {
      const res = await k.deleteFrom(table).where('account_id', '=', account).executeTakeFirst();
      deleted[table] = Number(res.numDeletedRows);
    }
    return deleted;
  });
}
