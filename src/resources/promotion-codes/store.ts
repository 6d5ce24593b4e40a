/**
 * The `promotion_codes` table (this folder owns it). Other modules (coupons' `redeem`) change
 * promotion codes only through these functions; none names the table.
 *
 * `active` is computed when served, from two times kept beside the object
 * (docs/decisions.md#coupons-and-promotion-codes):
 * - `usable_until`: when the code stops being usable for good (its `expires_at`, or the second after
 *   its coupon's `redeem_by`, whichever comes first); 0 once it is used up or its coupon is.
 * - `active_until`: `usable_until` while the merchant keeps the code active, else 0.
 * The code is active while business time is before `active_until`.
 */
import type { Ctx } from '../../api/context.js';
import { errors, type StripeError } from '../../api/errors.js';
import { exec, ObjectTable, type Filter, type Page, type PageResult } from '../../store/objects.js';
import type { PromotionCode } from './shape.js';

export const promotionCodes = new ObjectTable<PromotionCode>('promotion_codes');

/** `usable_until` of a code that never ends on its own. */
export const NO_END = Number.MAX_SAFE_INTEGER;

/** A stored promotion code and the two times its `active` is computed from. */
export interface PromotionCodeRow {
  code: PromotionCode;
  activeUntil: number;
  usableUntil: number;
}

interface RawRow {
  data: string;
  active_until: number | string;
  usable_until: number | string;
}

const COLUMNS = ['data', 'active_until', 'usable_until'] as const;

function fromRaw(r: RawRow): PromotionCodeRow {
  return { code: JSON.parse(r.data) as PromotionCode, activeUntil: Number(r.active_until), usableUntil: Number(r.usable_until) };
}

function columns(row: PromotionCodeRow) {
  return {
    code_lower: row.code.code.toLowerCase(),
    coupon_id: row.code.promotion.coupon,
    customer_id: row.code.customer,
    active_until: row.activeUntil,
    usable_until: row.usableUntil,
  };
}

/** The code as served at `now` (unix seconds): active while `now` is before `active_until`. */
export function asServed(row: PromotionCodeRow, now: number): PromotionCode {
  const active = now < row.activeUntil;
  return row.code.active === active ? row.code : { ...row.code, active };
}

/** Every redemption the code allows has been made. */
export function promotionCodeExhausted(pc: PromotionCode): boolean {
  return pc.max_redemptions !== null && pc.times_redeemed >= pc.max_redemptions;
}

/** Stripe's refusal of a code used as many times as it allows. */
export function exhaustedError(param?: string): StripeError {
  return errors.invalid('This promotion code cannot be redeemed because it has been used the maximum number of times.', param);
}

/**
 * Stores a new code; false (and nothing stored) when an active code of the account already holds
 * its text, which the partial unique index finds without a lookup first. `on conflict do nothing`
 * rather than a failed insert: on PostgreSQL that would end the transaction, and the caller may
 * still free the text (an expired holder) and insert again.
 */
export async function insertPromotionCode(ctx: Ctx, row: PromotionCodeRow): Promise<boolean> {
  const values = columns(row);
  const res = await exec(
    ctx.db,
    'insert promotion_codes if free',
    (p) =>
      'insert into "promotion_codes" ("account_id", "id", "created", "data", "code_lower", "coupon_id", "customer_id", "active_until", "usable_until") ' +
      `values (${[1, 2, 3, 4, 5, 6, 7, 8, 9].map(p).join(', ')}) on conflict do nothing`,
    [ctx.account, row.code.id, row.code.created, JSON.stringify(row.code), values.code_lower, values.coupon_id, values.customer_id, values.active_until, values.usable_until],
  );
  return Number(res.numAffectedRows ?? 0) > 0;
}

/** The code with this id in ctx's account, with its times; undefined when unknown. */
export async function findPromotionCodeRow(ctx: Ctx, id: string): Promise<PromotionCodeRow | undefined> {
  const r = (await promotionCodes.row(ctx.db, ctx.account, id, [...COLUMNS])) as RawRow | undefined;
  return r && fromRaw(r);
}

/**
 * The code a write changes, its row locked until commit (PostgreSQL `FOR UPDATE`, as
 * ObjectTable.getForUpdate; SQLite has one writer); undefined when unknown.
 */
export async function lockPromotionCode(ctx: Ctx, id: string): Promise<PromotionCodeRow | undefined> {
  const forUpdate = ctx.deps.store.dialect === 'postgres' ? ' for update' : '';
  const { rows } = await exec<RawRow>(
    ctx.db,
    `lock promotion_codes with times${forUpdate}`,
    (p) => `select "data", "active_until", "usable_until" from "promotion_codes" where "account_id" = ${p(1)} and "id" = ${p(2)}${forUpdate}`,
    [ctx.account, id],
  );
  return rows[0] && fromRaw(rows[0]);
}

/** Writes a changed code and its times (its `active` as stored follows `active_until`). */
export async function savePromotionCode(ctx: Ctx, row: PromotionCodeRow): Promise<void> {
  const code = { ...row.code, active: row.activeUntil > 0 };
  await promotionCodes.update(ctx.db, ctx.account, code, columns({ ...row, code }));
}

/** The codes of the account that hold `codeLower` as active codes (at most one, by the unique index). */
export async function activeHolders(ctx: Ctx, codeLower: string): Promise<PromotionCodeRow[]> {
  const { rows } = await exec<RawRow>(
    ctx.db,
    'active promotion_codes by code',
    (p) =>
      `select "data", "active_until", "usable_until" from "promotion_codes" where "account_id" = ${p(1)} and "code_lower" = ${p(2)} and "active_until" > 0`,
    [ctx.account, codeLower],
  );
  return rows.map(fromRaw);
}

/** Marks a code inactive for good (an expired code whose text is wanted again): only its times change. */
export async function endPromotionCode(ctx: Ctx, id: string): Promise<void> {
  await exec(
    ctx.db,
    'end promotion_code',
    (p) => `update "promotion_codes" set "active_until" = 0, "usable_until" = 0 where "account_id" = ${p(1)} and "id" = ${p(2)}`,
    [ctx.account, id],
  );
}

/**
 * Ends every code of a coupon that was used up or deleted: Stripe makes them permanently inactive.
 * One statement on the times only, so no code's JSON is rewritten under a concurrent writer.
 */
export async function endPromotionCodesOfCoupon(ctx: Ctx, couponId: string): Promise<void> {
  await exec(
    ctx.db,
    'end promotion_codes of coupon',
    (p) => `update "promotion_codes" set "active_until" = 0, "usable_until" = 0 where "account_id" = ${p(1)} and "coupon_id" = ${p(2)}`,
    [ctx.account, couponId],
  );
}

/** A page of codes, newest first, with their times. */
export async function listPromotionCodeRows(ctx: Ctx, filter: Filter, page: Page): Promise<PageResult<PromotionCodeRow>> {
  const result = await promotionCodes.listRows<RawRow>(ctx.db, ctx.account, filter, page, COLUMNS);
  return { ...result, data: result.data.map(fromRaw) };
}
