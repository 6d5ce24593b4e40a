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
import { createPaidFirstInvoice } from '../resources/invoices/service.js';
import { createPaymentIntent, findPaymentIntent, savePaymentIntent, transitionPaymentIntent, type PaymentIntent } from '../resources/payment-intents/service.js';
import type { PaymentMethod } from '../resources/payment-methods/shape.js';
import { createSucceededSetupIntent } from '../resources/setup-intents/service.js';
import { buildSubscription, insertSubscription, saveSubscription, type Subscription } from '../resources/subscriptions/service.js';
import { schedule } from '../scheduler/jobs.js';
import type { CompletionForm } from './contract.js';
import { SETTLE_JOB } from './settle.js';

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
async function sessionPaymentIntent(ctx: Ctx, i: Omit<PayInput, 'outcome'>): Promise<PaymentIntent> {
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
    receiptEmail: null,
    setupFutureUsage: pid.setup_future_usage,
    shipping: i.form.shipping ?? intentShipping(s),
    created: i.now,
  });
}

/** A declined payment-mode attempt: the PaymentIntent keeps the error, the session stays open. */
export async function recordDecline(ctx: Ctx, i: Omit<PayInput, 'outcome'> & { outcome: Extract<ChargeOutcome, { status: 'declined' }> }): Promise<void> {
  const pi = await sessionPaymentIntent(ctx, i);
  const failed: PaymentIntent = {
    ...pi,
    status: 'requires_payment_method',
    payment_method: null,
    last_payment_error: {
      type: 'card_error',
      code: i.outcome.code,
      decline_code: i.outcome.decline_code,
      message: i.outcome.message,
      payment_method: i.pm,
    },
  };
  await transitionPaymentIntent(ctx, pi, failed, i.now);
  if (i.session.payment_intent !== pi.id) await saveSession(ctx, { ...i.session, payment_intent: pi.id });
}

/** Pays (or sets up) a session in its mode and returns the session fields the payment sets. */
export async function payForSession(ctx: Ctx, i: PayInput): Promise<SessionFields> {
  const s = i.session;
  if (s.mode === 'setup') {
    const si = await createSucceededSetupIntent(ctx, {
      customer: (i.customer as Customer).id,
      paymentMethod: i.pm.id,
      paymentMethodTypes: s.payment_method_types,
      metadata: s._internal.setup_intent_data.metadata,
      description: s._internal.setup_intent_data.description,
      created: i.now,
    });
    return { setup_intent: si.id, payment_status: 'no_payment_required' };
  }
  if (s.mode === 'subscription') return startSubscription(ctx, i, i.items ?? []);

  const pi = await sessionPaymentIntent(ctx, i);
  if (i.outcome.status === 'processing') {
    const processing: PaymentIntent = { ...pi, status: 'processing', payment_method: i.pm.id, last_payment_error: null };
    await transitionPaymentIntent(ctx, pi, processing, i.now);
    await schedule(ctx, SETTLE_JOB, pi.id, i.now + ctx.deps.config.settlementDelaySeconds, s._internal.test_clock);
    return { payment_intent: pi.id, payment_status: 'unpaid' };
  }
  const succeeded: PaymentIntent = { ...pi, status: 'succeeded', payment_method: i.pm.id, amount_received: pi.amount, last_payment_error: null };
  await transitionPaymentIntent(ctx, pi, succeeded, i.now);
  return { payment_intent: pi.id, payment_status: 'paid' };
}

async function startSubscription(ctx: Ctx, i: PayInput, items: LineItem[]): Promise<SessionFields> {
  const s = i.session;
  const customer = i.customer as Customer;
  const sub: Subscription = buildSubscription({
    customer: customer.id,
    currency: s.currency ?? 'usd',
    items: items.map((li) => ({ price: li.price as Parameters<typeof buildSubscription>[0]['items'][number]['price'], quantity: li.quantity })),
    defaultPaymentMethod: i.pm.id,
    metadata: s._internal.subscription_data.metadata,
    description: s._internal.subscription_data.description,
    testClock: s._internal.test_clock,
    created: i.now,
  });
  const pi = await createPaymentIntent(ctx, {
    amount: s.amount_total ?? 0,
    currency: sub.currency,
    customer: customer.id,
    paymentMethodTypes: s.payment_method_types,
    description: 'Subscription creation',
    setupFutureUsage: 'off_session',
    created: i.now,
  });
  await transitionPaymentIntent(ctx, pi, { ...pi, status: 'succeeded', payment_method: i.pm.id, amount_received: pi.amount }, i.now);
  await insertSubscription(ctx, sub);
  const invoice = await createPaidFirstInvoice(ctx, {
    customer,
    subscription: sub,
    items: items.map((li, n) => ({
      price: li.price as { id: string; product: unknown; unit_amount: number | null; currency: string },
      quantity: li.quantity,
      description: li.description,
      subscriptionItem: sub.items.data[n]?.id ?? '',
      periodStart: sub.items.data[n]?.current_period_start ?? i.now,
      periodEnd: sub.items.data[n]?.current_period_end ?? i.now,
    })),
    paymentIntent: pi.id,
    defaultPaymentMethod: i.pm.id,
    created: i.now,
    charged: s.total_details ? { discount: s.total_details.amount_discount, tax: s.total_details.amount_tax, total: s.amount_total ?? 0 } : undefined,
  });
  const withInvoice: Subscription = { ...sub, latest_invoice: invoice.id };
  await saveSubscription(ctx, withInvoice);
  return { subscription: sub.id, invoice: invoice.id, payment_status: 'paid' };
}
