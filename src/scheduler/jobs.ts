/**
 * The `jobs` table (this module and scheduler.ts own it): work due at a business time, such as a
 * session's expiry or a payment's settlement. Services schedule and cancel jobs by kind and
 * subject; what a kind does is declared by the module that owns it (`jobs` in its description,
 * assembled in resources/index.ts). See docs/architecture.md#time-and-jobs.
 */
import type { Ctx } from '../api/context.js';
import { unixNow } from '../clock.js';
import { exec } from '../store/objects.js';
import type { JobTable } from '../store/schema.js';
import type { Selectable } from 'kysely';

export type Job = Selectable<JobTable>;
export type JobHandler = (ctx: Ctx, job: Job) => Promise<void>;
/** Job kind -> what running it does. */
export type JobHandlers = ReadonlyMap<string, JobHandler>;

/**
 * Schedules `kind` for `subjectId` at business time `dueAt` (on `testClock` when the subject lives
 * on one). One job per kind and subject: scheduling again moves it.
 */
export async function schedule(ctx: Ctx, kind: string, subjectId: string, dueAt: number, testClock: string | null): Promise<void> {
  // Every Checkout Session schedules its expiry: cached SQL, no query builder (store/objects.ts).
  await exec(
    ctx.db,
    'jobs schedule',
    (p) =>
      `insert into jobs (account_id, kind, subject_id, due_at, test_clock, claimed_until) values (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, 0) ` +
      'on conflict (kind, subject_id) do update set due_at = excluded.due_at, test_clock = excluded.test_clock, claimed_until = 0',
    [ctx.account, kind, subjectId, dueAt, testClock],
  );
  // A job already due runs as soon as this commits; a later one is found by the scheduler's poll
  // (a wake-up now would find nothing due).
  if (testClock === null && dueAt <= unixNow(ctx.deps.clock)) ctx.afterCommit.push(() => ctx.deps.notify('job-due'));
}

/** Removes the job of `kind` for `subjectId`, if any (the work no longer needs doing). */
export async function cancel(ctx: Ctx, kind: string, subjectId: string): Promise<void> {
  await ctx.db.deleteFrom('jobs').where('kind', '=', kind).where('subject_id', '=', subjectId).execute();
}

/** Removes every job of a test clock in ctx's account (the clock is being deleted). */
export async function cancelClockJobs(ctx: Ctx, testClock: string): Promise<void> {
  await ctx.db.deleteFrom('jobs').where('test_clock', '=', testClock).where('account_id', '=', ctx.account).execute();
}

/**
 * Locks the job of `kind` for `subjectId` until the transaction ends (PostgreSQL; SQLite has one
 * writer), for callers that must take that row before their subject's row: see lockSession.
 */
export async function lockJob(ctx: Ctx, kind: string, subjectId: string): Promise<void> {
  if (ctx.deps.store.dialect !== 'postgres') return;
  await ctx.db.selectFrom('jobs').select('seq').where('kind', '=', kind).where('subject_id', '=', subjectId).forUpdate().execute();
}

/** The earliest job of a test clock due at or before `until` (ties by insertion), or undefined. */
export async function nextClockJob(ctx: Ctx, testClock: string, until: number): Promise<{ seq: number; due_at: number } | undefined> {
  return ctx.db
    .selectFrom('jobs')
    .select(['seq', 'due_at'])
    .where('test_clock', '=', testClock)
    .where('due_at', '<=', until)
    .orderBy('due_at')
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Claims a job by deleting it inside the caller's transaction, then runs it there: the job's work
 * and its removal commit together, and a second instance racing for it deletes nothing and skips.
 */
export async function claimAndRun(ctx: Ctx, seq: number): Promise<boolean> {
  const job = await ctx.db.deleteFrom('jobs').where('seq', '=', seq).returningAll().executeTakeFirst();
  if (!job) return false;
  const handler = ctx.deps.jobs.get(job.kind);
  if (!handler) {
    ctx.deps.log.warn({ kind: job.kind }, 'no handler for job kind; dropped');
    return true;
  }
  await handler(ctx, job);
  return true;
}
