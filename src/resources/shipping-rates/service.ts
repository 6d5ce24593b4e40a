/**
 * Shipping rates (`/v1/shipping_rates`, https://docs.stripe.com/api/shipping_rates): fixed amounts
 * Checkout offers as `shipping_options`. Stripe sends no events for them (docs/decisions.md#shipping-rates).
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject, FormValue } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, toPage, type ListObject } from '../../api/list.js';
import { mergeMetadata, obj, parseParams, required } from '../../api/params.js';
import { RawJson } from '../../api/raw.js';
import { unixNow } from '../../clock.js';
import type { Filter } from '../../store/objects.js';
import {
  shippingRateCreateShape,
  shippingRateListShape,
  shippingRateUpdateShape,
  type CurrencyOptionParams,
  type ShippingRateCreateParams,
} from './params.js';
import type { CurrencyOption, DeliveryEstimate, ShippingRate, ShippingTaxBehavior } from './shape.js';
import { currenciesOf, shippingRateColumns, shippingRates } from './store.js';

const named = (param: string | undefined, key: string) => (param ? `${param}[${key}]` : key);

function sameAsDefault(currency: string, param: string) {
  return errors.invalid(`\`currency_options\` cannot include the rate's own currency (\`${currency}\`): set its amount with \`fixed_amount[amount]\`.`, param);
}

/** A new ShippingRate from create params (not stored); errors are named under `param` (`shipping_options[0][shipping_rate_data]`). */
function buildShippingRate(ctx: Ctx, p: ShippingRateCreateParams, param?: string): ShippingRate {
  if (!p.fixed_amount) throw errors.missingParam(named(param, 'fixed_amount'));
  const fixed = p.fixed_amount;
  const taxBehavior = p.tax_behavior ?? 'unspecified';
  const options: Record<string, CurrencyOption> = {};
  for (const [currency, o] of Object.entries(fixed.currency_options ?? {})) {
    if (currency === fixed.currency) throw sameAsDefault(currency, named(param, `fixed_amount[currency_options][${currency}]`));
    // A currency option without its own tax behavior takes the rate's.
    options[currency] = { amount: o.amount as number, tax_behavior: o.tax_behavior ?? taxBehavior };
  }
  const estimate = p.delivery_estimate;
  const delivery: DeliveryEstimate | null = estimate ? { maximum: estimate.maximum ?? null, minimum: estimate.minimum ?? null } : null;
  return {
    id: newId('shr_'),
    object: 'shipping_rate',
    active: true,
    created: unixNow(ctx.deps.clock),
    delivery_estimate: delivery,
    display_name: p.display_name,
    fixed_amount: {
      amount: fixed.amount,
      currency: fixed.currency,
      ...(Object.keys(options).length > 0 ? { currency_options: options } : {}),
    },
    livemode: false,
    metadata: mergeMetadata({}, p.metadata),
    tax_behavior: taxBehavior,
    tax_code: p.tax_code ?? null,
    type: 'fixed_amount',
  };
}

/** POST /v1/shipping_rates */
export async function createShippingRate(ctx: Ctx, params: FormObject): Promise<ShippingRate> {
  const rate = buildShippingRate(ctx, parseParams(shippingRateCreateShape, params));
  await shippingRates.insert(ctx.db, ctx.account, rate, shippingRateColumns(rate));
  return rate;
}

/** GET /v1/shipping_rates/:id, as stored and served. */
export async function retrieveShippingRate(ctx: Ctx, id: string): Promise<RawJson> {
  const text = await shippingRates.getText(ctx.db, ctx.account, id);
  if (text === undefined) throw errors.missingResource('shipping_rate', id);
  return new RawJson(text);
}

function changeTaxBehavior(current: ShippingTaxBehavior | null, next: ShippingTaxBehavior, param: string, what: string): ShippingTaxBehavior {
  if (current !== null && current !== 'unspecified' && current !== next) {
    throw errors.invalid(`The tax_behavior of ${what} cannot be changed once it is set to exclusive or inclusive.`, param);
  }
  return next;
}

function updatedOptions(rate: ShippingRate, update: Record<string, CurrencyOptionParams>): Record<string, CurrencyOption> {
  const options: Record<string, CurrencyOption> = { ...rate.fixed_amount.currency_options };
  for (const [currency, o] of Object.entries(update)) {
    const param = `fixed_amount[currency_options][${currency}]`;
    if (currency === rate.fixed_amount.currency) throw sameAsDefault(currency, param);
    const current = options[currency];
    if (!current && o.amount === undefined) throw errors.missingParam(`${param}[amount]`);
    const behavior = o.tax_behavior ?? current?.tax_behavior ?? rate.tax_behavior ?? 'unspecified';
    options[currency] = {
      amount: o.amount ?? (current as CurrencyOption).amount,
      tax_behavior: current ? changeTaxBehavior(current.tax_behavior, behavior, `${param}[tax_behavior]`, 'a currency option') : behavior,
    };
  }
  return options;
}

/** POST /v1/shipping_rates/:id: `active`, `metadata`, `tax_behavior` and the currency options' amounts. */
export async function updateShippingRate(ctx: Ctx, id: string, params: FormObject): Promise<ShippingRate> {
  const p = parseParams(shippingRateUpdateShape, params);
  // Locked: a concurrent write of the same object (another instance) applies after this one, not over it.
  const current = await shippingRates.getForUpdate(ctx.db, ctx.account, id);
  if (!current) throw errors.missingResource('shipping_rate', id);
  const next: ShippingRate = { ...current, metadata: mergeMetadata(current.metadata, p.metadata) };
  if (p.active !== undefined) next.active = p.active;
  if (p.tax_behavior !== undefined) next.tax_behavior = changeTaxBehavior(current.tax_behavior, p.tax_behavior, 'tax_behavior', 'a shipping rate');
  const optionUpdate = p.fixed_amount?.currency_options;
  if (optionUpdate !== undefined) {
    const options = updatedOptions(current, optionUpdate);
    next.fixed_amount = { amount: current.fixed_amount.amount, currency: current.fixed_amount.currency, ...(Object.keys(options).length > 0 ? { currency_options: options } : {}) };
  }
  await shippingRates.update(ctx.db, ctx.account, next, shippingRateColumns(next));
  return next;
}

/** GET /v1/shipping_rates: newest first; filters `active`, `currency` (the rate's or a currency option's), `created`. */
export async function listShippingRates(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<RawJson>> {
  const p = parseParams(shippingRateListShape, params);
  const page = toPage(p);
  const filter: Filter = {};
  if (p.active !== undefined) filter.active = p.active ? 1 : 0;
  // Currency codes are three letters, so the pattern needs no escaping.
  if (p.currency !== undefined) filter.currencies = { like: `%,${p.currency},%` };
  const result = await shippingRates.listText(ctx.db, ctx.account, filter, page);
  return listObject(url, { ...result, data: result.data.map((text) => new RawJson(text)) }, 'shipping_rate', page);
}

/** The rate's amount in `currency`, or undefined when it has none. */
function amountIn(rate: ShippingRate, currency: string): number | undefined {
  if (rate.fixed_amount.currency === currency) return rate.fixed_amount.amount;
  return rate.fixed_amount.currency_options?.[currency]?.amount;
}

/**
 * The shipping rate of one of Checkout's `shipping_options` (`param`, e.g. `shipping_options[0]`):
 * an existing active rate (`shipping_rate`), or a new rate Stripe creates from `shipping_rate_data`
 * with the same checks as `POST /v1/shipping_rates`. Refused (400) when the rate has no amount in
 * the session's `currency`.
 */
export async function resolveShippingRate(
  ctx: Ctx,
  option: { shipping_rate?: string; shipping_rate_data?: FormValue },
  param: string,
  currency: string,
): Promise<ShippingRate> {
  const idParam = `${param}[shipping_rate]`;
  const dataParam = `${param}[shipping_rate_data]`;
  if (option.shipping_rate !== undefined && option.shipping_rate_data !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: shipping_rate, shipping_rate_data.', idParam);
  }
  const wanted = currency.toLowerCase();
  if (option.shipping_rate !== undefined) {
    const rate = await shippingRates.get(ctx.db, ctx.account, option.shipping_rate);
    if (!rate) throw errors.missingResource('shipping_rate', option.shipping_rate, idParam);
    if (!rate.active) throw errors.invalid('The shipping rate specified is inactive. This field only accepts active shipping rates.', idParam);
    if (amountIn(rate, wanted) === undefined) throw noAmountIn(rate, wanted, idParam);
    return rate;
  }
  if (option.shipping_rate_data === undefined) throw errors.missingParam(idParam);
  const rate = buildShippingRate(ctx, required(obj(shippingRateCreateShape)).parse(option.shipping_rate_data, dataParam), dataParam);
  if (amountIn(rate, wanted) === undefined) throw noAmountIn(rate, wanted, `${dataParam}[fixed_amount][currency]`);
  await shippingRates.insert(ctx.db, ctx.account, rate, shippingRateColumns(rate));
  return rate;
}

function noAmountIn(rate: ShippingRate, currency: string, param: string) {
  return errors.invalid(
    `The shipping rate has no amount in ${currency}, the currency of this session (it has ${currenciesOf(rate).join(', ')}). Add \`fixed_amount[currency_options][${currency}]\` or use a shipping rate in ${currency}.`,
    param,
  );
}

/** What `rate` charges in `currency` (smallest unit); a currency it has no amount in is a 400. */
export function shippingAmount(rate: ShippingRate, currency: string): number {
  const amount = amountIn(rate, currency.toLowerCase());
  if (amount === undefined) throw noAmountIn(rate, currency.toLowerCase(), 'shipping_rate');
  return amount;
}
