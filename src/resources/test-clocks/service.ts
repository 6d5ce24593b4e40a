import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, listParams, toPage } from '../../api/list.js';
import { int, parseParams, required, str } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { emit } from '../../events/emit.js';
import { cancelClockJobs, claimAndRun, nextClockJob, schedule, type Job } from '../../scheduler/jobs.js';
import { deleteCustomersOnClock } from '../customers/service.js';
import { setFrozenTime, testClocks, type TestClock } from './store.js';

/** The job that runs an advance (its kind, spelled once). */
export const ADVANCE_JOB = 'test_clock.advance';
/** Stripe deletes a test clock 30 days after creation. */
const LIFETIME_SECONDS = 30 * 24 * 3600;
/** Runaway guard: an advance runs at most this many due jobs. */
const MAX_JOBS_PER_ADVANCE = 100_000;

const columns = (c: TestClock) => ({ status: c.status, frozen_time: c.frozen_time });

async function requireClock(ctx: Ctx, id: string, lock = false): Promise<TestClock> {
  const clock = lock ? await testClocks.getForUpdate(ctx.db, ctx.account, id) : await testClocks.get(ctx.db, ctx.account, id);
  if (!clock) throw errors.missingResource('test_helpers.test_clock', id);
  return clock;
}

/** POST /v1/test_helpers/test_clocks: a clock frozen at `frozen_time`. */
export async function createTestClock(ctx: Ctx, params: FormObject): Promise<TestClock> {
  const p = parseParams({ frozen_time: required(int({ min: 0 })), name: str({ max: 300 }) }, params);
  const created = unixNow(ctx.deps.clock);
  const clock: TestClock = {
    id: newId('clock_'),
    object: 'test_helpers.test_clock',
    created,
    deletes_after: created + LIFETIME_SECONDS,
    frozen_time: p.frozen_time,
    livemode: false,
    name: p.name ?? null,
    status: 'ready',
    status_details: {},
  };
  await testClocks.insert(ctx.db, ctx.account, clock, columns(clock));
  await emit(ctx, 'test_helpers.test_clock.created', clock);
  return clock;
}

/** GET /v1/test_helpers/test_clocks/:id. */
export async function retrieveTestClock(ctx: Ctx, id: string): Promise<TestClock> {
  return requireClock(ctx, id);
}

/** GET /v1/test_helpers/test_clocks: newest first. */
export async function listTestClocks(ctx: Ctx, params: FormObject, url: string) {
  const p = parseParams(listParams, params);
  const page = toPage(p);
  return listObject(url, await testClocks.list(ctx.db, ctx.account, {}, page), 'test_helpers.test_clock', page);
}

/**
 * Starts moving the clock to `frozen_time`: answers `advancing` at once; the scheduler then runs
 * every job of the clock due by then, in order, and marks the clock `ready` (docs/decisions.md#business-time-and-test-clocks).
 */
export async function advanceTestClock(ctx: Ctx, id: string, params: FormObject): Promise<TestClock> {
  const p = parseParams({ frozen_time: required(int({ min: 0 })) }, params);
  // Locked: of two advances at once (two instances), the second sees `advancing` and is refused.
  const clock = await requireClock(ctx, id, true);
  if (clock.status !== 'ready') {
    throw errors.invalid('The test clock is currently advancing. Wait until it is ready before advancing it again.', undefined, 'test_clock_advancing');
  }
  if (p.frozen_time <= clock.frozen_time) {
    throw errors.invalid('The frozen_time must be after the current frozen_time of the test clock.', 'frozen_time');
  }
  const next: TestClock = { ...clock, status: 'advancing', status_details: { advancing: { target_frozen_time: p.frozen_time } } };
  await testClocks.update(ctx.db, ctx.account, next, columns(next));
  await schedule(ctx, ADVANCE_JOB, id, 0, null);
  await emit(ctx, 'test_helpers.test_clock.advancing', next);
  return next;
}

/** The advance itself, one transaction: due jobs run at their own due time, then the clock is ready. */
async function runAdvance(ctx: Ctx, clockId: string): Promise<void> {
  const clock = await testClocks.get(ctx.db, ctx.account, clockId);
  const target = clock?.status_details.advancing?.target_frozen_time;
  if (!clock || target === undefined) return;
  for (let ran = 0; ran < MAX_JOBS_PER_ADVANCE; ran++) {
    const job = await nextClockJob(ctx, clockId, target);
    if (!job) break;
    // Handlers read business time from the clock: let them see the moment the job fell due.
    const at = Math.max(job.due_at, clock.frozen_time);
    await setFrozenTime(ctx, clockId, at);
    await claimAndRun(ctx, job.seq);
  }
  const ready: TestClock = { ...clock, frozen_time: target, status: 'ready', status_details: {} };
  await testClocks.update(ctx.db, ctx.account, ready, columns(ready));
  await emit(ctx, 'test_helpers.test_clock.ready', ready);
}

/** Runs the advance job {@link advanceTestClock} scheduled. */
export function runAdvanceJob(ctx: Ctx, job: Job): Promise<void> {
  return runAdvance(ctx, job.subject_id);
}

/** Deleting a clock deletes the customers that live on it, as Stripe does. */
export async function deleteTestClock(ctx: Ctx, id: string) {
  const clock = await requireClock(ctx, id, true);
  await testClocks.delete(ctx.db, ctx.account, id);
  await cancelClockJobs(ctx, id);
  await deleteCustomersOnClock(ctx, id);
  await emit(ctx, 'test_helpers.test_clock.deleted', clock);
  return { id, object: 'test_helpers.test_clock', deleted: true };
}
