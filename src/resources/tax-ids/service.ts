/**
 * Customer tax IDs (docs/decisions.md#customer-tax-ids): created on a customer with a type and a
 * value checked against the type's format, retrieved, listed newest first, deleted; each create
 * and delete emits `customer.tax_id.created` / `.deleted`. Checkout saves the tax ID a buyer gives
 * through {@link addCustomerTaxId}.
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, listParams, toPage } from '../../api/list.js';
import { obj, oneOf, parseParams, required, str } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { emit } from '../../events/emit.js';
import { requireCustomer } from '../customers/service.js';
import { businessNow } from '../test-clocks/store.js';
import { TAX_ID_TYPES, taxIdCountry, validTaxIdValue, type TaxIdType } from './formats.js';
import type { DeletedTaxId, TaxId } from './shape.js';
import { taxIdColumns, taxIds } from './store.js';

const createShape = {
  type: required(oneOf(TAX_ID_TYPES)),
  value: required(str({ max: 5000 })),
};

/** The `owner` of `/v1/tax_ids`: the account itself (`self`, the default) or a customer. */
const ownerShape = obj({
  account: str({ max: 5000 }),
  customer: str({ max: 5000 }),
  customer_account: str({ max: 5000 }),
  type: required(oneOf(['account', 'application', 'customer', 'self'])),
});

/** The tax ID with this id in ctx's account, or undefined (for `expand[]`). */
export function findTaxId(ctx: Ctx, id: string): Promise<TaxId | undefined> {
  return taxIds.get(ctx.db, ctx.account, id);
}

/** The customer's tax ID `id`; 404 when it is not this customer's. */
async function requireCustomerTaxId(ctx: Ctx, customerId: string, id: string, lock = false): Promise<TaxId> {
  const t = lock ? await taxIds.getForUpdate(ctx.db, ctx.account, id) : await findTaxId(ctx, id);
  if (!t || t.customer !== customerId) throw errors.missingResource('tax_id', id);
  return t;
}

/** A `type` tax ID of `value`, checked: 400 `tax_id_invalid` on `value` when it is not of the type's format. */
export function checkTaxId(type: TaxIdType, value: string, param = 'value'): void {
  if (!validTaxIdValue(type, value)) throw errors.invalid(`Invalid value for ${type}.`, param, 'tax_id_invalid');
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(TAX_ID_TYPES);

/** The `addCustomerTaxId` hook: one entry of `customers.create({ tax_id_data })`, its type and value checked. */
export async function addTaxIdFromData(ctx: Ctx, customerId: string, data: { type: string; value: string }, param: string): Promise<void> {
  if (!KNOWN_TYPES.has(data.type)) throw errors.invalid(`Invalid ${param}[type]: must be one of the tax ID types.`, `${param}[type]`);
  checkTaxId(data.type as TaxIdType, data.value.trim(), `${param}[value]`);
  await addCustomerTaxId(ctx, customerId, data.type as TaxIdType, data.value.trim());
}

/**
 * Adds a tax ID to a customer and emits `customer.tax_id.created`. Offline there is no government
 * register to verify against: verification is `unavailable`.
 */
export async function addCustomerTaxId(ctx: Ctx, customerId: string, type: TaxIdType, value: string): Promise<TaxId> {
  checkTaxId(type, value);
  const customer = await requireCustomer(ctx, customerId);
  const taxId: TaxId = {
    id: newId('txi_'),
    object: 'tax_id',
    country: taxIdCountry(type, value),
    created: customer.test_clock ? await businessNow(ctx, customer.test_clock) : unixNow(ctx.deps.clock),
    customer: customer.id,
    customer_account: null,
    livemode: false,
    owner: { customer: customer.id, customer_account: null, type: 'customer' },
    type,
    value,
    verification: { status: 'unavailable', verified_address: null, verified_name: null },
  };
  await taxIds.insert(ctx.db, ctx.account, taxId, taxIdColumns(taxId));
  await emit(ctx, 'customer.tax_id.created', taxId);
  return taxId;
}

/** POST /v1/customers/:id/tax_ids */
export async function createCustomerTaxId(ctx: Ctx, customerId: string, params: FormObject): Promise<TaxId> {
  const p = parseParams(createShape, params);
  return addCustomerTaxId(ctx, customerId, p.type, p.value.trim());
}

/** GET /v1/customers/:id/tax_ids/:tax_id */
export async function retrieveCustomerTaxId(ctx: Ctx, customerId: string, id: string, params: FormObject): Promise<TaxId> {
  parseParams({}, params);
  await requireCustomer(ctx, customerId);
  return requireCustomerTaxId(ctx, customerId, id);
}

/** DELETE /v1/customers/:id/tax_ids/:tax_id: gone, with `customer.tax_id.deleted`. */
export async function deleteCustomerTaxId(ctx: Ctx, customerId: string, id: string, params: FormObject): Promise<DeletedTaxId> {
  parseParams({}, params);
  await requireCustomer(ctx, customerId);
  const t = await requireCustomerTaxId(ctx, customerId, id, true);
  await taxIds.delete(ctx.db, ctx.account, id);
  await emit(ctx, 'customer.tax_id.deleted', t);
  return { id, object: 'tax_id', deleted: true };
}

/** GET /v1/customers/:id/tax_ids: the customer's tax IDs, newest first. */
export async function listCustomerTaxIds(ctx: Ctx, customerId: string, params: FormObject, url: string) {
  const p = parseParams(listParams, params);
  await requireCustomer(ctx, customerId);
  const page = toPage(p);
  return listObject(url, await taxIds.list(ctx.db, ctx.account, { customer_id: customerId }, page), 'tax_id', page);
}

/** The owner a `/v1/tax_ids` request names: a customer's id, or null for the account itself. */
async function ownerOf(ctx: Ctx, owner: { type: string; customer?: string | undefined } | undefined): Promise<string | null> {
  const type = owner?.type ?? 'self';
  if (type === 'account' || type === 'application') {
    throw errors.invalid(`Tax IDs owned by an \`${type}\` are for Connect platforms, which OpenCheckout does not serve; use \`self\` or \`customer\`.`, 'owner[type]');
  }
  if (type === 'self') return null;
  if (!owner?.customer) throw errors.missingParam('owner[customer]');
  return (await requireCustomer(ctx, owner.customer, 'owner[customer]')).id;
}

/**
 * POST /v1/tax_ids: a tax ID of the account itself, or of a customer (`customer.tax_id.created`).
 * The API version's event list has no event for the account's own tax IDs: none is sent.
 */
export async function createTaxId(ctx: Ctx, params: FormObject): Promise<TaxId> {
  const p = parseParams({ ...createShape, owner: ownerShape }, params);
  const customer = await ownerOf(ctx, p.owner);
  const value = p.value.trim();
  if (customer) return addCustomerTaxId(ctx, customer, p.type, value);
  checkTaxId(p.type, value);
  const taxId: TaxId = {
    id: newId('txi_'),
    object: 'tax_id',
    country: taxIdCountry(p.type, value),
    created: unixNow(ctx.deps.clock),
    customer: null,
    customer_account: null,
    livemode: false,
    owner: { customer_account: null, type: 'self' },
    type: p.type,
    value,
    verification: { status: 'unavailable', verified_address: null, verified_name: null },
  };
  await taxIds.insert(ctx.db, ctx.account, taxId, taxIdColumns(taxId));
  return taxId;
}

/** A tax ID by id, whoever owns it; 404 when there is none. */
async function requireTaxId(ctx: Ctx, id: string, lock = false): Promise<TaxId> {
  const t = lock ? await taxIds.getForUpdate(ctx.db, ctx.account, id) : await findTaxId(ctx, id);
  if (!t) throw errors.missingResource('tax_id', id);
  return t;
}

/** GET /v1/tax_ids/:id */
export async function retrieveTaxId(ctx: Ctx, id: string): Promise<TaxId> {
  return requireTaxId(ctx, id);
}

/** DELETE /v1/tax_ids/:id, with `customer.tax_id.deleted` for a customer's. */
export async function deleteTaxId(ctx: Ctx, id: string): Promise<DeletedTaxId> {
  const t = await requireTaxId(ctx, id, true);
  await taxIds.delete(ctx.db, ctx.account, id);
  if (t.customer) await emit(ctx, 'customer.tax_id.deleted', t);
  return { id, object: 'tax_id', deleted: true };
}

/** GET /v1/tax_ids: the account's own tax IDs (`owner[type]=self`, the default) or a customer's, newest first. */
export async function listTaxIds(ctx: Ctx, params: FormObject, url: string) {
  const p = parseParams({ ...listParams, owner: ownerShape }, params);
  const customer = await ownerOf(ctx, p.owner);
  const page = toPage(p);
  return listObject(url, await taxIds.list(ctx.db, ctx.account, { customer_id: customer }, page), 'tax_id', page);
}
