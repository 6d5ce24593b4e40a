import type { ResourceModule } from '../module.js';
import { couponMigrations } from './migrations.js';
import { couponRoutes } from './routes.js';
import { findCoupon } from './store.js';

/** Includable fields Stripe serves only when expanded; here a coupon without one expands it to null. */
const orNull = (field: 'applies_to' | 'currency_options') => (_ctx: unknown, parent: Record<string, unknown>) => Promise.resolve(parent[field] ?? null);

/** Coupons: `/v1/coupons`. Their ids are the merchant's, so a `coupon` field expands by its name. */
export const couponsModule: ResourceModule = {
  name: 'coupons',
  routes: couponRoutes,
  expandableFields: { coupon: findCoupon },
  virtualFields: { coupon: { applies_to: orNull('applies_to'), currency_options: orNull('currency_options') } },
  events: ['coupon.created', 'coupon.updated', 'coupon.deleted'],
  migrations: couponMigrations,
};
