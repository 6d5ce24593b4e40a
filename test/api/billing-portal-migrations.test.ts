/**
 * The customer portal's later migrations on a store made before them (docs/decisions.md#customer-portal):
 * an account that got two default configurations keeps its oldest as the default, the partial
 * unique index then refuses a second default, and a login page enabled earlier keeps its URL.
 * Run on both stores, with the migrations' own code on a real database.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { billingPortalMigrations } from '../../src/resources/billing-portal/migrations.js';
import { freshPgDatabase } from '../helpers/pg.js';
import { STORES } from '../helpers/server.js';

type Row = { account_id: string; id: string; created: number; data: string; active: number; is_default: number };

for (const store of STORES) {
  describe(`billing portal migrations (${store})`, () => {
    const opened: Array<Kysely<unknown>> = [];
    after(async () => {
      for (const db of opened) await db.destroy();
    });

    async function open(): Promise<Kysely<unknown>> {
      const db =
        store === 'sqlite'
          ? new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) })
          : new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: await freshPgDatabase(), max: 2 }) }) });
      opened.push(db);
      return db;
    }

    it('keeps the oldest of two defaults, then refuses a second; a login page keeps its URL', async () => {
      const db = await open();
      const dialect = store === 'sqlite' ? 'sqlite' : 'postgres';
      await billingPortalMigrations['008_billing_portal']?.up(db, dialect);
      const k = db as unknown as Kysely<{ billing_portal_configurations: Row & { login_token?: string | null } }>;
      const config = (id: string, isDefault: boolean, loginUrl: string | null = null) =>
        JSON.stringify({ id, object: 'billing_portal.configuration', is_default: isDefault, login_page: { enabled: loginUrl !== null, url: loginUrl } });
      const url = 'http://127.0.0.1:1/p/login/test_AAAAAAAAAAAAAAAAAAAAAAAA';
      await k
        .insertInto('billing_portal_configurations')
        .values([
          { account_id: 'acct_a', id: 'bpc_first', created: 1, data: config('bpc_first', true), active: 1, is_default: 1 },
          { account_id: 'acct_a', id: 'bpc_second', created: 2, data: config('bpc_second', true, url), active: 1, is_default: 1 },
          { account_id: 'acct_b', id: 'bpc_other', created: 3, data: config('bpc_other', true), active: 1, is_default: 1 },
        ])
        .execute();
      await billingPortalMigrations['2026_12_billing_portal_one_default']?.up(db, dialect);
      await billingPortalMigrations['2026_12_billing_portal_login']?.up(db, dialect);

      const rows = await k.selectFrom('billing_portal_configurations').select(['id', 'is_default', 'data', 'login_token']).orderBy('id').execute();
      const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
      assert.equal(byId.bpc_first?.is_default, 1, 'the oldest stays the default');
      assert.equal(byId.bpc_second?.is_default, 0);
      assert.equal((JSON.parse(byId.bpc_second?.data ?? '{}') as { is_default: boolean }).is_default, false, 'and its object says so');
      assert.equal(byId.bpc_other?.is_default, 1, 'another account’s default is its own');
      assert.equal(byId.bpc_second?.login_token, 'test_AAAAAAAAAAAAAAAAAAAAAAAA', 'an enabled login page keeps its URL');

      await assert.rejects(
        k.insertInto('billing_portal_configurations').values({ account_id: 'acct_a', id: 'bpc_third', created: 4, data: config('bpc_third', true), active: 1, is_default: 1 }).execute(),
        /unique|UNIQUE/,
      );
      const ordinary = await sql`insert into billing_portal_configurations (account_id, id, created, data, active, is_default) values ('acct_a', 'bpc_plain', 5, '{}', 1, 0)`.execute(db);
      assert.equal(Number(ordinary.numAffectedRows ?? 1), 1, 'configurations that are not the default are not limited');
    });
  });
}
