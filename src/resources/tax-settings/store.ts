/** The `tax_settings` table (this folder owns it): one row per account, under a fixed id. */
import type { Ctx } from '../../api/context.js';
import { exec, ObjectTable } from '../../store/objects.js';
import type { StoredTaxSettings } from './shape.js';

export const taxSettingsTable = new ObjectTable<StoredTaxSettings>('tax_settings');

/** The id of an account's one row. */
const ROW_ID = 'tax_settings';

/** What a new account has: no head office, no defaults, Stripe as the provider. */
export function blankSettings(created: number): StoredTaxSettings {
  return { id: ROW_ID, created, defaults: { provider: 'stripe', tax_behavior: null, tax_code: null }, head_office: null };
}

/** The account's settings as set, or undefined when never updated. */
export function readSettings(ctx: Ctx): Promise<StoredTaxSettings | undefined> {
  return taxSettingsTable.get(ctx.db, ctx.account, ROW_ID);
}

/**
 * The account's settings for an update, their row locked until the write commits. The row is
 * made first if missing (`on conflict do nothing`), so two first updates, even on two instances,
 * both find it and apply one after the other.
 */
export async function lockSettings(ctx: Ctx, now: number): Promise<StoredTaxSettings> {
  const blank = blankSettings(now);
  await exec(
    ctx.db,
    'ensure tax_settings',
    (p) => `insert into "tax_settings" ("account_id", "id", "created", "data") values (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}) on conflict ("account_id", "id") do nothing`,
    [ctx.account, ROW_ID, now, JSON.stringify(blank)],
  );
  return (await taxSettingsTable.getForUpdate(ctx.db, ctx.account, ROW_ID)) ?? blank;
}

/** Stores the account's settings (the row exists: {@link lockSettings} made it). */
export async function saveSettings(ctx: Ctx, s: StoredTaxSettings): Promise<void> {
  await taxSettingsTable.update(ctx.db, ctx.account, s);
}
