import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { accountForKey } from '../../src/api/auth.js';
import { inTransaction, type Ctx } from '../../src/api/context.js';
import { dynamicTaxRateFor, requireTaxRates } from '../../src/resources/tax-rates/service.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';
import { rejectsWith, stripeError } from '../helpers/errors.js';

for (const store of STORES) {
  describe(`tax rates (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    const run = <T>(key: string, fn: (ctx: Ctx) => Promise<T>) => inTransaction(server.app.deps, accountForKey(key), fn);

    it('creates a tax rate in Stripe’s shape and retrieves it', async () => {
      const stripe = server.stripe();
      const rate = await stripe.taxRates.create({
        display_name: 'VAT',
        description: 'VAT Germany',
        jurisdiction: 'DE',
        percentage: 19,
        inclusive: false,
        country: 'de',
        tax_type: 'vat',
        metadata: { region: 'eu' },
      });
      assert.match(rate.id, /^txr_[A-Za-z0-9]{24}$/);
      assert.deepEqual(
        { ...rate, id: 'x', created: 0 },
        {
          id: 'x',
          object: 'tax_rate',
          active: true,
          country: 'DE',
          created: 0,
          description: 'VAT Germany',
          display_name: 'VAT',
          effective_percentage: 19,
          flat_amount: null,
          inclusive: false,
          jurisdiction: 'DE',
          jurisdiction_level: null,
          livemode: false,
          metadata: { region: 'eu' },
          percentage: 19,
          rate_type: 'percentage',
          state: null,
          tax_type: 'vat',
        },
      );
      assertMatchesSchema('tax_rate', rate);
      assert.deepEqual(await stripe.taxRates.retrieve(rate.id), rate);

      const minimal = await stripe.taxRates.create({ display_name: 'Sales tax', percentage: 8.875, inclusive: true, state: 'NY', country: 'US', tax_type: 'sales_tax' });
      assert.deepEqual([minimal.percentage, minimal.effective_percentage, minimal.inclusive, minimal.state, minimal.description, minimal.metadata], [8.875, 8.875, true, 'NY', null, {}]);
      assertMatchesSchema('tax_rate', minimal);
      const zero = await stripe.taxRates.create({ display_name: 'Zero', percentage: 0, inclusive: false, active: false, tax_type: 'retail_delivery_fee' });
      assert.deepEqual([zero.percentage, zero.active, zero.country], [0, false, null]);
      assertMatchesSchema('tax_rate', zero);
      const precise = await stripe.taxRates.create({ display_name: 'Precise', percentage: 12.3456, inclusive: false });
      assert.equal(precise.percentage, 12.3456);
    });

    it('updates what Stripe lets change, with tax_rate.created and tax_rate.updated events', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const rate = await stripe.taxRates.create({ display_name: 'GST', percentage: 10, inclusive: true, metadata: { a: '1' } });
      const updated = await stripe.taxRates.update(rate.id, {
        display_name: 'GST (AU)',
        description: 'Australia',
        jurisdiction: 'AU',
        country: 'AU',
        state: 'NSW',
        tax_type: 'gst',
        active: false,
        metadata: { a: '', b: '2' },
      });
      assert.deepEqual(
        [updated.display_name, updated.description, updated.jurisdiction, updated.country, updated.state, updated.tax_type, updated.active, updated.metadata],
        ['GST (AU)', 'Australia', 'AU', 'AU', 'NSW', 'gst', false, { b: '2' }],
      );
      assert.deepEqual([updated.percentage, updated.inclusive, updated.created], [10, true, rate.created]);
      assertMatchesSchema('tax_rate', updated);
      assert.deepEqual(await stripe.taxRates.retrieve(rate.id), updated);

      // An update that changes nothing emits nothing.
      assert.deepEqual(await stripe.taxRates.update(rate.id, { display_name: 'GST (AU)' }), updated);
      const events = await eventsOf(server, key, rate.id);
      assert.deepEqual(events.map((e) => e.type), ['tax_rate.created', 'tax_rate.updated']);
      assert.deepEqual(events[1]?.data.previous_attributes, {
        active: true,
        country: null,
        description: null,
        display_name: 'GST',
        jurisdiction: null,
        metadata: { a: '1' },
        state: null,
        tax_type: null,
      });
      assert.equal((events[1]?.data.object as unknown as Stripe.TaxRate).display_name, 'GST (AU)');

      const cleared = await stripe.taxRates.update(rate.id, { metadata: '' });
      assert.deepEqual(cleared.metadata, {});
    });

    it('lists tax rates newest first, filtered by active, inclusive and created, paged by cursors', async () => {
      const stripe = server.stripe();
      const a = await stripe.taxRates.create({ display_name: 'A', percentage: 5, inclusive: false });
      const b = await stripe.taxRates.create({ display_name: 'B', percentage: 6, inclusive: true });
      const c = await stripe.taxRates.create({ display_name: 'C', percentage: 7, inclusive: false, active: false });
      const ids = async (params: Stripe.TaxRateListParams = {}) => (await stripe.taxRates.list(params)).data.map((r) => r.id);
      assert.deepEqual(await ids(), [c.id, b.id, a.id]);
      assert.deepEqual(await ids({ active: true }), [b.id, a.id]);
      assert.deepEqual(await ids({ active: false }), [c.id]);
      assert.deepEqual(await ids({ inclusive: true }), [b.id]);
      assert.deepEqual(await ids({ inclusive: false, active: true }), [a.id]);
      assert.deepEqual(await ids({ created: { gte: a.created } }), [c.id, b.id, a.id]);
      assert.deepEqual(await ids({ created: { lt: a.created } }), []);
      const page = await stripe.taxRates.list({ limit: 2 });
      assert.deepEqual([page.data.map((r) => r.id), page.has_more, page.url], [[c.id, b.id], true, '/v1/tax_rates']);
      assert.deepEqual(await ids({ starting_after: b.id }), [a.id]);
      assert.deepEqual(await ids({ ending_before: a.id, limit: 1 }), [b.id]);
      for (const r of page.data) assertMatchesSchema('tax_rate', r);
      const all: string[] = [];
      for await (const r of stripe.taxRates.list({ limit: 1 })) all.push(r.id);
      assert.deepEqual(all, [c.id, b.id, a.id]);
    });

    it('refuses bad params with Stripe’s error type, code and param', async () => {
      const stripe = server.stripe();
      const base = { display_name: 'VAT', percentage: 20, inclusive: false };
      const cases: Array<[Record<string, unknown>, { status: number; code?: string; param?: string; message?: string | RegExp }]> = [
        [{ percentage: 20, inclusive: false }, { status: 400, code: 'parameter_missing', param: 'display_name', message: 'Missing required param: display_name.' }],
        [{ display_name: 'VAT', inclusive: false }, { status: 400, code: 'parameter_missing', param: 'percentage' }],
        [{ display_name: 'VAT', percentage: 20 }, { status: 400, code: 'parameter_missing', param: 'inclusive' }],
        [{ ...base, percentage: -1 }, { status: 400, code: 'parameter_invalid_decimal', param: 'percentage' }],
        [{ ...base, percentage: 100.5 }, { status: 400, code: 'parameter_invalid_decimal', param: 'percentage' }],
        [{ ...base, percentage: 1.23456 }, { status: 400, code: 'parameter_invalid_decimal', param: 'percentage', message: /four decimal places/ }],
        [{ ...base, percentage: 'ten' }, { status: 400, code: 'parameter_invalid_decimal', param: 'percentage', message: 'Invalid decimal: ten' }],
        [{ ...base, inclusive: 'maybe' }, { status: 400, code: 'parameter_invalid_boolean', param: 'inclusive' }],
        [{ ...base, active: 'yes' }, { status: 400, code: 'parameter_invalid_boolean', param: 'active' }],
        [{ ...base, display_name: 'x'.repeat(51) }, { status: 400, code: 'parameter_invalid_string', param: 'display_name' }],
        [{ ...base, display_name: '' }, { status: 400, param: 'display_name' }],
        [{ ...base, jurisdiction: 'x'.repeat(51) }, { status: 400, code: 'parameter_invalid_string', param: 'jurisdiction' }],
        [{ ...base, country: 'ZZ' }, { status: 400, code: 'country_code_invalid', param: 'country', message: /^Country 'ZZ' is unknown/ }],
        [{ ...base, tax_type: 'income_tax' }, { status: 400, code: 'parameter_invalid_string', param: 'tax_type' }],
        [{ ...base, metadata: 'x' }, { status: 400, code: 'parameter_invalid_object', param: 'metadata' }],
        [{ ...base, flat_amount: { amount: 1, currency: 'usd' } }, { status: 400, code: 'parameter_unknown', param: 'flat_amount' }],
      ];
      for (const [params, expected] of cases) {
        await assert.rejects(stripe.taxRates.create(params as unknown as Stripe.TaxRateCreateParams), stripeError(expected), JSON.stringify(params));
      }
      assert.equal((await stripe.taxRates.list()).data.length, 0);

      const rate = await stripe.taxRates.create(base);
      // percentage and inclusive are fixed once created: Stripe's update takes neither.
      await assert.rejects(stripe.taxRates.update(rate.id, { percentage: 10 } as never), stripeError({ status: 400, code: 'parameter_unknown', param: 'percentage' }));
      await assert.rejects(stripe.taxRates.update(rate.id, { inclusive: true } as never), stripeError({ status: 400, code: 'parameter_unknown', param: 'inclusive' }));
      await assert.rejects(stripe.taxRates.update(rate.id, { description: '' }), stripeError({ status: 400, param: 'description' }));
      await assert.rejects(stripe.taxRates.update(rate.id, { country: 'XX' }), stripeError({ status: 400, code: 'country_code_invalid', param: 'country' }));
      await assert.rejects(stripe.taxRates.retrieve('txr_nope'), stripeError({ status: 404, code: 'resource_missing', param: 'id', message: "No such tax_rate: 'txr_nope'" }));
      await assert.rejects(stripe.taxRates.update('txr_nope', { active: false }), stripeError({ status: 404, code: 'resource_missing', param: 'id' }));
      await assert.rejects(stripe.taxRates.list({ starting_after: 'txr_nope' }), stripeError({ status: 404, code: 'resource_missing', param: 'starting_after' }));
      await assert.rejects(stripe.taxRates.list({ percentage: 5 } as never), stripeError({ status: 400, code: 'parameter_unknown', param: 'percentage' }));
      await assert.rejects(stripe.taxRates.list({ limit: 101 }), stripeError({ status: 400, code: 'parameter_invalid_integer', param: 'limit' }));
    });

    it('keeps accounts apart', async () => {
      const a = server.stripe();
      const b = server.stripe();
      const rate = await a.taxRates.create({ display_name: 'VAT', percentage: 20, inclusive: false });
      await assert.rejects(b.taxRates.retrieve(rate.id), { statusCode: 404 });
      await assert.rejects(b.taxRates.update(rate.id, { active: false }), { statusCode: 404 });
      assert.equal((await b.taxRates.list()).data.length, 0);
    });

    it('requireTaxRates returns the rates in the order given, refusing unknown (404) and archived (400) ones by param', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const vat = await stripe.taxRates.create({ display_name: 'VAT', percentage: 20, inclusive: false });
      const gst = await stripe.taxRates.create({ display_name: 'GST', percentage: 10, inclusive: true });
      const archived = await stripe.taxRates.create({ display_name: 'Old', percentage: 5, inclusive: false, active: false });
      const got = await run(key, (ctx) => requireTaxRates(ctx, [vat.id, gst.id, vat.id], 'line_items[0][tax_rates]'));
      assert.deepEqual(got.map((r) => r.id), [vat.id, gst.id, vat.id]);
      assert.equal(got[1]?.percentage, 10);
      assert.deepEqual(await run(key, (ctx) => requireTaxRates(ctx, [], 'tax_rates')), []);
      await rejectsWith(run(key, (ctx) => requireTaxRates(ctx, [vat.id, 'txr_nope'], 'line_items[0][tax_rates]')), 404, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        param: 'line_items[0][tax_rates]',
        message: "No such tax_rate: 'txr_nope'",
      });
      await rejectsWith(run(key, (ctx) => requireTaxRates(ctx, [archived.id], 'line_items[1][dynamic_tax_rates]')), 400, {
        type: 'invalid_request_error',
        param: 'line_items[1][dynamic_tax_rates]',
        message: 'The tax rate specified is inactive. This field only accepts active tax rates.',
      });
      // Another account's rate is unknown here.
      await rejectsWith(run(freshKey(), (ctx) => requireTaxRates(ctx, [vat.id], 'tax_rates')), 404, { param: 'tax_rates' });
    });

    it('dynamicTaxRateFor picks the first rate matching the address’s country, and its state when the rate has one', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const jp = await stripe.taxRates.create({ display_name: 'JCT', percentage: 10, inclusive: true, country: 'JP', tax_type: 'jct' });
      const ca = await stripe.taxRates.create({ display_name: 'CA sales tax', percentage: 7.25, inclusive: false, country: 'US', state: 'CA' });
      const us = await stripe.taxRates.create({ display_name: 'US sales tax', percentage: 5, inclusive: false, country: 'US' });
      const jpAgain = await stripe.taxRates.create({ display_name: 'JCT 2', percentage: 8, inclusive: true, country: 'JP' });
      const noCountry = await stripe.taxRates.create({ display_name: 'Anywhere', percentage: 1, inclusive: false });
      const ids = [noCountry.id, jp.id, ca.id, us.id, jpAgain.id];
      const pick = (address: { country: string; state: string | null }, list = ids) =>
        run(key, (ctx) => dynamicTaxRateFor(ctx, list, 'line_items[0][dynamic_tax_rates]', address));
      assert.equal((await pick({ country: 'JP', state: null }))?.id, jp.id);
      assert.equal((await pick({ country: 'jp', state: '13' }))?.id, jp.id);
      assert.equal((await pick({ country: 'US', state: 'CA' }))?.id, ca.id);
      assert.equal((await pick({ country: 'US', state: 'ca' }))?.id, ca.id);
      assert.equal((await pick({ country: 'US', state: 'NY' }))?.id, us.id);
      assert.equal((await pick({ country: 'US', state: null }))?.id, us.id);
      assert.equal((await pick({ country: 'US', state: 'CA' }, [us.id, ca.id]))?.id, us.id, 'the first match in the order given');
      assert.equal(await pick({ country: 'FR', state: null }), null);
      assert.equal(await pick({ country: 'US', state: 'CA' }, [jp.id]), null);
      await rejectsWith(pick({ country: 'JP', state: null }, [jp.id, 'txr_gone']), 404, { param: 'line_items[0][dynamic_tax_rates]' });
    });
  });
}
