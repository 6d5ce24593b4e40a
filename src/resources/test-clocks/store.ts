/**
 * The `test_clocks` table (the test-clocks folder owns it) and business time. Other modules read a
 * clock's time through {@link businessNow}; only test-clocks/service.ts changes clocks.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { unixNow } from '../../clock.js';
import { ObjectTable } from '../../store/objects.js';

/** Stripe's test clock (stripe-node `TestHelpers.TestClock`). */
export interface TestClock {
  id: string;
  object: 'test_helpers.test_clock';
  created: number;
  deletes_after: number;
  frozen_time: number;
  livemode: false;
  name: string | null;
  status: 'advancing' | 'internal_failure' | 'ready';
  status_details: { advancing?: { target_frozen_time: number } };
}

export const testClocks = new ObjectTable<TestClock>('test_clocks');

/**
 * Business time (unix seconds) for objects on a test clock: the clock's frozen time; otherwise the
 * wall clock. Prefill windows, expiry and settlement are judged by it (docs/decisions.md#business-time-and-test-clocks).
 */
export async function businessNow(ctx: Ctx, testClock: string | null | undefined): Promise<number> {
  if (testClock) {
    const row = await testClocks.row(ctx.db, ctx.account, testClock, ['frozen_time']);
    if (row) return Number(row.frozen_time);
  }
  return unixNow(ctx.deps.clock);
}

/** Refuses (404 naming `param`) a test clock that does not exist in ctx's account. */
export async function requireTestClockExists(ctx: Ctx, id: string, param = 'test_clock'): Promise<void> {
  const row = await testClocks.row(ctx.db, ctx.account, id, ['id']);
  if (!row) throw errors.missingResource('test_clock', id, param);
}

/** Moves a clock's frozen time while it advances (handlers of due jobs read business time from it). */
export async function setFrozenTime(ctx: Ctx, id: string, at: number): Promise<void> {
  await ctx.db.updateTable('test_clocks').set({ frozen_time: at }).where('account_id', '=', ctx.account).where('id', '=', id).execute();
}
