/** The `tax_registrations` table (this folder owns it). Other modules call these functions; none names the table. */
import type { Ctx } from '../../api/context.js';
import { ObjectTable } from '../../store/objects.js';
import type { RegistrationStatus, TaxRegistration } from './shape.js';

export const taxRegistrations = new ObjectTable<TaxRegistration>('tax_registrations');

/** `ends_at` of a registration without `expires_at`: 9999-12-31T23:59:59Z. */
export const NEVER = 253_402_300_799;

/**
 * Where a registration collects tax: its country; in the US its state for `state_sales_tax`
 * (other US types collect local taxes this server does not model); the whole EU for the OSS
 * schemes (`oss_union`, `oss_non_union`) and, apart, for `ioss`.
 */
export function coversOf(r: TaxRegistration): string {
  const option = r.country_options[r.country.toLowerCase()];
  const type = option?.type;
  if (r.country === 'US') return type === 'state_sales_tax' ? `US-${String(option?.state)}` : `US-${String(option?.state)}:${String(type)}`;
  if (type === 'oss_union' || type === 'oss_non_union') return 'EU';
  if (type === 'ioss') return 'EU-IOSS';
  return r.country;
}

/** Queried columns of a registration row. */
export const registrationColumns = (r: TaxRegistration) => ({ covers: coversOf(r), active_from: r.active_from, ends_at: r.expires_at ?? NEVER });

/** A registration's status at `now`: scheduled before `active_from`, expired from `expires_at`. */
export function statusAt(r: Pick<TaxRegistration, 'active_from' | 'expires_at'>, now: number): RegistrationStatus {
  if (r.expires_at !== null && r.expires_at <= now) return 'expired';
  return r.active_from > now ? 'scheduled' : 'active';
}

/** The registration with this id in ctx's account with its status at `now`, or undefined. */
export async function findRegistrationAt(ctx: Ctx, id: string, now: number): Promise<TaxRegistration | undefined> {
  const r = await taxRegistrations.get(ctx.db, ctx.account, id);
  return r && { ...r, status: statusAt(r, now) };
}
