/**
 * The `intent_authentications` table (this folder owns it): a PaymentIntent's or SetupIntent's
 * 3D Secure authentication, pending until the buyer completes or fails it on the test
 * authentication page (docs/decisions.md#3d-secure). Keyed by the intent's id.
 */
import type { Ctx } from '../../api/context.js';
import type { Db } from '../../store/db.js';
import { exec, ObjectTable } from '../../store/objects.js';

export interface IntentAuthentication {
  /** The intent's id (`pi_...` or `seti_...`). */
  id: string;
  intent: 'payment_intent' | 'setup_intent';
  payment_method: string;
  status: 'pending' | 'succeeded' | 'failed';
  /** Where the buyer goes afterwards (the confirm's `return_url`); null: the page says it is done. */
  return_url: string | null;
  /** The Checkout Session being paid on the hosted page, which completes only after authentication. */
  checkout_session: string | null;
  /** What the hosted page's form said, to finish the session with (no card number: the PaymentMethod is made). */
  form: unknown;
  created: number;
}

const authentications = new ObjectTable<IntentAuthentication>('intent_authentications');

/** Records (or restarts) the authentication an intent waits on. */
export async function saveAuthentication(ctx: Ctx, a: IntentAuthentication): Promise<void> {
  const existing = await authentications.get(ctx.db, ctx.account, a.id);
  if (existing) await authentications.update(ctx.db, ctx.account, a, { status: a.status });
  else await authentications.insert(ctx.db, ctx.account, a, { status: a.status });
}

/** The intent's authentication in ctx's account, if it ever needed one. */
export function findAuthentication(ctx: Ctx, intentId: string): Promise<IntentAuthentication | undefined> {
  return authentications.get(ctx.db, ctx.account, intentId);
}

/** The intent's authentication locked for this transaction. */
export function lockAuthentication(ctx: Ctx, intentId: string): Promise<IntentAuthentication | undefined> {
  return authentications.getForUpdate(ctx.db, ctx.account, intentId);
}

const INTENT_ID = /^(pi|seti)_[A-Za-z0-9]{1,64}$/;

/**
 * The authentication page's lookup: the intent id is a bearer link, found across accounts (as the
 * hosted page finds a session); everything after acts within its account.
 */
export async function findPageAuthentication(db: Db, intentId: string): Promise<{ account: string; auth: IntentAuthentication } | null> {
  if (!INTENT_ID.test(intentId)) return null;
  const { rows } = await exec<{ account_id: string; data: string }>(
    db,
    'page authentication',
    (p) => `select account_id, data from intent_authentications where id = ${p(1)}`,
    [intentId],
  );
  const row = rows[0];
  return row ? { account: row.account_id, auth: JSON.parse(row.data) as IntentAuthentication } : null;
}
