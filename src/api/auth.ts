import { createHash } from 'node:crypto';
import { errors } from './errors.js';

const SECRET_KEY = /^sk_test_[A-Za-z0-9_]{1,247}$/;
const PUBLISHABLE_KEY = /^pk_(test|live)_/;

const accounts = new Map<string, string>();

/** The account a secret key opens. Deterministic, so every instance agrees without a lookup. */
export function accountForKey(key: string): string {
  let account = accounts.get(key);
  if (account === undefined) {
    account = 'acct_' + createHash('sha256').update(key).digest('base64url').replace(/[-_]/g, '').slice(0, 16);
    // Every request hashes its key: remember the answer (bounded: dev mode accepts any key).
    if (accounts.size >= 10_000) accounts.clear();
    accounts.set(key, account);
  }
  return account;
}

export function mask(key: string): string {
  return key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(Math.min(key.length - 12, 24))}${key.slice(-4)}` : '****';
}

/** Reads the key from `Authorization: Bearer <key>` or HTTP Basic (key as user). */
export function keyFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return undefined;
  if (/^bearer$/i.test(scheme ?? '')) return value;
  if (/^basic$/i.test(scheme ?? '')) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? decoded : decoded.slice(0, colon);
  }
  return undefined;
}

/**
 * Authenticates a secret-key request. Dev mode (allowed undefined): any well-formed `sk_test_` key
 * opens its own account. Strict mode: only listed keys.
 */
export function authenticate(header: string | undefined, allowed: ReadonlySet<string> | undefined): { key: string; account: string } {
  const key = keyFromHeader(header);
  if (!key) {
    throw errors.authentication(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  if (PUBLISHABLE_KEY.test(key)) {
    throw errors.authentication(
      'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
    );
  }
  if (!SECRET_KEY.test(key) || (allowed && !allowed.has(key))) {
    throw errors.authentication(`Invalid API Key provided: ${mask(key)}`);
  }
  return { key, account: accountForKey(key) };
}
