/** The customer portal's tables' owner: other modules call these functions; none names the tables. */
import type { Ctx } from '../../api/context.js';
import { exec, ObjectTable } from '../../store/objects.js';
import type { Db } from '../../store/db.js';
import type { PortalConfiguration, PortalSession } from './shape.js';

export const configurations = new ObjectTable<PortalConfiguration>('billing_portal_configurations');
const sessions = new ObjectTable<PortalSession>('billing_portal_sessions');

/** `/p/login/test_…`: the last segment of a configuration's `login_page.url`. */
export const LOGIN_TOKEN = /^test_[A-Za-z0-9]{24}$/;

/** The token of a configuration's login page URL, or null while the login page is off. */
export function loginTokenOf(c: PortalConfiguration): string | null {
  const url = c.login_page.enabled ? c.login_page.url : null;
  return url ? url.slice(url.lastIndexOf('/') + 1) : null;
}

const configColumns = (c: PortalConfiguration) => ({ active: c.active ? 1 : 0, is_default: c.is_default ? 1 : 0, login_token: loginTokenOf(c) });

export async function insertConfiguration(ctx: Ctx, c: PortalConfiguration): Promise<void> {
  await configurations.insert(ctx.db, ctx.account, c, configColumns(c));
}

/**
 * Stores the account's default configuration unless it already has one: false (and nothing stored)
 * when another transaction made it first. A partial unique index allows one default per account;
 * `on conflict do nothing` rather than a failed insert, which on PostgreSQL would end the
 * transaction. On PostgreSQL the insert waits for a concurrent transaction that inserted the
 * default first and, once that one commits, does nothing.
 */
export async function insertDefaultConfiguration(ctx: Ctx, c: PortalConfiguration): Promise<boolean> {
  const res = await exec(
    ctx.db,
    'insert default billing_portal_configurations',
    (p) =>
      'insert into "billing_portal_configurations" ("account_id", "id", "created", "data", "active", "is_default", "login_token") ' +
      `values (${[1, 2, 3, 4, 5, 6, 7].map(p).join(', ')}) on conflict do nothing`,
    [ctx.account, c.id, c.created, JSON.stringify(c), 1, 1, null],
  );
  return Number(res.numAffectedRows ?? 0) > 0;
}

/** The configuration whose login page URL ends in `token`, with its account, found by the token alone. */
export async function configurationByLoginToken(db: Db, token: string): Promise<{ account: string; config: PortalConfiguration } | null> {
  if (!LOGIN_TOKEN.test(token)) return null;
  const { rows } = await exec<{ account_id: string; data: string }>(
    db,
    'portal configuration by login token',
    (p) => `select "account_id", "data" from "billing_portal_configurations" where "login_token" = ${p(1)}`,
    [token],
  );
  const row = rows[0];
  return row ? { account: row.account_id, config: JSON.parse(row.data) as PortalConfiguration } : null;
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
  /** The email the login page was given, for a session it made (null for the API's). */
  loginEmail: string | null;
}

export async function insertSession(ctx: Ctx, s: PortalSession, urlToken: string, expiresAt: number, loginEmail: string | null = null): Promise<void> {
  await sessions.insert(ctx.db, ctx.account, s, { url_token: urlToken, expires_at: expiresAt, visit_ends_at: null, login_email: loginEmail });
}

/** `https://…/p/session/test_…`: the URL's last segment. */
const URL_TOKEN = /^test_[A-Za-z0-9]{32}$/;

/** The session a public URL names, with its account, found by the URL's token alone. */
export async function sessionByToken(db: Db, token: string): Promise<SessionRecord | null> {
  if (!URL_TOKEN.test(token)) return null;
  const { rows } = await exec<{ account_id: string; data: string; expires_at: number | string; visit_ends_at: number | string | null; login_email: string | null }>(
    db,
    'portal session by token',
    (p) => `select "account_id", "data", "expires_at", "visit_ends_at", "login_email" from "billing_portal_sessions" where "url_token" = ${p(1)}`,
    [token],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    account: row.account_id,
    session: JSON.parse(row.data) as PortalSession,
    expiresAt: Number(row.expires_at),
    visitEndsAt: row.visit_ends_at === null ? null : Number(row.visit_ends_at),
    loginEmail: row.login_email,
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

/** A link the portal's login page made for an email: what the test mailbox shows (docs/decisions.md#customer-portal). */
export interface LoginLink {
  object: 'billing_portal.login_link';
  email: string;
  customer: string;
  session: string;
  url: string;
  created: number;
  expires_at: number;
}

/** How many login links the account sent to `email` that expire after `expiresAfter` (the recent ones). */
export async function countLoginLinks(db: Db, account: string, email: string, expiresAfter: number): Promise<number> {
  const { rows } = await exec<{ n: number | string }>(
    db,
    'portal login links recently sent',
    (p) => `select count(*) as "n" from "billing_portal_sessions" where "account_id" = ${p(1)} and "login_email" = ${p(2)} and "expires_at" > ${p(3)}`,
    [account, email, expiresAfter],
  );
  return Number(rows[0]?.n ?? 0);
}

/** The account's login links, newest first (`email`: only those sent to it), at most `limit`. */
export async function loginLinks(db: Db, account: string, email: string | null, limit: number): Promise<LoginLink[]> {
  const { rows } = await exec<{ data: string; expires_at: number | string; login_email: string }>(
    db,
    `portal login links${email === null ? '' : ' by email'}`,
    (p) =>
      `select "data", "expires_at", "login_email" from "billing_portal_sessions" where "account_id" = ${p(1)} and "login_email" ${email === null ? 'is not null' : `= ${p(2)}`} ` +
      `order by "seq" desc limit ${p(email === null ? 2 : 3)}`,
    email === null ? [account, limit] : [account, email, limit],
  );
  return rows.map((r) => {
    const s = JSON.parse(r.data) as PortalSession;
    return { object: 'billing_portal.login_link', email: r.login_email, customer: s.customer, session: s.id, url: s.url, created: s.created, expires_at: Number(r.expires_at) };
  });
}
