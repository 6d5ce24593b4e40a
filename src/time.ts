import type { Ctx } from './api/context.js';
import { unixNow } from './clock.js';
import { ObjectTable } from './store/objects.js';

/** The test clocks table, read here for a clock's time only (resources/test-clocks owns it). */
const clocks = new ObjectTable<{ id: string }>('test_clocks');

/**
 * Business time (unix seconds) for objects on a test clock: the clock's frozen time; otherwise the
 * wall clock. Prefill windows, expiry and settlement are judged by it (SPEC §5b).
 */
export async function businessNow(ctx: Ctx, testClock: string | null | undefined): Promise<number> {
  if (testClock) {
    const row = await clocks.row(ctx.db, ctx.account, testClock, ['frozen_time']);
    if (row) return Number(row.frozen_time);
  }
  return unixNow(ctx.deps.clock);
}
