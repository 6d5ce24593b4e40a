/**
 * 3D Secure for PaymentIntents, SetupIntents and the hosted page (docs/decisions.md#3d-secure):
 * an intent whose card asks for authentication waits in `requires_action` with a `next_action`
 * that leads the buyer to the test authentication page (`/c/3ds/:intent_id`,
 * src/pages/three-d-secure.ts), and goes on only after the buyer completes it there.
 */
import type { Ctx } from '../api/context.js';
import { saveAuthentication } from '../resources/setup-intents/authentications.js';

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
