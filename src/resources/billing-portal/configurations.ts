/**
 * `/v1/billing_portal/configurations` (docs/decisions.md#customer-portal): what the customer portal
 * lets a customer do. The account's default configuration is made on first need, with the
 * features Stripe's Dashboard turns on by default.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId, randomToken } from '../../api/ids.js';
import { listObject, listParams, toPage } from '../../api/list.js';
import { bool, mergeMetadata, parseParams } from '../../api/params.js';
import { RawJson } from '../../api/raw.js';
import { unixNow } from '../../clock.js';
import { emit, previousAttributes } from '../../events/emit.js';
import type { Filter } from '../../store/objects.js';
import { findPrice } from '../prices/service.js';
import { findProduct } from '../products/model.js';
import { configurationCreateShape, configurationUpdateShape, type FeaturesParams } from './params.js';
import type { PortalConfiguration, PortalFeatures, PortalProduct } from './shape.js';
import { configurations, findConfiguration, findDefaultConfiguration, insertConfiguration, insertDefaultConfiguration, saveConfiguration } from './store.js';

/** A feature set with everything off, as Stripe serves a configuration's unset features. */
function featuresOff(): PortalFeatures {
  return {
    customer_update: { allowed_updates: [], enabled: false },
    invoice_history: { enabled: false },
    payment_method_update: { enabled: false, payment_method_configuration: null },
    subscription_cancel: { cancellation_reason: { enabled: false, feedback_options: null, options: [] }, enabled: false, mode: 'at_period_end', proration_behavior: 'none' },
    subscription_pause: { duration: { interval_options: [], type: 'indefinite' }, enabled: false },
    subscription_update: {
      billing_cycle_anchor: null,
      default_allowed_updates: [],
      enabled: false,
      products: [],
      proration_behavior: 'none',
      schedule_at_period_end: { conditions: [] },
      trial_update_behavior: 'end_trial',
    },
  };
}

/** The products a plan change may switch among: each product exists, each price is its, recurring and active. */
async function checkProducts(ctx: Ctx, products: NonNullable<NonNullable<FeaturesParams['subscription_update']>['products']>): Promise<PortalProduct[]> {
  const out: PortalProduct[] = [];
  for (const [i, p] of products.entries()) {
    const param = `features[subscription_update][products][${i}]`;
    if (!(await findProduct(ctx, p.product))) throw errors.missingResource('product', p.product, `${param}[product]`);
    if (p.prices.length === 0) throw errors.missingParam(`${param}[prices]`);
    for (const [j, id] of p.prices.entries()) {
      const price = await findPrice(ctx, id);
      if (!price) throw errors.missingResource('price', id, `${param}[prices][${j}]`);
      if (price.product !== p.product) throw errors.invalid(`The price ${id} does not belong to the product ${p.product}.`, `${param}[prices][${j}]`);
      if (!price.recurring) throw errors.invalid(`The price ${id} is not a recurring price. Only recurring prices can be used in the customer portal.`, `${param}[prices][${j}]`);
      if (!price.active) throw errors.invalid(`The price ${id} is inactive.`, `${param}[prices][${j}]`);
    }
    const aq = p.adjustable_quantity;
    out.push({ adjustable_quantity: { enabled: aq?.enabled ?? false, maximum: aq?.maximum ?? null, minimum: aq?.minimum ?? 1 }, prices: p.prices, product: p.product });
  }
  return out;
}

/** The features after `given` is applied to `current` (a create applies to everything off). */
async function applyFeatures(ctx: Ctx, current: PortalFeatures, given: FeaturesParams | undefined): Promise<PortalFeatures> {
  const f: PortalFeatures = structuredClone(current);
  if (!given) return f;
  const cu = given.customer_update;
  if (cu) {
    if (cu.enabled !== undefined) f.customer_update.enabled = cu.enabled;
    if (cu.allowed_updates !== undefined) f.customer_update.allowed_updates = [...new Set(cu.allowed_updates ?? [])];
  }
  if (given.invoice_history) f.invoice_history.enabled = given.invoice_history.enabled;
  const pm = given.payment_method_update;
  if (pm) {
    f.payment_method_update.enabled = pm.enabled;
    if (pm.payment_method_configuration !== undefined) f.payment_method_update.payment_method_configuration = pm.payment_method_configuration;
  }
  const sc = given.subscription_cancel;
  if (sc) {
    if (sc.enabled !== undefined) f.subscription_cancel.enabled = sc.enabled;
    if (sc.mode !== undefined) f.subscription_cancel.mode = sc.mode;
    if (sc.proration_behavior !== undefined) f.subscription_cancel.proration_behavior = sc.proration_behavior;
    const r = sc.cancellation_reason;
    if (r) {
      f.subscription_cancel.cancellation_reason.enabled = r.enabled;
      if (r.options !== undefined) f.subscription_cancel.cancellation_reason.options = [...new Set(r.options ?? [])];
      if (r.feedback_options !== undefined) f.subscription_cancel.cancellation_reason.feedback_options = r.feedback_options;
      if (r.enabled && f.subscription_cancel.cancellation_reason.options.length === 0) {
        throw errors.missingParam('features[subscription_cancel][cancellation_reason][options]');
      }
    }
  }
  const sp = given.subscription_pause;
  if (sp) {
    if (sp.enabled !== undefined) f.subscription_pause.enabled = sp.enabled;
    if (sp.duration) {
      f.subscription_pause.duration = {
        type: sp.duration.type,
        interval_options: (sp.duration.interval_options ?? []).map((o) => ({ interval: o.interval, interval_count: o.interval_count ?? 1 })),
      };
    }
  }
  const su = given.subscription_update;
  if (su) {
    if (su.enabled !== undefined) f.subscription_update.enabled = su.enabled;
    if (su.billing_cycle_anchor !== undefined) f.subscription_update.billing_cycle_anchor = su.billing_cycle_anchor;
    if (su.default_allowed_updates !== undefined) f.subscription_update.default_allowed_updates = [...new Set(su.default_allowed_updates ?? [])];
    if (su.products !== undefined) f.subscription_update.products = await checkProducts(ctx, su.products ?? []);
    if (su.proration_behavior !== undefined) f.subscription_update.proration_behavior = su.proration_behavior;
    if (su.schedule_at_period_end !== undefined) f.subscription_update.schedule_at_period_end = { conditions: (su.schedule_at_period_end.conditions ?? []).map((c) => ({ type: c.type })) };
    if (su.trial_update_behavior !== undefined) f.subscription_update.trial_update_behavior = su.trial_update_behavior;
  }
  // Stripe refuses a plan change feature with nothing to change to.
  if (f.subscription_update.enabled) {
    if (f.subscription_update.default_allowed_updates.length === 0) throw errors.missingParam('features[subscription_update][default_allowed_updates]');
    if (f.subscription_update.default_allowed_updates.includes('price') && f.subscription_update.products.length === 0) {
      throw errors.missingParam('features[subscription_update][products]');
    }
  }
  return f;
}

/** The login page's URL when it is enabled (kept across updates, as Stripe keeps it). */
function loginPage(ctx: Ctx, enabled: boolean, current: string | null): { enabled: boolean; url: string | null } {
  if (!enabled) return { enabled: false, url: null };
  return { enabled: true, url: current ?? `${ctx.deps.publicUrl()}/p/login/test_${randomToken(24)}` };
}

async function insert(ctx: Ctx, c: PortalConfiguration): Promise<PortalConfiguration> {
  await insertConfiguration(ctx, c);
  await emit(ctx, 'billing_portal.configuration.created', c);
  return c;
}

/** POST /v1/billing_portal/configurations */
export async function createConfiguration(ctx: Ctx, params: FormObject): Promise<PortalConfiguration> {
  const p = parseParams(configurationCreateShape, params);
  const now = unixNow(ctx.deps.clock);
  const c: PortalConfiguration = {
    id: newId('bpc_'),
    object: 'billing_portal.configuration',
    active: true,
    application: null,
    business_profile: {
      headline: p.business_profile?.headline ?? null,
      privacy_policy_url: p.business_profile?.privacy_policy_url ?? null,
      terms_of_service_url: p.business_profile?.terms_of_service_url ?? null,
    },
    created: now,
    default_return_url: p.default_return_url ?? null,
    features: await applyFeatures(ctx, featuresOff(), p.features),
    is_default: false,
    livemode: false,
    login_page: loginPage(ctx, p.login_page?.enabled ?? false, null),
    metadata: mergeMetadata({}, p.metadata),
    name: p.name ?? null,
    updated: now,
  };
  return insert(ctx, c);
}

async function requireConfiguration(ctx: Ctx, id: string, lock = false): Promise<PortalConfiguration> {
  const c = await findConfiguration(ctx, id, lock);
  if (!c) throw errors.missingResource('billing_portal.configuration', id, 'configuration');
  return c;
}

/** GET /v1/billing_portal/configurations/:id */
export async function retrieveConfiguration(ctx: Ctx, id: string): Promise<RawJson> {
  const text = await configurations.getText(ctx.db, ctx.account, id);
  if (text === undefined) throw errors.missingResource('billing_portal.configuration', id, 'configuration');
  return new RawJson(text);
}

/** POST /v1/billing_portal/configurations/:id */
export async function updateConfiguration(ctx: Ctx, id: string, params: FormObject): Promise<PortalConfiguration> {
  const p = parseParams(configurationUpdateShape, params);
  const before = await requireConfiguration(ctx, id, true);
  if (p.active === false && before.is_default) {
    throw errors.invalid('You cannot deactivate the default configuration.', 'active');
  }
  const bp = p.business_profile;
  const after: PortalConfiguration = {
    ...before,
    active: p.active ?? before.active,
    business_profile: {
      headline: bp?.headline !== undefined ? bp.headline : before.business_profile.headline,
      privacy_policy_url: bp?.privacy_policy_url !== undefined ? bp.privacy_policy_url : before.business_profile.privacy_policy_url,
      terms_of_service_url: bp?.terms_of_service_url !== undefined ? bp.terms_of_service_url : before.business_profile.terms_of_service_url,
    },
    default_return_url: p.default_return_url !== undefined ? p.default_return_url : before.default_return_url,
    features: await applyFeatures(ctx, before.features, p.features),
    login_page: p.login_page ? loginPage(ctx, p.login_page.enabled, before.login_page.url) : before.login_page,
    metadata: mergeMetadata(before.metadata, p.metadata),
    name: p.name !== undefined ? p.name : before.name,
  };
  const changed = previousAttributes(before, after);
  if (Object.keys(changed).length === 0) return before;
  after.updated = unixNow(ctx.deps.clock);
  await saveConfiguration(ctx, after);
  await emit(ctx, 'billing_portal.configuration.updated', after, changed);
  return after;
}

/** GET /v1/billing_portal/configurations (filters `active`, `is_default`). */
export async function listConfigurations(ctx: Ctx, params: FormObject, url: string) {
  const p = parseParams({ ...listParams, active: bool(), is_default: bool() }, params);
  const page = toPage(p);
  const filter: Filter = {};
  if (p.active !== undefined) filter.active = p.active ? 1 : 0;
  if (p.is_default !== undefined) filter.is_default = p.is_default ? 1 : 0;
  const result = await configurations.listText(ctx.db, ctx.account, filter, page);
  return listObject(url, { ...result, data: result.data.map((text) => new RawJson(text)) }, 'billing_portal.configuration', page);
}

/**
 * The account's default configuration, made on first need (a session without `configuration`)
 * with what Stripe's portal settings turn on by default: invoice history, payment methods, the
 * customer's email, address, shipping, phone and tax ids, and cancelling at the period's end.
 * Two first sessions at once make one: the store allows one default per account, so the request
 * that loses the race reads the winner's (and writes no event).
 */
export async function defaultConfiguration(ctx: Ctx): Promise<PortalConfiguration> {
  const found = await findDefaultConfiguration(ctx);
  if (found) return found;
  const now = unixNow(ctx.deps.clock);
  const features = featuresOff();
  features.customer_update = { allowed_updates: ['email', 'address', 'shipping', 'phone', 'tax_id'], enabled: true };
  features.invoice_history.enabled = true;
  features.payment_method_update.enabled = true;
  features.subscription_cancel.enabled = true;
  const c: PortalConfiguration = {
    id: newId('bpc_'),
    object: 'billing_portal.configuration',
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    created: now,
    default_return_url: null,
    features,
    is_default: true,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: {},
    name: null,
    updated: now,
  };
  if (await insertDefaultConfiguration(ctx, c)) {
    await emit(ctx, 'billing_portal.configuration.created', c);
    return c;
  }
  const made = await findDefaultConfiguration(ctx);
  if (!made) throw new Error('the default portal configuration was made by another request but cannot be read');
  return made;
}

export { requireConfiguration };
