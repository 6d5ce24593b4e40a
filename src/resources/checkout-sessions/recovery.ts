/**
 * Recovering an expired session (docs/decisions.md#recovering-an-expired-session): a session
 * created with `after_expiration.recovery.enabled` gets, when it expires, a recovery URL valid for
 * 30 days. Opening it creates a new session copying the old one's params (promotion codes as the
 * recovery setting says, a fresh expiry) with `recovered_from` naming the old one; while that copy
 * is open, opening the URL again leads to it rather than to yet another copy.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { businessNow } from '../test-clocks/store.js';
import { createSession } from './create.js';
import { present, type Session, type StoredSession } from './shape.js';
import { lockSession, saveSession, sessions } from './store.js';

/** How long a recovery URL works after the session expired: Stripe's 30 days. */
const RECOVERY_DAYS = 30;

/** The page path a recovery URL opens (src/pages/recover.ts). */
export function recoveryPath(sessionId: string): string {
  return `/c/recover/${encodeURIComponent(sessionId)}`;
}

/**
 * The expiring session with its recovery URL and the URL's expiry, when recovery is enabled and
 * the session can be copied (it kept its params); unchanged otherwise.
 */
export function withRecoveryUrl(ctx: Ctx, s: StoredSession, now: number): StoredSession {
  const recovery = s.after_expiration?.recovery;
  if (!recovery?.enabled || !s._internal.recovery_params) return s;
  return {
    ...s,
    after_expiration: { recovery: { ...recovery, expires_at: now + RECOVERY_DAYS * 24 * 60 * 60, url: `${ctx.deps.publicUrl()}${recoveryPath(s.id)}` } },
  };
}

/** The open copy of `expired` made by an earlier visit, if any. */
async function openCopy(ctx: Ctx, expired: StoredSession): Promise<StoredSession | undefined> {
  const id = expired._internal.recovered_to;
  if (!id) return undefined;
  const copy = await sessions.get(ctx.db, ctx.account, id);
  if (!copy) return undefined;
  const now = await businessNow(ctx, copy._internal.test_clock);
  return copy.status === 'open' && now < copy.expires_at ? copy : undefined;
}

/** The create params of the copy: the old ones, with a fresh expiry and the recovery's promotion code setting. */
function copyParams(expired: StoredSession): FormObject {
  const { expires_at: _expiry, allow_promotion_codes: _codes, discounts, ...rest } = expired._internal.recovery_params as FormObject;
  const codes = expired.after_expiration?.recovery?.allow_promotion_codes === true;
  // Promotion codes and fixed discounts exclude each other: the recovery's setting wins.
  return { ...rest, ...(codes ? { allow_promotion_codes: 'true' } : discounts !== undefined ? { discounts } : {}) };
}

/**
 * Opens the recovery URL of session `id`: its open copy, or a new one. Refused (404) for a session
 * that has no recovery URL, and (400 `checkout_session_recovery_expired`) once the URL expired.
 */
export async function recoverSession(ctx: Ctx, id: string): Promise<Session> {
  const expired = await lockSession(ctx, id);
  const recovery = expired.after_expiration?.recovery;
  if (expired.status !== 'expired' || !recovery?.url || recovery.expires_at === null) throw errors.missingResource('checkout.session', id);
  const now = await businessNow(ctx, expired._internal.test_clock);
  if (now >= recovery.expires_at) {
    throw errors.invalid('This recovery link has expired.', undefined, 'checkout_session_recovery_expired');
  }
  const open = await openCopy(ctx, expired);
  if (open) return present(open);
  const copy = await createSession(ctx, copyParams(expired), { recoveredFrom: expired.id });
  await saveSession(ctx, { ...expired, _internal: { ...expired._internal, recovered_to: copy.id } });
  return copy;
}
