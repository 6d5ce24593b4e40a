import pg from 'pg';
import { randomBytes } from 'node:crypto';

/**
 * The PostgreSQL server the test harness started (scripts/test.sh exports its URL). Each caller
 * gets a fresh database on it, so test files never see each other's rows.
 */
export function pgAdminUrl(): string | undefined {
  return process.env.OPENCHECKOUT_TEST_PG_URL || undefined;
}

export async function freshPgDatabase(): Promise<string> {
  const admin = pgAdminUrl();
  if (!admin) throw new Error('OPENCHECKOUT_TEST_PG_URL is not set: run the tests through `npm test`, which starts PostgreSQL');
  return createDatabase(admin, 'oc_test');
}

/** Creates an empty database with a random name on the cluster `admin` points at; returns its URL. */
export async function createDatabase(admin: string, prefix: string): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
