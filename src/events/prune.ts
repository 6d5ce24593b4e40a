import type { Deps } from '../api/context.js';
import { pruneIdempotencyKeys } from '../api/idempotency.js';
import { readSetting, writeSetting, type Db } from '../store/db.js';

/** What one pruning pass deleted. */
export interface PruneResult {
  events: number;
  deliveries: number;
  attempts: number;
  idempotencyKeys: number;
}

const BATCH = 1000;
const MARKS_KEY = 'event_prune_marks';
const MARK_SPACING_MS = 30 * 60 * 1000;

/**
 * A mark says "every event with seq <= `seq` existed at wall time `at`". Events carry business time
 * in `created` (a test clock may sit years in the past), so their age is judged by these marks,
 * which pruning records as it runs, never by `created`.
 */
interface Mark {
  at: number;
  seq: number;
}

async function readMarks(db: Db): Promise<Mark[]> {
  const value = await readSetting(db, MARKS_KEY);
  if (value === undefined) return [];
  try {
    const marks = JSON.parse(value) as Mark[];
    return Array.isArray(marks) ? marks : [];
  } catch {
    return [];
  }
}

async function writeMarks(db: Db, marks: Mark[]): Promise<void> {
  await writeSetting(db, MARKS_KEY, JSON.stringify(marks));
}

/**
 * Records a mark for now and returns the highest event seq known to be older than the retention
 * (undefined until a mark has aged that long). Keeps only the marks still needed.
 */
async function agedEventSeq(db: Db, nowMs: number, cutoffMs: number): Promise<number | undefined> {
  const marks = (await readMarks(db)).filter((m) => Number.isFinite(m.at) && Number.isFinite(m.seq)).sort((a, b) => a.at - b.at);
  const last = marks.at(-1);
  if (!last || last.at <= nowMs - MARK_SPACING_MS) {
    const max = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    marks.push({ at: nowMs, seq: Number(max?.seq ?? 0) });
  }
  const aged = marks.filter((m) => m.at <= cutoffMs).at(-1);
  await writeMarks(db, marks.filter((m) => m.at > cutoffMs || m === aged));
  return aged?.seq;
}

/** Repeats a bounded delete until it deletes less than a batch, so no statement holds locks long. */
async function inBatches(run: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await run();
    total += n;
    if (n < BATCH) return total;
  }
}

/**
 * Deletes events (and what they were filed under), finished deliveries and their attempts older than `config.eventRetentionDays`, and
 * idempotency records older than 24 h. Never an event with a pending delivery, never a pending
 * delivery or its attempts. The delivery worker runs it periodically; safe on several instances.
 */
export async function pruneOnce(deps: Deps, nowMs: number): Promise<PruneResult> {
  const db = deps.store.db;
  const cutoffMs = nowMs - deps.config.eventRetentionDays * 24 * 60 * 60 * 1000;
  const agedSeq = await agedEventSeq(db, nowMs, cutoffMs);

  const events =
    agedSeq === undefined
      ? 0
      : await inBatches(async () => {
          const res = await db
            .deleteFrom('events')
            .where('seq', 'in', (eb) =>
              eb
                .selectFrom('events as e')
                .select('e.seq')
                .where('e.seq', '<=', agedSeq)
                .where(({ not, exists, selectFrom }) =>
                  not(
                    exists(
                      selectFrom('deliveries as d')
                        .select('d.seq')
                        .whereRef('d.account_id', '=', 'e.account_id')
                        .whereRef('d.event_id', '=', 'e.id')
                        .where('d.status', '=', 'pending'),
                    ),
                  ),
                )
                .limit(BATCH),
            )
            .executeTakeFirst();
          return Number(res.numDeletedRows);
        });

  // What the deleted events were about (about.ts): the rows of events no longer there.
  if (agedSeq !== undefined) {
    await inBatches(async () => {
      const res = await db
        .deleteFrom('event_objects')
        .where('event_seq', 'in', (eb) =>
          eb
            .selectFrom('event_objects as eo')
            .select('eo.event_seq')
            .where('eo.event_seq', '<=', agedSeq)
            .where(({ not, exists, selectFrom }) => not(exists(selectFrom('events as e').select('e.seq').whereRef('e.seq', '=', 'eo.event_seq'))))
            .limit(BATCH),
        )
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    });
  }

  const attempts = await inBatches(async () => {
    const res = await db
      .deleteFrom('delivery_attempts')
      .where('seq', 'in', (eb) =>
        eb
          .selectFrom('delivery_attempts as a')
          .select('a.seq')
          .where('a.at', '<', cutoffMs)
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('deliveries as d').select('d.seq').whereRef('d.seq', '=', 'a.delivery_seq').where('d.status', '=', 'pending'))),
          )
          .limit(BATCH),
      )
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  });

  const deliveries = await inBatches(async () => {
    const res = await db
      .deleteFrom('deliveries')
      .where('seq', 'in', (eb) =>
        eb
          .selectFrom('deliveries as d')
          .select('d.seq')
          .where('d.status', '!=', 'pending')
          .where('d.created', '<', Math.floor(cutoffMs / 1000))
          .limit(BATCH),
      )
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  });

  const idempotencyKeys = await pruneIdempotencyKeys(db, Math.floor(nowMs / 1000));
  const result = { events, deliveries, attempts, idempotencyKeys };
  if (result.events + result.deliveries + result.attempts + result.idempotencyKeys > 0) deps.log.info(result, 'pruned old records');
  return result;
}
