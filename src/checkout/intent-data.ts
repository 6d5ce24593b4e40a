/**
 * `payment_intent_data` and `setup_intent_data` on the intents a session creates
 * (docs/decisions.md#payment-intent-data-from-checkout): descriptors, receipt email, Connect
 * fields, the capture method — a manual capture leaves the PaymentIntent `requires_capture` with
 * the amount held — and `setup_future_usage`, session-wide or for cards only.
 */
import type { Ctx } from '../api/context.js';
import type { ChargeOutcome } from '../processor/index.js';
import type { Session, StoredSession } from '../resources/checkout-sessions/shape.js';
import { transitionPaymentIntent, type NewPaymentIntent, type PaymentIntent } from '../resources/payment-intents/service.js';
import type { PaymentMethod } from '../resources/payment-methods/shape.js';

/** The `payment_intent_data` params kept with the session beside the ones in `_internal.payment_intent_data`. */
interface StoredIntentData {
  receipt_email?: string;
  statement_descriptor?: string;
  statement_descriptor_suffix?: string;
  capture_method?: 'automatic' | 'automatic_async' | 'manual';
  application_fee_amount?: number;
  on_behalf_of?: string;
  transfer_data?: { amount?: number; destination: string };
  transfer_group?: string;
}

type Usage = 'on_session' | 'off_session';

function storedIntentData(s: StoredSession): StoredIntentData {
  return (s._internal.stored_params?.payment_intent_data ?? {}) as StoredIntentData;
}

function cardOptions(s: StoredSession): { capture_method?: string; setup_future_usage?: string } | undefined {
  return s.payment_method_options.card as { capture_method?: string; setup_future_usage?: string } | undefined;
}

/** `payment_method_options.card.setup_future_usage` when it asks to save the card (`none` does not). */
export function cardSetupFutureUsage(s: StoredSession): Usage | null {
  const usage = cardOptions(s)?.setup_future_usage;
  return usage === 'on_session' || usage === 'off_session' ? usage : null;
}

/** The capture method of the session's PaymentIntent: `payment_intent_data`'s, else card's `manual`, else Stripe's default. */
function captureMethod(s: StoredSession): NonNullable<NewPaymentIntent['captureMethod']> {
  return storedIntentData(s).capture_method ?? (cardOptions(s)?.capture_method === 'manual' ? 'manual' : 'automatic_async');
}

/** What the PaymentIntent of a payment-mode session takes from `payment_intent_data` and the card options. */
export function intentFields(s: StoredSession): Partial<NewPaymentIntent> {
  const d = storedIntentData(s);
  const usage = cardSetupFutureUsage(s);
  const manual = cardOptions(s)?.capture_method === 'manual';
  return {
    captureMethod: captureMethod(s),
    receiptEmail: d.receipt_email ?? null,
    statementDescriptor: d.statement_descriptor ?? null,
    statementDescriptorSuffix: d.statement_descriptor_suffix ?? null,
    applicationFeeAmount: d.application_fee_amount ?? null,
    onBehalfOf: d.on_behalf_of ?? null,
    transferData: d.transfer_data ? { ...(d.transfer_data.amount !== undefined ? { amount: d.transfer_data.amount } : {}), destination: d.transfer_data.destination } : null,
    transferGroup: d.transfer_group ?? null,
    paymentMethodOptions: usage || manual ? { card: { ...(manual ? { capture_method: 'manual' } : {}), ...(usage ? { setup_future_usage: usage } : {}) } } : {},
  };
}

/**
 * A card authorised for a manual-capture PaymentIntent: it waits in `requires_capture` with the
 * whole amount capturable, and the session completes `unpaid` until the merchant captures it.
 * Undefined when the PaymentIntent captures on its own.
 */
export async function holdForCapture(
  ctx: Ctx,
  pi: PaymentIntent,
  i: { pm: PaymentMethod; outcome: ChargeOutcome; now: number },
): Promise<Partial<Pick<Session, 'payment_intent' | 'payment_status'>> | undefined> {
  if (pi.capture_method !== 'manual' || i.outcome.status !== 'succeeded') return undefined;
  const held: PaymentIntent = { ...pi, status: 'requires_capture', payment_method: i.pm.id, amount_capturable: pi.amount, last_payment_error: null };
  await transitionPaymentIntent(ctx, pi, held, i.now);
  return { payment_intent: pi.id, payment_status: 'unpaid' };
}

/** `setup_intent_data.on_behalf_of`, for the SetupIntent of a setup-mode session. */
export function setupOnBehalfOf(s: StoredSession): string | null {
  return (s._internal.stored_params?.setup_intent_data as { on_behalf_of?: string } | undefined)?.on_behalf_of ?? null;
}
