import type { EventEmitter } from 'node:events';
import { inTransaction, type Deps } from '../api/context.js';
import { unixNow } from '../clock.js';
import { claimAndRun } from './jobs.js';

const POLL_MS = 1000;
const BATCH = 50;
/** A job whose handler failed waits this long before it is tried again. */
const RETRY_BACKOFF_MS = 5000;

/**
 * Runs wall-clock jobs that have come due (expiry, settlement, test-clock advances). Woken by
 * `signals` 'job-due' after a commit that scheduled one, with a poll as the safety net. Jobs on a
 * test clock run only when that clock advances (see test-clocks/service.ts).
 */
export function startScheduler(deps: Deps, signals: EventEmitter): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function tick(): Promise<void> {
    const nowMs = deps.clock.now();
    const due = await deps.store.db
      .selectFrom('jobs')
      .select(['seq', 'account_id'])
      .where('test_clock', 'is', null)
      .where('due_at', '<=', unixNow(deps.clock))
      .where('claimed_until', '<', nowMs)
      .orderBy('due_at')
      .limit(BATCH)
      .execute();
    for (const job of due) {
      if (stopped) return;
      try {
        await inTransaction(deps, job.account_id, (ctx) => claimAndRun(ctx, job.seq));
      } catch (err) {
        deps.log.error({ err, job: job.seq }, 'job failed; will retry');
        await deps.store.db
          .updateTable('jobs')
          .set({ claimed_until: deps.clock.now() + RETRY_BACKOFF_MS })
          .where('seq', '=', job.seq)
          .execute()
          .catch(() => undefined);
      }
    }
    if (due.length === BATCH) again = true;
  }

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = tick()
      .catch((err: unknown) => deps.log.error({ err }, 'scheduler tick failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          setImmediate(run);
        }
      });
  }

  const onSignal = () => run();
  signals.on('job-due', onSignal);
  timer = setInterval(run, POLL_MS);
  timer.unref();
  run();
  return {
    async stop() {
      stopped = true;
      signals.off('job-due', onSignal);
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
