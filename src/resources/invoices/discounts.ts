import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { newId } from '../../api/ids.js';
import { requireValidCoupon } from '../coupons/service.js';
import type { DiscountCoupons } from '../invoice-items/store.js';
import { findPromotionCode } from '../promotion-codes/service.js';

type DiscountParam = { coupon?: string | undefined; discount?: string | undefined; promotion_code?: string | undefined };

/**
 * The discounts a `discounts[]` param names, each a new `di_` id with its coupon. A discount id
 * already on the object keeps its id (`discounts[][discount]`); one it does not have is a 404.
 */
export async function resolveDiscounts(ctx: Ctx, params: readonly DiscountParam[], param: string, current: DiscountCoupons = {}): Promise<DiscountCoupons> {
  const out: DiscountCoupons = {};
  for (const [i, d] of params.entries()) {
    const at = `${param}[${i}]`;
    const given = [d.coupon, d.discount, d.promotion_code].filter((x) => x !== undefined).length;
    if (given !== 1) throw errors.invalid('You must specify exactly one of coupon, discount or promotion_code.', at);
    if (d.discount !== undefined) {
      const coupon = current[d.discount];
      if (!coupon) throw errors.missingResource('discount', d.discount, `${at}[discount]`);
      out[d.discount] = coupon;
    } else if (d.coupon !== undefined) {
      out[newId('di_')] = await requireValidCoupon(ctx, d.coupon, `${at}[coupon]`);
    } else {
      const code = await findPromotionCode(ctx, d.promotion_code as string);
      if (!code) throw errors.missingResource('promotion_code', d.promotion_code as string, `${at}[promotion_code]`);
      if (!code.active) throw errors.invalid(`This promotion code is inactive: '${d.promotion_code}'.`, `${at}[promotion_code]`);
      out[newId('di_')] = await requireValidCoupon(ctx, code.promotion.coupon, `${at}[promotion_code]`);
    }
  }
  return out;
}
