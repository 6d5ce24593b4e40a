/**
 * `/v1/subscription_items`: create, retrieve, update, delete and list a subscription's items
 * (docs/decisions.md#subscription-items). Each write is the subscription's own update with one
 * item changed, so prorations, invoices and `customer.subscription.updated` (with its
 * `previous_attributes`) are exactly those of `POST /v1/subscriptions/:id`.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject, FormValue } from '../../api/form.js';
import { listObject, listParams, pageInMemory, toPage } from '../../api/list.js';
import { bool, int, metadata, oneOf, parseParams, required, str } from '../../api/params.js';
import type { Route } from '../../api/router.js';
import { kept } from './params.js';
import { findSubscription, subscriptions, type Subscription, type SubscriptionItem } from './service.js';
import { updateSubscription } from './update.js';

const paymentBehavior = oneOf(['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'] as const);
const prorationBehavior = oneOf(['always_invoice', 'create_prorations', 'none'] as const);

/** What an item carries (stripe-node 23 `SubscriptionItemCreateParams` / `UpdateParams`). */
const itemFields = {
  billing_thresholds: kept,
  current_trial: kept,
  discounts: kept,
  metadata: metadata(),
  payment_behavior: paymentBehavior,
  plan: str({ max: 5000 }),
  price: str({ max: 5000 }),
  price_data: kept,
  proration_behavior: prorationBehavior,
  proration_date: int({ min: 0 }),
  quantity: int({ min: 0 }),
  tax_rates: kept,
};
const createShape = { ...itemFields, subscription: required(str({ max: 5000 })) };
const updateShape = { ...itemFields, off_session: bool() };
const deleteShape = { clear_usage: bool(), payment_behavior: paymentBehavior, proration_behavior: prorationBehavior, proration_date: int({ min: 0 }) };

/** The params of the subscription's update that changes this one item. */
function subscriptionParams(params: FormObject, item: FormObject): FormObject {
  const out: FormObject = { items: [item] };
  for (const key of ['payment_behavior', 'proration_behavior', 'proration_date', 'off_session']) {
    const v = params[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** The item's own params, as the subscription's `items[0]` takes them. */
function itemParams(params: FormObject, extra: FormObject): FormObject {
  const out: FormObject = { ...extra };
  for (const key of ['billing_thresholds', 'discounts', 'metadata', 'plan', 'price', 'price_data', 'quantity', 'tax_rates']) {
    const v: FormValue | undefined = params[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** The subscription holding the item `id`, or 404 as Stripe answers for an unknown item. */
async function subscriptionOfItem(ctx: Ctx, id: string): Promise<Subscription> {
  const like = `%|${id.replace(/[\\%_]/g, (c) => `\\${c}`)}|%`;
  const found = await subscriptions.list(ctx.db, ctx.account, { item_ids: { like } }, toPage({ limit: 1 }));
  const sub = found.data[0];
  if (!sub || !sub.items.data.some((i) => i.id === id)) throw errors.missingResource('subscription_item', id, 'item');
  return sub;
}

function itemOf(sub: Subscription, id: string): SubscriptionItem {
  const item = sub.items.data.find((i) => i.id === id);
  if (!item) throw errors.missingResource('subscription_item', id, 'item');
  return item;
}

/** POST /v1/subscription_items: adds an item (a new price) to the subscription. */
export async function createSubscriptionItem(ctx: Ctx, params: FormObject): Promise<SubscriptionItem> {
  const p = parseParams(createShape, params);
  const before = await findSubscription(ctx, p.subscription);
  if (!before) throw errors.missingResource('subscription', p.subscription, 'subscription');
  const after = await updateSubscription(ctx, p.subscription, subscriptionParams(params, itemParams(params, {})));
  const known = new Set(before.items.data.map((i) => i.id));
  const added = after.items.data.find((i) => !known.has(i.id));
  if (!added) throw new Error('the subscription update added no item');
  return added;
}

/** POST /v1/subscription_items/:id: a new price, quantity, metadata or tax rates. */
export async function updateSubscriptionItem(ctx: Ctx, id: string, params: FormObject): Promise<SubscriptionItem> {
  parseParams(updateShape, params);
  const sub = await subscriptionOfItem(ctx, id);
  return itemOf(await updateSubscription(ctx, sub.id, subscriptionParams(params, itemParams(params, { id }))), id);
}

/** DELETE /v1/subscription_items/:id: removes the item (a subscription keeps one at least). */
export async function deleteSubscriptionItem(ctx: Ctx, id: string, params: FormObject): Promise<{ id: string; object: 'subscription_item'; deleted: true }> {
  const p = parseParams(deleteShape, params);
  const sub = await subscriptionOfItem(ctx, id);
  const item: FormObject = { id, deleted: 'true', ...(p.clear_usage !== undefined ? { clear_usage: String(p.clear_usage) } : {}) };
  await updateSubscription(ctx, sub.id, subscriptionParams(params, item));
  return { id, object: 'subscription_item', deleted: true };
}

const id = (req: { path: Record<string, string | undefined> }) => req.path.id as string;

export const subscriptionItemRoutes: Route[] = [
  { method: 'POST', path: '/v1/subscription_items', handler: (ctx, req) => createSubscriptionItem(ctx, req.params) },
  {
    method: 'GET',
    path: '/v1/subscription_items/:id',
    async handler(ctx, req) {
      parseParams({}, req.params);
      return itemOf(await subscriptionOfItem(ctx, id(req)), id(req));
    },
  },
  { method: 'POST', path: '/v1/subscription_items/:id', handler: (ctx, req) => updateSubscriptionItem(ctx, id(req), req.params) },
  { method: 'DELETE', path: '/v1/subscription_items/:id', handler: (ctx, req) => deleteSubscriptionItem(ctx, id(req), req.params) },
  {
    method: 'GET',
    path: '/v1/subscription_items',
    async handler(ctx, req) {
      const p = parseParams({ ...listParams, subscription: required(str({ max: 5000 })) }, req.params);
      const page = toPage(p);
      const sub = await findSubscription(ctx, p.subscription);
      if (!sub) throw errors.missingResource('subscription', p.subscription, 'subscription');
      return listObject(req.url, pageInMemory(sub.items.data, page), 'subscription_item', page);
    },
  },
];

/** The item `id` for `expand[]` (`si_`), or undefined. */
export async function findSubscriptionItem(ctx: Ctx, itemId: string): Promise<SubscriptionItem | undefined> {
  try {
    return itemOf(await subscriptionOfItem(ctx, itemId), itemId);
  } catch {
    return undefined;
  }
}
