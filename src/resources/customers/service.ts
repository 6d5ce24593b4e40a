import { RawJson } from '../../api/raw.js';
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import { newId, randomToken } from '../../api/ids.js';
import { listObject, listParams, searchRoute, toPage } from '../../api/list.js';
import { arr, int, mergeMetadata, metadata, nullableObj, nullableStr, obj, oneOf, parseParams, required, str, type InferShape } from '../../api/params.js';
import type { FormObject } from '../../api/form.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { ObjectTable } from '../../store/objects.js';
import { businessNow, requireTestClockExists } from '../test-clocks/store.js';
import { addressParam, emailParam, shippingParam, toAddress, toShipping } from '../shared/params.js';
import { CUSTOMER_SEARCH_FIELDS } from './search.js';
import type { Customer, DeletedCustomer } from './shape.js';

const customers = new ObjectTable<Customer | DeletedCustomer>('customers');

const writable = {
  address: addressParam(),
  business_name: nullableStr({ max: 150 }),
  description: nullableStr({ max: 350 }),
  individual_name: nullableStr({ max: 150 }),
  email: emailParam(),
  name: nullableStr({ max: 256 }),
  phone: nullableStr({ max: 20 }),
  shipping: shippingParam(),
  metadata: metadata(),
  invoice_settings: obj({ default_payment_method: nullableStr({ max: 5000 }), footer: nullableStr({ max: 5000 }) }),
  preferred_locales: arr(str({ max: 20 })),
  tax_exempt: oneOf(['none', 'exempt', 'reverse']),
  balance: int(),
  invoice_prefix: str({ pattern: /^[A-Z0-9]{3,12}$/, patternMessage: 'Invalid invoice_prefix: must be 3-12 uppercase letters or numbers' }),
};
/**
 * `coupon` and `promotion_code` are gone from stripe-node 23's types but still sent by older
 * clients and the Stripe CLI's fixtures; Stripe still accepts them (docs/decisions.md#coupons-and-promotion-codes).
 */
const discountShape = { coupon: nullableStr({ max: 5000 }), promotion_code: nullableStr({ max: 5000 }) };
const createShape = {
  ...writable,
  ...discountShape,
  payment_method: str({ max: 5000 }),
  test_clock: str({ max: 5000 }),
  tax_id_data: arr(obj({ type: required(str({ max: 50 })), value: required(str({ max: 5000 })) }), { max: 25 }),
};
const updateShape = { ...writable, ...discountShape, default_source: nullableStr() };
const listShape = { ...listParams, email: str({ max: 512 }), test_clock: str() };

function isDeleted(c: Customer | DeletedCustomer): c is DeletedCustomer {
  return 'deleted' in c;
}

/** Retrieve, as stored and served: a deleted customer answers `{id, object, deleted: true}` (docs/decisions.md#deleted-objects). */
export async function retrieveCustomer(ctx: Ctx, id: string): Promise<RawJson> {
  const text = await customers.getText(ctx.db, ctx.account, id);
  if (text === undefined) throw errors.missingResource('customer', id);
  return new RawJson(text);
}

/** The customer as stored (a deleted one is its `{id, object, deleted}` stub); undefined when unknown. */
export function findCustomer(ctx: Ctx, id: string): Promise<Customer | DeletedCustomer | undefined> {
  return customers.get(ctx.db, ctx.account, id);
}

/** A live customer, or null when unknown or deleted (the hosted page shows no customer then). */
export async function findLiveCustomer(ctx: Ctx, id: string): Promise<Customer | null> {
  const c = await customers.get(ctx.db, ctx.account, id);
  return !c || isDeleted(c) ? null : c;
}

/** A live customer that other objects may reference; deleted or unknown -> 404 naming `param`. */
export async function requireCustomer(ctx: Ctx, id: string, param = 'customer'): Promise<Customer> {
  const c = await customers.get(ctx.db, ctx.account, id);
  if (!c || isDeleted(c)) throw errors.missingResource('customer', id, param);
  return c;
}

function apply(c: Customer, p: InferShape<typeof writable>): Customer {
  const next: Customer = { ...c, invoice_settings: { ...c.invoice_settings } };
  if (p.address !== undefined) next.address = p.address === null ? null : toAddress(p.address, c.address ?? undefined);
  if (p.description !== undefined) next.description = p.description;
  // Served only when set, as stripe-node 23 types them (optional strings); '' unsets.
  for (const key of ['business_name', 'individual_name'] as const) {
    const v = p[key];
    if (v === undefined) continue;
    if (v) next[key] = v;
    else delete next[key];
  }
  if (p.email !== undefined) next.email = p.email;
  if (p.name !== undefined) next.name = p.name;
  if (p.phone !== undefined) next.phone = p.phone;
  if (p.shipping !== undefined) next.shipping = p.shipping === null ? null : toShipping(p.shipping);
  if (p.preferred_locales !== undefined) next.preferred_locales = p.preferred_locales;
  if (p.tax_exempt !== undefined) next.tax_exempt = p.tax_exempt;
  if (p.balance !== undefined) next.balance = p.balance;
  if (p.invoice_prefix !== undefined) next.invoice_prefix = p.invoice_prefix;
  if (p.invoice_settings?.footer !== undefined) next.invoice_settings.footer = p.invoice_settings.footer;
  next.metadata = mergeMetadata(c.metadata, p.metadata);
  return next;
}

function columns(c: Customer) {
  return { email: c.email, test_clock: c.test_clock, deleted: 0 };
}

/** POST /v1/customers: a new customer (on a test clock if given), optionally with a payment method attached. */
export async function createCustomer(ctx: Ctx, params: FormObject): Promise<Customer> {
  const p = parseParams(createShape, params);
  if (p.test_clock) await requireTestClockExists(ctx, p.test_clock);
  const blank: Customer = {
    id: newId('cus_'),
    object: 'customer',
    address: null,
    balance: 0,
    created: await businessNow(ctx, p.test_clock),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: randomToken(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: p.test_clock ?? null,
  };
  const customer = apply(blank, p);
  await customers.insert(ctx.db, ctx.account, customer, columns(customer));
  const attached = p.payment_method ? await ctx.deps.hooks.attachPaymentMethod(ctx, p.payment_method, customer, 'payment_method') : undefined;
  // `payment_method=pm_card_visa` with the same id as default means the copy that was just attached.
  const dpmParam = p.invoice_settings?.default_payment_method;
  const dpm = attached && dpmParam === p.payment_method ? attached : dpmParam;
  if (dpm) {
    await ctx.deps.hooks.requireAttached(ctx, dpm, customer.id, 'invoice_settings[default_payment_method]');
    customer.invoice_settings.default_payment_method = dpm;
    await customers.update(ctx.db, ctx.account, customer, columns(customer));
  }
  const discount = await discountFor(ctx, customer, p);
  if (discount) {
    customer.discount = discount;
    await customers.update(ctx.db, ctx.account, customer, columns(customer));
  }
  await emit(ctx, 'customer.created', customer, undefined, customer.created);
  for (const [i, data] of (p.tax_id_data ?? []).entries()) await ctx.deps.hooks.addCustomerTaxId(ctx, customer.id, data, `tax_id_data[${i}]`);
  if (discount) await emit(ctx, 'customer.discount.created', discount, undefined, customer.created);
  return customer;
}

/**
 * The live customer a write changes, its row locked until commit (concurrent writes apply in
 * turn); deleted or unknown -> 404 naming `param`.
 */
export async function lockCustomer(ctx: Ctx, id: string, param = 'id'): Promise<Customer> {
  const c = await customers.getForUpdate(ctx.db, ctx.account, id);
  if (!c || isDeleted(c)) throw errors.missingResource('customer', id, param);
  return c;
}

/** POST /v1/customers/:id: applies the given fields; emits `customer.updated` when something changed. */
export async function updateCustomer(ctx: Ctx, id: string, params: FormObject): Promise<Customer> {
  const p = parseParams(updateShape, params);
  const current = await lockCustomer(ctx, id);
  const next = apply(current, p);
  const dpm = p.invoice_settings?.default_payment_method;
  if (dpm !== undefined) {
    if (dpm !== null) await ctx.deps.hooks.requireAttached(ctx, dpm, id, 'invoice_settings[default_payment_method]');
    next.invoice_settings.default_payment_method = dpm;
  }
  const changesDiscount = p.coupon !== undefined || p.promotion_code !== undefined;
  const removes = changesDiscount && !p.coupon && !p.promotion_code;
  const discount = removes ? null : await discountFor(ctx, next, p);
  if (changesDiscount) next.discount = discount;
  await customers.update(ctx.db, ctx.account, next, columns(next));
  const prev = previousAttributes(current, next);
  if (Object.keys(prev).length > 0) await emit(ctx, 'customer.updated', next, prev);
  if (changesDiscount) await discountEvents(ctx, current.discount, discount);
  return next;
}

/** The Discount a `coupon` or `promotion_code` param gives the customer (one of them), or null. */
async function discountFor(ctx: Ctx, c: Customer, p: { coupon?: string | null | undefined; promotion_code?: string | null | undefined }): Promise<object | null> {
  if (p.coupon && p.promotion_code) throw errors.invalid('You may only specify one of these parameters: coupon, promotion_code.', 'coupon');
  if (!p.coupon && !p.promotion_code) return null;
  const ref = p.coupon ? { coupon: p.coupon } : { promotion_code: p.promotion_code as string };
  return ctx.deps.hooks.customerDiscount(ctx, c.id, ref, await businessNow(ctx, c.test_clock));
}

/** `customer.discount.created`, `.updated` (another coupon) or `.deleted`, as the discount changed. */
async function discountEvents(ctx: Ctx, before: object | null, after: object | null): Promise<void> {
  if (before && after) await emit(ctx, 'customer.discount.updated', after, { source: (before as { source: unknown }).source });
  else if (after) await emit(ctx, 'customer.discount.created', after);
  else if (before) await emit(ctx, 'customer.discount.deleted', before);
}

/** DELETE /v1/customers/:id/discount: the customer's discount ends; 404 when it has none. */
export async function deleteCustomerDiscount(ctx: Ctx, id: string): Promise<object> {
  const current = await lockCustomer(ctx, id);
  if (!current.discount) throw errors.missingResource('discount', id, 'customer');
  const next: Customer = { ...current, discount: null };
  await customers.update(ctx.db, ctx.account, next, columns(next));
  await discountEvents(ctx, current.discount, null);
  return { ...current.discount, deleted: true };
}

/**
 * Clears the customer's `invoice_settings.default_payment_method` when it is `pmId` (the method is
 * being detached); a deleted or unknown customer is left alone.
 */
export async function clearDefaultPaymentMethod(ctx: Ctx, customerId: string, pmId: string): Promise<void> {
  const owner = await customers.getForUpdate(ctx.db, ctx.account, customerId);
  if (!owner || isDeleted(owner) || owner.invoice_settings.default_payment_method !== pmId) return;
  await saveCustomer(ctx, owner, { ...owner, invoice_settings: { ...owner.invoice_settings, default_payment_method: null } });
}

/**
 * The customer's next invoice number (`{invoice_prefix}-0001`), taken: `next_invoice_sequence`
 * moves on without an event, as on Stripe. For invoices finalized outside the Invoices API's own
 * finalization (Checkout's paid invoices, a subscription's).
 */
export async function takeInvoiceNumber(ctx: Ctx, customerId: string): Promise<string> {
  const c = await lockCustomer(ctx, customerId, 'customer');
  await customers.update(ctx.db, ctx.account, { ...c, next_invoice_sequence: c.next_invoice_sequence + 1 }, columns(c));
  return `${c.invoice_prefix}-${String(c.next_invoice_sequence).padStart(4, '0')}`;
}

/** Writes a customer changed by another service (attach/detach clears the default, ...). */
export async function saveCustomer(ctx: Ctx, before: Customer, after: Customer): Promise<void> {
  await customers.update(ctx.db, ctx.account, after, columns(after));
  const prev = previousAttributes(before, after);
  if (Object.keys(prev).length > 0) await emit(ctx, 'customer.updated', after, prev);
}

/** Replaces a customer by its deleted stub, which retrieve then answers. */
async function markDeleted(ctx: Ctx, id: string): Promise<DeletedCustomer> {
  const stub: DeletedCustomer = { id, object: 'customer', deleted: true };
  await ctx.db
    .updateTable('customers')
    .set({ data: JSON.stringify(stub), deleted: 1 })
    .where('account_id', '=', ctx.account)
    .where('id', '=', id)
    .execute();
  return stub;
}

/** DELETE /v1/customers/:id: the customer becomes its deleted stub; emits `customer.deleted`. */
export async function deleteCustomer(ctx: Ctx, id: string): Promise<DeletedCustomer> {
  const current = await lockCustomer(ctx, id);
  // Its subscriptions end first (customer.subscription.deleted), as on Stripe.
  await ctx.deps.hooks.customerDeleted(ctx, id);
  const stub = await markDeleted(ctx, id);
  await emit(ctx, 'customer.deleted', current);
  return stub;
}

/** Deletes the customers that live on a test clock being deleted, as Stripe does (no events). */
export async function deleteCustomersOnClock(ctx: Ctx, testClock: string): Promise<void> {
  const onClock = await customers.select(ctx.db, ctx.account, { test_clock: testClock, deleted: 0 }, ['id']);
  for (const { id } of onClock) await markDeleted(ctx, id as string);
}

/** GET /v1/customers: newest first, filters `email`, `test_clock`, `created`. */
export async function listCustomers(ctx: Ctx, params: FormObject, url: string) {
  const p = parseParams(listShape, params);
  const page = toPage(p);
  const filter: Record<string, string | number> = { deleted: 0 };
  if (p.email !== undefined) filter.email = p.email;
  if (p.test_clock !== undefined) filter.test_clock = p.test_clock;
  const result = await customers.listText(ctx.db, ctx.account, filter, page);
  return listObject(url, { ...result, data: result.data.map((text) => new RawJson(text)) }, 'customer', page);
}

/** GET /v1/customers/search: deleted customers are never found, as they drop out of lists (docs/decisions.md#search). */
export const searchCustomersRoute = searchRoute({ resource: 'customers', table: customers, fields: CUSTOMER_SEARCH_FIELDS, filter: { deleted: 0 } });
