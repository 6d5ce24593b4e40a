import { sql } from 'kysely';
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { listObject, listParams, toPage } from '../../api/list.js';
import { arr, bool, parseParams, str } from '../../api/params.js';
import { endpointWants, enqueueDeliveries, type StripeEvent } from '../../events/emit.js';
import { loadEvent, servedEvent } from '../../events/read.js';
import type { PageResult } from '../../store/objects.js';
import { webhookEndpoints } from '../webhook-endpoints/service.js';

const listShape = {
  ...listParams,
  type: str({ max: 5000 }),
  types: arr(str({ max: 5000 }), { max: 20 }),
  delivery_success: bool(),
};

export async function retrieveEvent(ctx: Ctx, id: string): Promise<StripeEvent> {
  const event = await loadEvent(ctx.db, ctx.account, id);
  if (!event) throw errors.missingResource('event', id);
  return event;
}

/** `customer.*` -> LIKE `customer.%`, with LIKE's own wildcards in event types (`_`) escaped. */
function likePattern(type: string): string {
  return type.replace(/[\\%_]/g, (c) => `\\${c}`).replaceAll('*', '%');
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
  const page = toPage(p);
  const account = ctx.account;
  let query = ctx.db.selectFrom('events').select(['data', 'pending_webhooks']).where('account_id', '=', account);
  if (p.type !== undefined) {
    const type = p.type;
    query = type.includes('*') ? query.where(sql<boolean>`type LIKE ${likePattern(type)} ESCAPE '\\'`) : query.where('type', '=', type);
  }
  if (p.types !== undefined) {
    if (p.types.length === 0) throw errors.invalid('Invalid types: list at least one event type.', 'types');
    query = query.where('type', 'in', p.types);
  }
  if (p.delivery_success !== undefined) query = query.where('pending_webhooks', p.delivery_success ? '=' : '>', 0);
  const c = page.created;
  if (c?.gt !== undefined) query = query.where('created', '>', c.gt);
  if (c?.gte !== undefined) query = query.where('created', '>=', c.gte);
  if (c?.lt !== undefined) query = query.where('created', '<', c.lt);
  if (c?.lte !== undefined) query = query.where('created', '<=', c.lte);

  const cursorId = page.startingAfter ?? page.endingBefore;
  const backwards = page.startingAfter === undefined && page.endingBefore !== undefined;
  let result: PageResult<StripeEvent>;
  const cursor =
    cursorId === undefined
      ? undefined
      : await ctx.db.selectFrom('events').select(['created', 'seq']).where('account_id', '=', account).where('id', '=', cursorId).executeTakeFirst();
  if (cursorId !== undefined && !cursor) {
    result = { data: [], hasMore: false, missingCursor: backwards ? 'ending_before' : 'starting_after' };
  } else {
    if (cursor) {
      const op = backwards ? '>' : '<';
      query = query.where((eb) =>
        eb.or([eb('created', op, cursor.created), eb.and([eb('created', '=', cursor.created), eb('seq', op, cursor.seq)])]),
      );
    }
    const dir = backwards ? 'asc' : 'desc';
    const rows = await query.orderBy('created', dir).orderBy('seq', dir).limit(page.limit + 1).execute();
    const slice = rows.slice(0, page.limit);
    if (backwards) slice.reverse();
    result = { data: slice.map(servedEvent), hasMore: rows.length > page.limit };
  }
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
    const endpoint = await webhookEndpoints.get(ctx.db, ctx.account, p.webhook_endpoint);
    if (!endpoint) throw errors.missingResource('webhook_endpoint', p.webhook_endpoint, 'webhook_endpoint');
    if (endpoint.status !== 'enabled') {
      throw errors.invalid(`Webhook endpoint ${endpoint.id} is disabled: enable it (disabled=false) before resending events to it.`, 'webhook_endpoint');
    }
    targets = [endpoint.id];
  } else {
    const all = await webhookEndpoints.list(ctx.db, ctx.account, { status: 'enabled' }, { limit: 1000 });
    targets = all.data.filter((e) => endpointWants(e.enabled_events, event.type)).map((e) => e.id);
    if (targets.length === 0) {
      throw errors.invalid(`No enabled webhook endpoint receives ${event.type} events: pass webhook_endpoint to choose one.`, 'webhook_endpoint');
    }
  }
  await enqueueDeliveries(ctx, event.id, targets);
  await ctx.db
    .updateTable('events')
    .set((eb) => ({ pending_webhooks: eb('pending_webhooks', '+', targets.length) }))
    .where('account_id', '=', ctx.account)
    .where('id', '=', event.id)
    .execute();
  return { ...event, pending_webhooks: event.pending_webhooks + targets.length };
}
