/**
 * Tax rates (`/v1/tax_rates`): rates defined by hand, as Stripe documents them
 * (https://docs.stripe.com/api/tax_rates), and the checks Checkout runs on `tax_rates` and
 * `dynamic_tax_rates` (docs/decisions.md#tax).
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, listParams, toPage, type ListObject } from '../../api/list.js';
import { bool, mergeMetadata, metadata, oneOf, parseParams, required, str, type Field } from '../../api/params.js';
import { RawJson } from '../../api/raw.js';
import { unixNow } from '../../clock.js';
import { emit, previousAttributes } from '../../events/emit.js';
import type { Filter } from '../../store/objects.js';
import { countryParam } from './countries.js';
import { TAX_TYPES, type TaxRate } from './shape.js';
import { taxRateColumns, taxRates } from './store.js';

/**
 * `percentage`: a decimal from 0 to 100 with at most 4 decimal places, as Stripe takes it
 * ("decimal values between 0 and 100 inclusive with at most 4 decimal places").
 */
function percentageParam(): Field<number | undefined> {
  const base = str({ max: 30 });
  return {
    parse(value, param) {
      const s = base.parse(value, param);
      if (s === undefined) return undefined;
      const m = /^(\d{1,15})(?:\.(\d+))?$/.exec(s);
      if (!m) throw errors.invalid(`Invalid decimal: ${s}`, param, 'parameter_invalid_decimal');
      if ((m[2] ?? '').replace(/0+$/, '').length > 4) {
        throw errors.invalid(`Invalid decimal: ${s}; must contain at maximum four decimal places.`, param, 'parameter_invalid_decimal');
      }
      const n = Number(s);
      if (n > 100) throw errors.invalid(`Invalid ${param}: must be between 0 and 100 (inclusive)`, param, 'parameter_invalid_decimal');
      return n;
    },
  };
}

const writable = {
  active: bool(),
  country: countryParam(),
  description: str({ max: 5000 }),
  display_name: str({ max: 50 }),
  jurisdiction: str({ max: 50 }),
  metadata: metadata(),
  state: str({ max: 5000 }),
  tax_type: oneOf(TAX_TYPES),
};
const createShape = { ...writable, display_name: required(str({ max: 50 })), inclusive: required(bool()), percentage: required(percentageParam()) };
const listShape = { ...listParams, active: bool(), inclusive: bool() };

const INACTIVE = 'The tax rate specified is inactive. This field only accepts active tax rates.';

/** POST /v1/tax_rates */
export async function createTaxRate(ctx: Ctx, params: FormObject): Promise<TaxRate> {
  const p = parseParams(createShape, params);
  const rate: TaxRate = {
    id: newId('txr_'),
    object: 'tax_rate',
    active: p.active ?? true,
    country: p.country ?? null,
    created: unixNow(ctx.deps.clock),
    description: p.description ?? null,
    display_name: p.display_name,
    effective_percentage: p.percentage,
    flat_amount: null,
    inclusive: p.inclusive,
    jurisdiction: p.jurisdiction ?? null,
    jurisdiction_level: null,
    livemode: false,
    metadata: mergeMetadata({}, p.metadata),
    percentage: p.percentage,
    rate_type: 'percentage',
    state: p.state ?? null,
    tax_type: p.tax_type ?? null,
  };
  await taxRates.insert(ctx.db, ctx.account, rate, taxRateColumns(rate));
  await emit(ctx, 'tax_rate.created', rate, undefined, rate.created);
  return rate;
}

/** GET /v1/tax_rates/:id, as stored and served. */
export async function retrieveTaxRate(ctx: Ctx, id: string): Promise<RawJson> {
  const text = await taxRates.getText(ctx.db, ctx.account, id);
  if (text === undefined) throw errors.missingResource('tax_rate', id);
  return new RawJson(text);
}

/** POST /v1/tax_rates/:id: what Stripe lets change (not `percentage` nor `inclusive`). */
export async function updateTaxRate(ctx: Ctx, id: string, params: FormObject): Promise<TaxRate> {
  const p = parseParams(writable, params);
  // Locked: a concurrent write of the same object (another instance) applies after this one, not over it.
  const current = await taxRates.getForUpdate(ctx.db, ctx.account, id);
  if (!current) throw errors.missingResource('tax_rate', id);
  const next: TaxRate = { ...current, metadata: mergeMetadata(current.metadata, p.metadata) };
  if (p.active !== undefined) next.active = p.active;
  if (p.country !== undefined) next.country = p.country;
  if (p.description !== undefined) next.description = p.description;
  if (p.display_name !== undefined) next.display_name = p.display_name;
  if (p.jurisdiction !== undefined) next.jurisdiction = p.jurisdiction;
  if (p.state !== undefined) next.state = p.state;
  if (p.tax_type !== undefined) next.tax_type = p.tax_type;
  const prev = previousAttributes(current, next);
  if (Object.keys(prev).length === 0) return current;
  await taxRates.update(ctx.db, ctx.account, next, taxRateColumns(next));
  await emit(ctx, 'tax_rate.updated', next, prev);
  return next;
}

/** GET /v1/tax_rates: newest first; filters `active`, `inclusive`, `created`. */
export async function listTaxRates(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<RawJson>> {
  const p = parseParams(listShape, params);
  const page = toPage(p);
  const filter: Filter = {};
  if (p.active !== undefined) filter.active = p.active ? 1 : 0;
  if (p.inclusive !== undefined) filter.inclusive = p.inclusive ? 1 : 0;
  const result = await taxRates.listText(ctx.db, ctx.account, filter, page);
  return listObject(url, { ...result, data: result.data.map((text) => new RawJson(text)) }, 'tax_rate', page);
}

/**
 * The tax rates `ids` names, in that order, for Checkout's `tax_rates` and `dynamic_tax_rates`:
 * one query for all of them. An unknown id is a 404 and an archived rate a 400, both naming `param`.
 */
export async function requireTaxRates(ctx: Ctx, ids: readonly string[], param: string): Promise<TaxRate[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const found = await taxRates.list(ctx.db, ctx.account, { id: { in: unique } }, { limit: unique.length });
  const byId = new Map(found.data.map((r) => [r.id, r]));
  return ids.map((id) => {
    const rate = byId.get(id);
    if (!rate) throw errors.missingResource('tax_rate', id, param);
    if (!rate.active) throw errors.invalid(INACTIVE, param);
    return rate;
  });
}

/**
 * Stripe's choice among `dynamic_tax_rates` for the buyer's address: the first rate (in the
 * order given) whose country is the address's, and whose state, when the rate has one, is the
 * address's too; null when none matches. Every id is checked as {@link requireTaxRates} does.
 */
export async function dynamicTaxRateFor(
  ctx: Ctx,
  ids: readonly string[],
  param: string,
  address: { country: string; state: string | null },
): Promise<TaxRate | null> {
  const rates = await requireTaxRates(ctx, ids, param);
  const country = address.country.toUpperCase();
  const state = address.state?.toUpperCase() ?? null;
  return rates.find((r) => r.country === country && (r.state === null || r.state.toUpperCase() === state)) ?? null;
}
