/**
 * Payment Links (`/v1/payment_links`, docs/decisions.md#payment-links): a link keeps Checkout
 * Session settings, and each visit of its URL makes a fresh session of them through
 * `createSession`. A link's settings are checked by `prepareSession`, the same code as a session
 * create, so a link is refused for exactly what its sessions would be refused for.
 */
import type { Ctx } from '../../api/context.js';
import { errors, StripeError } from '../../api/errors.js';
import type { FormObject, FormValue } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, listParams, pageInMemory, toPage } from '../../api/list.js';
import { bool, mergeMetadata, parseParams, type Metadata } from '../../api/params.js';
import { RawJson } from '../../api/raw.js';
import { unixNow } from '../../clock.js';
import { emit, previousAttributes } from '../../events/emit.js';
import type { Filter } from '../../store/objects.js';
import { createSession, prepareSession } from '../checkout-sessions/create.js';
import type { Session } from '../checkout-sessions/shape.js';
import { nameCollectionField, optionalItemsField } from '../checkout-sessions/stored.js';
import { findPrice } from '../prices/service.js';
import { linkCreateShape, linkUpdateShape, type LinkCreateParams, type LinkSettings, type LinkUpdateParams } from './params.js';
import type { LinkCustomField, LinkLineItem, LinkMode, PaymentLink } from './shape.js';
import { findLinkByToken, insertLink, loadLink, paymentLinks, saveLink, type LinkRecord, type StoredLineItem, type StoredSettings } from './store.js';

export { findLinkByToken };

/** At most this many line items and optional items together, as on Stripe. */
const MAX_ITEMS = 20;

/** Update params that change nothing a session is made from: the link is not checked again for them. */
const LINK_ONLY = new Set(['active', 'metadata', 'inactive_message', 'restrictions']);

/** Update params whose hashes merge into the current ones (their keys are unset one by one). */
const MERGED = new Set(['payment_intent_data', 'subscription_data', 'custom_text']);

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** A typed param value as the form value a session create reads (`null` and `undefined` left out). */
function toForm(value: unknown): FormValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(toForm).filter((v): v is FormValue => v !== undefined);
  const out: FormObject = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const f = toForm(v);
    if (f !== undefined) out[k] = f;
  }
  return out;
}

/** The mode a link's prices give its sessions: `subscription` when any line item recurs. */
async function modeOf(ctx: Ctx, items: LinkCreateParams['line_items']): Promise<LinkMode> {
  for (const item of items) {
    const data = item.price_data;
    if (data !== undefined) {
      if (typeof data === 'object' && !Array.isArray(data) && data.recurring !== undefined) return 'subscription';
    } else if (item.price !== undefined && (await findPrice(ctx, item.price))?.recurring) {
      return 'subscription';
    }
  }
  return 'payment';
}

/**
 * What a link refuses that a session has no word for: the Connect params of the other mode,
 * `payment_method_collection` without a recurring price, an `after_completion` whose settings are
 * not of its `type`, more than 20 line and optional items.
 */
function checkLinkRules(p: LinkSettings, mode: LinkMode, lineItemCount: number): void {
  if (mode === 'subscription' && p.application_fee_amount !== undefined) {
    throw errors.invalid('`application_fee_amount` can only be used when there are no line items with recurring prices; use `application_fee_percent`.', 'application_fee_amount');
  }
  if (mode === 'subscription' && p.transfer_data?.amount !== undefined) {
    throw errors.invalid('`transfer_data[amount]` can only be used when there are no line items with recurring prices.', 'transfer_data[amount]');
  }
  if (mode === 'payment' && p.application_fee_percent !== undefined) {
    throw errors.invalid('`application_fee_percent` requires at least one line item with a recurring price; use `application_fee_amount`.', 'application_fee_percent');
  }
  if (mode === 'payment' && p.payment_method_collection !== undefined) {
    throw errors.invalid('`payment_method_collection` can only be set when the payment link has a line item with a recurring price.', 'payment_method_collection');
  }
  const ac = p.after_completion;
  if (ac?.type === 'redirect' && !ac.redirect) throw errors.missingParam('after_completion[redirect]');
  if (ac?.type === 'redirect' && ac.hosted_confirmation) {
    throw errors.invalid('`after_completion[hosted_confirmation]` can only be set when `after_completion[type]` is `hosted_confirmation`.', 'after_completion[hosted_confirmation]');
  }
  if (ac?.type === 'hosted_confirmation' && ac.redirect) {
    throw errors.invalid('`after_completion[redirect]` can only be set when `after_completion[type]` is `redirect`.', 'after_completion[redirect]');
  }
  if (lineItemCount + (p.optional_items?.length ?? 0) > MAX_ITEMS) {
    throw errors.invalid(`A payment link can have at most ${MAX_ITEMS} line items and optional items combined.`, 'optional_items');
  }
}

/**
 * The Checkout Session params a link stands for: its settings in the session's names (the
 * Connect params under the mode's `*_data`, `after_completion[redirect][url]` as `success_url`),
 * its metadata, and the line items given.
 */
function sessionParams(s: StoredSettings, lineItems: FormValue[], metadata: Metadata): FormObject {
  const p = s.params;
  const connect = p.application_fee_amount !== undefined || p.application_fee_percent !== undefined || p.on_behalf_of !== undefined || p.transfer_data !== undefined;
  const payment =
    s.mode === 'payment' && connect
      ? { ...p.payment_intent_data, application_fee_amount: p.application_fee_amount, on_behalf_of: p.on_behalf_of, transfer_data: p.transfer_data }
      : p.payment_intent_data;
  const subscription =
    s.mode === 'subscription' && connect
      ? {
          ...p.subscription_data,
          application_fee_percent: p.application_fee_percent,
          on_behalf_of: p.on_behalf_of,
          transfer_data: p.transfer_data ? { destination: p.transfer_data.destination } : undefined,
        }
      : p.subscription_data;
  return toForm({
    mode: s.mode,
    line_items: lineItems,
    allow_promotion_codes: p.allow_promotion_codes,
    automatic_tax: p.automatic_tax,
    billing_address_collection: p.billing_address_collection,
    consent_collection: p.consent_collection,
    currency: p.currency,
    custom_fields: p.custom_fields,
    custom_text: p.custom_text,
    customer_creation: p.customer_creation,
    invoice_creation: p.invoice_creation,
    managed_payments: p.managed_payments,
    metadata,
    name_collection: p.name_collection,
    optional_items: p.optional_items,
    payment_intent_data: payment,
    payment_method_collection: p.payment_method_collection,
    payment_method_options: p.payment_method_options,
    payment_method_types: p.payment_method_types,
    phone_number_collection: p.phone_number_collection,
    shipping_address_collection: p.shipping_address_collection,
    shipping_options: p.shipping_options,
    submit_type: p.submit_type,
    subscription_data: subscription,
    success_url: p.after_completion?.type === 'redirect' ? p.after_completion.redirect?.url : undefined,
    tax_id_collection: p.tax_id_collection,
  }) as FormObject;
}

/** A link's line items as the session's `line_items` param: by price id, with their quantities. */
function itemsParam(items: StoredLineItem[]): FormValue[] {
  return items.map((li) => toForm({ price: li.price, quantity: li.quantity, adjustable_quantity: li.adjustable_quantity }) as FormObject);
}

/** A line item as kept: the price by its id (the row stays small; the list reads the price). */
function kept(li: LinkLineItem): StoredLineItem {
  return { ...li, price: (li.price as { id: string }).id };
}

/** Line items as served: each price read from its owner, as it is now. */
async function served(ctx: Ctx, items: StoredLineItem[]): Promise<LinkLineItem[]> {
  const out: LinkLineItem[] = [];
  for (const li of items) out.push({ ...li, price: (await findPrice(ctx, li.price)) ?? li.price });
  return out;
}

/** Session params a link names otherwise (Connect params, the redirect): an error about one names the link's. */
const LINK_NAMES: Array<[RegExp, string]> = [
  [/^payment_intent_data\[(application_fee_amount|on_behalf_of)\]/, '$1'],
  [/^payment_intent_data\[transfer_data\]/, 'transfer_data'],
  [/^subscription_data\[(application_fee_percent|on_behalf_of)\]/, '$1'],
  [/^subscription_data\[transfer_data\]/, 'transfer_data'],
  [/^success_url$/, 'after_completion[redirect][url]'],
];

function inLinkNames(err: unknown): unknown {
  if (!(err instanceof StripeError) || err.body.param === undefined) return err;
  const param = err.body.param;
  for (const [pattern, name] of LINK_NAMES) {
    if (pattern.test(param)) return new StripeError(err.status, { ...err.body, param: param.replace(pattern, name) }, err.remember);
  }
  return err;
}

/** What a link serves that its checked session decided: the currency and the shipping options with their amounts. */
interface Derived {
  currency: string;
  shipping_options: PaymentLink['shipping_options'];
}

/** Checks a link's settings as a session create would, storing nothing; returns its line items as a session starts with them. */
async function check(ctx: Ctx, s: StoredSettings, lineItems: FormValue[], metadata: Metadata, id: string): Promise<{ items: LinkLineItem[]; derived: Derived }> {
  try {
    const prepared = await prepareSession(ctx, sessionParams(s, lineItems, metadata), { paymentLink: id, inlinePrices: s.inlinePrices });
    return { items: prepared.named, derived: { currency: prepared.session.currency as string, shipping_options: prepared.session.shipping_options } };
  } catch (err) {
    throw inLinkNames(err);
  }
}

function customField(f: NonNullable<LinkSettings['custom_fields']>[number]): LinkCustomField {
  const lengths = (t: { default_value?: string; maximum_length?: number; minimum_length?: number } | undefined) => ({
    default_value: orNull(t?.default_value),
    maximum_length: orNull(t?.maximum_length),
    minimum_length: orNull(t?.minimum_length),
  });
  return {
    ...(f.type === 'dropdown' ? { dropdown: { default_value: orNull(f.dropdown?.default_value), options: (f.dropdown?.options ?? []).map((o) => ({ label: o.label, value: o.value })) } } : {}),
    key: f.key,
    label: { custom: f.label.custom, type: 'custom' },
    ...(f.type === 'numeric' ? { numeric: lengths(f.numeric) } : {}),
    optional: f.optional ?? false,
    ...(f.type === 'text' ? { text: lengths(f.text) } : {}),
    type: f.type,
  };
}

type Issuer = { account?: string | undefined; type: 'account' | 'self' };
const issuer = (i: Issuer): { account?: string; type: 'account' | 'self' } => ({ ...(i.account ? { account: i.account } : {}), type: i.type });

interface LinkBase {
  id: string;
  url: string;
  active: boolean;
  metadata: Metadata;
  completed: number;
}

/** The PaymentLink object of a link's settings, with Stripe's defaults for what was not set. */
function buildLink(b: LinkBase, s: StoredSettings, d: Derived): PaymentLink {
  const p = s.params;
  const subscription = s.mode === 'subscription';
  const ac = p.after_completion;
  const invoice = p.invoice_creation;
  const invoiceData = invoice?.invoice_data;
  const pid = p.payment_intent_data;
  const sub = p.subscription_data;
  const text = p.custom_text;
  const message = (m: { message: string } | null | undefined) => (m ? { message: m.message } : null);
  const pmo = p.payment_method_options;
  const consent = p.consent_collection;
  const settings = sub?.invoice_settings;
  return {
    id: b.id,
    object: 'payment_link',
    active: b.active,
    after_completion:
      ac?.type === 'redirect' && ac.redirect
        ? { redirect: { url: ac.redirect.url }, type: 'redirect' }
        : { hosted_confirmation: { custom_message: orNull(ac?.hosted_confirmation?.custom_message) }, type: 'hosted_confirmation' },
    allow_promotion_codes: p.allow_promotion_codes ?? false,
    application: null,
    application_fee_amount: orNull(p.application_fee_amount),
    application_fee_percent: orNull(p.application_fee_percent),
    automatic_tax: p.automatic_tax?.enabled
      ? { enabled: true, liability: p.automatic_tax.liability ? issuer(p.automatic_tax.liability) : { type: 'self' } }
      : { enabled: false, liability: null },
    billing_address_collection: p.billing_address_collection ?? 'auto',
    consent_collection: consent
      ? {
          payment_method_reuse_agreement: consent.payment_method_reuse_agreement ? { position: consent.payment_method_reuse_agreement.position } : null,
          promotions: orNull(consent.promotions),
          terms_of_service: orNull(consent.terms_of_service),
        }
      : null,
    currency: d.currency,
    custom_fields: (p.custom_fields ?? []).map(customField),
    custom_text: {
      after_submit: message(text?.after_submit),
      shipping_address: message(text?.shipping_address),
      submit: message(text?.submit),
      terms_of_service_acceptance: message(text?.terms_of_service_acceptance),
    },
    customer_creation: p.customer_creation ?? 'if_required',
    inactive_message: orNull(p.inactive_message),
    invoice_creation: subscription
      ? null
      : {
          enabled: invoice?.enabled ?? false,
          invoice_data: {
            account_tax_ids: invoiceData?.account_tax_ids ?? null,
            custom_fields: invoiceData?.custom_fields ?? null,
            description: orNull(invoiceData?.description),
            footer: orNull(invoiceData?.footer),
            issuer: invoiceData?.issuer ? issuer(invoiceData.issuer) : null,
            metadata: mergeMetadata({}, invoiceData?.metadata),
            rendering_options: invoiceData?.rendering_options
              ? { amount_tax_display: invoiceData.rendering_options.amount_tax_display ?? null, template: orNull(invoiceData.rendering_options.template) }
              : null,
          },
        },
    livemode: false,
    managed_payments: p.managed_payments ? { enabled: p.managed_payments.enabled ?? false } : null,
    metadata: b.metadata,
    ...nameCollectionField(p),
    on_behalf_of: orNull(p.on_behalf_of),
    ...optionalItemsField(p),
    payment_intent_data: pid
      ? {
          capture_method: orNull(pid.capture_method),
          description: orNull(pid.description),
          metadata: mergeMetadata({}, pid.metadata),
          setup_future_usage: orNull(pid.setup_future_usage),
          statement_descriptor: orNull(pid.statement_descriptor),
          statement_descriptor_suffix: orNull(pid.statement_descriptor_suffix),
          transfer_group: orNull(pid.transfer_group),
        }
      : null,
    payment_method_collection: p.payment_method_collection ?? 'always',
    payment_method_options: pmo
      ? { card: pmo.card ? { restrictions: pmo.card.restrictions ? { brands_blocked: pmo.card.restrictions.brands_blocked ?? [] } : null } : null }
      : null,
    payment_method_types: p.payment_method_types ?? null,
    phone_number_collection: { enabled: p.phone_number_collection?.enabled ?? false },
    restrictions: p.restrictions ? { completed_sessions: { count: b.completed, limit: p.restrictions.completed_sessions.limit } } : null,
    shipping_address_collection: p.shipping_address_collection ? { allowed_countries: p.shipping_address_collection.allowed_countries } : null,
    shipping_options: d.shipping_options,
    submit_type: p.submit_type ?? 'auto',
    subscription_data: subscription
      ? {
          description: orNull(sub?.description),
          invoice_settings: {
            account_tax_ids: settings?.account_tax_ids ?? null,
            custom_fields: settings?.custom_fields ?? null,
            description: orNull(settings?.description),
            footer: orNull(settings?.footer),
            issuer: settings?.issuer ? issuer(settings.issuer) : { type: 'self' },
          },
          metadata: mergeMetadata({}, sub?.metadata),
          trial_period_days: orNull(sub?.trial_period_days),
          trial_settings: sub?.trial_settings ? { end_behavior: { missing_payment_method: sub.trial_settings.end_behavior.missing_payment_method } } : null,
        }
      : null,
    tax_id_collection: { enabled: p.tax_id_collection?.enabled ?? false, required: p.tax_id_collection?.required ?? 'never' },
    transfer_data: p.transfer_data ? { amount: orNull(p.transfer_data.amount), destination: p.transfer_data.destination } : null,
    url: b.url,
  };
}

/** Settings as kept: without the top-level metadata (the object's) and with nested metadata resolved. */
function keptSettings(p: LinkSettings & { metadata?: unknown }): LinkSettings {
  const { metadata: _metadata, ...rest } = p;
  const out: LinkSettings = { ...rest };
  if (rest.payment_intent_data?.metadata !== undefined) out.payment_intent_data = { ...rest.payment_intent_data, metadata: mergeMetadata({}, rest.payment_intent_data.metadata) };
  if (rest.subscription_data?.metadata !== undefined) out.subscription_data = { ...rest.subscription_data, metadata: mergeMetadata({}, rest.subscription_data.metadata) };
  return out;
}

/** Whether the link may open a session now: active, and below its completed sessions limit. */
function available(r: LinkRecord): boolean {
  const limit = r.settings.params.restrictions?.completed_sessions.limit;
  return r.link.active && (limit === undefined || r.settings.completed < limit);
}

async function requireLink(ctx: Ctx, id: string, lock = false): Promise<LinkRecord> {
  const r = await loadLink(ctx, id, lock);
  if (!r) throw errors.missingResource('payment_link', id);
  return r;
}

/** POST /v1/payment_links: a link and `payment_link.created`, in the request's transaction. */
export async function createPaymentLink(ctx: Ctx, params: FormObject): Promise<PaymentLink> {
  const { line_items: lineItems, ...rest } = parseParams(linkCreateShape, params);
  if (lineItems.length === 0) throw errors.missingParam('line_items');
  const id = newId('plink_');
  const settings: StoredSettings = { mode: await modeOf(ctx, lineItems), params: keptSettings(rest), completed: 0, inlinePrices: [] };
  checkLinkRules(settings.params, settings.mode, lineItems.length);
  const metadata = mergeMetadata({}, rest.metadata);
  const given = lineItems.map((li) => toForm(li) as FormObject);
  const { items, derived } = await check(ctx, settings, given, metadata, id);
  // Prices named by id are active (the check refuses others): the inactive ones are price_data's.
  settings.inlinePrices = items.filter((li) => !(li.price as { active: boolean }).active).map((li) => (li.price as { id: string }).id);
  // Time-ordered like ids (api/ids.ts), so tokens made together share an index page; 16 random characters.
  const token = `test_${newId('')}`;
  const link = buildLink({ id, url: `${ctx.deps.publicUrl()}/b/${token}`, active: true, metadata, completed: 0 }, settings, derived);
  await insertLink(ctx, { link, settings, lineItems: items.map(kept) }, unixNow(ctx.deps.clock), token);
  await emit(ctx, 'payment_link.created', link);
  return link;
}

/** GET /v1/payment_links/:id, as stored and served. */
export async function retrievePaymentLink(ctx: Ctx, id: string): Promise<RawJson> {
  const text = await paymentLinks.getText(ctx.db, ctx.account, id);
  if (text === undefined) throw errors.missingResource('payment_link', id);
  return new RawJson(text);
}

/**
 * The message a link's `after_completion: hosted_confirmation` shows once its session is paid,
 * or null (a redirect, no message, no such link): the hosted page shows it in place of its own
 * "payment complete" text, as Stripe's confirmation page does.
 */
export async function linkConfirmationMessage(ctx: Ctx, id: string): Promise<string | null> {
  const text = await paymentLinks.getText(ctx.db, ctx.account, id);
  if (text === undefined) return null;
  const link = JSON.parse(text) as Pick<PaymentLink, 'after_completion'>;
  return link.after_completion.type === 'hosted_confirmation' ? (link.after_completion.hosted_confirmation?.custom_message ?? null) : null;
}

/** The update's hashes merged into the current settings; `null` (a param sent as `''`) unsets. */
function mergeSettings(current: LinkSettings, u: LinkUpdateParams): LinkSettings {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(u)) {
    if (key === 'active' || key === 'line_items' || key === 'metadata') continue;
    if (value === null) delete next[key];
    else if (MERGED.has(key)) {
      const hash: Record<string, unknown> = { ...(next[key] as Record<string, unknown> | undefined) };
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === null) delete hash[k];
        else if (k === 'metadata') hash[k] = mergeMetadata((hash[k] as Metadata | undefined) ?? {}, v as Record<string, string | null>);
        else hash[k] = v;
      }
      next[key] = hash;
    } else next[key] = value;
  }
  return next as LinkSettings;
}

/** The line items with the update's quantities and adjustable quantities, each named by its id. */
function updatedItems(items: StoredLineItem[], updates: NonNullable<LinkUpdateParams['line_items']>): StoredLineItem[] {
  const next = items.map((li) => ({ ...li }));
  updates.forEach((u, i) => {
    const li = next.find((x) => x.id === u.id);
    if (!li) throw errors.invalid(`The line item \`${u.id}\` is not one of this payment link's line items.`, `line_items[${i}][id]`);
    if (u.quantity !== undefined) li.quantity = u.quantity;
    if (u.adjustable_quantity !== undefined) {
      const a = u.adjustable_quantity;
      li.adjustable_quantity = { enabled: a.enabled, maximum: a.maximum ?? null, minimum: a.minimum ?? null };
    }
  });
  return next;
}

/**
 * POST /v1/payment_links/:id: `active`, line item quantities, and the settings; whatever a
 * session is made from is checked again as a session create. Writes `payment_link.updated`.
 */
export async function updatePaymentLink(ctx: Ctx, id: string, params: FormObject): Promise<PaymentLink> {
  const u = parseParams(linkUpdateShape, params);
  const current = await requireLink(ctx, id, true);
  const settings: StoredSettings = { ...current.settings, params: keptSettings(mergeSettings(current.settings.params, u)) };
  const metadata = mergeMetadata(current.link.metadata, u.metadata);
  let lineItems = u.line_items ? updatedItems(current.lineItems, u.line_items) : current.lineItems;
  let derived: Derived = { currency: current.link.currency, shipping_options: current.link.shipping_options };
  if (Object.keys(u).some((k) => !LINK_ONLY.has(k))) {
    checkLinkRules(settings.params, settings.mode, lineItems.length);
    const checked = await check(ctx, settings, itemsParam(lineItems), metadata, id);
    // The amounts follow the new quantities; the ids stay the link's.
    lineItems = checked.items.map((li, i) => ({ ...kept(li), id: (lineItems[i] as StoredLineItem).id }));
    derived = checked.derived;
  }
  const limit = settings.params.restrictions?.completed_sessions.limit;
  const completed = settings.completed;
  if (u.active === true && limit !== undefined && completed >= limit) {
    throw errors.invalid(
      `This payment link has reached its limit of ${limit} completed sessions. Raise or remove \`restrictions[completed_sessions][limit]\` to reactivate it.`,
      'active',
    );
  }
  const link = buildLink({ id, url: current.link.url, active: u.active ?? current.link.active, metadata, completed }, settings, derived);
  await saveLink(ctx, { link, settings, lineItems });
  await emit(ctx, 'payment_link.updated', link, previousAttributes(current.link, link));
  return link;
}

/** GET /v1/payment_links: newest first, filter `active`. */
export async function listPaymentLinks(ctx: Ctx, params: FormObject, url: string) {
  const p = parseParams({ ...listParams, active: bool() }, params);
  const page = toPage(p);
  const filter: Filter = p.active === undefined ? {} : { active: p.active ? 1 : 0 };
  const result = await paymentLinks.listText(ctx.db, ctx.account, filter, page);
  return listObject(url, { ...result, data: result.data.map((text) => new RawJson(text)) }, 'payment_link', page);
}

/** GET /v1/payment_links/:id/line_items: the link's items in order, with Stripe's cursors. */
export async function listPaymentLinkLineItems(ctx: Ctx, id: string, params: FormObject, url: string) {
  const p = parseParams(listParams, params);
  const page = toPage(p);
  const r = await requireLink(ctx, id);
  const result = pageInMemory(r.lineItems, page);
  return listObject(url, { ...result, data: await served(ctx, result.data) }, 'line item', page);
}

/** `expand[]=line_items` on a link: its first page of line items. */
export function expandLineItems(ctx: Ctx, parent: Record<string, unknown>) {
  const id = parent.id as string;
  return listPaymentLinkLineItems(ctx, id, {}, `/v1/payment_links/${id}/line_items`);
}

/** What a visit's query may set on its session (Stripe's URL parameters of a payment link). */
export interface Visit {
  client_reference_id?: string;
  customer_email?: string;
  locale?: string;
}

/** Refused when a link no longer opens sessions (inactive, or at its completed sessions limit). */
export const LINK_INACTIVE = 'payment_link_inactive';

/**
 * A visit of the link's URL: a fresh Checkout Session of its settings, `payment_link` set, made by
 * `createSession`. What the visit's query sets is dropped when the session refuses it (a
 * malformed email or locale), as Stripe ignores a bad URL parameter rather than the visit.
 */
export async function openLinkSession(ctx: Ctx, id: string, visit: Visit): Promise<Session> {
  const r = await requireLink(ctx, id);
  if (!available(r)) throw errors.invalid('This payment link is no longer active.', undefined, LINK_INACTIVE);
  const base = sessionParams(r.settings, itemsParam(r.lineItems), r.link.metadata);
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(visit)) if (typeof v === 'string' && v !== '') extra[k] = v;
  for (;;) {
    try {
      return await createSession(ctx, { ...base, ...extra }, { paymentLink: id, inlinePrices: r.settings.inlinePrices });
    } catch (err) {
      const param = err instanceof StripeError ? err.body.param : undefined;
      if (param === undefined || !Object.hasOwn(extra, param)) throw err;
      delete extra[param];
    }
  }
}

/**
 * A session of the link completed (hook `paymentLinkSessionCompleted`, called by completion):
 * the link counts it, and at `restrictions[completed_sessions][limit]` deactivates, writing
 * `payment_link.updated`.
 */
export async function countCompletedSession(ctx: Ctx, id: string, now: number): Promise<void> {
  const current = await loadLink(ctx, id, true);
  if (!current) return;
  const completed = current.settings.completed + 1;
  const settings: StoredSettings = { ...current.settings, completed };
  const limit = settings.params.restrictions?.completed_sessions.limit;
  const active = current.link.active && (limit === undefined || completed < limit);
  const link: PaymentLink = {
    ...current.link,
    active,
    restrictions: current.link.restrictions ? { completed_sessions: { ...current.link.restrictions.completed_sessions, count: completed } } : null,
  };
  await saveLink(ctx, { link, settings, lineItems: current.lineItems });
  if (active !== current.link.active) await emit(ctx, 'payment_link.updated', link, previousAttributes(current.link, link), now);
}
