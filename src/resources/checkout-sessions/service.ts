import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { listObject, listParams, pageInMemory, toPage } from '../../api/list.js';
import { arr, mergeMetadata, metadata, obj, parseParams, required, str, unset, type Field } from '../../api/params.js';
import type { FormValue } from '../../api/form.js';
import { adjustSession, type DetailsAdjustment } from '../../checkout/adjust.js';
import { resolveShippingRate } from '../shipping-rates/service.js';
import { emit } from '../../events/emit.js';
import { cancel, type Job } from '../../scheduler/jobs.js';
import { businessNow } from '../test-clocks/store.js';
import { cancelExpiredSessionIntent } from '../payment-intents/capture.js';
import { withRecoveryUrl } from './recovery.js';
import { present, type Session, type StoredSession } from './shape.js';
import { EXPIRE_JOB, loadLineItems, loadSession, lockSession, saveSession, sessions } from './store.js';

export { createSession, customerDetails } from './create.js';

/** GET /v1/checkout/sessions/:id. */
export async function retrieveSession(ctx: Ctx, id: string): Promise<Session> {
  return present(await loadSession(ctx, id, 'session'));
}

const passthrough: Field<FormValue | undefined> = { parse: (value) => value };

const updateShape = {
  metadata: metadata(),
  shipping_options: unset(arr(obj({ shipping_rate: str({ max: 5000 }), shipping_rate_data: passthrough }), { max: 5 })),
  collected_information: obj({
    shipping_details: obj({
      name: required(str({ max: 5000 })),
      address: required(
        obj({
          country: required(str({ max: 2 })),
          line1: required(str({ max: 5000 })),
          line2: str({ max: 5000 }),
          city: str({ max: 5000 }),
          postal_code: str({ max: 5000 }),
          state: str({ max: 5000 }),
        }),
      ),
    }),
  }),
};

/**
 * POST /v1/checkout/sessions/:id: `metadata`; and, on an open `embedded_page` or `elements`
 * session, what a merchant's server sets while the buyer pays (docs/decisions.md#shipping-details-from-the-server):
 * `collected_information.shipping_details` and `shipping_options` (payment mode), repriced
 * through Checkout's rules.
 */
export async function updateSession(ctx: Ctx, id: string, params: FormObject): Promise<Session> {
  const p = parseParams(updateShape, params);
  const s = await lockSession(ctx, id);
  const next: StoredSession = { ...s, metadata: mergeMetadata(s.metadata, p.metadata) };
  const changes: DetailsAdjustment[] = [];
  const details = p.collected_information?.shipping_details;
  if (details || p.shipping_options !== undefined) {
    const param = details ? 'collected_information' : 'shipping_options';
    if (s.ui_mode !== 'embedded_page' && s.ui_mode !== 'elements') {
      throw errors.invalid(`\`${param}\` can only be updated on a Checkout Session with \`ui_mode\` \`embedded_page\` or \`elements\`.`, param);
    }
    if (s.status !== 'open') throw errors.invalid('This Checkout Session is no longer open.', param, 'checkout_session_not_open');
  }
  if (details) {
    const a = details.address;
    const address = { city: a.city ?? null, country: a.country.toUpperCase(), line1: a.line1, line2: a.line2 ?? null, postal_code: a.postal_code ?? null, state: a.state ?? null };
    changes.push({ kind: 'shipping_details', details: { name: details.name, address } });
  }
  if (p.shipping_options !== undefined) {
    if (s.mode !== 'payment') throw errors.invalid('You can only specify `shipping_options` in `payment` mode.', 'shipping_options');
    const rates = [];
    for (const [i, option] of (p.shipping_options ?? []).entries()) rates.push(await resolveShippingRate(ctx, option, `shipping_options[${i}]`, s.currency ?? 'usd'));
    changes.push({ kind: 'shipping_options', rates });
  }
  await saveSession(ctx, next);
  let after = next;
  for (const change of changes) after = (await adjustSession(ctx, id, change)).session;
  return present(after);
}

const listShape = { ...listParams, customer: str(), payment_intent: str(), payment_link: str(), subscription: str(), status: str() };

/** GET /v1/checkout/sessions: newest first, filters `customer`, `payment_intent`, `payment_link`, `subscription`, `status`, `created`. */
export async function listSessions(ctx: Ctx, params: FormObject, url: string) {
  const p = parseParams(listShape, params);
  const page = toPage(p);
  const filter: Record<string, string> = {};
  if (p.customer !== undefined) filter.customer_id = p.customer;
  if (p.payment_intent !== undefined) filter.payment_intent_id = p.payment_intent;
  if (p.payment_link !== undefined) filter.payment_link_id = p.payment_link;
  if (p.subscription !== undefined) filter.subscription_id = p.subscription;
  if (p.status !== undefined) filter.status = p.status;
  const result = await sessions.list(ctx.db, ctx.account, filter, page);
  return listObject(url, { ...result, data: result.data.map(present) }, 'checkout.session', page);
}

/** Expires an open session (endpoint or the expiry job) and writes `checkout.session.expired`. */
async function expire(ctx: Ctx, s: StoredSession): Promise<StoredSession> {
  const now = await businessNow(ctx, s._internal.test_clock);
  const next: StoredSession = withRecoveryUrl(ctx, { ...s, status: 'expired', url: null }, now);
  await saveSession(ctx, next);
  await cancel(ctx, EXPIRE_JOB, s.id);
  if (s.payment_intent) await cancelExpiredSessionIntent(ctx, s.payment_intent, now);
  await emit(ctx, 'checkout.session.expired', present(next), undefined, now);
  return next;
}

/** POST /v1/checkout/sessions/:id/expire: an open session expires now; any other is refused. */
export async function expireSession(ctx: Ctx, id: string, params: FormObject): Promise<Session> {
  parseParams({}, params);
  const s = await lockSession(ctx, id);
  if (s.status !== 'open') {
    throw errors.invalid(`Only Checkout Sessions with a status of \`open\` can be expired. This Checkout Session has a status of \`${s.status}\`.`, undefined, 'checkout_session_not_open');
  }
  return present(await expire(ctx, s));
}

/** Runs a session's expiry job: a session still open at `expires_at` expires. */
export async function runExpireJob(ctx: Ctx, job: Job): Promise<void> {
  const s = await lockSession(ctx, job.subject_id);
  if (s.status === 'open') await expire(ctx, s);
}

/** GET /v1/checkout/sessions/:id/line_items: the session's items in order, with Stripe's cursors. */
export async function listLineItems(ctx: Ctx, id: string, params: FormObject, url: string) {
  const p = parseParams(listParams, params);
  const page = toPage(p);
  await loadSession(ctx, id, 'session');
  const items = await loadLineItems(ctx, id);
  return listObject(url, pageInMemory(items, page), 'line item', page);
}

/**
 * `total_details.breakdown`, served only when expanded as on Stripe: the discounts and taxes that
 * add up to the session's totals, kept from its last pricing (empty for a session never priced).
 */
export async function totalsBreakdown(ctx: Ctx, id: string): Promise<{ discounts: unknown[]; taxes: unknown[] }> {
  const s = await loadSession(ctx, id);
  return s._internal.pricing?.breakdown ?? { discounts: [], taxes: [] };
}
