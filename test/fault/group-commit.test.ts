import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { openAppStore } from '../../src/app.js';
import type { Store } from '../../src/store/db.js';

/**
 * SQLite commits the writes that arrive together in one transaction (src/store/group-commit.ts).
 * What a caller may rely on is unchanged: a transaction that resolved is committed (another
 * connection sees it), one that threw left nothing, and one failing does not undo its neighbours.
 */
describe('group commit on SQLite', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-group-commit-'));
    store = await openAppStore({ dataDir: dir });
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A write of setting `key` through the store's transaction; throws after writing when `fail`. */
  function write(key: string, fail: boolean): Promise<string> {
    return store.transaction(async (tx) => {
      await sql`insert into settings (key, value) values (${key}, 'v')`.execute(tx);
      if (fail) throw new Error(`refused ${key}`);
      return key;
    });
  }

  it('acknowledges each write only once it is committed, and keeps a failed one out', async () => {
    // A second connection of its own: it sees only what SQLite has committed.
    const outside = new BetterSqlite3(path.join(dir, 'opencheckout.db'), { readonly: true });
    const seen = outside.prepare('select count(*) as n from settings where key = ?');
    const keys = Array.from({ length: 60 }, (_, i) => `gc-${i}`);
    const committedWhenResolved: boolean[] = [];
    const results = await Promise.allSettled(
      keys.map((k, i) =>
        write(k, i % 7 === 3).then((v) => {
          committedWhenResolved.push((seen.get(k) as { n: number }).n === 1);
          return v;
        }),
      ),
    );
    const failed = keys.filter((_, i) => i % 7 === 3);
    assert.equal(results.filter((r) => r.status === 'rejected').length, failed.length);
    for (const [i, r] of results.entries()) {
      if (i % 7 === 3) assert.match(String((r as PromiseRejectedResult).reason), /refused/);
      else assert.equal((r as PromiseFulfilledResult<string>).value, keys[i]);
    }
    assert.equal(committedWhenResolved.length, keys.length - failed.length);
    assert.ok(committedWhenResolved.every(Boolean), 'every resolved write was visible to another connection');
    const rows = outside.prepare("select key from settings where key like 'gc-%' order by key").all() as Array<{ key: string }>;
    assert.deepEqual(rows.map((r) => r.key).sort(), keys.filter((k) => !failed.includes(k)).sort());
    outside.close();
  });

  it('runs the writes of one batch one after the other, each seeing the ones before', async () => {
    await store.transaction((tx) => sql`insert into settings (key, value) values ('counter', '0')`.execute(tx));
    // Read-modify-writes arriving together: none may overwrite another's increment.
    await Promise.all(
      Array.from({ length: 40 }, () =>
        store.transaction(async (tx) => {
          const row = await sql<{ value: string }>`select value from settings where key = 'counter'`.execute(tx);
          await Promise.resolve();
          const next = Number(row.rows[0]?.value) + 1;
          await sql`update settings set value = ${String(next)} where key = 'counter'`.execute(tx);
        }),
      ),
    );
    const row = await sql<{ value: string }>`select value from settings where key = 'counter'`.execute(store.db);
    assert.equal(row.rows[0]?.value, '40');
  });

  it('lets a query outside any transaction wait for a batch rather than join it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = store.transaction(async (tx) => {
      await sql`insert into settings (key, value) values ('held', 'v')`.execute(tx);
      await gate;
      throw new Error('rolled back');
    });
    // Issued while the batch holds the connection: it must not see (or commit) the held write.
    const outsideRead = sql<{ n: number }>`select count(*) as n from settings where key = 'held'`.execute(store.db);
    setTimeout(release, 20);
    await assert.rejects(slow, /rolled back/);
    assert.equal(Number((await outsideRead).rows[0]?.n), 0);
  });
});
