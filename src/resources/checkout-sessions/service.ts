import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { listObject, listParams, pageInMemory, toPage } from '../../api/list.js';
import { mergeMetadata, metadata, parseParams, str } from '../../api/params.js';
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

/** POST /v1/checkout/sessions/:id: `metadata` (what Stripe lets an open session change). */
export async function updateSession(ctx: Ctx, id: string, params: FormObject): Promise<Session> {
  const p = parseParams({ metadata: metadata() }, params);
  const s = await lockSession(ctx, id);
  const next: StoredSession = { ...s, metadata: mergeMetadata(s.metadata, p.metadata) };
  await saveSession(ctx, next);
  return present(next);
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
