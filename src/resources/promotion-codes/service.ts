/**
 * Promotion codes (`/v1/promotion_codes`): customer-facing codes for a coupon, and
 * `requireApplicablePromotionCode`, with which Checkout accepts one.
 * See docs/decisions.md#coupons-and-promotion-codes.
 */
import type { Ctx } from '../../api/context.js';
import { errors, type StripeError } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId, randomToken } from '../../api/ids.js';
import { listObject, toPage, type ListObject } from '../../api/list.js';
import { mergeMetadata, parseParams, type InferShape } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { isUniqueViolation } from '../../store/db.js';
import type { Filter } from '../../store/objects.js';
import { redeem, requireRedeemableCoupon, requireValidCoupon } from '../coupons/service.js';
import type { Coupon } from '../coupons/shape.js';
import { requireCustomer } from '../customers/service.js';
import { promotionCodeCreateShape, promotionCodeListShape, promotionCodeUpdateShape } from './params.js';
import type { PromotionCode, Restrictions } from './shape.js';
import {
  activeHolders,
  asServed,
  endPromotionCode,
  exhaustedError,
  findPromotionCodeRow,
  insertPromotionCode,
  listPromotionCodeRows,
  lockPromotionCode,
  NO_END,
  promotionCodeExhausted,
  savePromotionCode,
  type PromotionCodeRow,
} from './store.js';

type CreateParams = InferShape<typeof promotionCodeCreateShape>;

/** Stripe's refusal of a code whose text an active code of the account already has. */
function codeTaken(code: string): StripeError {
  return errors.invalid(`An active promotion code with \`code: ${code}\` already exists.`, 'code');
}

/** A generated code, as Stripe makes one when none is given: 8 capital letters and digits. */
const generateCode = () => randomToken(8).toUpperCase();

/** The coupon a create names, and the param that named it: `promotion[coupon]`, or `coupon` from older API versions. */
function couponParam(p: CreateParams): [id: string, param: string] {
  if (p.promotion !== undefined && p.coupon !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: coupon, promotion.', 'coupon');
  }
  if (p.coupon !== undefined) return [p.coupon, 'coupon'];
  if (p.promotion === undefined) throw errors.missingParam('promotion');
  if (p.promotion.coupon === undefined) throw errors.missingParam('promotion[coupon]');
  return [p.promotion.coupon, 'promotion[coupon]'];
}

/**
 * Minimums in other currencies must name a currency other than `minimum_amount_currency`, whose
 * minimum is `minimum_amount`.
 */
function checkMinimumOptions(base: string | null, options: Record<string, unknown>): void {
  if (base !== null && Object.hasOwn(options, base)) {
    throw errors.invalid(
      `Invalid restrictions[currency_options][${base}]: ${base} is the minimum_amount_currency, whose minimum is minimum_amount.`,
      `restrictions[currency_options][${base}]`,
    );
  }
}

function toRestrictions(r: CreateParams['restrictions']): Restrictions {
  const minimum = r?.minimum_amount ?? null;
  const currency = r?.minimum_amount_currency ?? null;
  if (minimum !== null && currency === null) throw errors.missingParam('restrictions[minimum_amount_currency]');
  if (currency !== null && minimum === null) throw errors.missingParam('restrictions[minimum_amount]');
  if (r?.currency_options) checkMinimumOptions(currency, r.currency_options);
  return {
    currency_options: { ...r?.currency_options },
    first_time_transaction: r?.first_time_transaction ?? false,
    minimum_amount: minimum,
    minimum_amount_currency: currency,
  };
}

/** A create's `expires_at` and `max_redemptions` must fit within its coupon's. */
function checkLimits(p: CreateParams, coupon: Coupon, now: number): void {
  if (p.expires_at !== undefined) {
    if (p.expires_at <= now) throw errors.invalid('Invalid expires_at: must be in the future', 'expires_at');
    if (coupon.redeem_by !== null && p.expires_at > coupon.redeem_by) {
      throw errors.invalid(`The promotion code's expires_at cannot be after its coupon's redeem_by (${coupon.redeem_by}).`, 'expires_at');
    }
  }
  if (p.max_redemptions !== undefined && coupon.max_redemptions !== null && p.max_redemptions > coupon.max_redemptions) {
    throw errors.invalid(
      `The promotion code's max_redemptions cannot be greater than its coupon's max_redemptions (${coupon.max_redemptions}).`,
      'max_redemptions',
    );
  }
}

/**
 * Makes the code's text free for `self` to be active with: an active holder that has expired is
 * ended (Stripe's expired codes are inactive for good, so their text may be reused); a live one
 * refuses it.
 */
async function freeText(ctx: Ctx, text: string, self: string, now: number): Promise<boolean> {
  let free = true;
  for (const holder of await activeHolders(ctx, text.toLowerCase())) {
    if (holder.code.id === self) continue;
    if (now < holder.activeUntil) free = false;
    else await endPromotionCode(ctx, holder.code.id);
  }
  return free;
}

/** Inserts a new code, freeing its text from expired holders, or drawing again for a generated code that is taken. */
async function insertFree(ctx: Ctx, row: PromotionCodeRow, generated: boolean, now: number): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await insertPromotionCode(ctx, row)) return;
    if (!(await freeText(ctx, row.code.code, row.code.id, now))) {
      if (!generated) break;
      row.code.code = generateCode();
    }
  }
  throw codeTaken(row.code.code);
}

/** POST /v1/promotion_codes: a code for a valid coupon, active unless `active: false`. */
export async function createPromotionCode(ctx: Ctx, params: FormObject): Promise<PromotionCode> {
  const p = parseParams(promotionCodeCreateShape, params);
  const [couponId, param] = couponParam(p);
  const now = unixNow(ctx.deps.clock);
  const coupon = await requireValidCoupon(ctx, couponId, param, now);
  checkLimits(p, coupon, now);
  const restrictions = toRestrictions(p.restrictions);
  if (p.customer !== undefined) await requireCustomer(ctx, p.customer, 'customer');
  const active = p.active ?? true;
  const code: PromotionCode = {
    id: newId('promo_'),
    object: 'promotion_code',
    active,
    code: p.code ?? generateCode(),
    created: now,
    customer: p.customer ?? null,
    customer_account: null,
    expires_at: p.expires_at ?? null,
    livemode: false,
    max_redemptions: p.max_redemptions ?? null,
    metadata: mergeMetadata({}, p.metadata),
    promotion: { coupon: coupon.id, type: 'coupon' },
    restrictions,
    times_redeemed: 0,
  };
  const usableUntil = Math.min(code.expires_at ?? NO_END, coupon.redeem_by === null ? NO_END : coupon.redeem_by + 1);
  const row: PromotionCodeRow = { code, activeUntil: active ? usableUntil : 0, usableUntil };
  await insertFree(ctx, row, p.code === undefined, now);
  const served = asServed(row, now);
  await emit(ctx, 'promotion_code.created', served, undefined, code.created);
  return served;
}

/** The code with this id as served now (its `promo_` expansion); undefined when unknown. */
export async function findPromotionCode(ctx: Ctx, id: string): Promise<PromotionCode | undefined> {
  const row = await findPromotionCodeRow(ctx, id);
  return row && asServed(row, unixNow(ctx.deps.clock));
}

/** GET /v1/promotion_codes/:id. */
export async function retrievePromotionCode(ctx: Ctx, id: string): Promise<PromotionCode> {
  const code = await findPromotionCode(ctx, id);
  if (!code) throw errors.missingResource('promotion code', id);
  return code;
}

/**
 * POST /v1/promotion_codes/:id: `active`, `metadata`, `restrictions[currency_options]`. A code
 * that expired, was used up, or whose coupon is no longer valid can't be made active again.
 */
export async function updatePromotionCode(ctx: Ctx, id: string, params: FormObject): Promise<PromotionCode> {
  const p = parseParams(promotionCodeUpdateShape, params);
  const current = await lockPromotionCode(ctx, id);
  if (!current) throw errors.missingResource('promotion code', id);
  const now = unixNow(ctx.deps.clock);
  const next: PromotionCodeRow = { ...current, code: { ...current.code, metadata: mergeMetadata(current.code.metadata, p.metadata) } };
  const options = p.restrictions?.currency_options;
  if (options !== undefined) {
    const r = current.code.restrictions;
    checkMinimumOptions(r.minimum_amount_currency, options);
    next.code.restrictions = { ...r, currency_options: { ...r.currency_options, ...options } };
  }
  if (p.active === false) next.activeUntil = 0;
  if (p.active === true && !(now < current.activeUntil)) {
    if (!(now < current.usableUntil)) {
      throw errors.invalid(
        'This promotion code cannot be reactivated: it has expired, it has been used the maximum number of times, or its coupon is no longer valid.',
        'active',
      );
    }
    if (!(await freeText(ctx, current.code.code, id, now))) throw codeTaken(current.code.code);
    next.activeUntil = current.usableUntil;
  }
  const before = asServed(current, now);
  const after = asServed(next, now);
  const prev = previousAttributes(before, after);
  if (Object.keys(prev).length === 0) return before;
  try {
    await savePromotionCode(ctx, next);
  } catch (err) {
    // Another code took the text between the check and the write (another instance).
    if (isUniqueViolation(err)) throw codeTaken(current.code.code);
    throw err;
  }
  await emit(ctx, 'promotion_code.updated', after, prev);
  return after;
}

/** GET /v1/promotion_codes: newest first; filters `active` (as of now), `code` (any case), `coupon`, `customer`, `created`. */
export async function listPromotionCodes(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<PromotionCode>> {
  const p = parseParams(promotionCodeListShape, params);
  const page = toPage(p);
  const now = unixNow(ctx.deps.clock);
  const filter: Filter = {};
  if (p.code !== undefined) filter.code_lower = p.code.toLowerCase();
  if (p.coupon !== undefined) filter.coupon_id = p.coupon;
  if (p.customer !== undefined) filter.customer_id = p.customer;
  if (p.active !== undefined) filter.active_until = p.active ? { gt: now } : { lte: now };
  const result = await listPromotionCodeRows(ctx, filter, page);
  return listObject(url, { ...result, data: result.data.map((row) => asServed(row, now)) }, 'promotion code', page);
}

/** What Checkout knows about the purchase a code is applied to. */
export interface RedemptionContext {
  currency: string;
  customer: string | null;
  /** In the smallest unit of `currency`, before discounts. */
  subtotal: number;
  /** Business time of the purchase (unix seconds). */
  now: number;
  /** True when the customer has no earlier successful payment. */
  isFirstTransaction: boolean;
}

/** Why a code can't be redeemed, in the words of Stripe's refusals. */
const refusal = (why: string, param: string) => errors.invalid(`This promotion code cannot be redeemed because ${why}.`, param);

/** The minimum a purchase in `currency` must reach; null when the code has none, undefined when it has one only in other currencies. */
function minimumIn(r: Restrictions, currency: string): number | null | undefined {
  if (r.minimum_amount === null && Object.keys(r.currency_options).length === 0) return null;
  if (r.minimum_amount_currency === currency) return r.minimum_amount;
  return r.currency_options[currency]?.minimum_amount;
}

/**
 * The checks every use of a code makes, purchase or not: it exists (404), and it is not used up,
 * expired, inactive or restricted to another customer (400 naming `param`).
 */
async function requireUsableCode(ctx: Ctx, ref: { id?: string; code?: string }, param: string, customer: string | null, now: number): Promise<PromotionCodeRow> {
  let row: PromotionCodeRow | undefined;
  if (ref.id !== undefined) row = await findPromotionCodeRow(ctx, ref.id);
  else if (ref.code !== undefined) row = (await activeHolders(ctx, ref.code.toLowerCase()))[0];
  else throw errors.missingParam(param);
  if (!row) throw errors.missingResource('promotion code', ref.id ?? ref.code ?? '', param);
  const pc = row.code;
  if (promotionCodeExhausted(pc)) throw exhaustedError(param);
  if (pc.expires_at !== null && now >= pc.expires_at) throw refusal('it has expired', param);
  if (row.activeUntil === 0) throw refusal('it is inactive', param);
  if (pc.customer !== null && pc.customer !== customer) throw refusal('it is restricted to another customer', param);
  return row;
}

/**
 * A promotion code Checkout may apply to this purchase, and its coupon: found by id (`promo_...`)
 * or by its customer-facing code (any case, active codes only). Unknown -> 404; then, each a 400
 * naming `param`: used up, expired, inactive, restricted to another customer, its coupon not
 * redeemable in `currency` ({@link requireRedeemableCoupon}), first-time only for a returning
 * customer, or below its minimum amount in `currency` (a code with minimums only in
 * other currencies is refused too).
 */
export async function requireApplicablePromotionCode(
  ctx: Ctx,
  ref: { id?: string; code?: string },
  param: string,
  context: RedemptionContext,
): Promise<{ promotionCode: PromotionCode; coupon: Coupon }> {
  const { now } = context;
  const currency = context.currency.toLowerCase();
  const row = await requireUsableCode(ctx, ref, param, context.customer, now);
  const pc = row.code;
  const coupon = await requireRedeemableCoupon(ctx, pc.promotion.coupon, param, currency, now);
  if (pc.restrictions.first_time_transaction && !context.isFirstTransaction) {
    throw refusal('the associated customer has prior transactions', param);
  }
  const minimum = minimumIn(pc.restrictions, currency);
  if (minimum === undefined || (minimum !== null && context.subtotal < minimum)) {
    throw refusal('the associated purchase does not meet the minimum amount requirement', param);
  }
  return { promotionCode: asServed(row, now), coupon };
}

/**
 * The id of the active code a customer typed (any case), or undefined: how a page that takes a
 * code's text (the customer portal) names it to the APIs that take ids (`discounts[][promotion_code]`),
 * which then check it as they check any id.
 */
export async function activePromotionCodeId(ctx: Ctx, text: string): Promise<string | undefined> {
  return (await activeHolders(ctx, text.trim().toLowerCase()))[0]?.code.id;
}

/** Months after `start` (unix seconds), on the same day of the month where it exists. */
function addMonths(start: number, months: number): number {
  const d = new Date(start * 1000);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return Math.floor(target.getTime() / 1000);
}

/**
 * The Discount a coupon (or a promotion code's coupon) gives a customer, redeemed once: what
 * `customers.create({ coupon })` and `customers.update({ promotion_code })` attach. It ends after
 * `duration_in_months` for a repeating coupon, never for `once` and `forever` (Stripe ends a `once`
 * discount at the first invoice, which customers here do not have yet).
 */
export async function customerDiscount(ctx: Ctx, customerId: string, ref: { coupon?: string | undefined; promotion_code?: string | undefined }, now: number): Promise<object> {
  let coupon: Coupon;
  let promotionCode: string | null = null;
  if (ref.promotion_code !== undefined) {
    // Not a purchase: no currency, amount or first-time check applies until the customer pays.
    const row = await requireUsableCode(ctx, { id: ref.promotion_code }, 'promotion_code', customerId, now);
    coupon = await requireValidCoupon(ctx, row.code.promotion.coupon, 'promotion_code', now);
    promotionCode = row.code.id;
  } else {
    coupon = await requireValidCoupon(ctx, ref.coupon as string, 'coupon', now);
  }
  await redeem(ctx, coupon.id, promotionCode);
  return {
    id: `di_${randomToken(24)}`,
    object: 'discount',
    checkout_session: null,
    customer: customerId,
    customer_account: null,
    end: coupon.duration === 'repeating' && coupon.duration_in_months ? addMonths(now, coupon.duration_in_months) : null,
    invoice: null,
    invoice_item: null,
    promotion_code: promotionCode,
    source: { coupon: coupon.id, type: 'coupon' },
    start: now,
    subscription: null,
    subscription_item: null,
  };
}
