/**
 * Creating a Checkout Session (docs/decisions.md#checkout-session-parameters), as the steps
 * Stripe's rules come in: the params and their modes, the priced line items, the payment method
 * types, the expiry; then the session object, stored with its expiry job.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId, newSessionId, randomToken } from '../../api/ids.js';
import { mergeMetadata, parseParams, type InferShape } from '../../api/params.js';
import { DEFAULT_PAYMENT_METHOD_TYPE, requirePaymentMethodType } from '../../payment-method-types/index.js';
import { schedule } from '../../scheduler/jobs.js';
import { requireCustomer } from '../customers/service.js';
import type { Customer } from '../customers/shape.js';
import { createInlinePrice, requirePrice } from '../prices/service.js';
import { findProduct } from '../products/model.js';
import { businessNow } from '../test-clocks/store.js';
import { checkPaymentIntentData, checkRedirect, checkSetupIntentData, checkSubscriptionData } from './data-params.js';
import { createShape, legacyPriceData } from './params.js';
import { checkAskedParams, storedDataParams, storedFields } from './stored.js';
import { priceNewSession } from './priced.js';
import { adjustableQuantity, optionalItemOffers } from './quantities.js';
import { present, uiModeOf, type LineItem, type LinePrice, type Session, type StoredSession } from './shape.js';
import { EXPIRE_JOB, sessionColumns, sessions } from './store.js';

const MIN_EXPIRY = 30 * 60;
const MAX_EXPIRY = 24 * 60 * 60;

type CreateParams = InferShape<typeof createShape>;

/**
 * Prices the line items: each names an active `price` or inline `price_data` (exactly one), and
 * a quantity; its amount is unit_amount × quantity in the price's currency.
 */
async function priceLineItems(ctx: Ctx, p: CreateParams, opts: SessionOrigin = {}): Promise<LineItem[]> {
  const items = p.line_items ?? [];
  const out: LineItem[] = [];
  for (const [i, item] of items.entries()) {
    const param = `line_items[${i}]`;
    if (item.price !== undefined && item.price_data !== undefined) {
      throw errors.invalid(`You may only specify one of these parameters: price, price_data.`, `${param}[price]`);
    }
    let price: LinePrice;
    if (item.price !== undefined) {
      price = (await requirePrice(ctx, item.price, `${param}[price]`)) as LinePrice;
      if (!price.active && !opts.inlinePrices?.includes(price.id)) throw errors.invalid(`The price specified is inactive. This field only accepts active prices.`, `${param}[price]`);
    } else if (item.price_data !== undefined) {
      price = (await createInlinePrice(ctx, item.price_data, `${param}[price_data]`)) as LinePrice;
    } else if (item.name !== undefined || item.amount !== undefined) {
      price = (await createInlinePrice(ctx, legacyPriceData(item, param), `${param}[price_data]`)) as LinePrice;
    } else {
      throw errors.missingParam(`${param}[price]`);
    }
    if (item.quantity === undefined) throw errors.missingParam(`${param}[quantity]`);
    if (price.unit_amount === null) throw errors.invalid('The price must have a unit_amount to be used in Checkout.', `${param}[price]`);
    const productId = typeof price.product === 'string' ? price.product : price.product.id;
    const product = await findProduct(ctx, productId);
    const amount = price.unit_amount * item.quantity;
    out.push({
      id: newId('li_'),
      object: 'item',
      adjustable_quantity: adjustableQuantity(item.adjustable_quantity, item.quantity, `${param}[adjustable_quantity]`),
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description: (product as { name?: string } | undefined)?.name ?? null,
      metadata: mergeMetadata({}, item.metadata),
      price,
      quantity: item.quantity,
    });
  }
  return out;
}

/**
 * What each mode takes: setup no line items; payment one-time prices; subscription at least one
 * recurring price, all on one interval. Every mode but setup: line items in one currency.
 */
function checkModeRules(p: CreateParams, items: LineItem[]): void {
  const recurring = (li: LineItem) => (li.price as LinePrice).recurring !== null;
  if (p.mode === 'setup') {
    if (p.line_items?.length) throw errors.invalid('You cannot pass `line_items` in `setup` mode.', 'line_items');
    return;
  }
  if (items.length === 0) throw errors.missingParam('line_items');
  const currency = items[0]?.currency;
  items.forEach((li, i) => {
    if (li.currency !== currency) {
      throw errors.invalid('All line items must use the same currency.', `line_items[${i}][price]`);
    }
  });
  if (p.mode === 'payment') {
    const at = items.findIndex(recurring);
    if (at !== -1) {
      throw errors.invalid(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        `line_items[${at}][price]`,
      );
    }
  } else {
    const first = items.find(recurring);
    if (!first) throw errors.invalid('You must provide at least one recurring price in `subscription` mode when using prices.', 'line_items');
    const interval = (first.price as LinePrice).recurring;
    items.forEach((li, i) => {
      const r = (li.price as LinePrice).recurring;
      if (r && (r.interval !== interval?.interval || r.interval_count !== interval.interval_count)) {
        throw errors.invalid('All recurring prices in a subscription must have the same `recurring.interval` and `recurring.interval_count`.', `line_items[${i}][price]`);
      }
    });
  }
}

/** Params that belong to one mode, and params that exclude each other. */
function checkParamModes(p: CreateParams): void {
  const only = (field: keyof CreateParams, mode: string) => {
    if (p[field] !== undefined && p.mode !== mode) throw errors.invalid(`You can only specify \`${field}\` in \`${mode}\` mode.`, field);
  };
  only('payment_intent_data', 'payment');
  only('subscription_data', 'subscription');
  only('setup_intent_data', 'setup');
  only('customer_creation', 'payment');
  only('submit_type', 'payment');
  only('invoice_creation', 'payment');
  if (p.customer !== undefined && p.customer_email) {
    throw errors.invalid('You may only specify one of these parameters: customer, customer_email.', 'customer_email');
  }
  if (p.customer !== undefined && p.customer_creation !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: customer, customer_creation.', 'customer_creation');
  }
  if (p.payment_method_types !== undefined && p.allowed_payment_method_types !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: allowed_payment_method_types, payment_method_types.', 'payment_method_types');
  }
  if (p.discounts !== undefined && p.allow_promotion_codes !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: allow_promotion_codes, discounts.', 'discounts');
  }
  p.discounts?.forEach((d, i) => {
    if ((d.coupon === undefined) === (d.promotion_code === undefined)) {
      throw errors.invalid('You must specify exactly one of these parameters: coupon, promotion_code.', `discounts[${i}]`);
    }
  });
  only('shipping_options', 'payment');
  if (p.mode === 'setup') {
    for (const field of ['discounts', 'automatic_tax'] as const) {
      if (p[field] !== undefined) throw errors.invalid(`You cannot use \`${field}\` in \`setup\` mode.`, field);
    }
  }
  p.line_items?.forEach((li, i) => {
    if (li.tax_rates !== undefined && li.dynamic_tax_rates !== undefined) {
      throw errors.invalid('You may only specify one of these parameters: dynamic_tax_rates, tax_rates.', `line_items[${i}][dynamic_tax_rates]`);
    }
    if (p.automatic_tax?.enabled && (li.tax_rates !== undefined || li.dynamic_tax_rates !== undefined)) {
      throw errors.invalid('You cannot use `tax_rates` or `dynamic_tax_rates` on line items when `automatic_tax[enabled]` is true.', `line_items[${i}][tax_rates]`);
    }
  });
  if (p.mode === 'setup' && p.saved_payment_method_options !== undefined) {
    throw errors.invalid('`saved_payment_method_options` is only available in `payment` and `subscription` mode.', 'saved_payment_method_options');
  }
}

/**
 * The payment method types the session offers: the ones named (either param), else card, as on
 * Stripe. Each type must take the session's currency, and one that settles later (ACH) is refused
 * in subscription mode: the first invoice would have to wait on it. In setup mode without types,
 * the currency is what tells which types apply, so it is required.
 */
function decidePaymentMethodTypes(p: CreateParams, currency: string | null): string[] {
  const named = p.allowed_payment_method_types ?? p.payment_method_types;
  if (p.mode === 'setup' && currency === null && named === undefined) {
    throw errors.invalid('`currency` is required in `setup` mode when `payment_method_types` is not set.', 'currency');
  }
  const types = named ?? [DEFAULT_PAYMENT_METHOD_TYPE];
  const offered = types.map((name) => requirePaymentMethodType(name, 'payment_method_types'));
  const wrongCurrency = offered.find((t) => t.currencies !== null && currency !== null && !t.currencies.includes(currency));
  if (wrongCurrency) {
    const currencies = (wrongCurrency.currencies ?? []).join('`, `');
    throw errors.invalid(`The payment method \`${wrongCurrency.type}\` only supports \`${currencies}\`.`, 'payment_method_types');
  }
  const delayed = offered.find((t) => t.settlement === 'delayed');
  if (p.mode === 'subscription' && delayed) {
    throw errors.invalid(
      `OpenCheckout takes \`${delayed.type}\` in \`payment\` and \`setup\` mode; subscriptions are paid by card.`,
      'payment_method_types',
    );
  }
  const oneOff = offered.find((t) => !t.reusable);
  if (p.mode === 'setup' && oneOff) {
    throw errors.invalid(`The payment method \`${oneOff.type}\` cannot be saved for later payments, so it is not available in \`setup\` mode.`, 'payment_method_types');
  }
  return types;
}

/** `currency`, when given beside line items, must be theirs. */
function checkCurrencyOfItems(p: CreateParams, currency: string | null): void {
  if (p.mode !== 'setup' && p.currency !== undefined && p.currency !== currency) {
    throw errors.invalid('The `currency` must match the currency of the line items.', 'currency');
  }
}

/** `expires_at`: 30 minutes to 24 hours after creation (business time); default 24 hours. */
function decideExpiry(p: CreateParams, now: number): number {
  const expiresAt = p.expires_at ?? now + MAX_EXPIRY;
  if (expiresAt < now + MIN_EXPIRY) {
    throw errors.invalid('The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.', 'expires_at');
  }
  if (expiresAt > now + MAX_EXPIRY) {
    throw errors.invalid('The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.', 'expires_at');
  }
  return expiresAt;
}

/** What the steps of createSession decided, from which the session object is built. */
interface Decided {
  customer: Customer | undefined;
  testClock: string | null;
  now: number;
  items: LineItem[];
  currency: string | null;
  pmTypes: string[];
  expiresAt: number;
  /** Set when the session is a recovery of an expired one (recovery.ts). */
  recoveredFrom?: string | null;
  /** Set when a Payment Link's URL opened the session (resources/payment-links/). */
  paymentLink?: string | null;
}

/** The session as stored: Stripe's fields in Stripe's order, and `_internal` what only we read. */
function buildSession(ctx: Ctx, p: CreateParams, d: Decided): StoredSession {
  const { customer, now, currency, pmTypes, expiresAt } = d;
  const subtotal = p.mode === 'setup' ? null : d.items.reduce((sum, li) => sum + li.amount_subtotal, 0);
  const id = newSessionId();
  const spmo = p.saved_payment_method_options;
  const { invoice_data: invoiceData, ...stored } = storedFields(p);
  const uiMode = uiModeOf(p.ui_mode);
  const hosted = uiMode === 'hosted_page';
  return inStripeOrder({
    id,
    object: 'checkout.session',
    allow_promotion_codes: p.allow_promotion_codes ?? null,
    allowed_payment_method_types: pmTypes,
    amount_subtotal: subtotal,
    amount_total: subtotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: p.billing_address_collection ?? null,
    cancel_url: p.cancel_url ?? null,
    client_reference_id: p.client_reference_id ?? null,
    client_secret: hosted ? null : `${id}_secret_${randomToken(24)}`,
    collected_information: null,
    consent: null,
    created: now,
    currency,
    currency_conversion: null,
    customer: customer?.id ?? null,
    customer_creation: p.mode === 'payment' && !customer ? p.customer_creation ?? 'if_required' : null,
    customer_details: customer || p.customer_email ? customerDetails(customer?.email ?? p.customer_email ?? null) : null,
    customer_email: p.customer_email ?? null,
    discounts: [],
    expires_at: expiresAt,
    invoice: null,
    invoice_creation:
      p.mode === 'payment'
        ? {
            enabled: p.invoice_creation?.enabled ?? false,
            invoice_data: invoiceData,
          }
        : null,
    livemode: false,
    locale: p.locale ?? null,
    metadata: mergeMetadata({}, p.metadata),
    mode: p.mode,
    payment_intent: null,
    payment_link: d.paymentLink ?? null,
    payment_method_collection: p.mode === 'payment' ? null : p.payment_method_collection ?? 'always',
    payment_method_types: pmTypes,
    payment_status: p.mode === 'setup' ? 'no_payment_required' : 'unpaid',
    phone_number_collection: { enabled: p.phone_number_collection?.enabled ?? false },
    recovered_from: d.recoveredFrom ?? null,
    saved_payment_method_options:
      p.mode === 'setup'
        ? null
        : {
            allow_redisplay_filters: spmo?.allow_redisplay_filters ?? ['always'],
            payment_method_remove: spmo?.payment_method_remove ?? 'disabled',
            payment_method_save: spmo?.payment_method_save ?? 'disabled',
          },
    setup_intent: null,
    shipping_address_collection: p.shipping_address_collection ? { allowed_countries: p.shipping_address_collection.allowed_countries } : null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: p.submit_type ?? null,
    subscription: null,
    success_url: hosted ? p.success_url ?? p.return_url ?? null : null,
    total_details: p.mode === 'setup' ? null : { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: uiMode,
    // Stripe's page URLs carry an opaque fragment, and integrations match `cs_test_…#`; browsers
    // never send it, so it means nothing to the page here. A session paid elsewhere has no URL.
    url: hosted ? `${ctx.deps.publicUrl()}/c/pay/${id}#${randomToken(48)}` : null,
    ...stored,
    ...(!hosted && p.return_url !== undefined ? { return_url: p.return_url } : {}),
    _internal: internalFields(p, d.testClock),
  });
}

/** The served order of each set of fields a session has had (a handful: the optional fields vary). */
const fieldOrders = new Map<string, string[]>();

/**
 * Stripe serves `id`, `object`, then the fields in alphabetical order; `_internal` is stripped
 * before. The order is worked out once per set of fields: sorting ~60 keys on every create cost
 * more than the rest of building the session.
 */
function inStripeOrder<T extends object>(o: T): T {
  const keys = Object.keys(o);
  const signature = keys.join(',');
  let order = fieldOrders.get(signature);
  if (!order) {
    order = ['id', 'object', ...keys.filter((k) => k !== 'id' && k !== 'object').sort()];
    fieldOrders.set(signature, order);
  }
  const from = o as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of order) out[k] = from[k];
  return out as T;
}

/** What the session keeps for completion: the per-mode data params and the test clock it lives on. */
function internalFields(p: CreateParams, testClock: string | null): StoredSession['_internal'] {
  return {
    payment_intent_data: {
      setup_future_usage: p.payment_intent_data?.setup_future_usage ?? null,
      metadata: mergeMetadata({}, p.payment_intent_data?.metadata),
      description: p.payment_intent_data?.description ?? null,
    },
    subscription_data: {
      metadata: mergeMetadata({}, p.subscription_data?.metadata),
      description: p.subscription_data?.description ?? null,
      ...(p.subscription_data?.default_tax_rates ? { default_tax_rates: p.subscription_data.default_tax_rates } : {}),
    },
    setup_intent_data: { metadata: mergeMetadata({}, p.setup_intent_data?.metadata), description: p.setup_intent_data?.description ?? null },
    payment_method_data: { allow_redisplay: p.payment_method_data?.allow_redisplay ?? null },
    stored_params: storedDataParams(p),
    test_clock: testClock,
  };
}

/** Stores the session with its line items and schedules its expiry on its test clock, in one transaction. */
async function storeAndScheduleExpiry(ctx: Ctx, session: StoredSession, items: LineItem[], testClock: string | null): Promise<void> {
  await sessions.insert(ctx.db, ctx.account, session, { ...sessionColumns(session), line_items: JSON.stringify(items) });
  await schedule(ctx, EXPIRE_JOB, session.id, session.expires_at, testClock);
}

/** Who asked for a session besides its params: a recovery (recovery.ts) or a Payment Link's URL. */
export interface SessionOrigin {
  recoveredFrom?: string;
  paymentLink?: string;
  /** The Payment Link's own prices made from `price_data` (inline, so inactive), which its line items name by id. */
  inlinePrices?: readonly string[];
}

/**
 * Everything createSession checks and decides, nothing stored: the session, its priced line
 * items, and the line items as the params named them (before discounts and tax). A Payment Link
 * checks its settings with it, so a link is refused for exactly what its sessions would be.
 */
export async function prepareSession(ctx: Ctx, params: FormObject, opts: SessionOrigin = {}): Promise<{ session: StoredSession; items: LineItem[]; named: LineItem[]; testClock: string | null }> {
  const p = parseParams(createShape, params);
  checkParamModes(p);
  checkAskedParams(p);
  const customer: Customer | undefined = p.customer !== undefined ? await requireCustomer(ctx, p.customer) : undefined;
  const testClock = customer?.test_clock ?? null;
  const now = await businessNow(ctx, testClock);
  const items = await priceLineItems(ctx, p, opts);
  checkModeRules(p, items);
  const currency = items[0]?.currency ?? p.currency ?? null;
  const pmTypes = decidePaymentMethodTypes(p, currency);
  checkCurrencyOfItems(p, currency);
  const expiresAt = decideExpiry(p, now);
  checkSubscriptionData(p, items, now);
  checkSetupIntentData(p);
  checkRedirect(p);
  const built = buildSession(ctx, p, {
    customer, testClock, now, items, currency, pmTypes, expiresAt, recoveredFrom: opts.recoveredFrom ?? null, paymentLink: opts.paymentLink ?? null,
  });
  const offers = await optionalItemOffers(ctx, p, items);
  if (offers.length > 0) built._internal.optional_items = offers;
  if (p.after_expiration?.recovery?.enabled) built._internal.recovery_params = params;
  const { session, items: priced } = p.mode === 'setup' || currency === null ? { session: built, items } : await priceNewSession(ctx, p, built, items, customer, now);
  checkPaymentIntentData(p, session.amount_total);
  return { session, items: priced, named: items, testClock };
}

/**
 * Creates a Checkout Session (docs/decisions.md#checkout-session-parameters): validates like
 * Stripe, prices the items, decides the payment method types, and schedules expiry.
 */
export async function createSession(ctx: Ctx, params: FormObject, opts: SessionOrigin = {}): Promise<Session> {
  const { session, items, testClock } = await prepareSession(ctx, params, opts);
  await storeAndScheduleExpiry(ctx, session, items, testClock);
  return present(session);
}


/** `customer_details` before completion: only the email is known. */
export function customerDetails(email: string | null): NonNullable<Session['customer_details']> {
  return { address: null, business_name: null, email, individual_name: null, name: null, phone: null, tax_exempt: 'none', tax_ids: [] };
}
