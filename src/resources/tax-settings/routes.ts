import type { Route } from '../../api/router.js';
import { retrieveTaxSettings, updateTaxSettings } from './service.js';

export const taxSettingsRoutes: Route[] = [
  { method: 'GET', path: '/v1/tax/settings', handler: (ctx, req) => retrieveTaxSettings(ctx, req.params) },
  { method: 'POST', path: '/v1/tax/settings', handler: (ctx, req) => updateTaxSettings(ctx, req.params) },
];
