/**
 * Signing in to the Dashboard (docs/decisions.md#dashboard). The cookie holds an HMAC'd token, not
 * a key: `<account>.<sid>.<expires>.<tag>.<mac>`, where `tag` names what signed in (a hash of the
 * secret key, or of the admin token) and `mac` is HMAC-SHA256 under a per-installation secret kept
 * in the database, so any instance can check it and nobody can forge or widen it. In strict mode
 * the tag must still match a configured key (or the admin token) on every request, so removing a
 * key from OPENCHECKOUT_API_KEYS ends its sessions.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { accountForKey, authenticate } from '../api/auth.js';
import type { Deps } from '../api/context.js';
import { installationSecret, type Db } from '../store/db.js';

/** The session cookie (HttpOnly, SameSite=Strict, Path=/dashboard). */
export const SESSION_COOKIE = 'oc_dashboard';
/** The sign-in form's own cookie, which its CSRF token is bound to (login CSRF). */
export const LOGIN_COOKIE = 'oc_dashboard_login';
/** A sign-in lasts 12 hours. */
export const SESSION_SECONDS = 12 * 60 * 60;

export const SECRET_NAME = 'dashboard_session';

/** The key sign-in tokens are signed with (read once per process: store/db.ts installationSecret). */
const secretFor = (db: Db): Promise<string> => installationSecret(db, SECRET_NAME);

/** A signed-in Dashboard session. */
export interface DashboardSession {
  account: string;
  /** Random per sign-in: the CSRF tokens of this session are bound to it. */
  sid: string;
  expires: number;
  /** `admin` when the admin token signed in (it may switch between the configured keys' accounts). */
  role: 'key' | 'admin';
  tag: string;
}

const hash = (value: string): string => createHash('sha256').update(value).digest('base64url').slice(0, 22);
const keyTag = (key: string): string => `k${hash(key)}`;
const adminTag = (token: string): string => `a${hash(token)}`;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The accounts an admin sign-in may open: one per configured key, with the key masked. */
export function adminAccounts(deps: Deps): Array<{ account: string; label: string }> {
  return (deps.config.apiKeys ?? []).map((key) => ({ account: accountForKey(key), label: `${key.slice(0, 8)}…${key.slice(-4)}` }));
}

/**
 * What a pasted credential opens, or why not: a secret key (dev mode: any `sk_test_` key; strict
 * mode: a configured one), or, in strict mode, OPENCHECKOUT_ADMIN_TOKEN.
 */
export function signInWith(deps: Deps, credential: string): { account: string; role: 'key' | 'admin'; tag: string } | { refused: 'publishable' | 'invalid' } {
  const value = credential.trim();
  const { adminToken, apiKeys } = deps.config;
  if (adminToken !== undefined && apiKeys && sameSecret(value, adminToken)) {
    const first = adminAccounts(deps)[0];
    if (first) return { account: first.account, role: 'admin', tag: adminTag(adminToken) };
  }
  if (/^pk_(test|live)_/.test(value)) return { refused: 'publishable' };
  try {
    const { key, account } = authenticate(`Bearer ${value}`, apiKeys ? new Set(apiKeys) : undefined);
    return { account, role: 'key', tag: keyTag(key) };
  } catch {
    return { refused: 'invalid' };
  }
}

/** A new session token for a sign-in (or an admin's switch of account). */
export async function issueToken(deps: Deps, s: { account: string; tag: string }, nowSeconds: number): Promise<string> {
  const payload = `${s.account}.${randomBytes(16).toString('base64url')}.${nowSeconds + SESSION_SECONDS}.${s.tag}`;
  const mac = createHmac('sha256', await secretFor(deps.store.db)).update(`dashboard:${payload}`).digest('base64url');
  return `${payload}.${mac}`;
}

/** The session a cookie's token stands for, or null (forged, expired, or its key no longer configured). */
export async function readToken(deps: Deps, token: string | undefined, nowSeconds: number): Promise<DashboardSession | null> {
  if (!token) return null;
  const parts = token.split('.');
  if (parts.length !== 5) return null;
  const [account, sid, expires, tag, mac] = parts as [string, string, string, string, string];
  const expected = createHmac('sha256', await secretFor(deps.store.db)).update(`dashboard:${account}.${sid}.${expires}.${tag}`).digest('base64url');
  if (!sameSecret(mac, expected)) return null;
  if (!/^\d{1,12}$/.test(expires) || Number(expires) <= nowSeconds) return null;
  const role = tag.startsWith('a') ? 'admin' : 'key';
  const { apiKeys, adminToken } = deps.config;
  if (apiKeys) {
    // Strict mode: what signed in must still be configured, and must still open this account.
    if (role === 'admin') {
      if (adminToken === undefined || tag !== adminTag(adminToken)) return null;
      if (!adminAccounts(deps).some((a) => a.account === account)) return null;
    } else {
      const key = apiKeys.find((k) => keyTag(k) === tag);
      if (!key || accountForKey(key) !== account) return null;
    }
  } else if (role === 'admin') return null;
  return { account, sid, expires: Number(expires), role, tag };
}

/** The value of one cookie of a request's `Cookie` header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A `Set-Cookie` value: HttpOnly, SameSite=Strict, scoped to /dashboard; Secure behind https. */
export function setCookie(deps: Deps, name: string, value: string, maxAge: number): string {
  const secure = deps.config.publicUrl?.startsWith('https:') ? '; Secure' : '';
  return `${name}=${value}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
}
