import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.js';
import { idsAbout } from '../../events/about.js';

const BACKFILL_BATCH = 500;

/**
 * Which objects each Event is about (docs/decisions.md#dashboard, "Timeline"), owned by
 * src/events/: one row per event and id (its `data.object` and the objects that object points at),
 * so an object's timeline is an index range instead of a scan of the latest events. Events already
 * stored are filed here once, in batches.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('event_objects')
    .addColumn('event_seq', 'bigint', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    /** The event's `created` (business time): timelines are ordered as the events list is. */
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_objects_pk', ['event_seq', 'object_id'])
    .execute();
  await db.schema.createIndex('event_objects_object').on('event_objects').columns(['account_id', 'object_id', 'created desc', 'event_seq desc']).execute();

  let after = 0;
  for (;;) {
    const { rows } = await sql<{ seq: number | string; account_id: string; created: number | string; data: string }>`select seq, account_id, created, data from events where seq > ${after} order by seq limit ${BACKFILL_BATCH}`.execute(db);
    if (rows.length === 0) break;
    const values: Array<[number, string, string, number]> = [];
    for (const r of rows) {
      let object: object = {};
      try {
        object = (JSON.parse(r.data) as { data?: { object?: object } }).data?.object ?? {};
      } catch {
        // an unreadable event is about nothing
      }
      for (const id of idsAbout(object)) values.push([Number(r.seq), r.account_id, id, Number(r.created)]);
    }
    if (values.length > 0) {
      await sql`insert into event_objects (event_seq, account_id, object_id, created) values ${sql.join(values.map((v) => sql`(${v[0]}, ${v[1]}, ${v[2]}, ${v[3]})`))}`.execute(db);
    }
    after = Number(rows[rows.length - 1]?.seq);
  }
  void dialect;
}
