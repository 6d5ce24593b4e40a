import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, listParams, toPage } from '../../api/list.js';
import { arr, bool, mergeMetadata, metadata, nullableStr, parseParams, required, str, type Field } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { refusedHost } from '../../events/address-policy.js';
import { abandonEndpoint } from '../../events/outbox.js';
import { newWebhookSecret } from '../../events/signer.js';
import { KNOWN_EVENT_TYPES } from './event-types.js';
import type { DeletedWebhookEndpoint, WebhookEndpoint } from './shape.js';
import { webhookEndpoints } from './store.js';


/** An absolute http(s) URL. Test mode allows plain http (local receivers), as Stripe's does. */
function urlParam(): Field<string | undefined> {
  const inner = str({ max: 5000 });
  return {
    parse(value, param) {
      const s = inner.parse(value, param);
      if (s === undefined) return undefined;
      let u: URL | undefined;
      try {
        u = new URL(s);
      } catch {
        u = undefined;
      }
      if (!u || !/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
        throw errors.invalid(`Invalid URL: ${s}. An absolute URL with an explicit scheme (such as https://example.com/webhook) must be provided.`, param, 'url_invalid');
      }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') {
        throw errors.invalid(`Invalid URL: ${s}. Webhook endpoints must use http or https.`, param, 'url_invalid');
      }
      return s;
    },
  };
}

/**
 * `enabled_events`: `*` or known event types. Like Stripe, an unknown type is refused: a typo would
 * otherwise subscribe to nothing without a word.
 */
function enabledEventsParam(): Field<string[] | undefined> {
  const list = arr(str({ max: 5000 }), { max: 500 });
  return {
    parse(value, param) {
      const items = list.parse(value, param);
      if (items === undefined) return undefined;
      if (items.length === 0) throw errors.invalid(`Invalid ${param}: list at least one event type, or '*' for all events.`, param);
      items.forEach((t, i) => {
        if (t !== '*' && !KNOWN_EVENT_TYPES.has(t)) {
          throw errors.invalid(
            `Invalid ${param}[${i}]: '${t}' is not a valid event type. Use '*' for all events, or event types such as 'checkout.session.completed' (see https://docs.stripe.com/api/events/types).`,
            `${param}[${i}]`,
          );
        }
      });
      return [...new Set(items)];
    },
  };
}

const createShape = {
  url: required(urlParam()),
  enabled_events: required(enabledEventsParam()),
  description: nullableStr({ max: 5000 }),
  metadata: metadata(),
  api_version: str({ pattern: /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/, patternMessage: 'Invalid api_version: expected a Stripe API version such as 2026-10-28.endive' }),
  connect: bool(),
};
const updateShape = {
  url: urlParam(),
  enabled_events: enabledEventsParam(),
  description: nullableStr({ max: 5000 }),
  metadata: metadata(),
  disabled: bool(),
};

function columns(e: WebhookEndpoint) {
  return { status: e.status };
}

/**
 * With OPENCHECKOUT_WEBHOOK_BLOCK_PRIVATE, a URL on a private, loopback, link-local or metadata
 * address is refused as Stripe refuses one that is not publicly accessible
 * (docs/decisions.md#webhook-url-policy). Dev mode allows them: developers forward to their laptop.
 */
function checkUrlPolicy(ctx: Ctx, url: string | undefined): void {
  if (url === undefined || !ctx.deps.config.webhookBlockPrivate) return;
  const reason = refusedHost(new URL(url).hostname);
  if (reason) {
    throw errors.invalid(
      `Invalid URL: ${url}. URL must be publicly accessible: ${reason}, refused on this server (OPENCHECKOUT_WEBHOOK_BLOCK_PRIVATE). Consider using \`opencheckout listen\` to test webhooks locally.`,
      'url',
      'url_invalid',
    );
  }
}

async function requireEndpoint(ctx: Ctx, id: string, lock = false): Promise<WebhookEndpoint> {
  const e = lock ? await webhookEndpoints.getForUpdate(ctx.db, ctx.account, id) : await webhookEndpoints.get(ctx.db, ctx.account, id);
  if (!e) throw errors.missingResource('webhook_endpoint', id);
  return e;
}

/** Create: the only response that carries `secret` (`whsec_...`). */
export async function createWebhookEndpoint(ctx: Ctx, params: FormObject): Promise<WebhookEndpoint> {
  const p = parseParams(createShape, params);
  checkUrlPolicy(ctx, p.url);
  if (p.connect) throw errors.invalid('Connect webhook endpoints are not supported: this server has no connected accounts.', 'connect');
  const endpoint: WebhookEndpoint = {
    id: newId('we_'),
    object: 'webhook_endpoint',
    api_version: p.api_version ?? null,
    application: null,
    created: unixNow(ctx.deps.clock),
    description: p.description ?? null,
    enabled_events: p.enabled_events,
    livemode: false,
    metadata: mergeMetadata({}, p.metadata),
    status: 'enabled',
    url: p.url,
  };
  const secret = newWebhookSecret();
  await webhookEndpoints.insert(ctx.db, ctx.account, endpoint, { ...columns(endpoint), secret });
  return { ...endpoint, secret };
}

/** GET /v1/webhook_endpoints/:id (without its secret). */
export async function retrieveWebhookEndpoint(ctx: Ctx, id: string): Promise<WebhookEndpoint> {
  return requireEndpoint(ctx, id);
}

/** POST /v1/webhook_endpoints/:id: url, enabled_events, description, metadata, disabled. */
export async function updateWebhookEndpoint(ctx: Ctx, id: string, params: FormObject): Promise<WebhookEndpoint> {
  const p = parseParams(updateShape, params);
  checkUrlPolicy(ctx, p.url);
  // Locked: a concurrent write of the same object (another instance) applies after this one, not over it.
  const current = await requireEndpoint(ctx, id, true);
  const next: WebhookEndpoint = { ...current, metadata: mergeMetadata(current.metadata, p.metadata) };
  if (p.url !== undefined) next.url = p.url;
  if (p.enabled_events !== undefined) next.enabled_events = p.enabled_events;
  if (p.description !== undefined) next.description = p.description;
  if (p.disabled !== undefined) next.status = p.disabled ? 'disabled' : 'enabled';
  await webhookEndpoints.update(ctx.db, ctx.account, next, columns(next));
  return next;
}

/** Delete: its pending deliveries end and stop counting in their events' `pending_webhooks`. */
export async function deleteWebhookEndpoint(ctx: Ctx, id: string): Promise<DeletedWebhookEndpoint> {
  await requireEndpoint(ctx, id);
  await abandonEndpoint(ctx.db, ctx.account, id);
  await webhookEndpoints.delete(ctx.db, ctx.account, id);
  return { id, object: 'webhook_endpoint', deleted: true };
}

/** GET /v1/webhook_endpoints: newest first. */
export async function listWebhookEndpoints(ctx: Ctx, params: FormObject, url: string) {
  const p = parseParams(listParams, params);
  const page = toPage(p);
  return listObject(url, await webhookEndpoints.list(ctx.db, ctx.account, {}, page), 'webhook_endpoint', page);
}
