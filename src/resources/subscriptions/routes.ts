import { errors } from '../../api/errors.js';
import { listObject, listParams, toPage } from '../../api/list.js';
import { parseParams } from '../../api/params.js';
import { RawJson } from '../../api/raw.js';
import type { Route } from '../../api/router.js';
import type { Filter } from '../../store/objects.js';
import { createSubscription } from './create.js';
import { listFilterShape } from './params.js';
import { subscriptionSearchRoute } from './search.js';
import { subscriptions } from './service.js';
import { cancelSubscription, deleteSubscriptionDiscount, resumeSubscription, updateSubscription } from './update.js';

const id = (req: { path: Record<string, string | undefined> }) => req.path.id as string;

/** `/v1/subscriptions`: create, retrieve, update, cancel, resume, list. */
export const subscriptionRoutes: Route[] = [
  { method: 'POST', path: '/v1/subscriptions', handler: (ctx, req) => createSubscription(ctx, req.params) },
  subscriptionSearchRoute,
  {
    method: 'GET',
    path: '/v1/subscriptions/:id',
    async handler(ctx, req) {
      parseParams({}, req.params);
      const text = await subscriptions.getText(ctx.db, ctx.account, id(req));
      if (text === undefined) throw errors.missingResource('subscription', id(req));
      return new RawJson(text);
    },
  },
  { method: 'POST', path: '/v1/subscriptions/:id', handler: (ctx, req) => updateSubscription(ctx, id(req), req.params) },
  { method: 'DELETE', path: '/v1/subscriptions/:id', handler: (ctx, req) => cancelSubscription(ctx, id(req), req.params) },
  { method: 'POST', path: '/v1/subscriptions/:id/cancel', handler: (ctx, req) => cancelSubscription(ctx, id(req), req.params) },
  {
    method: 'DELETE',
    path: '/v1/subscriptions/:id/discount',
    handler(ctx, req) {
      parseParams({}, req.params);
      return deleteSubscriptionDiscount(ctx, id(req));
    },
  },
  { method: 'POST', path: '/v1/subscriptions/:id/resume', handler: (ctx, req) => resumeSubscription(ctx, id(req), req.params) },
  {
    method: 'GET',
    path: '/v1/subscriptions',
    async handler(ctx, req) {
      const p = parseParams({ ...listParams, ...listFilterShape }, req.params);
      const page = toPage(p);
      const filter: Filter = {};
      if (p.customer !== undefined) filter.customer_id = p.customer;
      const price = p.price ?? p.plan;
      if (price !== undefined) filter.price_ids = { like: `%|${price.replace(/[\\%_]/g, (c) => `\\${c}`)}|%` };
      // As on Stripe, a list without `status` leaves out canceled subscriptions; `ended` is both ends.
      const status = p.status;
      if (status === undefined) filter.status = { in: ['active', 'incomplete', 'past_due', 'paused', 'trialing', 'unpaid'] };
      else if (status === 'ended') filter.status = { in: ['canceled', 'incomplete_expired'] };
      else if (status !== 'all') filter.status = status;
      const result = await subscriptions.listText(ctx.db, ctx.account, filter, page);
      return listObject(req.url, { ...result, data: result.data.map((text) => new RawJson(text)) }, 'subscription', page);
    },
  },
];

