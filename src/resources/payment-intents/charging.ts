/**
 * The charge of each payment attempt, for every path that pays a PaymentIntent: API confirmation,
 * Checkout completion, delayed settlement (docs/decisions.md#charges-and-refunds). Each returns
 * the PaymentIntent with `latest_charge` set; the caller's transition stores it.
 */
import type { Ctx } from '../../api/context.js';
import type { ChargeOutcome } from '../../processor/index.js';
import type { AttemptFailure } from '../charges/details.js';
import { createCharge, settleCharge } from '../charges/service.js';
import type { PaymentMethod } from '../payment-methods/shape.js';
import type { PaymentIntent } from './service.js';

/**
 * The charge an outcome makes at once: captured (or held, for manual capture) when it succeeded,
 * pending for a bank debit, failed for a decline. A voucher waiting to be paid (konbini) or a card
 * waiting for 3D Secure has none yet.
 */
export async function chargeAttempt(ctx: Ctx, pi: PaymentIntent, pm: PaymentMethod, outcome: ChargeOutcome, now: number, authenticated = false, mandate: string | null = null): Promise<PaymentIntent> {
  const common = { pi, pm, created: now, authenticated, mandate };
  if (outcome.status === 'succeeded') {
    const c = await createCharge(ctx, { ...common, status: 'succeeded', captured: pi.capture_method !== 'manual' });
    return { ...pi, latest_charge: c.id };
  }
  if (outcome.status === 'processing') {
    const c = await createCharge(ctx, { ...common, status: 'pending', captured: false });
    return { ...pi, latest_charge: c.id };
  }
  if (outcome.status === 'declined') {
    const c = await createCharge(ctx, { ...common, status: 'failed', captured: false, failure: outcome });
    return { ...pi, latest_charge: c.id };
  }
  return pi;
}

/**
 * A delayed payment settled: its pending charge succeeds or fails; a voucher paid at a store gets
 * its (succeeded) charge now. A voucher that expired unpaid had no charge.
 */
export async function settleAttemptCharge(ctx: Ctx, pi: PaymentIntent, pm: PaymentMethod, failure: AttemptFailure | undefined, now: number): Promise<PaymentIntent> {
  if (pi.latest_charge && pi.status === 'processing') {
    await settleCharge(ctx, pi.latest_charge, failure, now);
    return pi;
  }
  if (failure) return pi;
  const c = await createCharge(ctx, { pi, pm, created: now, status: 'succeeded', captured: true });
  return { ...pi, latest_charge: c.id };
}
