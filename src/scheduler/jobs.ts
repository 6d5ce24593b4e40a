import type { Ctx } from '../api/context.js';
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
  await ctx.db
    .insertInto('jobs')
    .values({ account_id: ctx.account, kind, subject_id: subjectId, due_at: dueAt, test_clock: testClock, claimed_until: 0 })
    .onConflict((oc) => oc.columns(['kind', 'subject_id']).doUpdateSet({ due_at: dueAt, test_clock: testClock, claimed_until: 0 }))
    .execute();
  if (testClock === null) ctx.afterCommit.push(() => ctx.deps.notify('jobs'));
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
