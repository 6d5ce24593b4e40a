import type { Ctx } from '../api/context.js';
import { unixNow } from '../clock.js';
import { exec } from '../store/objects.js';
import type { JobTable } from '../store/schema.js';
import type { Selectable } from 'kysely';

export type Job = Selectable<JobTable>;
export type JobHandler = (ctx: Ctx, job: Job) => Promise<void>;

const handlers = new Map<string, JobHandler>();

/** Services register what a job kind does: `registerJob('checkout_session.expire', expireDue)`. */
export function registerJob(kind: string, handler: JobHandler): void {
  handlers.set(kind, handler);
}

export function jobHandler(kind: string): JobHandler | undefined {
  return handlers.get(kind);
}

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
  if (testClock === null && dueAt <= unixNow(ctx.deps.clock)) ctx.afterCommit.push(() => ctx.deps.notify('jobs'));
}

export async function cancel(ctx: Ctx, kind: string, subjectId: string): Promise<void> {
  await ctx.db.deleteFrom('jobs').where('kind', '=', kind).where('subject_id', '=', subjectId).execute();
}

/**
 * Claims a job by deleting it inside the caller's transaction, then runs it there: the job's work
 * and its removal commit together, and a second instance racing for it deletes nothing and skips.
 */
export async function claimAndRun(ctx: Ctx, seq: number): Promise<boolean> {
  const job = await ctx.db.deleteFrom('jobs').where('seq', '=', seq).returningAll().executeTakeFirst();
  if (!job) return false;
  const handler = handlers.get(job.kind);
  if (!handler) {
    ctx.deps.log.warn({ kind: job.kind }, 'no handler for job kind; dropped');
    return true;
  }
  await handler(ctx, job);
  return true;
}
