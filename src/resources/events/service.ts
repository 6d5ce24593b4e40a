import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { listObject, listParams, toPage } from '../../api/list.js';
import { arr, bool, parseParams, str } from '../../api/params.js';
import { resendEvent, type StripeEvent } from '../../events/emit.js';
import { listEvents as readEvents, loadEvent } from '../../events/read.js';
import { endpointIdsFor, findWebhookEndpoint } from '../webhook-endpoints/store.js';

const listShape = {
  ...listParams,
  type: str({ max: 5000 }),
  types: arr(str({ max: 5000 }), { max: 20 }),
  delivery_success: bool(),
};

/** GET /v1/events/:id, with its current `pending_webhooks`. */
export async function retrieveEvent(ctx: Ctx, id: string): Promise<StripeEvent> {
  const event = await loadEvent(ctx.db, ctx.account, id);
  if (!event) throw errors.missingResource('event', id);
  return event;
}

/**
 * GET /v1/events: newest first, filtered by `type` (a `*` matches any run of characters, e.g.
 * `checkout.session.*`), `types[]`, `created` and `delivery_success` (true: every endpoint got it;
 * false: some delivery is pending or failed), with Stripe's cursor pagination.
 */
export async function listEvents(ctx: Ctx, params: FormObject, url: string) {
  const p = parseParams(listShape, params);
  if (p.type !== undefined && p.types !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: type, types.', 'types');
  }
  if (p.types !== undefined && p.types.length === 0) throw errors.invalid('Invalid types: list at least one event type.', 'types');
  const page = toPage(p);
  const result = await readEvents(ctx.db, ctx.account, { type: p.type, types: p.types, deliverySuccess: p.delivery_success }, page);
  return listObject(url, result, 'event', page);
}

const retryShape = { webhook_endpoint: str({ max: 5000 }) };

/**
 * POST /v1/events/:id/retry (what the Stripe CLI's `events resend` calls): a new pending delivery
 * of the event to `webhook_endpoint`, or, without it, to every enabled endpoint that takes its type.
 * The event counts one more pending webhook per delivery until the worker delivers it.
 */
export async function retryEvent(ctx: Ctx, id: string, params: FormObject): Promise<StripeEvent> {
  const p = parseParams(retryShape, params);
  const event = await retrieveEvent(ctx, id);
  let targets: string[];
  if (p.webhook_endpoint !== undefined) {
    const endpoint = await findWebhookEndpoint(ctx.db, ctx.account, p.webhook_endpoint);
    if (!endpoint) throw errors.missingResource('webhook_endpoint', p.webhook_endpoint, 'webhook_endpoint');
    if (endpoint.status !== 'enabled') {
      throw errors.invalid(`Webhook endpoint ${endpoint.id} is disabled: enable it (disabled=false) before resending events to it.`, 'webhook_endpoint');
    }
    targets = [endpoint.id];
  } else {
    targets = await endpointIdsFor(ctx.db, ctx.account, event.type);
    if (targets.length === 0) {
      throw errors.invalid(`No enabled webhook endpoint receives ${event.type} events: pass webhook_endpoint to choose one.`, 'webhook_endpoint');
    }
  }
  await resendEvent(ctx, event.id, targets);
  return { ...event, pending_webhooks: event.pending_webhooks + targets.length };
}
