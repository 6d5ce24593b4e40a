import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject, FormValue } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, toPage, type ListObject } from '../../api/list.js';
import { mergeMetadata, obj, parseParams, required } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { ObjectTable, type Filter } from '../../store/objects.js';
import { buildProduct, findProduct, insertProduct, requireProduct } from '../products/model.js';
import type { ProductDataParams } from '../products/params.js';
import { checkUnitAmount, defaultPriceDataShape, priceCreateShape, priceDataShape, priceListShape, priceUpdateShape } from './params.js';
import type { Interval, Price, Recurring, TaxBehavior } from './shape.js';

/** The `prices` table: the object as served, plus the columns its list filters use. */
export const prices = new ObjectTable<Price>('prices');

function columns(p: Price) {
  return {
    product_id: p.product,
    active: p.active ? 1 : 0,
    lookup_key: p.lookup_key,
    type: p.type,
    currency: p.currency,
    recurring_interval: p.recurring?.interval ?? null,
  };
}

/** What every way of creating a price gives (API params, `price_data`, `default_price_data`). */
export interface PriceInput {
  currency: string;
  unit_amount?: number | undefined;
  unit_amount_decimal?: string | undefined;
  recurring?: { interval: Interval; interval_count?: number | undefined; trial_period_days?: number | undefined } | undefined;
  tax_behavior?: TaxBehavior | undefined;
  active?: boolean | undefined;
  lookup_key?: string | undefined;
  transfer_lookup_key?: boolean | undefined;
  nickname?: string | undefined;
  metadata?: Record<string, string | null> | null | undefined;
}

/** Stripe bills at most every three years. */
const MAX_INTERVAL_COUNT: Record<Interval, number> = { day: 1095, week: 156, month: 36, year: 3 };

const named = (param: string | undefined, key: string) => (param ? `${param}[${key}]` : key);

function amountsOf(input: PriceInput, param: string | undefined): Pick<Price, 'unit_amount' | 'unit_amount_decimal'> {
  if (input.unit_amount !== undefined && input.unit_amount_decimal !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: unit_amount, unit_amount_decimal.', named(param, 'unit_amount'));
  }
  if (input.unit_amount !== undefined) return { unit_amount: input.unit_amount, unit_amount_decimal: String(input.unit_amount) };
  if (input.unit_amount_decimal !== undefined) {
    const n = Number(input.unit_amount_decimal);
    // unit_amount is the whole-number form, when there is one.
    return { unit_amount: Number.isInteger(n) ? n : null, unit_amount_decimal: input.unit_amount_decimal };
  }
  throw errors.missingParam(named(param, 'unit_amount'));
}

function recurringOf(r: PriceInput['recurring'], param: string | undefined): Recurring | null {
  if (!r) return null;
  const count = r.interval_count ?? 1;
  if (count > MAX_INTERVAL_COUNT[r.interval]) {
    throw errors.invalid(
      'The maximum billing interval is three years (3 years, 36 months, 156 weeks or 1095 days).',
      named(param, 'recurring[interval_count]'),
    );
  }
  return { interval: r.interval, interval_count: count, meter: null, trial_period_days: r.trial_period_days ?? null, usage_type: 'licensed' };
}

async function savePrice(ctx: Ctx, before: Price, after: Price): Promise<void> {
  await prices.update(ctx.db, ctx.account, after, columns(after));
  const prev = previousAttributes(before, after);
  if (Object.keys(prev).length > 0) await emit(ctx, 'price.updated', after, prev);
}

/** A lookup key names one price; `transfer_lookup_key` moves it from the price that has it. */
async function claimLookupKey(ctx: Ctx, key: string, priceId: string, transfer: boolean, param: string): Promise<void> {
  const holders = await ctx.db
    .selectFrom('prices')
    .select('id')
    .where('account_id', '=', ctx.account)
    .where('lookup_key', '=', key)
    .where('id', '!=', priceId)
    .execute();
  for (const { id } of holders) {
    if (!transfer) throw errors.invalid(`A price (\`${id}\`) already uses that lookup key.`, param);
    const other = await prices.get(ctx.db, ctx.account, id);
    if (other) await savePrice(ctx, other, { ...other, lookup_key: null });
  }
}

/**
 * Validates and stores a price of `productId`, emitting `price.created`. Inline prices
 * (`price_data`) are created inactive and never listed, as on Stripe. Error params are named
 * under `param` (`line_items[0][price_data]`).
 */
export async function insertPrice(ctx: Ctx, productId: string, input: PriceInput, opts: { inline?: boolean; param?: string } = {}): Promise<Price> {
  const recurring = recurringOf(input.recurring, opts.param);
  const price: Price = {
    id: newId('price_'),
    object: 'price',
    active: opts.inline ? false : (input.active ?? true),
    billing_scheme: 'per_unit',
    created: unixNow(ctx.deps.clock),
    currency: input.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: input.lookup_key ?? null,
    metadata: mergeMetadata({}, input.metadata),
    nickname: input.nickname ?? null,
    product: productId,
    recurring,
    tax_behavior: input.tax_behavior ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    ...amountsOf(input, opts.param),
  };
  if (price.lookup_key !== null) await claimLookupKey(ctx, price.lookup_key, price.id, input.transfer_lookup_key ?? false, named(opts.param, 'lookup_key'));
  await prices.insert(ctx.db, ctx.account, price, { ...columns(price), is_inline: opts.inline ? 1 : 0 });
  await emit(ctx, 'price.created', price, undefined, price.created);
  return price;
}

/** The product a new price belongs to: `product` (must exist) or `product_data` (created now). */
async function productFor(ctx: Ctx, p: { product?: string | undefined; product_data?: ProductDataParams | undefined }, param?: string): Promise<string> {
  if (p.product !== undefined && p.product_data !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: product, product_data.', named(param, 'product'));
  }
  if (p.product !== undefined) return (await requireProduct(ctx, p.product, named(param, 'product'))).id;
  if (p.product_data === undefined) {
    throw errors.invalid('You must specify either `product` or `product_data` when creating a price.', named(param, 'product'));
  }
  const product = buildProduct(ctx, p.product_data);
  await insertProduct(ctx, product, named(param, 'product_data[id]'));
  await emit(ctx, 'product.created', product, undefined, product.created);
  return product.id;
}

/** POST /v1/prices */
/** Does the product have a price created by the API (not inline `price_data`)? It then cannot be deleted. */
export async function hasUserCreatedPrices(ctx: Ctx, productId: string): Promise<boolean> {
  const priced = await prices.list(ctx.db, ctx.account, { product_id: productId, is_inline: 0 }, { limit: 1 });
  return priced.data.length > 0;
}

/** POST /v1/prices: a price of an existing product or of inline `product_data`. */
export async function createPrice(ctx: Ctx, params: FormObject): Promise<Price> {
  const p = parseParams(priceCreateShape, params);
  checkUnitAmount(p);
  return insertPrice(ctx, await productFor(ctx, p), p);
}

/**
 * A price of this account by id, for Checkout's `line_items[][price]`; unknown -> 404 naming
 * `param`. With `requireActive`, an archived price is refused with Stripe's message; with `lock`,
 * its row is held until the write commits (ObjectTable.getForUpdate).
 */
/** The price with this id in ctx's account (inline ones too), or undefined. */
export function findPrice(ctx: Ctx, id: string): Promise<Price | undefined> {
  return prices.get(ctx.db, ctx.account, id);
}

/** A price of this account; unknown -> 404 naming `param`, inactive -> 400 when `requireActive`. */
export async function requirePrice(ctx: Ctx, id: string, param = 'price', opts: { requireActive?: boolean; lock?: boolean } = {}): Promise<Price> {
  const price = opts.lock ? await prices.getForUpdate(ctx.db, ctx.account, id) : await prices.get(ctx.db, ctx.account, id);
  if (!price) throw errors.missingResource('price', id, param);
  if (opts.requireActive && !price.active) throw errors.invalid('The price specified is inactive. This field only accepts active prices.', param);
  return price;
}

/**
 * Creates the inline price of Checkout's `line_items[][price_data]` from its raw params (validated
 * here, errors named under `param`): `product` or `product_data` (a new product), `currency`,
 * `unit_amount` or `unit_amount_decimal`, `recurring`, `tax_behavior`. Created `active: false`.
 */
export async function createInlinePrice(ctx: Ctx, raw: FormValue | undefined, param: string): Promise<Price> {
  const p = required(obj(priceDataShape)).parse(raw, param);
  checkUnitAmount(p, param);
  return insertPrice(ctx, await productFor(ctx, p, param), p, { inline: true, param });
}

/** A product's `default_price_data`: an active price of that product. */
export async function createDefaultPrice(ctx: Ctx, productId: string, raw: FormValue | undefined, param = 'default_price_data'): Promise<Price> {
  const p = required(obj(defaultPriceDataShape)).parse(raw, param);
  checkUnitAmount(p, param);
  return insertPrice(ctx, productId, p, { param });
}

/** POST /v1/prices/:id */
export async function updatePrice(ctx: Ctx, id: string, params: FormObject): Promise<Price> {
  const p = parseParams(priceUpdateShape, params);
  // Locked: a concurrent write of the same object (another instance) applies after this one, not over it.
  const current = await requirePrice(ctx, id, 'price', { lock: true });
  const next: Price = { ...current, metadata: mergeMetadata(current.metadata, p.metadata) };
  if (p.active !== undefined) next.active = p.active;
  if (p.nickname !== undefined) next.nickname = p.nickname;
  if (p.tax_behavior !== undefined && p.tax_behavior !== current.tax_behavior) {
    if (current.tax_behavior !== 'unspecified') {
      throw errors.invalid('The tax_behavior of a price cannot be changed once it is set to exclusive or inclusive.', 'tax_behavior');
    }
    next.tax_behavior = p.tax_behavior;
  }
  if (p.lookup_key !== undefined && p.lookup_key !== current.lookup_key) {
    await claimLookupKey(ctx, p.lookup_key, id, p.transfer_lookup_key ?? false, 'lookup_key');
    next.lookup_key = p.lookup_key;
  }
  if (current.active && !next.active) {
    const product = await findProduct(ctx, current.product);
    if (product?.default_price === id) {
      throw errors.invalid('This price cannot be archived because it is the default price of its product.', 'active');
    }
  }
  await savePrice(ctx, current, next);
  return next;
}

/**
 * GET /v1/prices: newest first, inline prices never listed. Filters: active, currency, product,
 * type, recurring[interval], lookup_keys[] (at most 10 keys, each naming at most one price).
 */
export async function listPrices(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<Price>> {
  const p = parseParams(priceListShape, params);
  const page = toPage(p);
  const filter: Filter = { is_inline: 0 };
  if (p.active !== undefined) filter.active = p.active ? 1 : 0;
  if (p.currency !== undefined) filter.currency = p.currency;
  if (p.product !== undefined) filter.product_id = p.product;
  if (p.type !== undefined) filter.type = p.type;
  if (p.recurring?.interval !== undefined) filter.recurring_interval = p.recurring.interval;
  // Every price here is licensed: a metered filter matches none.
  if (p.recurring?.usage_type === 'metered') return { object: 'list', data: [], has_more: false, url };
  if (p.lookup_keys !== undefined) filter.lookup_key = { in: p.lookup_keys };
  return listObject(url, await prices.list(ctx.db, ctx.account, filter, page), 'price', page);
}
