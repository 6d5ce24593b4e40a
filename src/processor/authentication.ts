/**
 * 3D Secure: which payments and setups Stripe's test cards make the buyer authenticate, and what
 * happens after they do (docs/decisions.md#3d-secure). https://docs.stripe.com/testing#regulatory-cards
 */
import type { Db } from '../store/db.js';
import { DECLINES, type Decline } from './declines.js';
import { testCardOf, type ChargeablePaymentMethod } from './outcomes.js';

/** `payment_method_options.card.request_three_d_secure`. */
export type ThreeDSecureRequest = 'automatic' | 'any' | 'challenge';

export interface AuthenticationOptions {
  /** The customer is not present: a card that needs authentication declines instead. */
  offSession?: boolean;
  /** The card was set up for future use (only off-session payments care). */
  setUp?: boolean;
  /** Saving the card (a SetupIntent, a trial), not paying. */
  setup?: boolean;
  /** The merchant's request; `any` and `challenge` authenticate every card that supports 3D Secure. */
  request?: ThreeDSecureRequest | null | undefined;
}

/** Whether the buyer must authenticate before this payment or setup goes on. */
export type AuthenticationNeed = { status: 'not_required' } | { status: 'required' } | ({ status: 'declined' } & Decline);

const NOT_REQUIRED = { status: 'not_required' } as const;
const REQUIRED = { status: 'required' } as const;

/** What a card payment or setup asks of the buyer before it goes on. Non-card types never authenticate. */
export async function authenticationNeed(db: Db, pm: ChargeablePaymentMethod, opts: AuthenticationOptions = {}): Promise<AuthenticationNeed> {
  if (pm.type !== 'card' || !pm.card) return NOT_REQUIRED;
  const test = await testCardOf(db, pm);
  if (test?.threeDSecureSupported === false) return NOT_REQUIRED;
  const rule = test?.authentication;
  if (opts.offSession) {
    // Nobody is there to authenticate: a card the issuer wants authenticated declines.
    if (rule === 'always' || (rule === 'unless_set_up' && !opts.setUp)) return { status: 'declined', ...DECLINES.authenticationRequired };
    return NOT_REQUIRED;
  }
  if (opts.request === 'any' || opts.request === 'challenge') return REQUIRED;
  if (opts.setup) return rule === 'always' || rule === 'unless_set_up' ? REQUIRED : NOT_REQUIRED;
  return rule === 'always' || rule === 'unless_set_up' || rule === 'on_session' ? REQUIRED : NOT_REQUIRED;
}

/**
 * What the buyer's completed authentication leaves: a decline of the authentication itself
 * (4000 0000 0000 3097 errors once authentication is attempted), or undefined when the payment
 * goes on to its charge outcome.
 */
export async function authenticationResult(db: Db, pm: ChargeablePaymentMethod): Promise<Decline | undefined> {
  const test = pm.type === 'card' ? await testCardOf(db, pm) : undefined;
  return test?.authenticationError;
}

/** The error an intent keeps when the buyer fails (or abandons) authentication, in Stripe's words. */
export const AUTHENTICATION_FAILURE = {
  code: 'payment_intent_authentication_failure',
  message: 'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
} as const;

/** The SetupIntent's wording of the same failure. */
export const SETUP_AUTHENTICATION_FAILURE = {
  code: 'setup_intent_authentication_failure',
  message: 'The latest attempt to set up the payment method has failed because authentication failed.',
} as const;
