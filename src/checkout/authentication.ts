/**
 * 3D Secure for PaymentIntents, SetupIntents and the hosted page (docs/decisions.md#3d-secure):
 * an intent whose card asks for authentication waits in `requires_action` with a `next_action`
 * that leads the buyer to the test authentication page (`/c/3ds/:intent_id`,
 * src/pages/three-d-secure.ts), and goes on only after the buyer completes it there.
 */
import type { Ctx } from '../api/context.js';
import { AUTHENTICATION_FAILURE, authenticationNeed, authenticationResult, type ThreeDSecureRequest } from '../processor/index.js';
import { attemptPayment, intentNow } from '../resources/payment-intents/confirm.js';
import { present, type StoredSession } from '../resources/checkout-sessions/shape.js';
import { findPageSession, saveSession } from '../resources/checkout-sessions/store.js';
import type { Customer } from '../resources/customers/shape.js';
import { findPaymentIntent, savePaymentIntent, transitionPaymentIntent, type PaymentIntent } from '../resources/payment-intents/service.js';
import { findPaymentMethod } from '../resources/payment-methods/service.js';
import type { PaymentMethod } from '../resources/payment-methods/shape.js';
import { findAuthentication, lockAuthentication, saveAuthentication, type IntentAuthentication } from '../resources/setup-intents/authentications.js';
import { finishSetupAuthentication } from '../resources/setup-intents/confirm.js';
import { createSetupIntentAwaitingAction, requireSetupIntent, transitionSetupIntent } from '../resources/setup-intents/service.js';
import type { CompletionForm, CompletionResult } from './contract.js';
import { redirectOrigin } from './origins.js';

/** `next_action` of an intent waiting on authentication (stripe-node `PaymentIntent.NextAction`). */
export type AuthenticationNextAction =
  | { type: 'redirect_to_url'; redirect_to_url: { return_url: string; url: string } }
  | { type: 'use_stripe_sdk'; use_stripe_sdk: { type: 'three_d_secure_redirect'; stripe_js: string; source: string } };

/** The test authentication page of an intent. */
export function authenticationUrl(ctx: Ctx, intentId: string): string {
  return `${ctx.deps.publicUrl()}/c/3ds/${encodeURIComponent(intentId)}`;
}

/**
 * The `next_action` an intent shows while the buyer must authenticate: `redirect_to_url` when the
 * confirm gave a `return_url` (the page sends the buyer back there), else `use_stripe_sdk`, whose
 * `stripe_js` is the same page.
 */
export function authenticationNextAction(ctx: Ctx, intentId: string, returnUrl: string | null): AuthenticationNextAction {
  const url = authenticationUrl(ctx, intentId);
  if (returnUrl) return { type: 'redirect_to_url', redirect_to_url: { return_url: returnUrl, url } };
  return { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url, source: intentId } };
}

export interface AuthenticationRequest {
  intent: { id: string; object: 'payment_intent' | 'setup_intent' };
  /** The PaymentMethod being authenticated (the intent's `payment_method`). */
  paymentMethod: string;
  returnUrl: string | null;
  now: number;
  /** A Checkout Session paid on the hosted page and the form to finish it with. */
  checkout?: { session: string; form: unknown };
}

/**
 * Records that the intent waits on the buyer's authentication and returns its `next_action`. The
 * caller stores the intent in `requires_action` with that `next_action` (and emits its
 * `*.requires_action` event); the authentication page then moves it on.
 */
export async function requireAuthentication(ctx: Ctx, r: AuthenticationRequest): Promise<AuthenticationNextAction> {
  await saveAuthentication(ctx, {
    id: r.intent.id,
    intent: r.intent.object,
    payment_method: r.paymentMethod,
    status: 'pending',
    return_url: r.returnUrl,
    checkout_session: r.checkout?.session ?? null,
    form: r.checkout?.form ?? null,
    created: r.now,
  });
  return authenticationNextAction(ctx, r.intent.id, r.returnUrl);
}

/** The session's `payment_method_options.card.request_three_d_secure`. */
function sessionRequest(s: StoredSession): ThreeDSecureRequest | undefined {
  const card = s.payment_method_options.card as { request_three_d_secure?: ThreeDSecureRequest } | undefined;
  return card?.request_three_d_secure;
}

export interface CheckoutAuthenticationInput {
  session: StoredSession;
  customer: Customer | undefined;
  pm: PaymentMethod;
  form: CompletionForm;
  now: number;
  /** The session's PaymentIntent, made on first use (payment mode). */
  paymentIntent: () => Promise<PaymentIntent>;
}

/**
 * The hosted page's 3D Secure step, run by completion before anything is charged or saved
 * (docs/decisions.md#3d-secure): undefined when the payment goes on (no authentication needed,
 * or the buyer already completed it for this payment method); else the session's intent waits in
 * `requires_action`, the session stays open, and the buyer is sent to the authentication page.
 * Subscription mode authenticates through a SetupIntent of the session, then pays its first invoice.
 */
export async function checkoutAuthentication(ctx: Ctx, i: CheckoutAuthenticationInput): Promise<CompletionResult | undefined> {
  const s = i.session;
  if (i.pm.type !== 'card') return undefined;
  // Subscription mode authenticates through a SetupIntent of the session, as setup mode does
  // (docs/decisions.md#3d-secure-in-subscription-mode); its first invoice is then paid on-session.
  const viaSetup = s.mode === 'setup' || s.mode === 'subscription';
  const intentId = viaSetup ? s.setup_intent : s.payment_intent;
  const done = intentId ? await findAuthentication(ctx, intentId) : undefined;
  if (done?.status === 'succeeded' && done.payment_method === i.pm.id) {
    // Authenticated: the PaymentIntent's next_action is spent, whatever the charge says now.
    const pi = s.mode === 'payment' && intentId ? await findPaymentIntent(ctx, intentId) : undefined;
    if (pi?.next_action) await savePaymentIntent(ctx, { ...pi, next_action: null });
    return undefined;
  }
  // A subscription with nothing due today (a trial) saves the card, as setup mode does; else it pays on-session.
  const setup = s.mode === 'setup' || (s.mode === 'subscription' && (s.amount_total ?? 0) === 0);
  const need = await authenticationNeed(ctx.db, i.pm, { setup, request: sessionRequest(s) });
  if (need.status !== 'required') return undefined;
  const payment = i.form.payment.kind === 'new' ? { kind: 'existing' as const, paymentMethod: i.pm.id, type: i.pm.type, save: i.form.payment.save } : i.form.payment;
  const checkout = { session: s.id, form: { ...i.form, payment } };
  let id: string;
  if (viaSetup && s.setup_intent) {
    // Another card after a failed attempt: the session's SetupIntent waits again.
    const si = await requireSetupIntent(ctx, s.setup_intent, true);
    const nextAction = await requireAuthentication(ctx, { intent: si, paymentMethod: i.pm.id, returnUrl: null, now: i.now, checkout });
    await transitionSetupIntent(ctx, si, { ...si, status: 'requires_action', payment_method: i.pm.id, next_action: nextAction, last_setup_error: null }, i.now);
    id = si.id;
  } else if (viaSetup) {
    const si = await createSetupIntentAwaitingAction(
      ctx,
      { customer: i.customer?.id ?? null, paymentMethod: i.pm.id, paymentMethodTypes: s.payment_method_types, metadata: s._internal.setup_intent_data.metadata, description: s._internal.setup_intent_data.description, created: i.now },
      (siId) => requireAuthentication(ctx, { intent: { id: siId, object: 'setup_intent' }, paymentMethod: i.pm.id, returnUrl: null, now: i.now, checkout }),
    );
    id = si.id;
    await saveSession(ctx, { ...s, setup_intent: si.id });
  } else {
    const pi = await i.paymentIntent();
    const nextAction = await requireAuthentication(ctx, { intent: pi, paymentMethod: i.pm.id, returnUrl: null, now: i.now, checkout });
    await transitionPaymentIntent(ctx, pi, { ...pi, status: 'requires_action', payment_method: i.pm.id, next_action: nextAction, last_payment_error: null }, i.now);
    id = pi.id;
    if (s.payment_intent !== pi.id) await saveSession(ctx, { ...s, payment_intent: pi.id });
  }
  return { ok: true, session: present(s), redirectTo: authenticationUrl(ctx, id) };
}

/** Where the buyer goes after the authentication page, and how it ended. */
export interface AuthenticationEnd {
  succeeded: boolean;
  /** The return_url (with Stripe's query params), the session's success_url, or the hosted page again. */
  redirectTo: string | null;
  /** The Checkout Session the buyer was paying, if any (the page shows its error on failure). */
  checkoutSession: string | null;
}

function withParams(url: string, params: Record<string, string>): string {
  try {
    const u = new URL(url);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * A PaymentIntent confirmed through the API goes on after the buyer's authentication: completed,
 * the confirmation's payment attempt runs (captured, held with `capture_method: manual`, or
 * declined with the card's error); failed, it is back
 * to `requires_payment_method` with `payment_intent_authentication_failure`.
 */
async function finishPaymentIntent(ctx: Ctx, pi: PaymentIntent, completed: boolean, now: number): Promise<PaymentIntent> {
  if (pi.status !== 'requires_action' || !pi.payment_method) return pi;
  const pm = await findPaymentMethod(ctx, pi.payment_method);
  if (!pm) return pi;
  const failWith = (e: { type: 'card_error' | 'invalid_request_error'; code: string; message: string; decline_code?: string }) =>
    transitionPaymentIntent(ctx, pi, { ...pi, status: 'requires_payment_method', payment_method: null, next_action: null, last_payment_error: { ...e, payment_method: pm } }, now);
  if (!completed) return failWith({ type: 'invalid_request_error', ...AUTHENTICATION_FAILURE });
  const error = await authenticationResult(ctx.db, pm);
  if (error) return failWith({ type: 'card_error', code: error.code, decline_code: error.decline_code, message: error.message });
  // The confirmation goes on where it stopped: the charge, its Charge object and events.
  return (await attemptPayment(ctx, pi, pm, { offSession: false, authenticated: true })).pi;
}

/**
 * The buyer pressed Complete or Fail on the authentication page of intent `id`. A Checkout
 * Session waiting on it is completed now (`resume` runs completion again with the stored form),
 * or stays open with the error; an API intent goes on to its outcome. Pressing again changes nothing.
 */
export async function finishAuthentication(
  ctx: Ctx,
  id: string,
  completed: boolean,
  resume: (ctx: Ctx, sessionId: string, form: CompletionForm) => Promise<CompletionResult>,
): Promise<AuthenticationEnd | undefined> {
  const auth = await lockAuthentication(ctx, id);
  if (!auth) return undefined;
  if (auth.status !== 'pending') return endOf(ctx, auth, auth.status === 'succeeded' && (await intentWentOn(ctx, auth)));
  await saveAuthentication(ctx, { ...auth, status: completed ? 'succeeded' : 'failed' });
  if (auth.checkout_session) {
    if (completed) {
      const result = await resume(ctx, auth.checkout_session, auth.form as CompletionForm);
      if (result.ok) return { succeeded: true, redirectTo: result.redirectTo, checkoutSession: auth.checkout_session };
      return { succeeded: false, redirectTo: `/c/pay/${encodeURIComponent(auth.checkout_session)}?authentication=declined`, checkoutSession: auth.checkout_session };
    }
    await failCheckoutIntent(ctx, auth);
    return { succeeded: false, redirectTo: `/c/pay/${encodeURIComponent(auth.checkout_session)}?authentication=failed`, checkoutSession: auth.checkout_session };
  }
  if (auth.intent === 'setup_intent') {
    const si = await finishSetupAuthentication(ctx, id, completed);
    return endOf(ctx, auth, si.status === 'succeeded');
  }
  const pi = await findPaymentIntent(ctx, id);
  if (!pi) return undefined;
  // The PaymentIntent's own time: its customer's test clock, as its confirmation used.
  const after = await finishPaymentIntent(ctx, pi, completed, await intentNow(ctx, pi));
  return endOf(ctx, auth, after.status === 'succeeded' || after.status === 'requires_capture');
}

/** Whether the intent went on after its authentication (a decline after it counts as not). */
async function intentWentOn(ctx: Ctx, auth: IntentAuthentication): Promise<boolean> {
  if (auth.intent === 'setup_intent') return (await requireSetupIntent(ctx, auth.id)).status === 'succeeded';
  const status = (await findPaymentIntent(ctx, auth.id))?.status;
  return status === 'succeeded' || status === 'requires_capture' || status === 'processing';
}

/** A Checkout Session's intent after a failed authentication: the session stays open for another try. */
async function failCheckoutIntent(ctx: Ctx, auth: IntentAuthentication): Promise<void> {
  if (auth.intent === 'setup_intent') {
    await finishSetupAuthentication(ctx, auth.id, false);
    return;
  }
  const pi = await findPaymentIntent(ctx, auth.id);
  if (pi) await finishPaymentIntent(ctx, pi, false, await intentNow(ctx, pi));
}

async function endOf(ctx: Ctx, auth: IntentAuthentication, succeeded: boolean): Promise<AuthenticationEnd> {
  if (!auth.return_url) return { succeeded, redirectTo: null, checkoutSession: auth.checkout_session };
  const secret =
    auth.intent === 'setup_intent' ? (await requireSetupIntent(ctx, auth.id)).client_secret : ((await findPaymentIntent(ctx, auth.id))?.client_secret ?? '');
  const params: Record<string, string> =
    auth.intent === 'setup_intent'
      ? { setup_intent: auth.id, setup_intent_client_secret: secret, redirect_status: succeeded ? 'succeeded' : 'failed' }
      : { payment_intent: auth.id, payment_intent_client_secret: secret, redirect_status: succeeded ? 'succeeded' : 'failed' };
  return { succeeded, redirectTo: withParams(auth.return_url, params), checkoutSession: null };
}

/** What the authentication page shows about the intent: its amount, or a card being saved. */
export async function describeAuthentication(ctx: Ctx, auth: IntentAuthentication): Promise<{ amount: number; currency: string } | { setup: true }> {
  if (auth.intent === 'setup_intent') return { setup: true };
  const pi = await findPaymentIntent(ctx, auth.id);
  return pi ? { amount: pi.amount, currency: pi.currency } : { setup: true };
}

/** The locale of the Checkout Session an authentication belongs to, if any. */
export async function sessionLocaleOf(ctx: Ctx, auth: IntentAuthentication): Promise<string | null> {
  if (!auth.checkout_session) return null;
  const found = await findPageSession(ctx.db, auth.checkout_session);
  return found?.session.locale ?? null;
}

/** Origins the authentication page's form may lead to (its CSP `form-action`): the return_url's, or the session's success_url's. */
export async function authenticationOrigins(ctx: Ctx, auth: IntentAuthentication): Promise<string[]> {
  if (!auth.checkout_session) return [redirectOrigin(auth.return_url)].filter((o): o is string => o !== null);
  const found = await findPageSession(ctx.db, auth.checkout_session);
  return [redirectOrigin(found?.session.success_url)].filter((o): o is string => o !== null);
}
