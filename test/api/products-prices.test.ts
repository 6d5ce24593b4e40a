import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { accountForKey } from '../../src/api/auth.js';
import { inTransaction } from '../../src/api/context.js';
import { createInlinePrice, requirePrice } from '../../src/resources/prices/service.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/errors.js';

/** The body as sent: the SDK turns decimal strings into Decimal objects, which serialize back. */
const wire = <T>(o: T): unknown => JSON.parse(JSON.stringify(o));

for (const store of STORES) {
  describe(`products and prices (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('creates, retrieves, updates and lists products, with their events', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const p = await stripe.products.create({
        name: 'T-shirt',
        description: 'Comfortable cotton',
        images: ['https://example.com/t.png'],
        metadata: { sku: 'T1' },
        marketing_features: [{ name: 'Soft' }],
        package_dimensions: { height: 1.5, length: 10, weight: 4.25, width: 8 },
        shippable: true,
        unit_label: 'shirt',
        url: 'https://example.com/t',
        type: 'good',
      });
      assert.match(p.id, /^prod_[A-Za-z0-9]{24}$/);
      assert.deepEqual(
        [p.active, p.name, p.description, p.images, p.shippable, p.type, p.default_price, p.package_dimensions?.weight],
        [true, 'T-shirt', 'Comfortable cotton', ['https://example.com/t.png'], true, 'good', null, 4.25],
      );
      assertMatchesSchema('product', p);
      assert.deepEqual(await stripe.products.retrieve(p.id), p);

      const u = await stripe.products.update(p.id, { name: 'Tee', description: '', metadata: { sku: '', color: 'red' }, active: false, images: '' });
      assert.deepEqual([u.name, u.description, u.active, u.images, u.metadata], ['Tee', null, false, [], { color: 'red' }]);
      assertMatchesSchema('product', u);
      const events = await eventsOf(server, key, p.id);
      assert.deepEqual(events.map((e) => e.type), ['product.created', 'product.updated']);
      assert.equal(events[1]?.data.previous_attributes?.name, 'T-shirt');

      const q = await stripe.products.create({ name: 'Mug' });
      assert.equal(q.type, 'service');
      assert.deepEqual((await stripe.products.list()).data.map((x) => x.id), [q.id, p.id]);
      assert.deepEqual((await stripe.products.list({ active: false })).data.map((x) => x.id), [p.id]);
      assert.deepEqual((await stripe.products.list({ ids: [p.id, 'prod_nope'] })).data.map((x) => x.id), [p.id]);
      assert.deepEqual((await stripe.products.list({ limit: 1, starting_after: q.id })).data.map((x) => x.id), [p.id]);
      const custom = await stripe.products.create({ id: 'gold-plan', name: 'Gold' });
      assert.equal(custom.id, 'gold-plan');
      await assert.rejects(stripe.products.create({ id: 'gold-plan', name: 'Gold again' }), { statusCode: 400, code: 'resource_already_exists' });
    });

    it('deletes a product without prices and refuses one with prices', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const lone = await stripe.products.create({ name: 'Lone' });
      assert.deepEqual(await stripe.products.del(lone.id), { id: lone.id, object: 'product', deleted: true });
      await assert.rejects(stripe.products.retrieve(lone.id), { statusCode: 404, message: `No such product: '${lone.id}'` });
      assert.deepEqual((await eventsOf(server, key, lone.id)).map((e) => e.type), ['product.created', 'product.deleted']);
      const priced = await stripe.products.create({ name: 'Priced', default_price_data: { currency: 'usd', unit_amount: 500 } });
      await assert.rejects(stripe.products.del(priced.id), { statusCode: 400, message: /user-created prices/ });
    });

    it('refuses bad product params', async () => {
      const stripe = server.stripe();
      await assert.rejects(stripe.products.create({} as Stripe.ProductCreateParams), { code: 'parameter_missing', param: 'name' });
      await assert.rejects(stripe.products.create({ name: 'x', images: Array(9).fill('https://e.x/i.png') }), { statusCode: 400, param: 'images' });
      await assert.rejects(stripe.products.create({ name: 'x', package_dimensions: { height: 1, length: 1, weight: 1 } as never }), {
        code: 'parameter_missing',
        param: 'package_dimensions[width]',
      });
      await assert.rejects(stripe.products.update('prod_nope', { name: 'y' }), { statusCode: 404 });
      await assert.rejects(stripe.products.create({ name: 'x', bogus: 1 } as never), { code: 'parameter_unknown' });
    });

    it('creates one-time and recurring prices in Stripe’s shape, with product or product_data', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const product = await stripe.products.create({ name: 'Plan' });
      const once = await stripe.prices.create({ product: product.id, currency: 'USD', unit_amount: 2000, nickname: 'once', metadata: { a: '1' } });
      assert.match(once.id, /^price_[A-Za-z0-9]{24}$/);
      assert.deepEqual(
        [once.type, once.currency, once.unit_amount, String(once.unit_amount_decimal), once.recurring, once.billing_scheme, once.active, once.tax_behavior],
        ['one_time', 'usd', 2000, '2000', null, 'per_unit', true, 'unspecified'],
      );
      assertMatchesSchema('price', wire(once));
      assert.deepEqual(wire(await stripe.prices.retrieve(once.id)), wire(once));

      const monthly = await stripe.prices.create({ product: product.id, currency: 'eur', unit_amount: 999, recurring: { interval: 'month', interval_count: 3 } });
      assert.equal(monthly.type, 'recurring');
      assert.deepEqual(monthly.recurring, { interval: 'month', interval_count: 3, meter: null, trial_period_days: null, usage_type: 'licensed' });
      assertMatchesSchema('price', wire(monthly));

      const inline = await stripe.prices.create({ currency: 'usd', unit_amount_decimal: Stripe.Decimal.from('12.50'), product_data: { name: 'Inline product' } });
      assert.equal(inline.unit_amount, null);
      assert.equal(String(inline.unit_amount_decimal), '12.5');
      const made = await stripe.products.retrieve(inline.product as string);
      assert.equal(made.name, 'Inline product');
      assert.deepEqual((await eventsOf(server, key)).filter((e) => e.type === 'price.created').map((e) => e.data.object.id), [once.id, monthly.id, inline.id]);

      const expanded = await stripe.prices.retrieve(once.id, { expand: ['product'] });
      assert.equal((expanded.product as Stripe.Product).name, 'Plan');
    });

    it('refuses bad price params with Stripe’s errors', async () => {
      const stripe = server.stripe();
      const product = await stripe.products.create({ name: 'P' });
      const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
        [{ product: product.id, unit_amount: 100 }, { code: 'parameter_missing', param: 'currency' }],
        [{ product: product.id, currency: 'usd' }, { code: 'parameter_missing', param: 'unit_amount' }],
        [{ product: product.id, currency: 'usd', unit_amount: 100, unit_amount_decimal: '100' }, { statusCode: 400, param: 'unit_amount' }],
        [{ currency: 'usd', unit_amount: 100 }, { statusCode: 400, param: 'product' }],
        [{ product: product.id, product_data: { name: 'x' }, currency: 'usd', unit_amount: 100 }, { statusCode: 400, param: 'product' }],
        [{ product: 'prod_nope', currency: 'usd', unit_amount: 100 }, { statusCode: 404, param: 'product' }],
        [{ product: product.id, currency: 'usd', unit_amount: -1 }, { statusCode: 400, param: 'unit_amount' }],
        [{ product: product.id, currency: 'usd', unit_amount: 100_000_000 }, { statusCode: 400, param: 'unit_amount' }],
        [{ product: product.id, currency: 'dollars', unit_amount: 100 }, { statusCode: 400, param: 'currency' }],
        [{ product: product.id, currency: 'usd', unit_amount: 100, recurring: { interval: 'fortnight' } }, { statusCode: 400, param: 'recurring[interval]' }],
        [{ product: product.id, currency: 'usd', unit_amount: 100, recurring: { interval: 'month', interval_count: 37 } }, { statusCode: 400, param: 'recurring[interval_count]' }],
        [{ product: product.id, currency: 'usd', unit_amount: 100, recurring: { interval_count: 2 } }, { code: 'parameter_missing', param: 'recurring[interval]' }],
        [{ product: product.id, currency: 'usd', unit_amount_decimal: '1.0000000000001' }, { statusCode: 400, param: 'unit_amount_decimal' }],
        [{ product: product.id, currency: 'usd', unit_amount: 100, tiers_mode: 'volume' }, { code: 'parameter_unknown', param: 'tiers_mode' }],
      ];
      for (const [params, expected] of cases) {
        await assert.rejects(stripe.prices.create(params as unknown as Stripe.PriceCreateParams), expected, JSON.stringify(params));
      }
      assert.equal((await stripe.prices.list()).data.length, 0);
      await assert.rejects(stripe.prices.retrieve('price_nope'), { statusCode: 404, message: "No such price: 'price_nope'" });
    });

    it('keeps lookup keys unique and moves one with transfer_lookup_key', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const product = await stripe.products.create({ name: 'P' });
      const a = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 100, lookup_key: 'standard' });
      await assert.rejects(stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 200, lookup_key: 'standard' }), {
        statusCode: 400,
        param: 'lookup_key',
        message: `A price (\`${a.id}\`) already uses that lookup key.`,
      });
      const b = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 200, lookup_key: 'standard', transfer_lookup_key: true });
      assert.equal((await stripe.prices.retrieve(a.id)).lookup_key, null);
      assert.equal(b.lookup_key, 'standard');
      const moved = (await eventsOf(server, key, a.id)).find((e) => e.type === 'price.updated');
      assert.equal(moved?.data.previous_attributes?.lookup_key, 'standard');
      const c = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 300, lookup_key: 'premium' });
      const found = await stripe.prices.list({ lookup_keys: ['standard', 'premium', 'missing'] });
      assert.deepEqual(found.data.map((p) => p.id), [c.id, b.id]);
      assert.deepEqual((await stripe.prices.list({ lookup_keys: ['standard', 'premium'], limit: 1 })).has_more, true);
      const updated = await stripe.prices.update(a.id, { lookup_key: 'premium', transfer_lookup_key: true });
      assert.equal(updated.lookup_key, 'premium');
      assert.equal((await stripe.prices.retrieve(c.id)).lookup_key, null);
    });

    it('lists prices newest first with Stripe’s filters and never lists inline prices', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const [p1, p2] = [await stripe.products.create({ name: 'One' }), await stripe.products.create({ name: 'Two' })];
      const once = await stripe.prices.create({ product: p1.id, currency: 'usd', unit_amount: 100 });
      const monthly = await stripe.prices.create({ product: p1.id, currency: 'usd', unit_amount: 100, recurring: { interval: 'month' } });
      const yearly = await stripe.prices.create({ product: p2.id, currency: 'eur', unit_amount: 100, recurring: { interval: 'year' } });
      const archived = await stripe.prices.create({ product: p2.id, currency: 'usd', unit_amount: 100, active: false });
      const inline = await inTransaction(server.app.deps, accountForKey(key), (ctx) =>
        createInlinePrice(ctx, { currency: 'usd', unit_amount: '700', product_data: { name: 'Inline' } }, 'line_items[0][price_data]'),
      );
      assert.equal(inline.active, false);
      assert.equal((await stripe.prices.retrieve(inline.id)).unit_amount, 700);

      const ids = async (params: Stripe.PriceListParams) => (await stripe.prices.list(params)).data.map((p) => p.id);
      assert.deepEqual(await ids({}), [archived.id, yearly.id, monthly.id, once.id]);
      assert.deepEqual(await ids({ active: true }), [yearly.id, monthly.id, once.id]);
      assert.deepEqual(await ids({ active: false }), [archived.id]);
      assert.deepEqual(await ids({ product: p1.id }), [monthly.id, once.id]);
      assert.deepEqual(await ids({ type: 'one_time' }), [archived.id, once.id]);
      assert.deepEqual(await ids({ currency: 'eur' }), [yearly.id]);
      assert.deepEqual(await ids({ recurring: { interval: 'month' } }), [monthly.id]);
      assert.deepEqual(await ids({ recurring: { usage_type: 'metered' } }), []);
      assert.deepEqual(await ids({ limit: 2, starting_after: yearly.id }), [monthly.id, once.id]);
      for (const p of (await stripe.prices.list()).data) assertMatchesSchema('price', wire(p));
    });

    it('creates inline prices for Checkout as inactive prices, with errors named under their line item', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const product = await stripe.products.create({ name: 'Existing' });
      const account = accountForKey(key);
      const run = <T>(fn: Parameters<typeof inTransaction<T>>[2]) => inTransaction(server.app.deps, account, fn);
      const recurring = await run((ctx) =>
        createInlinePrice(ctx, { currency: 'usd', unit_amount: '1500', product: product.id, recurring: { interval: 'week', interval_count: '2' } }, 'line_items[1][price_data]'),
      );
      assert.deepEqual([recurring.active, recurring.type, recurring.recurring?.interval_count, recurring.product], [false, 'recurring', 2, product.id]);
      assertMatchesSchema('price', recurring);
      const withProduct = await run((ctx) =>
        createInlinePrice(ctx, { currency: 'usd', unit_amount: '100', product_data: { name: 'Sticker', description: 'Shiny', images: ['https://e.x/s.png'], metadata: { k: 'v' } } }, 'p'),
      );
      const sticker = await stripe.products.retrieve(withProduct.product);
      assert.deepEqual([sticker.name, sticker.description, sticker.images, sticker.metadata], ['Sticker', 'Shiny', ['https://e.x/s.png'], { k: 'v' }]);
      await rejectsWith(run((ctx) => createInlinePrice(ctx, { currency: 'usd', product: product.id }, 'line_items[0][price_data]')), 400, {
        type: 'invalid_request_error',
        code: 'parameter_missing',
        param: 'line_items[0][price_data][unit_amount]',
      });
      await rejectsWith(run((ctx) => createInlinePrice(ctx, { currency: 'usd', unit_amount: '1', product: 'prod_nope' }, 'line_items[0][price_data]')), 404, {
        param: 'line_items[0][price_data][product]',
      });
      await rejectsWith(run((ctx) => createInlinePrice(ctx, { currency: 'usd', unit_amount: '1', product: product.id, tiers: 'x' }, 'q')), 400, {
        code: 'parameter_unknown',
        param: 'q[tiers]',
      });
      await rejectsWith(run((ctx) => createInlinePrice(ctx, undefined, 'q')), 400, { code: 'parameter_missing', param: 'q' });
      await rejectsWith(run((ctx) => requirePrice(ctx, recurring.id, 'line_items[1][price]', { requireActive: true })), 400, {
        param: 'line_items[1][price]',
        message: 'The price specified is inactive. This field only accepts active prices.',
      });
    });

    it('updates prices, sets a product’s default price, and will not archive a default price', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const product = await stripe.products.create({ name: 'Plan', default_price_data: { currency: 'usd', unit_amount: 1000, recurring: { interval: 'month' } } });
      const first = product.default_price as string;
      assert.match(first, /^price_/);
      assertMatchesSchema('product', product);
      const expanded = await stripe.products.retrieve(product.id, { expand: ['default_price'] });
      assert.equal((expanded.default_price as Stripe.Price).unit_amount, 1000);
      await assert.rejects(stripe.prices.update(first, { active: false }), { statusCode: 400, param: 'active' });

      const second = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2000 });
      const switched = await stripe.products.update(product.id, { default_price: second.id });
      assert.equal(switched.default_price, second.id);
      const archived = await stripe.prices.update(first, { active: false, nickname: 'old', metadata: { why: 'replaced' }, tax_behavior: 'exclusive' });
      assert.deepEqual([archived.active, archived.nickname, archived.metadata, archived.tax_behavior], [false, 'old', { why: 'replaced' }, 'exclusive']);
      await assert.rejects(stripe.prices.update(first, { tax_behavior: 'inclusive' }), { statusCode: 400, param: 'tax_behavior' });
      await assert.rejects(stripe.products.update(product.id, { default_price: first }), { statusCode: 400, param: 'default_price' });
      const other = await stripe.products.create({ name: 'Other', default_price_data: { currency: 'usd', unit_amount: 1 } });
      await assert.rejects(stripe.products.update(product.id, { default_price: other.default_price as string }), { statusCode: 400, param: 'default_price' });
      await assert.rejects(stripe.prices.update('price_nope', { nickname: 'x' }), { statusCode: 404 });
      const updates = (await eventsOf(server, key, first)).filter((e) => e.type === 'price.updated');
      assert.equal(updates.length, 1);
      assert.equal(updates[0]?.data.previous_attributes?.active, true);
    });

    it('keeps accounts apart: another key’s products and prices answer 404', async () => {
      const a = server.stripe();
      const b = server.stripe();
      const product = await a.products.create({ name: 'Mine', default_price_data: { currency: 'usd', unit_amount: 100 } });
      await assert.rejects(b.products.retrieve(product.id), { statusCode: 404 });
      await assert.rejects(b.products.update(product.id, { name: 'x' }), { statusCode: 404 });
      await assert.rejects(b.products.del(product.id), { statusCode: 404 });
      await assert.rejects(b.prices.retrieve(product.default_price as string), { statusCode: 404 });
      await assert.rejects(b.prices.update(product.default_price as string, { nickname: 'x' }), { statusCode: 404 });
      await assert.rejects(b.prices.create({ product: product.id, currency: 'usd', unit_amount: 1 }), { statusCode: 404, param: 'product' });
      assert.equal((await b.products.list()).data.length, 0);
      assert.equal((await b.prices.list()).data.length, 0);
    });
  });
}
