/** Assertions on Stripe-shaped refusals, through the SDK and from a service called directly. */
import assert from 'node:assert/strict';
import type Stripe from 'stripe';

/** A validator for assert.rejects: an SDK error with Stripe's type, and the given status, code, param (and message). */
export function stripeError(expected: { status: number; code?: string; param?: string; message?: string | RegExp }) {
  return (err: Stripe.errors.StripeError) => {
    assert.equal(err.statusCode, expected.status, `status of ${err.message}`);
    assert.equal(err.type, 'StripeInvalidRequestError');
    assert.equal(err.rawType, 'invalid_request_error');
    if (expected.code !== undefined) assert.equal(err.code, expected.code, `code of ${err.message}`);
    if (expected.param !== undefined) assert.equal(err.param, expected.param, `param of ${err.message}`);
    if (typeof expected.message === 'string') assert.equal(err.message, expected.message);
    else if (expected.message) assert.match(err.message, expected.message);
    return true;
  };
}

/** What an SDK error for a refused request carries (an assert.rejects object): Stripe's status, type, code and param. */
export const refused = (status: number, code: string | undefined, param: string | undefined, message?: string | RegExp) => ({
  statusCode: status,
  rawType: 'invalid_request_error',
  code,
  param,
  ...(message === undefined ? {} : { message }),
});

/** Asserts a service call fails with a StripeError whose status and body include `expected`. */
export async function rejectsWith(p: Promise<unknown>, status: number, expected: Record<string, unknown>): Promise<void> {
  await assert.rejects(p, (err: { status?: number; body?: Record<string, unknown> }) => {
    assert.equal(err.status, status);
    for (const [k, v] of Object.entries(expected)) assert.equal(err.body?.[k], v, k);
    return true;
  });
}
