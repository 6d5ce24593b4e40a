import type { Ctx } from './api/context.js';
import { unixNow } from './clock.js';

/**
 * Business time (unix seconds) for objects on a test clock: the clock's frozen time; otherwise the
 * wall clock. Prefill windows, expiry and settlement are judged by it (SPEC §5b).
 */
export async function businessNow(ctx: Ctx, testClock: string | null | undefined): Promise<number> {
  if (testClock) {
    const row = await ctx.db
      .selectFrom('test_clocks')
      .select('frozen_time')
      .where('account_id', '=', ctx.account)
      .where('id', '=', testClock)
      .executeTakeFirst();
    if (row) return row.frozen_time;
  }
  return unixNow(ctx.deps.clock);
}
