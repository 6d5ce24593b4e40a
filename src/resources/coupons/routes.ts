import { idRoute, type Route } from '../../api/router.js';
import { createCoupon, deleteCoupon, listCoupons, retrieveCoupon, updateCoupon } from './service.js';

export const couponRoutes: Route[] = [
  { method: 'POST', path: '/v1/coupons', handler: (ctx, req) => createCoupon(ctx, req.params) },
  { method: 'GET', path: '/v1/coupons', handler: (ctx, req) => listCoupons(ctx, req.params, req.url) },
  idRoute('GET', '/v1/coupons/:id', retrieveCoupon),
  { method: 'POST', path: '/v1/coupons/:id', handler: (ctx, req) => updateCoupon(ctx, req.path.id as string, req.params) },
  idRoute('DELETE', '/v1/coupons/:id', deleteCoupon),
];
