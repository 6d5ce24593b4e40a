/**
 * `GET /v1/checkout/sessions/:id/prefill_explanation`, an OpenCheckout extension
 * (docs/decisions.md#prefill-explanation): the decision of the prefill rules card by card, read
 * exactly as the hosted page reads them (src/pages/load.ts) and judged by the same module.
 */
import type { Ctx } from '../api/context.js';
import type { FormObject } from '../api/form.js';
import { parseParams } from '../api/params.js';
import { loadSession } from '../resources/checkout-sessions/store.js';
import type { StoredSession } from '../resources/checkout-sessions/shape.js';
import { findLiveCustomer } from '../resources/customers/service.js';
import type { Customer } from '../resources/customers/shape.js';
import { businessNow } from '../resources/test-clocks/store.js';
import { paymentMethodsForPrefill } from './payment-method.js';
import { explainPrefill, PREFILL_WINDOW_SECONDS, type PrefillInput } from './prefill.js';

/** One saved payment method's line of the explanation. */
export interface PrefillDecisionJson {
  id: string;
  type: string;
  card: { brand: string; last4: string; exp_month: number; exp_year: number } | null;
  created: number;
  allow_redisplay: string;
  outcome: 'prefilled' | 'listed' | 'excluded';
  rule: string | null;
  description: string | null;
  missing_billing_details: string[];
}

/** The explanation object, as served. */
export interface PrefillExplanationJson {
  object: 'checkout.session.prefill_explanation';
  checkout_session: string;
  customer: string | null;
  /** Business time the rules were judged at (the customer's test clock, or the wall clock). */
  evaluated_at: number;
  prefill_window_ends_at: number;
  prefilled_payment_method: string | null;
  session_rules: Array<{ rule: string; description: string; passed: boolean }>;
  payment_methods: PrefillDecisionJson[];
}

/**
 * The prefill rules' input for a session: its live customer, that customer's saved payment
 * methods and the business time. The hosted page (src/pages/load.ts) and the explanation both read
 * it here, so they judge the same input.
 */
export async function prefillInputFor(ctx: Ctx, session: StoredSession): Promise<PrefillInput & { customer: Customer | null }> {
  const [customer, saved] = await Promise.all([
    session.customer ? findLiveCustomer(ctx, session.customer) : Promise.resolve(null),
    session.customer ? paymentMethodsForPrefill(ctx, session.customer) : Promise.resolve([]),
  ]);
  const now = await businessNow(ctx, customer?.test_clock ?? session._internal?.test_clock ?? null);
  return { session, customer, paymentMethods: customer ? saved : [], now };
}

/** The explanation of session `id` in ctx's account (404 when there is no such session). */
export async function explainSessionPrefill(ctx: Ctx, id: string, params: FormObject = {}): Promise<PrefillExplanationJson> {
  parseParams({}, params);
  const session = await loadSession(ctx, id, 'session');
  const input = await prefillInputFor(ctx, session);
  const e = explainPrefill(input);
  return {
    object: 'checkout.session.prefill_explanation',
    checkout_session: session.id,
    customer: session.customer,
    evaluated_at: input.now,
    prefill_window_ends_at: session.created + PREFILL_WINDOW_SECONDS,
    prefilled_payment_method: e.selected?.id ?? null,
    session_rules: e.sessionRules.map((r) => ({ rule: r.id, description: r.says, passed: r.holds })),
    payment_methods: e.cards.map((c) => ({
      id: c.paymentMethod.id,
      type: c.paymentMethod.type,
      card: c.paymentMethod.card ? { brand: c.paymentMethod.card.brand, last4: c.paymentMethod.card.last4, exp_month: c.paymentMethod.card.exp_month, exp_year: c.paymentMethod.card.exp_year } : null,
      created: c.paymentMethod.created,
      allow_redisplay: c.paymentMethod.allow_redisplay,
      outcome: c.outcome,
      rule: c.rule,
      description: c.says,
      missing_billing_details: c.missing,
    })),
  };
}
