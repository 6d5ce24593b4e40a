import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';
import { seqColumn } from '../tables.js';

/**
 * The API request log (docs/decisions.md#request-log): one row per /v1 request, written in batches
 * off the request path, masked before it is stored, pruned by count and age.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await seqColumn(db.schema.createTable('request_log'), dialect)
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    /** Wall-clock milliseconds at the start of the request. */
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('response_body', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('request_log_account').on('request_log').columns(['account_id', 'seq']).execute();
}
