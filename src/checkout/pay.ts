/**
 * What completing a session creates, per mode: a PaymentIntent (payment), a Subscription with its
 * paid first Invoice (subscription) or a SetupIntent (setup). Runs inside completion's transaction.
 */
import type { Ctx } from '../api/context.js';
import type { ChargeOutcome } from '../processor/index.js';
import type { LineItem, Session, StoredSession } from '../resources/checkout-sessions/shape.js';
import { saveSession } from '../resources/checkout-sessions/store.js';
import { intentShipping } from '../resources/checkout-sessions/stored.js';
import type { Customer } from '../resources/customers/shape.js';
import { createPaymentIntent, findPaymentIntent, savePaymentIntent, transitionPaymentIntent, type PaymentIntent } from '../resources/payment-intents/service.js';
import { chargeAttempt } from '../resources/payment-intents/charging.js';
import type { PaymentMethod } from '../resources/payment-methods/shape.js';
import { createMandate, offlineAcceptance, onlineAcceptance, singleUseOf, takesMandate, type CustomerAcceptance } from '../resources/mandates/service.js';
import { createSucceededSetupIntent, succeedCheckoutSetupIntent } from '../resources/setup-intents/service.js';
import type { CompletionForm } from './contract.js';
import { startDelayedPayment } from './settle.js';
import { holdForCapture, intentFields, setupOnBehalfOf } from './intent-data.js';
import { invoicePayment } from './invoice-payment.js';
import { startSubscription } from './subscribe.js';

export interface PayInput {
  session: StoredSession;
  customer: Customer | undefined;
  pm: PaymentMethod;
  outcome: ChargeOutcome;
  now: number;
  form: CompletionForm;
  items?: LineItem[];
}

type SessionFields = Partial<Pick<Session, 'payment_intent' | 'subscription' | 'setup_intent' | 'invoice' | 'payment_status'>>;

/** The session's PaymentIntent: reused across attempts (a decline, then a retry), created on the first. */
export async function sessionPaymentIntent(ctx: Ctx, i: Omit<PayInput, 'outcome'>): Promise<PaymentIntent> {
  const s = i.session;
  const existing = s.payment_intent ? await findPaymentIntent(ctx, s.payment_intent) : undefined;
  if (existing) {
    if (i.customer && existing.customer === null) {
      const withCustomer = { ...existing, customer: i.customer.id };
      await savePaymentIntent(ctx, withCustomer);
      return withCustomer;
    }
    return existing;
  }
  const pid = s._internal.payment_intent_data;
  return createPaymentIntent(ctx, {
    amount: s.amount_total ?? 0,
    currency: s.currency ?? 'usd',
    customer: i.customer?.id ?? null,
    paymentMethodTypes: s.payment_method_types,
    metadata: pid.metadata,
    description: pid.description,
    setupFutureUsage: pid.setup_future_usage,
    shipping: i.form.shipping ?? intentShipping(s),
    created: i.now,
    ...intentFields(s),
  });
}

/** A declined payment-mode attempt: the PaymentIntent keeps the error, the session stays open. */
export async function recordDecline(ctx: Ctx, i: Omit<PayInput, 'outcome'> & { outcome: Extract<ChargeOutcome, { status: 'declined' }> }): Promise<void> {
  const pi = await sessionPaymentIntent(ctx, i);
  const charged = await chargeAttempt(ctx, pi, i.pm, i.outcome, i.now);
  const failed: PaymentIntent = {
    ...charged,
    status: 'requires_payment_method',
    payment_method: null,
    last_payment_error: {
      type: 'card_error',
      code: i.outcome.code,
      decline_code: i.outcome.decline_code,
      message: i.outcome.message,
      payment_method: i.pm,
      charge: charged.latest_charge,
    },
  };
  await transitionPaymentIntent(ctx, pi, failed, i.now);
  if (i.session.payment_intent !== pi.id) await saveSession(ctx, { ...i.session, payment_intent: pi.id });
}

/** Pays (or sets up) a session in its mode and returns the session fields the payment sets. */
export async function payForSession(ctx: Ctx, i: PayInput): Promise<SessionFields> {
  const s = i.session;
  if (s.mode === 'setup') {
    // The SetupIntent made for 3D Secure on the hosted page succeeds (docs/decisions.md#3d-secure).
    if (s.setup_intent) {
      const si = await succeedCheckoutSetupIntent(ctx, s.setup_intent, (i.customer as Customer).id, i.pm.id, i.now);
      return { setup_intent: si.id, payment_status: 'no_payment_required' };
    }
    // Saving a bank account for debits makes its multi-use Mandate, as a SetupIntent confirmed through the API does.
    const mandate = takesMandate(i.pm) ? await createMandate(ctx, i.pm, { acceptance: acceptanceOf(i.form, i.now), now: i.now }) : undefined;
    const si = await createSucceededSetupIntent(ctx, {
      mandate: mandate?.id ?? null,
      customer: (i.customer as Customer).id,
      paymentMethod: i.pm.id,
      paymentMethodTypes: s.payment_method_types,
      metadata: s._internal.setup_intent_data.metadata,
      description: s._internal.setup_intent_data.description,
      onBehalfOf: setupOnBehalfOf(s),
      created: i.now,
    });
    return { setup_intent: si.id, payment_status: 'no_payment_required' };
  }
  if (s.mode === 'subscription') {
    // The SetupIntent that carried the buyer's 3D Secure succeeds (docs/decisions.md#3d-secure-in-subscription-mode).
    if (s.setup_intent) await succeedCheckoutSetupIntent(ctx, s.setup_intent, (i.customer as Customer).id, i.pm.id, i.now);
    return startSubscription(ctx, { session: s, customer: i.customer as Customer, pm: i.pm, now: i.now, items: i.items ?? [], outcome: i.outcome });
  }

  const intent = await sessionPaymentIntent(ctx, i);
  // A bank debit is made under a Mandate, as through the API: single-use for this amount, multi-use when the account is kept.
  const mandate =
    i.outcome.status === 'processing' && takesMandate(i.pm)
      ? await createMandate(ctx, i.pm, { acceptance: acceptanceOf(i.form, i.now), singleUse: singleUseOf(intent, i.pm), now: i.now })
      : undefined;
  const pi = await chargeAttempt(ctx, intent, i.pm, i.outcome, i.now, false, mandate?.id ?? null);
  const later = await startDelayedPayment(ctx, pi, i);
  if (later) return later;
  const held = await holdForCapture(ctx, pi, i);
  if (held) return held;
  const succeeded: PaymentIntent = { ...pi, status: 'succeeded', payment_method: i.pm.id, amount_received: pi.amount, last_payment_error: null };
  await transitionPaymentIntent(ctx, pi, succeeded, i.now);
  return { payment_intent: pi.id, payment_status: 'paid', ...(await invoicePayment(ctx, { ...i, paymentIntent: pi.id })) };
}

/** The mandate's acceptance: online by the buyer's browser on the page, offline through the payment-page API. */
function acceptanceOf(form: CompletionForm, now: number): CustomerAcceptance {
  const a = form.acceptance;
  return a ? onlineAcceptance(now, a.ipAddress, a.userAgent) : offlineAcceptance(now);
}
