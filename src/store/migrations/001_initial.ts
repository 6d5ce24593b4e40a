import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';
import { objectTable, seqColumn } from '../tables.js';

/** The first schema: the tables of the first resources, events, the outbox, jobs, idempotency and settings. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await objectTable(db, dialect, 'customers', [['email', 'text', 'null'], ['test_clock', 'text', 'null'], ['deleted', 'integer']], [['email']]);
  await objectTable(
    db,
    dialect,
    'payment_methods',
    [['customer_id', 'text', 'null'], ['type', 'text'], ['allow_redisplay', 'text']],
    [['customer_id']],
  );
  await objectTable(db, dialect, 'products', [['active', 'integer']], []);
  await objectTable(
    db,
    dialect,
    'prices',
    [['product_id', 'text'], ['active', 'integer'], ['lookup_key', 'text', 'null'], ['type', 'text']],
    [['product_id'], ['lookup_key']],
  );
  await objectTable(
    db,
    dialect,
    'checkout_sessions',
    [
      ['customer_id', 'text', 'null'],
      ['status', 'text'],
      ['payment_intent_id', 'text', 'null'],
      ['subscription_id', 'text', 'null'],
      ['expires_at', 'bigint'],
      ['line_items', 'text'],
    ],
    [['customer_id'], ['payment_intent_id'], ['subscription_id'], ['status']],
  );
  for (const name of ['payment_intents', 'setup_intents', 'subscriptions']) {
    await objectTable(db, dialect, name, [['customer_id', 'text', 'null'], ['status', 'text']], [['customer_id']]);
  }
  await objectTable(
    db,
    dialect,
    'invoices',
    [['customer_id', 'text', 'null'], ['status', 'text'], ['subscription_id', 'text', 'null']],
    [['customer_id'], ['subscription_id']],
  );
  await objectTable(db, dialect, 'test_clocks', [['status', 'text'], ['frozen_time', 'bigint']], []);
  await objectTable(db, dialect, 'events', [['type', 'text'], ['pending_webhooks', 'integer']], [['type']]);
  await objectTable(db, dialect, 'webhook_endpoints', [['status', 'text'], ['secret', 'text']], []);

  await seqColumn(db.schema.createTable('deliveries'), dialect)
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deliveries_due').on('deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('deliveries_event').on('deliveries').columns(['account_id', 'event_id']).execute();

  await seqColumn(db.schema.createTable('delivery_attempts'), dialect)
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('delivery_seq', 'bigint', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('delivery_attempts_event').on('delivery_attempts').columns(['account_id', 'event_id']).execute();

  await seqColumn(db.schema.createTable('jobs'), dialect)
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('test_clock', 'text')
    .addColumn('claimed_until', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_subject').unique().on('jobs').columns(['kind', 'subject_id']).execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['test_clock', 'due_at']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response_body', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').column('created').execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
