import type { ResourceModule } from '../module.js';
import { promotionCodeMigrations } from './migrations.js';
import { promotionCodeRoutes } from './routes.js';
import { customerDiscount, findPromotionCode } from './service.js';

/** Promotion codes: `/v1/promotion_codes`. */
export const promotionCodesModule: ResourceModule = {
  name: 'promotion-codes',
  routes: promotionCodeRoutes,
  expandable: { promo_: findPromotionCode },
  events: ['promotion_code.created', 'promotion_code.updated'],
  migrations: promotionCodeMigrations,
  hooks: { customerDiscount },
};
