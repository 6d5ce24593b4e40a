/**
 * Stripe Tax, as much as Checkout needs: registrations (where the account collects), settings
 * (one per account), and the automatic tax rate an address gets (docs/decisions.md#tax). The 2024
 * contract subset has no schema for `tax.registration` or `tax.settings`, so their shapes are
 * checked here field by field against stripe-node 23's types (`Tax.Registration`, `Tax.Settings`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { accountForKey } from '../../src/api/auth.js';
import { inTransaction, type Ctx } from '../../src/api/context.js';
import { EU_COUNTRIES } from '../../src/resources/tax-registrations/country-options.js';
import { automaticTaxRate, taxSettingsOf } from '../../src/resources/tax-registrations/service.js';
import { COUNTRY_RATES, US_STATE_RATES } from '../../src/resources/tax-registrations/standard-rates.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';
import { stripeError } from '../helpers/errors.js';

const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);

/** stripe-node 23 `Tax.Registration`: its fields in order, each of its type. */
function assertRegistrationShape(r: Stripe.Tax.Registration): void {
  assert.deepEqual(Object.keys(r), ['id', 'object', 'active_from', 'country', 'country_options', 'created', 'expires_at', 'livemode', 'status']);
  assert.match(r.id, /^taxreg_[A-Za-z0-9]{24}$/);
  assert.equal(r.object, 'tax.registration');
  assert.ok(isInt(r.active_from) && isInt(r.created));
  assert.match(r.country, /^[A-Z]{2}$/);
  assert.ok(r.expires_at === null || isInt(r.expires_at));
  assert.equal(r.livemode, false);
  assert.ok(['active', 'expired', 'scheduled'].includes(r.status));
  // `country_options` holds one key, the registration's country in lower case, with its `type`.
  const cc = r.country.toLowerCase();
  assert.deepEqual(Object.keys(r.country_options), [cc]);
  const option = (r.country_options as Record<string, { type: string }>)[cc];
  assert.equal(typeof option?.type, 'string');
}

/** stripe-node 23 `Tax.Settings`: its fields in order, each of its type. */
function assertSettingsShape(s: Stripe.Tax.Settings): void {
  assert.deepEqual(Object.keys(s), ['object', 'defaults', 'head_office', 'livemode', 'status', 'status_details']);
  assert.equal(s.object, 'tax.settings');
  assert.deepEqual(Object.keys(s.defaults), ['provider', 'tax_behavior', 'tax_code']);
  assert.equal(s.defaults.provider, 'stripe');
  assert.ok(s.defaults.tax_behavior === null || ['exclusive', 'inclusive', 'inferred_by_currency'].includes(s.defaults.tax_behavior));
  assert.ok(s.defaults.tax_code === null || typeof s.defaults.tax_code === 'string');
  if (s.head_office !== null) {
    assert.deepEqual(Object.keys(s.head_office), ['address']);
    assert.deepEqual(Object.keys(s.head_office.address), ['city', 'country', 'line1', 'line2', 'postal_code', 'state']);
  }
  assert.equal(s.livemode, false);
  if (s.status === 'active') assert.deepEqual(s.status_details, { active: {} });
  else {
    assert.equal(s.status, 'pending');
    assert.deepEqual(Object.keys(s.status_details), ['pending']);
    assert.ok(Array.isArray(s.status_details.pending?.missing_fields));
  }
}

for (const store of STORES) {
  describe(`Stripe Tax: registrations, settings and automatic tax (${store})`, () => {
    let server: TestServer;
    // Business time of registrations is the wall clock, which these tests move.
    let nowMs = Date.now();
    const clock = { now: () => nowMs };
    const now = () => Math.floor(nowMs / 1000);
    before(async () => {
      server = await startServer(store, { clock });
    });
    after(() => server.close());

    const run = <T>(key: string, fn: (ctx: Ctx) => Promise<T>) => inTransaction(server.app.deps, accountForKey(key), fn);
    const taxAt = (key: string, country: string, state: string | null = null, at?: number) =>
      run(key, (ctx) => automaticTaxRate(ctx, { country, state, postal_code: null }, ...(at === undefined ? [] : [at])));

    it('creates registrations in Stripe’s shape for each kind of country, and retrieves them', async () => {
      const stripe = server.stripe();
      const jp = await stripe.tax.registrations.create({ country: 'JP', active_from: 'now', country_options: { jp: { type: 'standard' } } });
      assertRegistrationShape(jp);
      assert.deepEqual(
        { ...jp, id: 'x' },
        {
          id: 'x',
          object: 'tax.registration',
          active_from: now(),
          country: 'JP',
          country_options: { jp: { standard: { place_of_supply_scheme: 'standard' }, type: 'standard' } },
          created: now(),
          expires_at: null,
          livemode: false,
          status: 'active',
        },
      );
      assert.deepEqual(await stripe.tax.registrations.retrieve(jp.id), jp);

      const us = await stripe.tax.registrations.create({ country: 'us', active_from: 'now', country_options: { us: { state: 'ca', type: 'state_sales_tax' } } });
      assertRegistrationShape(us);
      assert.deepEqual([us.country, us.country_options], ['US', { us: { state: 'CA', type: 'state_sales_tax' } }]);
      const elections = await stripe.tax.registrations.create({
        country: 'US',
        active_from: 'now',
        country_options: { us: { state: 'CO', type: 'state_sales_tax', state_sales_tax: { elections: [{ type: 'local_use_tax', jurisdiction: '08001' }, { type: 'simplified_sellers_use_tax' }] } } },
      });
      assert.deepEqual(elections.country_options.us, {
        state: 'CO',
        state_sales_tax: { elections: [{ jurisdiction: '08001', type: 'local_use_tax' }, { type: 'simplified_sellers_use_tax' }] },
        type: 'state_sales_tax',
      });
      const local = await stripe.tax.registrations.create({
        country: 'US',
        active_from: 'now',
        country_options: { us: { state: 'IL', type: 'local_lease_tax', local_lease_tax: { jurisdiction: '14000' } } },
      });
      assert.deepEqual(local.country_options.us, { local_lease_tax: { jurisdiction: '14000' }, state: 'IL', type: 'local_lease_tax' });

      const de = await stripe.tax.registrations.create({ country: 'DE', active_from: 'now', country_options: { de: { type: 'standard', standard: { place_of_supply_scheme: 'small_seller' } } } });
      assert.deepEqual(de.country_options, { de: { standard: { place_of_supply_scheme: 'small_seller' }, type: 'standard' } });
      const oss = await stripe.tax.registrations.create({ country: 'IE', active_from: 'now', country_options: { ie: { type: 'oss_union' } } });
      assert.deepEqual(oss.country_options, { ie: { type: 'oss_union' } });
      const ca = await stripe.tax.registrations.create({ country: 'CA', active_from: 'now', country_options: { ca: { type: 'province_standard', province_standard: { province: 'bc' } } } });
      assert.deepEqual(ca.country_options, { ca: { province_standard: { province: 'BC' }, type: 'province_standard' } });
      const kr = await stripe.tax.registrations.create({ country: 'KR', active_from: 'now', country_options: { kr: { type: 'simplified' } } });
      assert.deepEqual(kr.country_options, { kr: { type: 'simplified' } });
      const za = await stripe.tax.registrations.create({ country: 'ZA', active_from: 'now', country_options: { za: { type: 'standard', standard: { place_of_supply_scheme: 'inbound_goods' } } } });
      assert.deepEqual(za.country_options, { za: { type: 'standard' } });
      for (const r of [us, elections, local, de, oss, ca, kr, za]) assertRegistrationShape(r);
    });

    it('judges status by business time: scheduled until active_from, expired from expires_at, and lists by status', async () => {
      const stripe = server.stripe();
      const start = now();
      const later = await stripe.tax.registrations.create({ country: 'GB', active_from: start + 3600, expires_at: start + 7200, country_options: { gb: { type: 'standard' } } });
      assertRegistrationShape(later);
      assert.deepEqual([later.status, later.active_from, later.expires_at], ['scheduled', start + 3600, start + 7200]);
      const current = await stripe.tax.registrations.create({ country: 'FR', active_from: 'now', country_options: { fr: { type: 'standard', standard: { place_of_supply_scheme: 'standard' } } } });
      const byStatus = async (status?: Stripe.Tax.RegistrationListParams['status']) =>
        (await stripe.tax.registrations.list(status ? { status } : {})).data.map((r) => [r.id, r.status]);
      assert.deepEqual(await byStatus(), [[current.id, 'active'], [later.id, 'scheduled']]);
      assert.deepEqual(await byStatus('all'), [[current.id, 'active'], [later.id, 'scheduled']]);
      assert.deepEqual(await byStatus('active'), [[current.id, 'active']]);
      assert.deepEqual(await byStatus('scheduled'), [[later.id, 'scheduled']]);
      assert.deepEqual(await byStatus('expired'), []);

      nowMs += 3600_000;
      assert.equal((await stripe.tax.registrations.retrieve(later.id)).status, 'active');
      assert.deepEqual(await byStatus('active'), [[current.id, 'active'], [later.id, 'active']]);
      nowMs += 3600_000;
      assert.equal((await stripe.tax.registrations.retrieve(later.id)).status, 'expired');
      assert.deepEqual(await byStatus('expired'), [[later.id, 'expired']]);

      // Ending a registration: expires_at now.
      const ended = await stripe.tax.registrations.update(current.id, { expires_at: 'now' });
      assert.deepEqual([ended.status, ended.expires_at], ['expired', now()]);
      assertRegistrationShape(ended);
      assert.deepEqual(await byStatus('active'), []);
      // Unset again, it is active once more; a later end schedules it to expire.
      const reopened = await stripe.tax.registrations.update(current.id, { expires_at: '' });
      assert.deepEqual([reopened.status, reopened.expires_at], ['active', null]);
      const endsLater = await stripe.tax.registrations.update(current.id, { expires_at: now() + 60 });
      assert.deepEqual([endsLater.status, endsLater.expires_at], ['active', now() + 60]);
      // A scheduled registration may start now instead.
      const next = await stripe.tax.registrations.create({ country: 'DE', active_from: now() + 600, country_options: { de: { type: 'oss_union' } } });
      const started = await stripe.tax.registrations.update(next.id, { active_from: 'now' });
      assert.deepEqual([started.status, started.active_from], ['active', now()]);
      const page = await stripe.tax.registrations.list({ limit: 1 });
      assert.deepEqual([page.data.length, page.has_more, page.url], [1, true, '/v1/tax/registrations']);
      assert.deepEqual((await stripe.tax.registrations.list({ starting_after: next.id, limit: 1 })).data.map((r) => r.id), [current.id]);
    });

    it('refuses bad registration params with Stripe’s error type, code and param', async () => {
      const stripe = server.stripe();
      const gb = { gb: { type: 'standard' } };
      const cases: Array<[Record<string, unknown>, { status: number; code?: string; param?: string; message?: string | RegExp }]> = [
        [{ country: 'GB', country_options: gb }, { status: 400, code: 'parameter_missing', param: 'active_from' }],
        [{ active_from: 'now', country_options: gb }, { status: 400, code: 'parameter_missing', param: 'country' }],
        [{ active_from: 'now', country: 'GB' }, { status: 400, code: 'parameter_missing', param: 'country_options' }],
        [{ active_from: 'soon', country: 'GB', country_options: gb }, { status: 400, code: 'parameter_invalid_integer', param: 'active_from' }],
        [{ active_from: now() - 3600, country: 'GB', country_options: gb }, { status: 400, param: 'active_from' }],
        [{ active_from: 'now', expires_at: now() - 1, country: 'GB', country_options: gb }, { status: 400, param: 'expires_at' }],
        [{ active_from: 'now', expires_at: 'never', country: 'GB', country_options: gb }, { status: 400, code: 'parameter_invalid_integer', param: 'expires_at' }],
        [{ active_from: 'now', country: 'ZZ', country_options: gb }, { status: 400, code: 'country_code_invalid', param: 'country' }],
        [{ active_from: 'now', country: 'AQ', country_options: { aq: { type: 'standard' } } }, { status: 400, param: 'country' }],
        [{ active_from: 'now', country: 'GB', country_options: { de: { type: 'standard', standard: { place_of_supply_scheme: 'standard' } } } }, { status: 400, param: 'country_options[de]' }],
        [{ active_from: 'now', country: 'GB', country_options: { gb: { type: 'standard' }, fr: { type: 'oss_union' } } }, { status: 400, param: 'country_options[fr]' }],
        [{ active_from: 'now', country: 'GB', country_options: { xx: { type: 'standard' } } }, { status: 400, code: 'parameter_unknown', param: 'country_options[xx]' }],
        [{ active_from: 'now', country: 'GB', country_options: { gb: { type: 'simplified' } } }, { status: 400, code: 'parameter_invalid_string', param: 'country_options[gb][type]' }],
        [{ active_from: 'now', country: 'GB', country_options: { gb: { standard: { place_of_supply_scheme: 'standard' } } } }, { status: 400, code: 'parameter_missing', param: 'country_options[gb][type]' }],
        [{ active_from: 'now', country: 'GB', country_options: { gb: { type: 'standard', standard: { place_of_supply_scheme: 'small_seller' } } } }, { status: 400, code: 'parameter_invalid_string', param: 'country_options[gb][standard][place_of_supply_scheme]' }],
        [{ active_from: 'now', country: 'DE', country_options: { de: { type: 'standard' } } }, { status: 400, code: 'parameter_missing', param: 'country_options[de][standard]' }],
        [{ active_from: 'now', country: 'DE', country_options: { de: { type: 'standard', standard: { foo: 'bar' } } } }, { status: 400, code: 'parameter_unknown', param: 'country_options[de][standard][foo]' }],
        [{ active_from: 'now', country: 'DE', country_options: { de: { type: 'oss_union', standard: { place_of_supply_scheme: 'standard' } } } }, { status: 400, param: 'country_options[de][standard]' }],
        [{ active_from: 'now', country: 'US', country_options: { us: { type: 'state_sales_tax' } } }, { status: 400, code: 'parameter_missing', param: 'country_options[us][state]' }],
        [{ active_from: 'now', country: 'US', country_options: { us: { state: 'XX', type: 'state_sales_tax' } } }, { status: 400, param: 'country_options[us][state]' }],
        [{ active_from: 'now', country: 'US', country_options: { us: { state: 'CA', type: 'vat' } } }, { status: 400, code: 'parameter_invalid_string', param: 'country_options[us][type]' }],
        [{ active_from: 'now', country: 'US', country_options: { us: { state: 'NY', type: 'admissions_tax' } } }, { status: 400, code: 'parameter_missing', param: 'country_options[us][admissions_tax][jurisdiction]' }],
        [{ active_from: 'now', country: 'US', country_options: { us: { state: 'NY', type: 'state_sales_tax', admissions_tax: { jurisdiction: '1' } } } }, { status: 400, param: 'country_options[us][admissions_tax]' }],
        [{ active_from: 'now', country: 'US', country_options: { us: { state: 'CO', type: 'state_sales_tax', state_sales_tax: { elections: [{ type: 'other' }] } } } }, { status: 400, code: 'parameter_invalid_string', param: 'country_options[us][state_sales_tax][elections][0][type]' }],
        [{ active_from: 'now', country: 'CA', country_options: { ca: { type: 'province_standard' } } }, { status: 400, code: 'parameter_missing', param: 'country_options[ca][province_standard]' }],
        [{ active_from: 'now', country: 'CA', country_options: { ca: { type: 'province_standard', province_standard: {} as never } } }, { status: 400, code: 'parameter_missing', param: 'country_options[ca][province_standard]' }],
        [{ active_from: 'now', country: 'GB', country_options: gb, status: 'active' }, { status: 400, code: 'parameter_unknown', param: 'status' }],
      ];
      for (const [params, expected] of cases) {
        await assert.rejects(stripe.tax.registrations.create(params as unknown as Stripe.Tax.RegistrationCreateParams), stripeError(expected), JSON.stringify(params));
      }
      assert.equal((await stripe.tax.registrations.list()).data.length, 0);

      const reg = await stripe.tax.registrations.create({ country: 'GB', active_from: 'now', country_options: { gb: { type: 'standard' } } });
      await assert.rejects(stripe.tax.registrations.update(reg.id, { country: 'FR' } as never), stripeError({ status: 400, code: 'parameter_unknown', param: 'country' }));
      await assert.rejects(stripe.tax.registrations.update(reg.id, { expires_at: 'later' as never }), stripeError({ status: 400, code: 'parameter_invalid_integer', param: 'expires_at' }));
      await assert.rejects(stripe.tax.registrations.update(reg.id, { expires_at: reg.active_from - 10 }), stripeError({ status: 400, param: 'expires_at' }));
      await assert.rejects(stripe.tax.registrations.retrieve('taxreg_nope'), stripeError({ status: 404, code: 'resource_missing', param: 'id', message: "No such tax.registration: 'taxreg_nope'" }));
      await assert.rejects(stripe.tax.registrations.update('taxreg_nope', { expires_at: 'now' }), stripeError({ status: 404, code: 'resource_missing', param: 'id' }));
      await assert.rejects(stripe.tax.registrations.list({ status: 'paused' as never }), stripeError({ status: 400, code: 'parameter_invalid_string', param: 'status' }));
      await assert.rejects(stripe.tax.registrations.list({ created: 1 } as never), stripeError({ status: 400, code: 'parameter_unknown', param: 'created' }));
      await assert.rejects(server.stripe().tax.registrations.retrieve(reg.id), { statusCode: 404 });
    });

    it('collects automatic tax at the standard rate only where a registration is active: JP 10 %, none without one', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      assert.equal(await taxAt(key, 'JP'), null, 'no registration, no tax');
      await stripe.tax.registrations.create({ country: 'JP', active_from: 'now', country_options: { jp: { type: 'standard' } } });
      assert.deepEqual(await run(key, (ctx) => automaticTaxRate(ctx, { country: 'JP', state: null, postal_code: '100-0001' })), {
        percentage: 10,
        country: 'JP',
        state: null,
        display_name: 'JCT',
        tax_type: 'jct',
        jurisdiction: 'JP',
        taxability_reason: 'standard_rated',
      });
      assert.equal((await taxAt(key, 'jp'))?.percentage, 10);
      assert.equal(await taxAt(key, 'GB'), null, 'registered in JP only');
      assert.equal(await taxAt(freshKey(), 'JP'), null, 'another account has no registration');
    });

    it('collects nothing under a registration scheduled in the future until business time reaches it, nor after it expires', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const start = now() + 86_400;
      const reg = await stripe.tax.registrations.create({ country: 'GB', active_from: start, country_options: { gb: { type: 'standard' } } });
      assert.equal(reg.status, 'scheduled');
      assert.equal(await taxAt(key, 'GB'), null);
      assert.equal(await taxAt(key, 'GB', null, start - 1), null);
      assert.equal((await taxAt(key, 'GB', null, start))?.percentage, 20, 'business time given explicitly');
      nowMs += 86_400_000;
      assert.deepEqual(await taxAt(key, 'GB'), { percentage: 20, country: 'GB', state: null, display_name: 'VAT', tax_type: 'vat', jurisdiction: 'GB', taxability_reason: 'standard_rated' });
      await stripe.tax.registrations.update(reg.id, { expires_at: 'now' });
      assert.equal(await taxAt(key, 'GB'), null);
    });

    it('collects US sales tax by state, only in a state with a state_sales_tax registration', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      await stripe.tax.registrations.create({ country: 'US', active_from: 'now', country_options: { us: { state: 'CA', type: 'state_sales_tax' } } });
      await stripe.tax.registrations.create({ country: 'US', active_from: 'now', country_options: { us: { state: 'NY', type: 'admissions_tax', admissions_tax: { jurisdiction: '36061' } } } });
      assert.deepEqual(await taxAt(key, 'US', 'CA'), {
        percentage: 7.25,
        country: 'US',
        state: 'CA',
        display_name: 'Sales Tax',
        tax_type: 'sales_tax',
        jurisdiction: 'CA',
        taxability_reason: 'standard_rated',
      });
      assert.equal((await taxAt(key, 'us', 'ca'))?.percentage, 7.25);
      assert.equal(await taxAt(key, 'US', 'NY'), null, 'a local-tax registration collects no state sales tax');
      assert.equal(await taxAt(key, 'US', 'TX'), null);
      assert.equal(await taxAt(key, 'US', null), null, 'no state, no US sales tax');
      await stripe.tax.registrations.create({ country: 'US', active_from: 'now', country_options: { us: { state: 'TX', type: 'state_sales_tax' } } });
      assert.equal((await taxAt(key, 'US', 'TX'))?.percentage, 6.25);
    });

    it('collects in every EU member state under an OSS registration, and GST in Canada', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      await stripe.tax.registrations.create({ country: 'IE', active_from: 'now', country_options: { ie: { type: 'oss_union' } } });
      assert.equal((await taxAt(key, 'FR'))?.percentage, 20);
      assert.deepEqual(await taxAt(key, 'DE'), { percentage: 19, country: 'DE', state: null, display_name: 'VAT', tax_type: 'vat', jurisdiction: 'DE', taxability_reason: 'standard_rated' });
      assert.equal((await taxAt(key, 'HU'))?.percentage, 27);
      assert.equal(await taxAt(key, 'GB'), null, 'the EU OSS does not reach outside the EU');
      assert.equal(await taxAt(key, 'CA', 'ON'), null);
      await stripe.tax.registrations.create({ country: 'CA', active_from: 'now', country_options: { ca: { type: 'standard' } } });
      assert.deepEqual(await taxAt(key, 'CA', 'ON'), { percentage: 5, country: 'CA', state: null, display_name: 'GST', tax_type: 'gst', jurisdiction: 'CA', taxability_reason: 'standard_rated' });
      const domestic = freshKey();
      await server.stripe(domestic).tax.registrations.create({ country: 'DE', active_from: 'now', country_options: { de: { type: 'standard', standard: { place_of_supply_scheme: 'standard' } } } });
      assert.equal((await taxAt(domestic, 'DE'))?.percentage, 19);
      assert.equal(await taxAt(domestic, 'FR'), null, 'a standard registration collects in its own country only');
    });

    it('has a standard rate for every EU member state, GB, JP, CA, AU, and every US state', () => {
      for (const cc of EU_COUNTRIES) assert.ok(COUNTRY_RATES[cc.toUpperCase()]?.tax_type === 'vat', `${cc} has a VAT rate`);
      assert.deepEqual(
        ['JP', 'GB', 'DE', 'FR', 'CA', 'AU'].map((cc) => COUNTRY_RATES[cc]?.percentage),
        [10, 20, 19, 20, 5, 10],
      );
      assert.equal(Object.keys(US_STATE_RATES).length, 51, 'the 50 states and DC');
      for (const rate of [...Object.values(COUNTRY_RATES).map((r) => r.percentage), ...Object.values(US_STATE_RATES)]) {
        assert.ok(rate >= 0 && rate <= 100);
      }
    });

    it('serves Tax Settings: pending until the head office is set, with tax.settings.updated events', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const fresh = await stripe.tax.settings.retrieve();
      assertSettingsShape(fresh);
      assert.deepEqual(fresh, {
        object: 'tax.settings',
        defaults: { provider: 'stripe', tax_behavior: null, tax_code: null },
        head_office: null,
        livemode: false,
        status: 'pending',
        status_details: { pending: { missing_fields: ['head_office'] } },
      });
      assert.deepEqual(await run(key, (ctx) => taxSettingsOf(ctx)), fresh);

      const withDefaults = await stripe.tax.settings.update({ defaults: { tax_behavior: 'exclusive', tax_code: 'txcd_10000000' } });
      assertSettingsShape(withDefaults);
      assert.deepEqual([withDefaults.defaults, withDefaults.status], [{ provider: 'stripe', tax_behavior: 'exclusive', tax_code: 'txcd_10000000' }, 'pending']);
      const active = await stripe.tax.settings.update({ head_office: { address: { country: 'jp', line1: '1-1 Chiyoda', city: 'Tokyo', postal_code: '100-0001' } } });
      assertSettingsShape(active);
      assert.deepEqual(active, {
        object: 'tax.settings',
        defaults: { provider: 'stripe', tax_behavior: 'exclusive', tax_code: 'txcd_10000000' },
        head_office: { address: { city: 'Tokyo', country: 'JP', line1: '1-1 Chiyoda', line2: null, postal_code: '100-0001', state: null } },
        livemode: false,
        status: 'active',
        status_details: { active: {} },
      });
      assert.deepEqual(await stripe.tax.settings.retrieve(), active);
      assert.deepEqual(await run(key, (ctx) => taxSettingsOf(ctx)), active);
      // Nothing changed: no event.
      assert.deepEqual(await stripe.tax.settings.update({ defaults: { tax_behavior: 'exclusive' } }), active);
      const moved = await stripe.tax.settings.update({ head_office: { address: { country: 'DE' } }, defaults: { tax_behavior: 'inferred_by_currency' } });
      assert.deepEqual([moved.head_office?.address.country, moved.head_office?.address.city, moved.defaults.tax_behavior], ['DE', null, 'inferred_by_currency']);

      const events = (await eventsOf(server, key)).filter((e) => e.type === 'tax.settings.updated');
      assert.equal(events.length, 3);
      assert.deepEqual(events[0]?.data.previous_attributes, { defaults: fresh.defaults });
      assert.deepEqual(events[1]?.data.previous_attributes, { head_office: null, status: 'pending', status_details: { pending: { missing_fields: ['head_office'] } } });
      assert.equal((events[1]?.data.object as unknown as Stripe.Tax.Settings).status, 'active');
      // Another account's settings are its own.
      assert.equal((await server.stripe().tax.settings.retrieve()).status, 'pending');
    });

    it('refuses bad Tax Settings params with Stripe’s error type, code and param', async () => {
      const stripe = server.stripe();
      const cases: Array<[Record<string, unknown>, { status: number; code?: string; param?: string }]> = [
        [{ defaults: { tax_behavior: 'unspecified' } }, { status: 400, code: 'parameter_invalid_string', param: 'defaults[tax_behavior]' }],
        [{ defaults: { tax_behavior: '' } }, { status: 400, param: 'defaults[tax_behavior]' }],
        [{ defaults: { provider: 'avalara' } }, { status: 400, code: 'parameter_unknown', param: 'defaults[provider]' }],
        [{ head_office: { address: { city: 'Tokyo' } } }, { status: 400, code: 'parameter_missing', param: 'head_office[address][country]' }],
        [{ head_office: { address: { country: 'ZZ' } } }, { status: 400, code: 'country_code_invalid', param: 'head_office[address][country]' }],
        [{ head_office: { address: { country: 'JP', region: 'x' } } }, { status: 400, code: 'parameter_unknown', param: 'head_office[address][region]' }],
        [{ head_office: { name: 'x' } }, { status: 400, code: 'parameter_unknown', param: 'head_office[name]' }],
        [{ status: 'active' }, { status: 400, code: 'parameter_unknown', param: 'status' }],
      ];
      for (const [params, expected] of cases) {
        await assert.rejects(stripe.tax.settings.update(params as unknown as Stripe.Tax.SettingsUpdateParams), stripeError(expected), JSON.stringify(params));
      }
      await assert.rejects(stripe.tax.settings.retrieve({ status: 'x' } as never), stripeError({ status: 400, code: 'parameter_unknown', param: 'status' }));
      assert.equal((await stripe.tax.settings.retrieve()).status, 'pending');
    });
  });
}
