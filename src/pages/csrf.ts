/**
 * CSRF token of the hosted page's form: HMAC-SHA256(session id) under a per-installation secret
 * kept in the database (docs/decisions.md#hosted-page-security: any instance can serve any step of a payment). The token binds
 * the post to the session whose page rendered it; it is checked in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { installationSecret, type Db } from '../store/db.js';

export const CSRF_SECRET_NAME = 'page_csrf';

/** The secret tokens are made under (read once per process: store/db.ts installationSecret). */
const secretFor = (db: Db): Promise<string> => installationSecret(db, CSRF_SECRET_NAME);

/** The token the page embeds in its form for this session. */
export async function csrfToken(db: Db, sessionId: string): Promise<string> {
  const secret = await secretFor(db);
  return createHmac('sha256', secret).update(`checkout-page:${sessionId}`).digest('base64url');
}

/** True when `given` is the token of this session (constant-time comparison). */
export async function checkCsrf(db: Db, sessionId: string, given: string | null | undefined): Promise<boolean> {
  if (typeof given !== 'string' || given === '') return false;
  const expected = Buffer.from(await csrfToken(db, sessionId));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
