/**
 * The `microdeposit_verifications` table (this folder owns it): how many wrong values a bank
 * account's microdeposit verification has taken, and whether it is locked, keyed by the
 * PaymentMethod's id (docs/decisions.md#ach-microdeposits). Every verification reads and writes its
 * row under a row lock in the request's transaction, so attempts sent at once are all counted.
 */
import type { Ctx } from '../../api/context.js';
import { checkMicrodeposits, MICRODEPOSITS_EXCEEDED, type MicrodepositResult, type MicrodepositValues } from '../../payment-method-types/index.js';
import type { StoreMigration } from '../../store/db.js';
import { exec, ObjectTable } from '../../store/objects.js';
import { objectTable } from '../../store/tables.js';

export interface MicrodepositVerification {
  /** The bank account's PaymentMethod id. */
  id: string;
  created: number;
  failed_attempts: number;
  /** `locked`: too many wrong values; the account can no longer be verified or used. */
  status: 'pending' | 'verified' | 'locked';
}

const verifications = new ObjectTable<MicrodepositVerification>('microdeposit_verifications');

export const microdepositMigrations: Record<string, StoreMigration> = {
  '2026_12_07_microdeposit_verifications': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'microdeposit_verifications', [], []);
    },
  },
};

/** The account's verification, its row locked until the transaction ends (made the first time). */
export async function lockMicrodepositVerification(ctx: Ctx, pmId: string, now: number): Promise<MicrodepositVerification> {
  const blank: MicrodepositVerification = { id: pmId, created: now, failed_attempts: 0, status: 'pending' };
  await exec(
    ctx.db,
    'insert microdeposit_verifications if missing',
    (p) => `insert into "microdeposit_verifications" ("account_id", "id", "created", "data") values (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}) on conflict ("account_id", "id") do nothing`,
    [ctx.account, pmId, now, JSON.stringify(blank)],
  );
  return (await verifications.getForUpdate(ctx.db, ctx.account, pmId)) ?? blank;
}

export async function saveMicrodepositVerification(ctx: Ctx, v: MicrodepositVerification): Promise<void> {
  await verifications.update(ctx.db, ctx.account, v);
}

/** Whether the account's verification was locked by too many wrong values. */
export async function microdepositsLocked(ctx: Ctx, pmId: string): Promise<boolean> {
  return (await verifications.get(ctx.db, ctx.account, pmId))?.status === 'locked';
}

/**
 * One verification attempt of the account's microdeposits, decided under its row lock: verified;
 * a wrong value, counted (with the attempts left); or the verification ended (Stripe's test values
 * for a timeout or too many attempts, or the `limit`-th wrong value, which locks the account).
 * A malformed request throws Stripe's error and is not counted.
 */
export async function decideMicrodeposits(
  ctx: Ctx,
  pmId: string,
  values: MicrodepositValues,
  limit: number,
  now: number,
): Promise<MicrodepositResult | (MicrodepositResult & { status: 'mismatch'; attemptsLeft: number })> {
  const result = checkMicrodeposits(values);
  const v = await lockMicrodepositVerification(ctx, pmId, now);
  if (v.status === 'locked') return MICRODEPOSITS_EXCEEDED;
  if (result.status === 'mismatch') {
    const failed = v.failed_attempts + 1;
    const locked = failed >= limit;
    await saveMicrodepositVerification(ctx, { ...v, failed_attempts: failed, status: locked ? 'locked' : 'pending' });
    return locked ? MICRODEPOSITS_EXCEEDED : { ...result, attemptsLeft: limit - failed };
  }
  const status = result.status === 'verified' ? 'verified' : result.code === MICRODEPOSITS_EXCEEDED.code ? 'locked' : v.status;
  await saveMicrodepositVerification(ctx, { ...v, status });
  return result;
}
