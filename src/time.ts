import type { Ctx } from './api/context.js';
import { unixNow } from './clock.js';
import { exec } from './store/objects.js';

/**
 * Business time (unix seconds) for objects on a test clock: the clock's frozen time; otherwise the
 * wall clock. Prefill windows, expiry and settlement are judged by it (SPEC §5b).
 */
export async function businessNow(ctx: Ctx, testClock: string | null | undefined): Promise<number> {
  if (testClock) {
    const { rows } = await exec<{ frozen_time: number }>(
      ctx.db,
      'test clock time',
      (p) => `select frozen_time from test_clocks where account_id = ${p(1)} and id = ${p(2)}`,
      [ctx.account, testClock],
    );
    const row = rows[0];
    if (row) return Number(row.frozen_time);
  }
  return unixNow(ctx.deps.clock);
}
