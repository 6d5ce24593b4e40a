/**
 * Tax registrations (`/v1/tax/registrations`, https://docs.stripe.com/api/tax/registrations):
 * where the account collects tax, and the automatic tax Checkout applies there
 * (docs/decisions.md#tax).
 */
import type { Ctx } from '../../api/context.js';
import { errors } from '../../api/errors.js';
import type { FormObject, FormValue } from '../../api/form.js';
import { newId } from '../../api/ids.js';
import { listObject, listParams, toPage, type ListObject } from '../../api/list.js';
import { int, oneOf, parseParams, required, type Field } from '../../api/params.js';
import { unixNow } from '../../clock.js';
import type { Filter } from '../../store/objects.js';
import { countryParam } from '../tax-rates/countries.js';
import { EU_COUNTRIES, isRegistrationCountry, parseCountryOptions } from './country-options.js';
import type { TaxRegistration } from './shape.js';
import { standardRate } from './standard-rates.js';
import { findRegistrationAt, registrationColumns, statusAt, taxRegistrations } from './store.js';
import { stateOfZip } from './us-zip-states.js';

export { taxSettingsOf } from '../tax-settings/service.js';

/** `active_from`/`expires_at`: `now` or a unix timestamp; with `unset`, `''` too (-> null). */
function timeParam(unset: boolean): Field<'now' | number | null | undefined> {
  const ts = int({ min: 0 });
  return {
    parse(value, param) {
      if (value === 'now') return 'now';
      if (value === '' && unset) return null;
      return ts.parse(value, param);
    },
  };
}

const createShape = {
  active_from: required(timeParam(false)),
  country: required(countryParam()),
  // Read once `country` is known: its shape depends on the country.
  country_options: { parse: (value) => value } satisfies Field<FormValue | undefined>,
  expires_at: int({ min: 0 }),
};
const updateShape = { active_from: timeParam(false), expires_at: timeParam(true) };
const listShape = {
  limit: listParams.limit,
  starting_after: listParams.starting_after,
  ending_before: listParams.ending_before,
  status: oneOf(['active', 'all', 'expired', 'scheduled']),
};

/** Business time of registrations: they belong to no customer, so no test clock; the wall clock. */
const nowOf = (ctx: Ctx) => unixNow(ctx.deps.clock);

function checkWindow(activeFrom: number, expiresAt: number | null): void {
  if (expiresAt !== null && expiresAt < activeFrom) throw errors.invalid('expires_at must not be before active_from.', 'expires_at');
}

/** POST /v1/tax/registrations */
export async function createRegistration(ctx: Ctx, params: FormObject): Promise<TaxRegistration> {
  const p = parseParams(createShape, params);
  if (!isRegistrationCountry(p.country)) throw errors.invalid(`Stripe Tax does not support registrations in ${p.country}.`, 'country');
  const { options } = parseCountryOptions(p.country_options, p.country);
  const now = nowOf(ctx);
  if (p.active_from !== 'now' && p.active_from < now) {
    throw errors.invalid('active_from must be `now` or a timestamp in the future.', 'active_from');
  }
  const activeFrom = p.active_from === 'now' ? now : p.active_from;
  const expiresAt = p.expires_at ?? null;
  checkWindow(activeFrom, expiresAt);
  const registration: TaxRegistration = {
    id: newId('taxreg_'),
    object: 'tax.registration',
    active_from: activeFrom,
    country: p.country,
    country_options: options,
    created: now,
    expires_at: expiresAt,
    livemode: false,
    status: statusAt({ active_from: activeFrom, expires_at: expiresAt }, now),
  };
  await taxRegistrations.insert(ctx.db, ctx.account, registration, registrationColumns(registration));
  return registration;
}

/** GET /v1/tax/registrations/:id, its status judged now. */
export async function retrieveRegistration(ctx: Ctx, id: string): Promise<TaxRegistration> {
  const r = await findRegistrationAt(ctx, id, nowOf(ctx));
  if (!r) throw errors.missingResource('tax.registration', id);
  return r;
}

/** The registration with this id, for `expand[]` (status judged now). */
export function findRegistration(ctx: Ctx, id: string): Promise<TaxRegistration | undefined> {
  return findRegistrationAt(ctx, id, nowOf(ctx));
}

/**
 * POST /v1/tax/registrations/:id: moves `active_from` or `expires_at` (`now`, a timestamp, or
 * `''` to unset `expires_at`). A registration is never deleted; setting `expires_at` ends it.
 */
export async function updateRegistration(ctx: Ctx, id: string, params: FormObject): Promise<TaxRegistration> {
  const p = parseParams(updateShape, params);
  // Locked: a concurrent write of the same object (another instance) applies after this one, not over it.
  const current = await taxRegistrations.getForUpdate(ctx.db, ctx.account, id);
  if (!current) throw errors.missingResource('tax.registration', id);
  const now = nowOf(ctx);
  const next: TaxRegistration = { ...current };
  if (p.active_from !== undefined && p.active_from !== null) next.active_from = p.active_from === 'now' ? now : p.active_from;
  if (p.expires_at !== undefined) next.expires_at = p.expires_at === 'now' ? now : p.expires_at;
  checkWindow(next.active_from, next.expires_at);
  next.status = statusAt(next, now);
  await taxRegistrations.update(ctx.db, ctx.account, next, registrationColumns(next));
  return next;
}

/** GET /v1/tax/registrations: newest first; `status` (default all) judged now. */
export async function listRegistrations(ctx: Ctx, params: FormObject, url: string): Promise<ListObject<TaxRegistration>> {
  const p = parseParams(listShape, params);
  const page = toPage(p);
  const now = nowOf(ctx);
  const filter: Filter = {};
  if (p.status === 'active') Object.assign(filter, { active_from: { lte: now }, ends_at: { gt: now } });
  else if (p.status === 'scheduled') Object.assign(filter, { active_from: { gt: now }, ends_at: { gt: now } });
  else if (p.status === 'expired') filter.ends_at = { lte: now };
  const result = await taxRegistrations.list(ctx.db, ctx.account, filter, page);
  return listObject(url, { ...result, data: result.data.map((r) => ({ ...r, status: statusAt(r, now) })) }, 'tax.registration', page);
}

/** What automatic tax charges where the buyer is (Checkout's `automatic_tax`). */
export interface AutomaticTaxRate {
  percentage: number;
  country: string;
  state: string | null;
  display_name: string;
  tax_type: string;
  jurisdiction: string;
  taxability_reason: 'standard_rated';
}

/**
 * Automatic tax for an address: the standard rate of its country (in the US, of its state) from
 * the table in standard-rates.ts, when the account has a registration there that is active at
 * business time `at` (default now); otherwise null, and no tax is collected. An OSS registration
 * collects in every EU member state. One indexed query, none when the table has no rate there.
 */
export async function automaticTaxRate(
  ctx: Ctx,
  address: { country: string; state: string | null; postal_code: string | null },
  at: number = nowOf(ctx),
): Promise<AutomaticTaxRate | null> {
  const country = address.country.toUpperCase();
  // A US address without its state (Checkout's `auto` collects the ZIP code only) is located by its ZIP code, as Stripe Tax does.
  const given = address.state === null || address.state === '' ? null : address.state.toUpperCase();
  const state = given ?? (country === 'US' && address.postal_code ? stateOfZip(address.postal_code) : null);
  const rate = standardRate(country, state);
  if (!rate) return null;
  const covers = country === 'US' ? [`US-${state}`] : (EU_COUNTRIES as readonly string[]).includes(country.toLowerCase()) ? [country, 'EU', 'EU-IOSS'] : [country];
  const found = await taxRegistrations.listRows(
    ctx.db,
    ctx.account,
    { covers: { in: covers }, active_from: { lte: at }, ends_at: { gt: at } },
    { limit: 1 },
    ['id'],
  );
  if (found.data.length === 0) return null;
  return { ...rate, taxability_reason: 'standard_rated' };
}
