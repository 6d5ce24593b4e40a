/** The `mandates` table (this folder owns it): docs/decisions.md#mandates. */
import type { Ctx } from '../../api/context.js';
import type { StoreMigration } from '../../store/db.js';
import { ObjectTable } from '../../store/objects.js';
import { objectTable } from '../../store/tables.js';

/** `Mandate.customer_acceptance` (stripe-node 23). */
export interface CustomerAcceptance {
  accepted_at: number | null;
  offline?: Record<string, never>;
  online?: { ip_address: string | null; user_agent: string | null };
  type: 'offline' | 'online';
}

/** A Mandate as served (stripe-node 23 `Mandate`), in its field order. */
export interface Mandate {
  id: string;
  object: 'mandate';
  customer_acceptance: CustomerAcceptance;
  livemode: false;
  multi_use?: Record<string, never>;
  payment_method: string;
  payment_method_details: { type: string } & Record<string, unknown>;
  single_use?: { amount: number; currency: string };
  status: 'active' | 'inactive' | 'pending';
  type: 'multi_use' | 'single_use';
}

/** As stored: the Mandate and when it was made (Stripe's object has no `created`). */
export type StoredMandate = Mandate & { created: number };

const mandates = new ObjectTable<StoredMandate>('mandates');

export const mandateMigrations: Record<string, StoreMigration> = {
  '2026_12_07_mandates': {
    async up(db, dialect) {
      await objectTable(db, dialect, 'mandates', [['payment_method_id', 'text']], [['payment_method_id']]);
    },
  },
};

export async function insertMandate(ctx: Ctx, m: StoredMandate): Promise<void> {
  await mandates.insert(ctx.db, ctx.account, m, { payment_method_id: m.payment_method });
}

export async function saveMandate(ctx: Ctx, m: StoredMandate): Promise<void> {
  await mandates.update(ctx.db, ctx.account, m);
}

export function findStoredMandate(ctx: Ctx, id: string): Promise<StoredMandate | undefined> {
  return mandates.get(ctx.db, ctx.account, id);
}

/** The newest Mandates of a payment method, newest first. */
export async function mandatesOf(ctx: Ctx, paymentMethod: string, limit = 10): Promise<StoredMandate[]> {
  return (await mandates.list(ctx.db, ctx.account, { payment_method_id: paymentMethod }, { limit })).data;
}

export function lockMandate(ctx: Ctx, id: string): Promise<StoredMandate | undefined> {
  return mandates.getForUpdate(ctx.db, ctx.account, id);
}
