import { idRoute, type Route } from '../../api/router.js';
import { createPromotionCode, listPromotionCodes, retrievePromotionCode, updatePromotionCode } from './service.js';

export const promotionCodeRoutes: Route[] = [
  { method: 'POST', path: '/v1/promotion_codes', handler: (ctx, req) => createPromotionCode(ctx, req.params) },
  { method: 'GET', path: '/v1/promotion_codes', handler: (ctx, req) => listPromotionCodes(ctx, req.params, req.url) },
  idRoute('GET', '/v1/promotion_codes/:id', retrievePromotionCode),
  { method: 'POST', path: '/v1/promotion_codes/:id', handler: (ctx, req) => updatePromotionCode(ctx, req.path.id as string, req.params) },
];
