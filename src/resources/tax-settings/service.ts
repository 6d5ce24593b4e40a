/**
 * Tax Settings (`/v1/tax/settings`, https://docs.stripe.com/api/tax/settings): one per account.
 * `status` is `active` once the head office is set, as Stripe computes it; `defaults[tax_behavior]`
 * applies to prices whose own tax behavior is `unspecified` (docs/decisions.md#tax).
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject } from '../../api/form.js';
import { obj, oneOf, parseParams, required, str } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import { emit, previousAttributes } from '../../events/emit.js';
import { addressParam, toAddress } from '../shared/params.js';
import { isCountryCode, unknownCountry } from '../tax-rates/countries.js';
import type { StoredTaxSettings, TaxSettings } from './shape.js';
import { blankSettings, lockSettings, readSettings, saveSettings } from './store.js';

const updateShape = {
  defaults: obj({ tax_behavior: oneOf(['exclusive', 'inclusive', 'inferred_by_currency']), tax_code: str({ max: 5000 }) }),
  head_office: obj({ address: required(addressParam()) }),
};

/** The served object: what is set, and the status Stripe derives from it. */
function served(s: StoredTaxSettings): TaxSettings {
  const missing = s.head_office === null ? ['head_office'] : [];
  return {
    object: 'tax.settings',
    defaults: s.defaults,
    head_office: s.head_office,
    livemode: false,
    status: missing.length === 0 ? 'active' : 'pending',
    status_details: missing.length === 0 ? { active: {} } : { pending: { missing_fields: missing } },
  };
}

/** The account's Tax Settings (a new account's: pending, no head office, no defaults). One query. */
export async function taxSettingsOf(ctx: Ctx): Promise<TaxSettings> {
  return served((await readSettings(ctx)) ?? blankSettings(unixNow(ctx.deps.clock)));
}

/** GET /v1/tax/settings */
export function retrieveTaxSettings(ctx: Ctx, params: FormObject): Promise<TaxSettings> {
  parseParams({}, params);
  return taxSettingsOf(ctx);
}

/**
 * POST /v1/tax/settings: sets `defaults` and `head_office` (none can be removed once set, as on
 * Stripe), and emits `tax.settings.updated` when something changed.
 */
export async function updateTaxSettings(ctx: Ctx, params: FormObject): Promise<TaxSettings> {
  const p = parseParams(updateShape, params);
  const current = await lockSettings(ctx, unixNow(ctx.deps.clock));
  const next: StoredTaxSettings = { ...current, defaults: { ...current.defaults } };
  if (p.defaults?.tax_behavior !== undefined) next.defaults.tax_behavior = p.defaults.tax_behavior;
  if (p.defaults?.tax_code !== undefined) next.defaults.tax_code = p.defaults.tax_code;
  if (p.head_office !== undefined) {
    const address = toAddress(p.head_office.address);
    if (address.country === null) throw errors.missingParam('head_office[address][country]');
    if (!isCountryCode(address.country)) throw unknownCountry(address.country, 'head_office[address][country]');
    next.head_office = { address };
  }
  const before = served(current);
  const after = served(next);
  const prev = previousAttributes(before, after);
  if (Object.keys(prev).length === 0) return before;
  await saveSettings(ctx, next);
  await emit(ctx, 'tax.settings.updated', after, prev);
  return after;
}
