/** The customer portal's tables' owner: other modules call these functions; none names the tables. */
import type { Ctx } from '../../api/context.js';
import { exec, ObjectTable } from '../../store/objects.js';
import type { Db } from '../../store/db.js';
import type { PortalConfiguration, PortalSession } from './shape.js';

export const configurations = new ObjectTable<PortalConfiguration>('billing_portal_configurations');
const sessions = new ObjectTable<PortalSession>('billing_portal_sessions');

const configColumns = (c: PortalConfiguration) => ({ active: c.active ? 1 : 0, is_default: c.is_default ? 1 : 0 });

export async function insertConfiguration(ctx: Ctx, c: PortalConfiguration): Promise<void> {
  await configurations.insert(ctx.db, ctx.account, c, configColumns(c));
}

export async function saveConfiguration(ctx: Ctx, c: PortalConfiguration): Promise<void> {
  await configurations.update(ctx.db, ctx.account, c, configColumns(c));
}

/** A configuration, or undefined; `lock` holds its row for the rest of the transaction. */
export function findConfiguration(ctx: Ctx, id: string, lock = false): Promise<PortalConfiguration | undefined> {
  return lock ? configurations.getForUpdate(ctx.db, ctx.account, id) : configurations.get(ctx.db, ctx.account, id);
}

/** The account's default configuration, if it has one yet. */
export async function findDefaultConfiguration(ctx: Ctx): Promise<PortalConfiguration | undefined> {
  const rows = await configurations.select(ctx.db, ctx.account, { is_default: 1 }, ['data']);
  const row = rows[0];
  return row ? (JSON.parse(row.data as string) as PortalConfiguration) : undefined;
}

/** A portal session as kept: the object, when its link stops opening, when its visit ends. */
export interface SessionRecord {
  account: string;
  session: PortalSession;
  expiresAt: number;
  visitEndsAt: number | null;
}

export async function insertSession(ctx: Ctx, s: PortalSession, urlToken: string, expiresAt: number): Promise<void> {
  await sessions.insert(ctx.db, ctx.account, s, { url_token: urlToken, expires_at: expiresAt, visit_ends_at: null });
}

/** `https://…/p/session/test_…`: the URL's last segment. */
const URL_TOKEN = /^test_[A-Za-z0-9]{32}$/;

/** The session a public URL names, with its account, found by the URL's token alone. */
export async function sessionByToken(db: Db, token: string): Promise<SessionRecord | null> {
  if (!URL_TOKEN.test(token)) return null;
  const { rows } = await exec<{ account_id: string; data: string; expires_at: number | string; visit_ends_at: number | string | null }>(
    db,
    'portal session by token',
    (p) => `select "account_id", "data", "expires_at", "visit_ends_at" from "billing_portal_sessions" where "url_token" = ${p(1)}`,
    [token],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    account: row.account_id,
    session: JSON.parse(row.data) as PortalSession,
    expiresAt: Number(row.expires_at),
    visitEndsAt: row.visit_ends_at === null ? null : Number(row.visit_ends_at),
  };
}

/** Starts the session's visit (its first opening): the portal takes actions until `endsAt`. */
export async function startVisit(ctx: Ctx, id: string, endsAt: number): Promise<void> {
  await exec(
    ctx.db,
    'portal session visit',
    (p) => `update "billing_portal_sessions" set "visit_ends_at" = ${p(1)} where "account_id" = ${p(2)} and "id" = ${p(3)} and "visit_ends_at" is null`,
    [endsAt, ctx.account, id],
  );
}
