import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { accountForKey } from '../../src/api/auth.js';
import { inTransaction, type Ctx } from '../../src/api/context.js';
import { resolveShippingRate, shippingAmount } from '../../src/resources/shipping-rates/service.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';
import { rejectsWith, stripeError } from '../helpers/errors.js';

for (const store of STORES) {
  describe(`shipping rates (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    const run = <T>(key: string, fn: (ctx: Ctx) => Promise<T>) => inTransaction(server.app.deps, accountForKey(key), fn);

    it('creates a fixed-amount shipping rate in Stripe’s shape, retrieves it, and emits no event', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const rate = await stripe.shippingRates.create({
        display_name: 'Ground shipping',
        type: 'fixed_amount',
        fixed_amount: { amount: 500, currency: 'USD' },
        delivery_estimate: { minimum: { unit: 'business_day', value: 5 }, maximum: { unit: 'business_day', value: 7 } },
        tax_behavior: 'exclusive',
        tax_code: 'txcd_92010001',
        metadata: { carrier: 'ups' },
      });
      assert.match(rate.id, /^shr_[A-Za-z0-9]{24}$/);
      assert.deepEqual(
        { ...rate, id: 'x', created: 0 },
        {
          id: 'x',
          object: 'shipping_rate',
          active: true,
          created: 0,
          delivery_estimate: { maximum: { unit: 'business_day', value: 7 }, minimum: { unit: 'business_day', value: 5 } },
          display_name: 'Ground shipping',
          fixed_amount: { amount: 500, currency: 'usd' },
          livemode: false,
          metadata: { carrier: 'ups' },
          tax_behavior: 'exclusive',
          tax_code: 'txcd_92010001',
          type: 'fixed_amount',
        },
      );
      assertMatchesSchema('shipping_rate', rate);
      assert.deepEqual(await stripe.shippingRates.retrieve(rate.id), rate);

      const plain = await stripe.shippingRates.create({ display_name: 'Free', fixed_amount: { amount: 0, currency: 'jpy' } });
      assert.deepEqual([plain.type, plain.tax_behavior, plain.tax_code, plain.delivery_estimate, plain.fixed_amount], ['fixed_amount', 'unspecified', null, null, { amount: 0, currency: 'jpy' }]);
      assertMatchesSchema('shipping_rate', plain);
      const open = await stripe.shippingRates.create({ display_name: 'Slow', fixed_amount: { amount: 1, currency: 'usd' }, delivery_estimate: { minimum: { unit: 'week', value: 2 } } });
      assert.deepEqual(open.delivery_estimate, { maximum: null, minimum: { unit: 'week', value: 2 } });
      assertMatchesSchema('shipping_rate', open);
      // Stripe has no shipping rate events.
      assert.deepEqual(await eventsOf(server, key), []);
    });

    it('keeps amounts in other currencies (currency_options) and updates them', async () => {
      const stripe = server.stripe();
      const rate = await stripe.shippingRates.create({
        display_name: 'International',
        fixed_amount: { amount: 1000, currency: 'usd', currency_options: { EUR: { amount: 900 }, gbp: { amount: 800, tax_behavior: 'inclusive' } } },
        tax_behavior: 'exclusive',
      });
      assert.deepEqual(rate.fixed_amount, {
        amount: 1000,
        currency: 'usd',
        currency_options: { eur: { amount: 900, tax_behavior: 'exclusive' }, gbp: { amount: 800, tax_behavior: 'inclusive' } },
      });
      assertMatchesSchema('shipping_rate', rate);
      const updated = await stripe.shippingRates.update(rate.id, { fixed_amount: { currency_options: { eur: { amount: 950 }, jpy: { amount: 150 } } } });
      assert.deepEqual(updated.fixed_amount?.currency_options, {
        eur: { amount: 950, tax_behavior: 'exclusive' },
        gbp: { amount: 800, tax_behavior: 'inclusive' },
        jpy: { amount: 150, tax_behavior: 'exclusive' },
      });
      assert.equal(updated.fixed_amount?.amount, 1000);
      assert.deepEqual(await stripe.shippingRates.retrieve(rate.id), updated);
      await assert.rejects(
        stripe.shippingRates.update(rate.id, { fixed_amount: { currency_options: { cad: { tax_behavior: 'exclusive' } } } }),
        stripeError({ status: 400, code: 'parameter_missing', param: 'fixed_amount[currency_options][cad][amount]' }),
      );
      await assert.rejects(
        stripe.shippingRates.update(rate.id, { fixed_amount: { currency_options: { gbp: { tax_behavior: 'exclusive' } } } }),
        stripeError({ status: 400, param: 'fixed_amount[currency_options][gbp][tax_behavior]' }),
      );
      await assert.rejects(
        stripe.shippingRates.update(rate.id, { fixed_amount: { currency_options: { usd: { amount: 1 } } } }),
        stripeError({ status: 400, param: 'fixed_amount[currency_options][usd]' }),
      );
    });

    it('updates active, metadata and an unspecified tax_behavior, and keeps a set tax_behavior', async () => {
      const stripe = server.stripe();
      const rate = await stripe.shippingRates.create({ display_name: 'Ground', fixed_amount: { amount: 500, currency: 'usd' }, metadata: { a: '1' } });
      const updated = await stripe.shippingRates.update(rate.id, { active: false, metadata: { a: '', b: '2' }, tax_behavior: 'inclusive' });
      assert.deepEqual([updated.active, updated.metadata, updated.tax_behavior], [false, { b: '2' }, 'inclusive']);
      assertMatchesSchema('shipping_rate', updated);
      assert.deepEqual(await stripe.shippingRates.retrieve(rate.id), updated);
      await assert.rejects(stripe.shippingRates.update(rate.id, { tax_behavior: 'exclusive' }), stripeError({ status: 400, param: 'tax_behavior' }));
      assert.equal((await stripe.shippingRates.update(rate.id, { tax_behavior: 'inclusive' })).tax_behavior, 'inclusive');
      assert.deepEqual((await stripe.shippingRates.update(rate.id, { metadata: '' })).metadata, {});
      await assert.rejects(stripe.shippingRates.update(rate.id, { display_name: 'x' } as never), stripeError({ status: 400, code: 'parameter_unknown', param: 'display_name' }));
      await assert.rejects(stripe.shippingRates.update(rate.id, { fixed_amount: { amount: 1 } } as never), stripeError({ status: 400, code: 'parameter_unknown', param: 'fixed_amount[amount]' }));
      await assert.rejects(stripe.shippingRates.update('shr_nope', { active: true }), stripeError({ status: 404, code: 'resource_missing', param: 'id' }));
    });

    it('lists shipping rates newest first, filtered by active, currency (its own or an option’s) and created', async () => {
      const stripe = server.stripe();
      const usd = await stripe.shippingRates.create({ display_name: 'A', fixed_amount: { amount: 1, currency: 'usd' } });
      const eur = await stripe.shippingRates.create({ display_name: 'B', fixed_amount: { amount: 2, currency: 'eur', currency_options: { usd: { amount: 3 } } } });
      const off = await stripe.shippingRates.create({ display_name: 'C', fixed_amount: { amount: 4, currency: 'jpy' } });
      await stripe.shippingRates.update(off.id, { active: false });
      const ids = async (params: Stripe.ShippingRateListParams = {}) => (await stripe.shippingRates.list(params)).data.map((r) => r.id);
      assert.deepEqual(await ids(), [off.id, eur.id, usd.id]);
      assert.deepEqual(await ids({ active: true }), [eur.id, usd.id]);
      assert.deepEqual(await ids({ active: false }), [off.id]);
      assert.deepEqual(await ids({ currency: 'usd' }), [eur.id, usd.id]);
      assert.deepEqual(await ids({ currency: 'EUR' }), [eur.id]);
      assert.deepEqual(await ids({ currency: 'gbp' }), []);
      assert.deepEqual(await ids({ created: { gt: usd.created + 3600 } }), []);
      assert.deepEqual(await ids({ limit: 1, starting_after: eur.id }), [usd.id]);
      const page = await stripe.shippingRates.list({ limit: 2 });
      assert.deepEqual([page.has_more, page.url], [true, '/v1/shipping_rates']);
      for (const r of page.data) assertMatchesSchema('shipping_rate', r);
    });

    it('refuses bad params with Stripe’s error type, code and param', async () => {
      const stripe = server.stripe();
      const base = { display_name: 'Ground', fixed_amount: { amount: 500, currency: 'usd' } };
      const cases: Array<[Record<string, unknown>, { status: number; code?: string; param?: string; message?: string | RegExp }]> = [
        [{ fixed_amount: { amount: 500, currency: 'usd' } }, { status: 400, code: 'parameter_missing', param: 'display_name' }],
        [{ display_name: 'Ground' }, { status: 400, code: 'parameter_missing', param: 'fixed_amount' }],
        [{ display_name: 'Ground', fixed_amount: { currency: 'usd' } }, { status: 400, code: 'parameter_missing', param: 'fixed_amount[amount]' }],
        [{ display_name: 'Ground', fixed_amount: { amount: 5 } }, { status: 400, code: 'parameter_missing', param: 'fixed_amount[currency]' }],
        [{ display_name: 'Ground', fixed_amount: { amount: -1, currency: 'usd' } }, { status: 400, code: 'parameter_invalid_integer', param: 'fixed_amount[amount]' }],
        [{ display_name: 'Ground', fixed_amount: { amount: 100_000_000, currency: 'usd' } }, { status: 400, code: 'parameter_invalid_integer', param: 'fixed_amount[amount]' }],
        [{ display_name: 'Ground', fixed_amount: { amount: 'five', currency: 'usd' } }, { status: 400, code: 'parameter_invalid_integer', param: 'fixed_amount[amount]' }],
        [{ display_name: 'Ground', fixed_amount: { amount: 5, currency: 'dollars' } }, { status: 400, param: 'fixed_amount[currency]' }],
        [{ ...base, type: 'calculated' }, { status: 400, code: 'parameter_invalid_string', param: 'type' }],
        [{ ...base, tax_behavior: 'sometimes' }, { status: 400, code: 'parameter_invalid_string', param: 'tax_behavior' }],
        [{ ...base, display_name: 'x'.repeat(101) }, { status: 400, code: 'parameter_invalid_string', param: 'display_name' }],
        [{ ...base, delivery_estimate: { minimum: { unit: 'fortnight', value: 1 } } }, { status: 400, code: 'parameter_invalid_string', param: 'delivery_estimate[minimum][unit]' }],
        [{ ...base, delivery_estimate: { minimum: { unit: 'day', value: 0 } } }, { status: 400, code: 'parameter_invalid_integer', param: 'delivery_estimate[minimum][value]' }],
        [{ ...base, delivery_estimate: { maximum: { value: 3 } } }, { status: 400, code: 'parameter_missing', param: 'delivery_estimate[maximum][unit]' }],
        [{ ...base, fixed_amount: { amount: 5, currency: 'usd', currency_options: { eur: { tax_behavior: 'inclusive' } } } }, { status: 400, code: 'parameter_missing', param: 'fixed_amount[currency_options][eur][amount]' }],
        [{ ...base, fixed_amount: { amount: 5, currency: 'usd', currency_options: { euro: { amount: 1 } } } }, { status: 400, param: 'fixed_amount[currency_options][euro]' }],
        [{ ...base, fixed_amount: { amount: 5, currency: 'usd', currency_options: { usd: { amount: 1 } } } }, { status: 400, param: 'fixed_amount[currency_options][usd]' }],
        [{ ...base, fixed_amount: { amount: 5, currency: 'usd', currency_options: { eur: { amount: 1, colour: 'red' } } } }, { status: 400, code: 'parameter_unknown', param: 'fixed_amount[currency_options][eur][colour]' }],
        [{ ...base, active: false }, { status: 400, code: 'parameter_unknown', param: 'active' }],
      ];
      for (const [params, expected] of cases) {
        await assert.rejects(stripe.shippingRates.create(params as unknown as Stripe.ShippingRateCreateParams), stripeError(expected), JSON.stringify(params));
      }
      assert.equal((await stripe.shippingRates.list()).data.length, 0);
      await assert.rejects(stripe.shippingRates.retrieve('shr_nope'), stripeError({ status: 404, code: 'resource_missing', param: 'id', message: "No such shipping_rate: 'shr_nope'" }));
      await assert.rejects(stripe.shippingRates.list({ currency: 'x' }), stripeError({ status: 400, param: 'currency' }));
      await assert.rejects(stripe.shippingRates.list({ type: 'fixed_amount' } as never), stripeError({ status: 400, code: 'parameter_unknown', param: 'type' }));
    });

    it('keeps accounts apart', async () => {
      const a = server.stripe();
      const b = server.stripe();
      const rate = await a.shippingRates.create({ display_name: 'Ground', fixed_amount: { amount: 500, currency: 'usd' } });
      await assert.rejects(b.shippingRates.retrieve(rate.id), { statusCode: 404 });
      await assert.rejects(b.shippingRates.update(rate.id, { active: false }), { statusCode: 404 });
      assert.equal((await b.shippingRates.list()).data.length, 0);
    });

    it('resolveShippingRate takes an active rate with an amount in the session’s currency, or creates one from shipping_rate_data', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const ground = await stripe.shippingRates.create({ display_name: 'Ground', fixed_amount: { amount: 500, currency: 'usd', currency_options: { eur: { amount: 450 } } } });
      const param = 'shipping_options[0]';
      const resolve = (option: Parameters<typeof resolveShippingRate>[1], currency = 'usd', k = key) => run(k, (ctx) => resolveShippingRate(ctx, option, param, currency));

      const found = await resolve({ shipping_rate: ground.id });
      assert.deepEqual(found, ground);
      assert.equal(shippingAmount(found, 'usd'), 500);
      assert.equal(shippingAmount(found, 'EUR'), 450);
      assert.equal((await resolve({ shipping_rate: ground.id }, 'eur')).id, ground.id);
      assert.throws(() => shippingAmount(found, 'jpy'), (err: { status?: number }) => err.status === 400);

      const made = await resolve({
        shipping_rate_data: { display_name: 'Express', type: 'fixed_amount', fixed_amount: { amount: '1500', currency: 'usd' }, delivery_estimate: { maximum: { unit: 'day', value: '2' } }, metadata: { k: 'v' } },
      });
      assert.match(made.id, /^shr_/);
      assert.deepEqual([made.display_name, made.fixed_amount, made.active, { ...made.metadata }, made.delivery_estimate], [
        'Express',
        { amount: 1500, currency: 'usd' },
        true,
        { k: 'v' },
        { maximum: { unit: 'day', value: 2 }, minimum: null },
      ]);
      // Stripe creates a shipping rate object for shipping_rate_data: it can be retrieved and is listed.
      assert.deepEqual(await stripe.shippingRates.retrieve(made.id), JSON.parse(JSON.stringify(made)));
      assertMatchesSchema('shipping_rate', made);
      assert.equal(shippingAmount(made, 'usd'), 1500);

      await rejectsWith(resolve({ shipping_rate: 'shr_nope' }), 404, { code: 'resource_missing', param: 'shipping_options[0][shipping_rate]', message: "No such shipping_rate: 'shr_nope'" });
      await rejectsWith(resolve({ shipping_rate: ground.id }, 'usd', freshKey()), 404, { param: 'shipping_options[0][shipping_rate]' });
      await rejectsWith(resolve({ shipping_rate: ground.id }, 'jpy'), 400, { type: 'invalid_request_error', param: 'shipping_options[0][shipping_rate]' });
      await stripe.shippingRates.update(ground.id, { active: false });
      await rejectsWith(resolve({ shipping_rate: ground.id }), 400, {
        param: 'shipping_options[0][shipping_rate]',
        message: 'The shipping rate specified is inactive. This field only accepts active shipping rates.',
      });
      await rejectsWith(resolve({ shipping_rate: made.id, shipping_rate_data: { display_name: 'x' } }), 400, { param: 'shipping_options[0][shipping_rate]' });
      await rejectsWith(resolve({}), 400, { code: 'parameter_missing', param: 'shipping_options[0][shipping_rate]' });
      // shipping_rate_data is checked as POST /v1/shipping_rates checks its params, named under the option.
      await rejectsWith(resolve({ shipping_rate_data: { display_name: 'x', fixed_amount: { currency: 'usd' } } }), 400, {
        code: 'parameter_missing',
        param: 'shipping_options[0][shipping_rate_data][fixed_amount][amount]',
      });
      await rejectsWith(resolve({ shipping_rate_data: { display_name: 'x' } }), 400, { code: 'parameter_missing', param: 'shipping_options[0][shipping_rate_data][fixed_amount]' });
      await rejectsWith(resolve({ shipping_rate_data: { fixed_amount: { amount: '1', currency: 'usd' } } }), 400, {
        code: 'parameter_missing',
        param: 'shipping_options[0][shipping_rate_data][display_name]',
      });
      await rejectsWith(resolve({ shipping_rate_data: { display_name: 'x', fixed_amount: { amount: '1', currency: 'usd' }, bogus: '1' } }), 400, {
        code: 'parameter_unknown',
        param: 'shipping_options[0][shipping_rate_data][bogus]',
      });
      await rejectsWith(resolve({ shipping_rate_data: { display_name: 'x', fixed_amount: { amount: '1', currency: 'eur' } } }), 400, {
        param: 'shipping_options[0][shipping_rate_data][fixed_amount][currency]',
      });
      await rejectsWith(resolve({ shipping_rate_data: 'x' }), 400, { code: 'parameter_invalid_object', param: 'shipping_options[0][shipping_rate_data]' });
      // A refused shipping_rate_data creates nothing.
      assert.deepEqual((await stripe.shippingRates.list()).data.map((r) => r.id), [made.id, ground.id]);
    });
  });
}
