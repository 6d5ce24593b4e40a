/**
 * Publishable keys (docs/decisions.md#publishable-keys): `pk_test_<suffix>` opens the account of
 * `sk_test_<suffix>` (dev mode: any suffix; configured keys: the pair of each listed secret key),
 * and only on the few routes Stripe lets a browser call. Anything else keeps Stripe's refusal of
 * a publishable key. Routes that Stripe opens to a publishable key only with the object's
 * `client_secret` (retrieving a PaymentIntent, a SetupIntent, a Checkout Session; confirming a
 * PaymentIntent or a SetupIntent, verifying its microdeposits) are answered when the secret sent is the object's own.
 */
import { accountForKey, authenticate, keyFromHeader, mask } from './auth.js';
import { errors } from './errors.js';
import type { FormObject } from './form.js';

const PUBLISHABLE = /^pk_test_([A-Za-z0-9_]{1,247})$/;

interface Opening {
  method: string;
  path: RegExp;
  /** The object answered must carry the `client_secret` sent. */
  clientSecret?: true;
  /** The path of the object the call reads or changes, read first to check its client_secret (answered by another route). */
  objectPath?: (m: RegExpExecArray) => string;
}

/** What Stripe.js calls with a publishable key. */
const PUBLISHABLE_ROUTES: readonly Opening[] = [
  { method: 'POST', path: /^\/v1\/payment_methods$/ },
  { method: 'POST', path: /^\/v1\/tokens$/ },
  { method: 'GET', path: /^\/v1\/payment_pages\/[^/]+$/ },
  { method: 'POST', path: /^\/v1\/payment_pages\/[^/]+\/confirm$/ },
  { method: 'GET', path: /^\/v1\/payment_intents\/[^/]+$/, clientSecret: true },
  { method: 'GET', path: /^\/v1\/setup_intents\/[^/]+$/, clientSecret: true },
  { method: 'GET', path: /^\/v1\/checkout\/sessions\/[^/]+$/, clientSecret: true },
  { method: 'POST', path: /^\/v1\/(payment_intents|setup_intents)\/([^/]+)\/(?:confirm|verify_microdeposits)$/, clientSecret: true, objectPath: (m) => `/v1/${m[1]}/${m[2]}` },
  // The Checkout Elements SDK's session calls (docs/decisions.md#checkout-elements): the session's client_secret.
  { method: 'GET', path: /^\/v1\/payment_pages\/([^/]+)\/checkout$/, clientSecret: true, objectPath: (m) => `/v1/checkout/sessions/${m[1]}` },
  { method: 'POST', path: /^\/v1\/payment_pages\/([^/]+)\/checkout$/, clientSecret: true, objectPath: (m) => `/v1/checkout/sessions/${m[1]}` },
];

/**
 * Whether a browser may call the route from another origin (CORS, docs/decisions.md#cors): exactly
 * the routes a publishable key opens. A secret key's routes get no CORS headers, so a page cannot
 * read their answers even if a secret key leaked into it.
 */
export function opensToBrowser(method: string, path: string): boolean {
  return PUBLISHABLE_ROUTES.some((r) => r.method === method && r.path.test(path));
}

/**
 * The account a publishable key opens, or null when it opens none: not a `pk_test_` key, or
 * (configured keys) its secret key is not listed.
 */
export function publishableAccount(key: string, allowed: ReadonlySet<string> | undefined): string | null {
  const m = PUBLISHABLE.exec(key);
  if (!m) return null;
  const secret = `sk_test_${m[1]}`;
  if (allowed && !allowed.has(secret)) return null;
  return accountForKey(secret);
}

export interface Caller {
  account: string;
  /** Set for a publishable key on a route that needs the object's client_secret. */
  clientSecretRequired: boolean;
  /** For such a write: the object's own path, read (and its secret checked) before the write runs. */
  objectPath?: string;
}

/**
 * Authenticates an API request: a secret key as auth.ts does, a publishable key on the routes
 * open to it. A publishable key elsewhere is refused with Stripe's message (auth.ts).
 */
export function authenticateCaller(header: string | undefined, allowed: ReadonlySet<string> | undefined, method: string, path: string): Caller {
  const key = keyFromHeader(header);
  const opening = key && PUBLISHABLE.test(key) ? PUBLISHABLE_ROUTES.find((r) => r.method === method && r.path.test(path)) : undefined;
  if (!key || !opening) return { account: authenticate(header, allowed).account, clientSecretRequired: false };
  const account = publishableAccount(key, allowed);
  if (account === null) throw errors.authentication(`Invalid API Key provided: ${mask(key)}`);
  const m = opening.path.exec(path) as RegExpExecArray;
  return { account, clientSecretRequired: opening.clientSecret === true, ...(opening.objectPath ? { objectPath: opening.objectPath(m) } : {}) };
}

/** Takes `client_secret` out of a publishable request's params: the wire layer checks it, the route does not read it. */
export function takeClientSecret(params: FormObject): string {
  const secret = params.client_secret;
  delete params.client_secret;
  if (typeof secret !== 'string' || secret === '') throw errors.missingParam('client_secret');
  return secret;
}

/** The object answered to a publishable key must be the one whose client_secret was sent. */
export function checkClientSecret(body: string, secret: string): void {
  const object = JSON.parse(body) as { client_secret?: unknown; object?: unknown };
  if (object.client_secret !== secret) {
    const kind = object.object === 'checkout.session' ? 'Checkout Session' : object.object === 'setup_intent' ? 'SetupIntent' : 'PaymentIntent';
    throw errors.invalid(`The client_secret provided does not match the client_secret associated with the ${kind}.`, 'client_secret');
  }
}
