/** The `payment_links` table's owner: other modules call these functions; none names the table. */
import type { Ctx } from '../../api/context.js';
import { exec, ObjectTable } from '../../store/objects.js';
import type { Db } from '../../store/db.js';
import type { LinkSettings } from './params.js';
import type { LinkLineItem, LinkMode, PaymentLink } from './shape.js';

export const paymentLinks = new ObjectTable<PaymentLink>('payment_links');

/** What a link keeps beside the object: its settings, the mode its prices give its sessions, its completed sessions. */
export interface StoredSettings {
  mode: LinkMode;
  params: LinkSettings;
  /** Sessions of the link completed so far (`restrictions.completed_sessions.count`). */
  completed: number;
  /** The prices its `line_items[][price_data]` made: inline (inactive), named by its sessions all the same. */
  inlinePrices: string[];
}

/** A line item as kept: its price by id (served expanded, as it is now). */
export type StoredLineItem = Omit<LinkLineItem, 'price'> & { price: string };

/** A link with what its sessions are made from. */
export interface LinkRecord {
  link: PaymentLink;
  settings: StoredSettings;
  lineItems: StoredLineItem[];
}

/** `https://…/b/test_…`: the public URL's last segment, looked up by the page. */
const URL_TOKEN = /^test_[A-Za-z0-9]{24}$/;

/** Queried columns of a link row (`created` is the row's, not the object's: Stripe serves none). */
export function linkColumns(r: LinkRecord) {
  return { active: r.link.active ? 1 : 0, settings: JSON.stringify(r.settings), line_items: JSON.stringify(r.lineItems) };
}

/** Stores a new link: its object without `created`, which only orders the list. */
export async function insertLink(ctx: Ctx, r: LinkRecord, created: number, urlToken: string): Promise<void> {
  // ObjectTable.insert stores JSON.stringify(object) and reads `created` for its column: a
  // non-enumerable `created` gives the column its value and leaves the served JSON without it.
  const object = Object.defineProperty({ ...r.link }, 'created', { value: created, enumerable: false }) as PaymentLink & { created: number };
  await paymentLinks.insert(ctx.db, ctx.account, object, { ...linkColumns(r), url_token: urlToken });
}

/** Overwrites a link: object, settings and line items. */
export async function saveLink(ctx: Ctx, r: LinkRecord): Promise<void> {
  await paymentLinks.update(ctx.db, ctx.account, r.link, linkColumns(r));
}

function record(row: { data: string; settings: string; line_items: string }): LinkRecord {
  return { link: JSON.parse(row.data) as PaymentLink, settings: JSON.parse(row.settings) as StoredSettings, lineItems: JSON.parse(row.line_items) as StoredLineItem[] };
}

/** The link with its settings, or undefined; `lock` holds its row for the rest of the transaction. */
export async function loadLink(ctx: Ctx, id: string, lock = false): Promise<LinkRecord | undefined> {
  const forUpdate = lock && ctx.deps.store.dialect === 'postgres' ? ' for update' : '';
  const { rows } = await exec<{ data: string; settings: string; line_items: string }>(
    ctx.db,
    `payment link${forUpdate}`,
    (p) => `select "data", "settings", "line_items" from "payment_links" where "account_id" = ${p(1)} and "id" = ${p(2)}${forUpdate}`,
    [ctx.account, id],
  );
  const row = rows[0];
  return row ? record(row) : undefined;
}

/** The link as served, or undefined (for `expand[]`). */
export function findPaymentLink(ctx: Ctx, id: string): Promise<PaymentLink | undefined> {
  return paymentLinks.get(ctx.db, ctx.account, id);
}

/**
 * The link a public URL names, with its account, found by the URL's token alone. The URL is
 * public, as Stripe's are (merchants share it); what it opens acts within the link's account only.
 */
export async function findLinkByToken(db: Db, token: string): Promise<{ account: string; record: LinkRecord } | null> {
  if (!URL_TOKEN.test(token)) return null;
  const { rows } = await exec<{ account_id: string; data: string; settings: string; line_items: string }>(
    db,
    'payment link by token',
    (p) => `select "account_id", "data", "settings", "line_items" from "payment_links" where "url_token" = ${p(1)}`,
    [token],
  );
  const row = rows[0];
  return row ? { account: row.account_id, record: record(row) } : null;
}
