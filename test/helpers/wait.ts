import assert from 'node:assert/strict';
import type Stripe from 'stripe';

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Advances a clock and waits until it reports ready, as a Stripe integration does. */
export async function advance(stripe: Stripe, clockId: string, frozenTime: number): Promise<Stripe.TestHelpers.TestClock> {
  const started = await stripe.testHelpers.testClocks.advance(clockId, { frozen_time: frozenTime });
  assert.equal(started.status, 'advancing');
  return waitFor(async () => {
    const c = await stripe.testHelpers.testClocks.retrieve(clockId);
    return c.status === 'ready' ? c : undefined;
  }, 10_000, 'the test clock to be ready');
}
