/**
 * What the customer portal page reads and does (docs/decisions.md#customer-portal). It is a client
 * of the same services as the API: lists through the API's own routes, changes through the
 * Subscriptions, PaymentMethods and Customers services, each action in one transaction with the
 * events those services write. Every id the customer posts is checked to be the session's
 * customer's before anything is done with it.
 */
import { inTransaction, makeCtx, type Ctx, type Deps } from '../../api/context.js';
import { errors, StripeError } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { materialize } from '../../api/raw.js';
import { Router, type Route } from '../../api/router.js';
import { DEFAULT_PAYMENT_METHOD_TYPE, hostedPaymentMethodType, paymentMethodType } from '../../payment-method-types/index.js';
import { findConfiguration } from '../../resources/billing-portal/store.js';
import type { PortalConfiguration, PortalSession } from '../../resources/billing-portal/shape.js';
import { findLiveCustomer, updateCustomer } from '../../resources/customers/service.js';
import type { Customer } from '../../resources/customers/shape.js';
import { createPreview } from '../../resources/invoices/preview.js';
import { findPrice } from '../../resources/prices/service.js';
import { findProduct } from '../../resources/products/model.js';
import { createPaymentMethodOfType, customerPaymentMethods, detachPaymentMethod, findPaymentMethod } from '../../resources/payment-methods/service.js';
import type { PaymentMethod } from '../../resources/payment-methods/shape.js';
import type { Price } from '../../resources/prices/shape.js';
import { findSubscription, periodEnd, type Subscription } from '../../resources/subscriptions/service.js';
import { takePendingLines } from '../../resources/subscriptions/billing.js';
import { cancelSubscription, updateSubscription } from '../../resources/subscriptions/update.js';
import { findInvoice } from '../../resources/invoices/renewal.js';
import { discountsInEffect } from '../../resources/subscriptions/discounts.js';
import { businessNow } from '../../resources/test-clocks/store.js';
import { createSetupIntent } from '../../resources/setup-intents/create.js';
import { requireSetupIntent } from '../../resources/setup-intents/service.js';
import { activePromotionCodeId } from '../../resources/promotion-codes/service.js';
import { createCustomerTaxId, deleteCustomerTaxId } from '../../resources/tax-ids/service.js';
import type { TaxId } from '../../resources/tax-ids/shape.js';

type Json = Record<string, unknown>;

/** How far back a confirmed plan change may be prorated from: the preview it confirms is at most a visit old. */
const PRORATION_WINDOW = 60 * 60;

/** Subscriptions the portal shows: every one not yet ended. */
const SHOWN = new Set(['active', 'trialing', 'past_due', 'unpaid', 'paused', 'incomplete']);

export interface NextInvoice {
  amount: number;
  currency: string;
  date: number;
}

export interface PortalData {
  session: PortalSession;
  config: PortalConfiguration;
  customer: Customer;
  /** Each shown subscription, its next invoice (none when it is set to end or paused), and its product's name. */
  subscriptions: Array<{ sub: Subscription; next: NextInvoice | null; productName: string }>;
  paymentMethods: PaymentMethod[];
  invoices: Json[];
  /** The customer's tax IDs, when the configuration lets the customer change them. */
  taxIds: TaxId[];
  /** The email is not changed here: the login page's session was opened by proving it. */
  emailLocked: boolean;
}

/** The API's own GET routes, called in process on `ctx` (as the Dashboard reads). */
export function routeReader(routes: Route[]) {
  const router = new Router(routes);
  return async (ctx: Ctx, path: string, params: FormObject): Promise<Json> => {
    const m = router.match('GET', path);
    if (!m) throw errors.notFoundUrl('GET', path);
    return materialize(await m.route.handler(ctx, { params, path: m.params, url: path })) as Json;
  };
}
export type RouteReader = ReturnType<typeof routeReader>;

/** The period end a subscription's next invoice is dated (its items share one period). */
export function periodEndOf(sub: Subscription): number {
  return Math.min(...sub.items.data.map((i) => i.current_period_end));
}

/** Everything the portal's home shows, read on `ctx` (the read connection). */
export async function loadPortal(ctx: Ctx, read: RouteReader, session: PortalSession, loginEmail: string | null = null): Promise<PortalData | null> {
  const config = await findConfiguration(ctx, session.configuration);
  const customer = await findLiveCustomer(ctx, session.customer);
  if (!config || !customer) return null;
  const list = (await read(ctx, '/v1/subscriptions', { customer: customer.id, status: 'all', limit: '20' })) as { data: Subscription[] };
  const subscriptions: PortalData['subscriptions'] = [];
  for (const sub of list.data.filter((s) => SHOWN.has(s.status))) {
    let next: NextInvoice | null = null;
    if (!sub.cancel_at_period_end && sub.cancel_at === null && sub.status !== 'paused') {
      const preview = (await createPreview(ctx, { subscription: sub.id })) as Json;
      next = { amount: preview.amount_due as number, currency: preview.currency as string, date: periodEndOf(sub) };
    }
    const price = sub.items.data[0]?.price as unknown as { product: string | { name?: string } } | undefined;
    const product = typeof price?.product === 'string' ? await findProduct(ctx, price.product) : undefined;
    const productName = typeof price?.product === 'string' ? (product?.name ?? price.product) : (price?.product.name ?? '');
    subscriptions.push({ sub, next, productName });
  }
  const paymentMethods = config.features.payment_method_update.enabled ? (await customerPaymentMethods(ctx, customer.id)).filter((pm) => paymentMethodType(pm.type).reusable) : [];
  const invoices = config.features.invoice_history.enabled
    ? ((await read(ctx, '/v1/invoices', { customer: customer.id, limit: '24' })) as { data: Json[] }).data.filter((i) => i.status !== 'draft')
    : [];
  const cu = config.features.customer_update;
  const taxIds = cu.enabled && cu.allowed_updates.includes('tax_id') ? ((await read(ctx, `/v1/customers/${encodeURIComponent(customer.id)}/tax_ids`, { limit: '20' })) as { data: TaxId[] }).data : [];
  return { session, config, customer, subscriptions, paymentMethods, invoices, taxIds, emailLocked: loginEmail !== null };
}

/** The session's customer's subscription, or a 404-shaped refusal (another customer's is not found). */
export async function customerSubscription(ctx: Ctx, session: PortalSession, id: string): Promise<Subscription> {
  const sub = await findSubscription(ctx, id);
  if (!sub || sub.customer !== session.customer) throw errors.missingResource('subscription', id, 'subscription');
  return sub;
}

/** A price the configuration lets the customer switch to, with its product's name. */
export interface PlanChoice {
  price: Price;
  productName: string;
}

/** The prices `features.subscription_update.products` offers, in the configuration's order. */
export async function planChoices(ctx: Ctx, config: PortalConfiguration): Promise<PlanChoice[]> {
  const out: PlanChoice[] = [];
  for (const p of config.features.subscription_update.products) {
    const product = await findProduct(ctx, p.product);
    for (const id of p.prices) {
      const price = await findPrice(ctx, id);
      if (price?.active) out.push({ price, productName: product?.name ?? p.product });
    }
  }
  return out;
}

/** What the customer asks to change on a subscription: its price, its quantity, a promotion code. */
export interface ChangeRequest {
  subscription: string;
  price: string;
  quantity?: number | undefined;
  /** The code's text as typed. */
  promotionCode?: string | undefined;
}

/** What the configuration lets a customer change on one plan (`default_allowed_updates`, the product's `adjustable_quantity`). */
export interface ChangeRules {
  price: boolean;
  quantity: { min: number; max: number | null } | null;
  promotionCode: boolean;
}

/** The changes the configuration allows for a subscription moving to `priceId`. */
export function changeRules(config: PortalConfiguration, priceId: string): ChangeRules {
  const su = config.features.subscription_update;
  const product = su.products.find((p) => p.prices.includes(priceId));
  const aq = product?.adjustable_quantity;
  const quantity = aq?.enabled ? { min: Math.max(aq.minimum, 1), max: aq.maximum } : su.default_allowed_updates.includes('quantity') ? { min: 1, max: null } : null;
  return { price: su.default_allowed_updates.includes('price'), quantity, promotionCode: su.default_allowed_updates.includes('promotion_code') };
}

/** A refusal shown beside the field it names (the page words it in the customer's language). */
const refuse = (param: 'price' | 'quantity' | 'promotion_code', message: string) => errors.invalid(message, param);

/**
 * The change the customer asked for, as `updateSubscription` params: the subscription's one item
 * moved to `price` and `quantity`, a promotion code added to its discounts, each only where the
 * configuration allows it. A `subscription_update_confirm` deep link's own price, quantity and
 * discounts are the merchant's choice and need no allowance, as on Stripe.
 */
async function planChange(ctx: Ctx, session: PortalSession, config: PortalConfiguration, req: ChangeRequest, prorationDate?: number) {
  if (!config.features.subscription_update.enabled) throw errors.invalid('Changing plans is not enabled for this portal.', 'action');
  const sub = await customerSubscription(ctx, session, req.subscription);
  if (!config.features.subscription_update.products.some((p) => p.prices.includes(req.price))) throw errors.missingResource('price', req.price, 'price');
  const item = sub.items.data[0];
  if (!item) throw errors.invalid('This subscription has no item to change.', 'subscription');
  const currentPrice = (item.price as unknown as { id: string }).id;
  const quantity = req.quantity ?? item.quantity ?? 1;
  const code = req.promotionCode?.trim() || undefined;
  const deep = session.flow?.type === 'subscription_update_confirm' ? session.flow.subscription_update_confirm : null;
  const deepItem = deep?.subscription === sub.id ? deep.items[0] : undefined;
  const fromDeepLink = deepItem !== undefined && (deepItem.price ?? currentPrice) === req.price && (deepItem.quantity ?? item.quantity) === quantity && code === undefined;
  const rules = changeRules(config, req.price);
  if (!fromDeepLink) {
    if (req.price !== currentPrice && !rules.price) throw refuse('price', 'Changing the price is not enabled for this portal.');
    if (quantity !== item.quantity) {
      if (!rules.quantity) throw refuse('quantity', 'Changing the quantity is not enabled for this portal.');
      if (!Number.isInteger(quantity) || quantity < rules.quantity.min || (rules.quantity.max !== null && quantity > rules.quantity.max)) {
        throw refuse('quantity', `The quantity must be between ${rules.quantity.min} and ${rules.quantity.max ?? 'any number'}.`);
      }
    }
    if (code !== undefined && !rules.promotionCode) throw refuse('promotion_code', 'Promotion codes are not enabled for this portal.');
  }
  // A code is added to the discounts the subscription has; the Subscriptions service checks it as an id.
  const discounts: FormObject[] = [];
  if (code !== undefined) {
    const id = await activePromotionCodeId(ctx, code);
    if (!id) throw refuse('promotion_code', `No such promotion code: '${code}'`);
    discounts.push({ promotion_code: id });
  } else if (fromDeepLink && deep?.discounts) {
    for (const d of deep.discounts) discounts.push(d.coupon ? { coupon: d.coupon } : { promotion_code: d.promotion_code as string });
  }
  const changes = req.price !== currentPrice || quantity !== item.quantity || discounts.length > 0;
  if (!changes) throw refuse('price', 'Nothing to change: choose another plan, quantity or promotion code.');
  // The preview's moment prorates the change, so the confirmed numbers are the previewed ones; a
  // moment from before the page's visit could begin is refused (Stripe's portal does the same).
  const now = await businessNow(ctx, sub.test_clock);
  const at = prorationDate !== undefined && prorationDate <= now && prorationDate >= now - PRORATION_WINDOW ? prorationDate : now;
  const params: FormObject = {
    items: [{ id: item.id, ...(req.price !== currentPrice ? { price: req.price } : {}), ...(quantity !== item.quantity ? { quantity: String(quantity) } : {}) }],
    proration_behavior: config.features.subscription_update.proration_behavior,
    proration_date: String(at),
  };
  if (discounts.length > 0) params.discounts = [...(sub.discounts as string[]).map((id) => ({ discount: id })), ...discounts];
  return { sub, at, params };
}

/** What a plan change would do, shown before the customer confirms it. */
export interface ChangePreview {
  /** The prorations it adds (credit for the old price, charge for the new), in the smallest unit. */
  proration: number;
  /** What is charged at once (`always_invoice`): the invoice the change makes. */
  dueToday: number;
  /** The next invoice after the change. */
  next: NextInvoice;
  currency: string;
  /** The moment the change is prorated at: the confirm form posts it back. */
  at: number;
  /** The names of the coupons the subscription's invoices get after the change (those with a name). */
  discounts: string[];
}

class DryRun extends Error {
  constructor(readonly preview: ChangePreview) {
    super('dry run');
  }
}

/**
 * Previews a plan change by making it with the Subscriptions service and reading the next invoice
 * with the invoice preview service, in a transaction that is then rolled back: the numbers shown
 * are the ones the change will make, never a second computation.
 */
export async function previewChange(deps: Deps, account: string, session: PortalSession, config: PortalConfiguration, req: ChangeRequest, requestId: string): Promise<ChangePreview> {
  try {
    await inTransaction(
      deps,
      account,
      async (ctx) => {
        const { sub, params, at } = await planChange(ctx, session, config, req);
        const behavior = params.proration_behavior as string;
        // Made as the customer would make it: `create_prorations` leaves its prorations with the
        // Subscriptions service for the next invoice (read back here); `always_invoice` bills them
        // on an invoice at once, read back too. The dry run is rolled back, charge and all.
        await takePendingLines(ctx, sub.id);
        let after: Subscription;
        let proration: number;
        let dueToday = 0;
        if (behavior === 'always_invoice') {
          // Billed at once: the invoice the change makes (its discounts counted) is the amount due today.
          after = await updateSubscription(ctx, sub.id, params);
          const billed = after.latest_invoice && after.latest_invoice !== sub.latest_invoice ? await findInvoice(ctx, after.latest_invoice as string) : undefined;
          proration = Number(billed?.subtotal ?? 0);
          dueToday = Number(billed?.amount_due ?? 0);
        } else {
          after = await updateSubscription(ctx, sub.id, params);
          proration = (await takePendingLines(ctx, sub.id)).reduce((s, l) => s + l.amount, 0);
        }
        const preview = (await createPreview(ctx, { subscription: sub.id })) as Json;
        const currency = preview.currency as string;
        // The next invoice: the preview's, plus the prorations waiting for it (when it does not list them itself).
        const listed = (preview.lines as { data: Json[] }).data.some(isProration);
        const nextAmount = (preview.amount_due as number) + (behavior === 'create_prorations' && !listed ? proration : 0);
        const coupons = await discountsInEffect(ctx, after, await requireCustomerOf(ctx, session), at);
        const discounts = Object.values(coupons).flatMap((c) => (c.name ? [c.name] : []));
        throw new DryRun({ proration, dueToday, next: { amount: nextAmount, currency, date: periodEndOf(after) }, currency, at, discounts });
      },
      requestId,
    );
  } catch (err) {
    if (err instanceof DryRun) return err.preview;
    throw err;
  }
  throw new Error('unreachable: the dry run always rolls back');
}

/** A preview line that is a proration (stripe-node 23: `parent.*_details.proration`). */
function isProration(line: Json): boolean {
  const parent = line.parent as { invoice_item_details?: { proration?: boolean }; subscription_item_details?: { proration?: boolean } } | null;
  return parent?.invoice_item_details?.proration === true || parent?.subscription_item_details?.proration === true;
}

/** The portal's actions, each one transaction through the owning services. */
export type PortalAction =
  | { kind: 'cancel'; subscription: string; reason: string | null }
  | { kind: 'renew'; subscription: string }
  /** `option`: the index of the configuration's `interval_options` chosen (none when the pause is indefinite). */
  | { kind: 'pause'; subscription: string; option: number | null }
  | { kind: 'resume_payments'; subscription: string }
  | ({ kind: 'update'; prorationDate?: number | undefined } & ChangeRequest)
  /** `returnUrl`: where the card's 3D Secure page sends the buyer back (the portal's card view). */
  | { kind: 'add_card'; body: URLSearchParams; locale: import('../i18n.js').PageLocale; returnUrl: string }
  | { kind: 'set_default'; paymentMethod: string }
  | { kind: 'remove'; paymentMethod: string }
  | { kind: 'details'; body: URLSearchParams }
  | { kind: 'add_tax_id'; type: string; value: string }
  | { kind: 'remove_tax_id'; taxId: string };

async function customerPaymentMethod(ctx: Ctx, session: PortalSession, id: string): Promise<PaymentMethod> {
  const pm = await findPaymentMethod(ctx, id);
  if (!pm || pm.customer !== session.customer) throw errors.missingResource('payment_method', id, 'payment_method');
  return pm;
}

/** Whether the portal offers to pause a subscription: active or trialing, not set to cancel, not paused already. */
export function pausable(sub: Subscription): boolean {
  return (sub.status === 'active' || sub.status === 'trialing') && !sub.cancel_at_period_end && sub.cancel_at === null && sub.pause_collection === null;
}

function requireFeature(on: boolean): void {
  if (!on) throw errors.invalid('This action is not enabled for this portal.', 'action');
}

/**
 * The buyer is back from the 3D Secure page of a card added here (`setup_intent` and its client
 * secret in the query, as Stripe's redirect gives them). The SetupIntent must be the customer's
 * and the secret its own; succeeded, its card (attached by the SetupIntent) becomes the default.
 * Not saved (the authentication failed), the SetupIntent's error is thrown, for the card view to
 * show. Running it again changes nothing more.
 */
export async function finishAddedCard(ctx: Ctx, session: PortalSession, setupIntent: string, clientSecret: string): Promise<void> {
  const si = await requireSetupIntent(ctx, setupIntent).catch(() => null);
  if (!si || si.customer !== session.customer || si.client_secret !== clientSecret) throw errors.missingResource('setup_intent', setupIntent, 'setup_intent');
  if (si.status !== 'succeeded' || !si.payment_method) {
    const e = si.last_setup_error;
    throw new StripeError(402, { type: 'card_error', code: e?.code ?? 'setup_intent_authentication_failure', message: e?.message ?? 'This card could not be saved. Try another card.' });
  }
  const customer = await requireCustomerOf(ctx, session);
  if (customer.invoice_settings.default_payment_method !== si.payment_method) {
    await updateCustomer(ctx, customer.id, { invoice_settings: { default_payment_method: si.payment_method } });
  }
}

/** What an action leaves to the buyer: nothing, or the 3D Secure page of the card just added. */
export type ActionOutcome = { authenticateAt: string } | undefined;

/** Runs one action for the session's customer; throws the services' StripeErrors (or a form error for the card). */
export async function runAction(ctx: Ctx, session: PortalSession, config: PortalConfiguration, a: PortalAction, loginEmail: string | null = null): Promise<ActionOutcome> {
  const f = config.features;
  switch (a.kind) {
    case 'cancel': {
      requireFeature(f.subscription_cancel.enabled);
      const sub = await customerSubscription(ctx, session, a.subscription);
      const reasonOk = a.reason !== null && f.subscription_cancel.cancellation_reason.enabled && f.subscription_cancel.cancellation_reason.options.includes(a.reason);
      const details: FormObject = reasonOk ? { feedback: a.reason as string } : {};
      if (f.subscription_cancel.mode === 'at_period_end') {
        await updateSubscription(ctx, sub.id, { cancel_at_period_end: 'true', ...(reasonOk ? { cancellation_details: details } : {}) });
      } else {
        const behavior = f.subscription_cancel.proration_behavior;
        await cancelSubscription(ctx, sub.id, {
          ...(reasonOk ? { cancellation_details: details } : {}),
          ...(behavior !== 'none' ? { prorate: 'true' } : {}),
          ...(behavior === 'always_invoice' ? { invoice_now: 'true' } : {}),
        });
      }
      return;
    }
    case 'renew': {
      requireFeature(f.subscription_cancel.enabled);
      const sub = await customerSubscription(ctx, session, a.subscription);
      if (!sub.cancel_at_period_end && sub.cancel_at === null) throw errors.invalid('This subscription is not set to cancel.', 'subscription');
      await updateSubscription(ctx, sub.id, sub.cancel_at_period_end ? { cancel_at_period_end: 'false' } : { cancel_at: '' });
      return;
    }
    case 'pause': {
      // As Stripe's portal pauses: collection paused with `void` (no invoice is collected meanwhile), indefinitely or for the chosen length.
      requireFeature(f.subscription_pause.enabled);
      const sub = await customerSubscription(ctx, session, a.subscription);
      if (!pausable(sub)) throw errors.invalid('This subscription cannot be paused.', 'subscription');
      const d = f.subscription_pause.duration;
      let resumesAt: number | null = null;
      if (d.type === 'interval_options') {
        const o = d.interval_options[a.option ?? -1];
        if (!o) throw errors.invalid('Choose how long to pause the subscription for.', 'option');
        const now = await businessNow(ctx, (await requireCustomerOf(ctx, session)).test_clock);
        resumesAt = periodEnd(now, o.interval, o.interval_count);
      }
      await updateSubscription(ctx, sub.id, { pause_collection: { behavior: 'void', ...(resumesAt !== null ? { resumes_at: String(resumesAt) } : {}) } });
      return;
    }
    case 'resume_payments': {
      requireFeature(f.subscription_pause.enabled);
      const sub = await customerSubscription(ctx, session, a.subscription);
      if (!sub.pause_collection) throw errors.invalid('This subscription is not paused.', 'subscription');
      await updateSubscription(ctx, sub.id, { pause_collection: '' });
      return;
    }
    case 'update': {
      const { sub, params } = await planChange(ctx, session, config, a, a.prorationDate);
      await updateSubscription(ctx, sub.id, params);
      return;
    }
    case 'add_card': {
      requireFeature(f.payment_method_update.enabled);
      const type = hostedPaymentMethodType(DEFAULT_PAYMENT_METHOD_TYPE);
      const entry = type.page.read(a.body, a.locale);
      if (!('params' in entry)) throw new StripeError(400, { type: 'card_error', code: entry.code, message: entry.message, param: entry.field });
      const customer = await requireCustomerOf(ctx, session);
      const pm = await createPaymentMethodOfType(ctx, DEFAULT_PAYMENT_METHOD_TYPE, entry.params, { billing_details: { ...(customer.name ? { name: customer.name } : {}), ...(customer.email ? { email: customer.email } : {}) } });
      // Saved through a SetupIntent, as Stripe's portal saves it: a card that asks for 3D Secure
      // waits for the buyer's authentication, and is attached only once it succeeds
      // (docs/decisions.md#customer-portal). A decline is thrown: nothing of it is kept.
      const si = await createSetupIntent(ctx, { customer: customer.id, payment_method: pm.id, payment_method_types: [DEFAULT_PAYMENT_METHOD_TYPE], usage: 'off_session', confirm: 'true', return_url: a.returnUrl });
      if (si instanceof StripeError) throw si;
      const redirect = (si.next_action as { redirect_to_url?: { url: string } } | null)?.redirect_to_url?.url;
      if (si.status === 'requires_action' && redirect) return { authenticateAt: redirect };
      if (si.status !== 'succeeded') throw errors.invalid('This card could not be saved. Try another card.', 'card[number]');
      // The new card becomes the default, as the portal's "add" does.
      await updateCustomer(ctx, customer.id, { invoice_settings: { default_payment_method: pm.id } });
      return;
    }
    case 'set_default': {
      requireFeature(f.payment_method_update.enabled);
      const pm = await customerPaymentMethod(ctx, session, a.paymentMethod);
      await updateCustomer(ctx, session.customer, { invoice_settings: { default_payment_method: pm.id } });
      return;
    }
    case 'remove': {
      requireFeature(f.payment_method_update.enabled);
      const pm = await customerPaymentMethod(ctx, session, a.paymentMethod);
      await detachPaymentMethod(ctx, pm.id);
      return;
    }
    case 'details': {
      requireFeature(f.customer_update.enabled);
      const allowed = new Set(f.customer_update.allowed_updates);
      const b = a.body;
      const params: FormObject = {};
      const val = (k: string) => (b.get(k) ?? '').trim();
      const address = (prefix: string) => ({ line1: val(`${prefix}line1`), line2: val(`${prefix}line2`), city: val(`${prefix}city`), state: val(`${prefix}state`), postal_code: val(`${prefix}postal_code`), country: val(`${prefix}country`) });
      if (allowed.has('name')) params.name = val('name');
      // A session the login page made was opened by proving this email: it is not changed there.
      if (allowed.has('email') && val('email') !== '' && loginEmail === null) params.email = val('email');
      if (allowed.has('phone')) params.phone = val('phone');
      if (allowed.has('address') && val('country') !== '') params.address = address('');
      if (allowed.has('shipping') && val('shipping_country') !== '') {
        params.shipping = { name: val('shipping_name') || val('name') || ' ', address: address('shipping_') };
      }
      await updateCustomer(ctx, session.customer, params);
      return;
    }
    case 'add_tax_id': {
      requireFeature(f.customer_update.enabled && f.customer_update.allowed_updates.includes('tax_id'));
      await createCustomerTaxId(ctx, session.customer, { type: a.type, value: a.value });
      return;
    }
    case 'remove_tax_id': {
      requireFeature(f.customer_update.enabled && f.customer_update.allowed_updates.includes('tax_id'));
      await deleteCustomerTaxId(ctx, session.customer, a.taxId, {});
      return;
    }
  }
}

async function requireCustomerOf(ctx: Ctx, session: PortalSession): Promise<Customer> {
  const c = await findLiveCustomer(ctx, session.customer);
  if (!c) throw errors.missingResource('customer', session.customer, 'customer');
  return c;
}

/** A read context on the read connection (SQLite: the read-only one). */
export function readCtx(deps: Deps, account: string, requestId: string): Ctx {
  return makeCtx(deps, account, deps.store.reader ?? deps.store.db, requestId);
}
