import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { accountForKey } from '../../src/api/auth.js';
import { inTransaction, type Ctx } from '../../src/api/context.js';
import type { Clock } from '../../src/clock.js';
import { couponAmountOff, redeem, requireRedeemableCoupon } from '../../src/resources/coupons/service.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';
import { refused, rejectsWith } from '../helpers/errors.js';

for (const store of STORES) {
  describe(`coupons (${store})`, () => {
    let server: TestServer;
    // Business time: the wall clock moved by `shift` seconds, so a test can let `redeem_by` pass.
    let shift = 0;
    const clock: Clock = { now: () => Date.now() + shift * 1000 };
    const now = () => Math.floor(clock.now() / 1000);
    before(async () => {
      server = await startServer(store, { clock });
    });
    after(() => server.close());

    const run = <T>(key: string, fn: (ctx: Ctx) => Promise<T>) => inTransaction(server.app.deps, accountForKey(key), fn);

    it('creates percent-off and amount-off coupons in Stripe’s shape, updates, lists and deletes them, with their events', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const product = await stripe.products.create({ name: 'Plan' });
      const pct = await stripe.coupons.create({
        percent_off: 25.5,
        duration: 'repeating',
        duration_in_months: 3,
        name: 'Quarter off',
        max_redemptions: 10,
        metadata: { campaign: 'spring' },
      });
      assert.match(pct.id, /^[A-Za-z0-9]{8}$/);
      assert.deepEqual(
        [pct.object, pct.percent_off, pct.amount_off, pct.currency, pct.duration, pct.duration_in_months, pct.max_redemptions, pct.redeem_by],
        ['coupon', 25.5, null, null, 'repeating', 3, 10, null],
      );
      assert.deepEqual([pct.times_redeemed, pct.valid, pct.name, pct.metadata, pct.livemode], [0, true, 'Quarter off', { campaign: 'spring' }, false]);
      assert.equal('applies_to' in pct, false);
      assertMatchesSchema('coupon', pct);
      assert.deepEqual(await stripe.coupons.retrieve(pct.id), pct);

      const redeemBy = now() + 3600;
      const amt = await stripe.coupons.create({
        id: 'SUMMER-5',
        amount_off: 500,
        currency: 'USD',
        currency_options: { EUR: { amount_off: 450 } },
        duration: 'forever',
        redeem_by: redeemBy,
        applies_to: { products: [product.id] },
      });
      assert.deepEqual(
        [amt.id, amt.amount_off, amt.currency, amt.currency_options, amt.applies_to, amt.duration, amt.duration_in_months, amt.redeem_by, amt.percent_off],
        ['SUMMER-5', 500, 'usd', { eur: { amount_off: 450 } }, { products: [product.id] }, 'forever', null, redeemBy, null],
      );
      assertMatchesSchema('coupon', amt);
      const once = await stripe.coupons.create({ percent_off: 10 });
      assert.equal(once.duration, 'once');

      const updated = await stripe.coupons.update(amt.id, { name: 'Summer', metadata: { a: '1' }, currency_options: { gbp: { amount_off: 400 } } });
      assert.deepEqual([updated.name, updated.metadata, updated.currency_options], ['Summer', { a: '1' }, { eur: { amount_off: 450 }, gbp: { amount_off: 400 } }]);
      assert.deepEqual([updated.amount_off, updated.redeem_by, updated.valid], [500, redeemBy, true]);
      assertMatchesSchema('coupon', updated);
      assert.deepEqual(await stripe.coupons.update(amt.id, { name: 'Summer' }), updated);
      const changed = (await eventsOf(server, key, amt.id)).filter((e) => e.type === 'coupon.updated');
      assert.equal(changed.length, 1, 'an update that changes nothing writes no event');
      assert.deepEqual(changed[0]?.data.previous_attributes, { currency_options: { eur: { amount_off: 450 } }, metadata: {}, name: null });

      assert.deepEqual((await stripe.coupons.list()).data.map((c) => c.id), [once.id, amt.id, pct.id]);
      const firstPage = await stripe.coupons.list({ limit: 2 });
      assert.deepEqual([firstPage.data.map((c) => c.id), firstPage.has_more], [[once.id, amt.id], true]);
      assert.deepEqual((await stripe.coupons.list({ starting_after: amt.id })).data.map((c) => c.id), [pct.id]);
      assert.deepEqual((await stripe.coupons.list({ created: { gt: now() + 10 } })).data, []);
      assert.equal((await stripe.coupons.list({ created: { lte: now() } })).data.length, 3);
      for (const c of (await stripe.coupons.list()).data) assertMatchesSchema('coupon', c);

      const deleted = await stripe.coupons.del(amt.id);
      assert.deepEqual(deleted, { id: 'SUMMER-5', object: 'coupon', deleted: true });
      assertMatchesSchema('deleted_coupon', deleted);
      await assert.rejects(stripe.coupons.retrieve(amt.id), refused(404, 'resource_missing', 'id', "No such coupon: 'SUMMER-5'"));
      await assert.rejects(stripe.coupons.del(amt.id), refused(404, 'resource_missing', 'id'));
      assert.deepEqual((await stripe.coupons.list()).data.map((c) => c.id), [once.id, pct.id]);
      const again = await stripe.coupons.create({ id: 'SUMMER-5', percent_off: 5 });
      assert.equal(again.percent_off, 5, 'a deleted coupon’s id may be used again');

      const types = (await eventsOf(server, key)).filter((e) => e.type.startsWith('coupon.')).map((e) => `${e.type} ${e.data.object.id}`);
      assert.deepEqual(types, [
        `coupon.created ${pct.id}`,
        'coupon.created SUMMER-5',
        `coupon.created ${once.id}`,
        'coupon.updated SUMMER-5',
        'coupon.deleted SUMMER-5',
        'coupon.created SUMMER-5',
      ]);
      const deletedEvent = (await eventsOf(server, key, 'SUMMER-5')).find((e) => e.type === 'coupon.deleted');
      assert.equal(deletedEvent?.data.object.name, 'Summer', 'coupon.deleted carries the coupon as it was');
    });

    it('serves the includable applies_to and currency_options when expanded, null when the coupon has none', async () => {
      const stripe = server.stripe();
      const plain = await stripe.coupons.create({ percent_off: 10 });
      const expanded = await stripe.coupons.retrieve(plain.id, { expand: ['applies_to', 'currency_options'] });
      assert.deepEqual([expanded.applies_to, expanded.currency_options], [null, null]);
      const amt = await stripe.coupons.create({ amount_off: 100, currency: 'usd', currency_options: { eur: { amount_off: 90 } } });
      assert.deepEqual((await stripe.coupons.retrieve(amt.id, { expand: ['currency_options'] })).currency_options, { eur: { amount_off: 90 } });
      const listed = await stripe.coupons.list({ expand: ['data.applies_to'] });
      assert.deepEqual(listed.data.map((c) => c.applies_to), [null, null]);
    });

    it('refuses bad coupon params with Stripe’s errors', async () => {
      const stripe = server.stripe();
      const t = now();
      const cases: Array<[Record<string, unknown>, ReturnType<typeof refused>]> = [
        [{}, refused(400, 'parameter_missing', 'percent_off', 'You must specify either amount_off or percent_off.')],
        [{ percent_off: 10, amount_off: 100, currency: 'usd' }, refused(400, undefined, 'amount_off', 'You may only specify one of these parameters: amount_off, percent_off.')],
        [{ amount_off: 100 }, refused(400, 'parameter_missing', 'currency', 'Missing required param: currency.')],
        [{ percent_off: 0 }, refused(400, 'parameter_invalid_decimal', 'percent_off')],
        [{ percent_off: 100.01 }, refused(400, 'parameter_invalid_decimal', 'percent_off')],
        [{ percent_off: 12.345 }, refused(400, 'parameter_invalid_decimal', 'percent_off', 'Invalid percent_off: must have at most 2 decimal places')],
        [{ percent_off: 'lots' }, refused(400, 'parameter_invalid_decimal', 'percent_off', 'Invalid decimal: lots')],
        [{ amount_off: 0, currency: 'usd' }, refused(400, 'parameter_invalid_integer', 'amount_off')],
        [{ amount_off: 1.5, currency: 'usd' }, refused(400, 'parameter_invalid_integer', 'amount_off')],
        [{ amount_off: 100, currency: 'dollars' }, refused(400, undefined, 'currency', /^Invalid currency: dollars\. Stripe currently supports these currencies: usd, /)],
        [{ amount_off: 100, currency: 'us1' }, refused(400, undefined, 'currency', /^Invalid currency: us1/)],
        [{ percent_off: 10, currency_options: { eur: { amount_off: 5 } } }, refused(400, undefined, 'currency_options')],
        [{ amount_off: 100, currency: 'usd', currency_options: { usd: { amount_off: 5 } } }, refused(400, undefined, 'currency_options[usd]')],
        [{ amount_off: 100, currency: 'usd', currency_options: { eur: { bogus: 1 } } }, refused(400, 'parameter_unknown', 'currency_options[eur][bogus]')],
        [{ amount_off: 100, currency: 'usd', currency_options: { eur: { amount_off: 0 } } }, refused(400, 'parameter_invalid_integer', 'currency_options[eur][amount_off]')],
        [{ amount_off: 100, currency: 'usd', currency_options: { euro: { amount_off: 1 } } }, refused(400, undefined, 'currency_options[euro]', /^Invalid currency: euro\./)],
        [{ percent_off: 10, duration: 'repeating' }, refused(400, 'parameter_missing', 'duration_in_months')],
        [{ percent_off: 10, duration_in_months: 3 }, refused(400, undefined, 'duration_in_months')],
        [{ percent_off: 10, duration: 'repeating', duration_in_months: 0 }, refused(400, 'parameter_invalid_integer', 'duration_in_months')],
        [{ percent_off: 10, duration: 'weekly' }, refused(400, 'parameter_invalid_string', 'duration', 'Invalid duration: must be one of forever, once or repeating')],
        [{ percent_off: 10, redeem_by: t - 10 }, refused(400, undefined, 'redeem_by', 'Invalid redeem_by: must be in the future')],
        [{ percent_off: 10, redeem_by: t + 6 * 366 * 86400 }, refused(400, undefined, 'redeem_by')],
        [{ percent_off: 10, max_redemptions: 0 }, refused(400, 'parameter_invalid_integer', 'max_redemptions')],
        [{ percent_off: 10, applies_to: { products: ['prod_nope'] } }, refused(404, 'resource_missing', 'applies_to[products][0]', "No such product: 'prod_nope'")],
        [{ percent_off: 10, applies_to: { bogus: ['x'] } }, refused(400, 'parameter_unknown', 'applies_to[bogus]')],
        [{ percent_off: 10, name: 'x'.repeat(41) }, refused(400, 'parameter_invalid_string', 'name')],
        [{ percent_off: 10, id: '' }, refused(400, undefined, 'id')],
        [{ percent_off: 10, bogus: 1 }, refused(400, 'parameter_unknown', 'bogus', 'Received unknown parameter: bogus')],
      ];
      for (const [params, expected] of cases) {
        await assert.rejects(stripe.coupons.create(params as Stripe.CouponCreateParams), expected, JSON.stringify(params));
      }
      assert.deepEqual((await stripe.coupons.list()).data, [], 'nothing refused was stored');

      await stripe.coupons.create({ id: 'TAKEN', percent_off: 10 });
      await assert.rejects(stripe.coupons.create({ id: 'TAKEN', amount_off: 5, currency: 'usd' }), refused(400, 'resource_already_exists', 'id', 'Coupon already exists.'));
      const amt = await stripe.coupons.create({ amount_off: 100, currency: 'usd' });
      const updates: Array<[string, Record<string, unknown>, ReturnType<typeof refused>]> = [
        ['nope', { name: 'x' }, refused(404, 'resource_missing', 'id', "No such coupon: 'nope'")],
        ['TAKEN', { currency_options: { eur: { amount_off: 5 } } }, refused(400, undefined, 'currency_options')],
        [amt.id, { currency_options: { usd: { amount_off: 5 } } }, refused(400, undefined, 'currency_options[usd]')],
        [amt.id, { percent_off: 5 }, refused(400, 'parameter_unknown', 'percent_off')],
        [amt.id, { amount_off: 5 }, refused(400, 'parameter_unknown', 'amount_off')],
        [amt.id, { redeem_by: now() + 60 }, refused(400, 'parameter_unknown', 'redeem_by')],
      ];
      for (const [id, params, expected] of updates) {
        await assert.rejects(stripe.coupons.update(id, params as Stripe.CouponUpdateParams), expected, JSON.stringify(params));
      }
      await assert.rejects(stripe.coupons.list({ limit: 0 }), refused(400, 'parameter_invalid_integer', 'limit'));
      await assert.rejects(stripe.coupons.list({ starting_after: 'nope' }), refused(404, 'resource_missing', 'starting_after'));
    });

    it('computes valid from business time: false once redeem_by has passed or max_redemptions is reached', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const dated = await stripe.coupons.create({ percent_off: 10, redeem_by: now() + 60 });
      const limited = await stripe.coupons.create({ amount_off: 100, currency: 'usd', max_redemptions: 1 });
      assert.deepEqual([dated.valid, limited.valid], [true, true]);
      shift += 61;
      try {
        assert.equal((await stripe.coupons.retrieve(dated.id)).valid, false);
        assert.deepEqual((await stripe.coupons.list()).data.map((c) => c.valid), [true, false]);
      } finally {
        shift -= 61;
      }
      assert.equal((await stripe.coupons.retrieve(dated.id)).valid, true, 'valid is computed when read, not stored');
      await run(key, (ctx) => redeem(ctx, limited.id, null));
      const used = await stripe.coupons.retrieve(limited.id);
      assert.deepEqual([used.times_redeemed, used.valid], [1, false]);
      assertMatchesSchema('coupon', used);
      assert.equal((await eventsOf(server, key, limited.id)).length, 1, 'a redemption writes no coupon event');
    });

    it('requireRedeemableCoupon refuses unknown, expired, used-up and wrong-currency coupons; couponAmountOff gives the amount per currency', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const param = 'discounts[0][coupon]';
      const pct = await stripe.coupons.create({ percent_off: 20 });
      const amt = await stripe.coupons.create({ amount_off: 500, currency: 'usd', currency_options: { eur: { amount_off: 450 } } });
      const dated = await stripe.coupons.create({ percent_off: 5, redeem_by: now() + 60 });
      const limited = await stripe.coupons.create({ percent_off: 5, max_redemptions: 1 });

      const found = await run(key, (ctx) => requireRedeemableCoupon(ctx, amt.id, param, 'EUR'));
      assert.deepEqual([found.id, found.valid, couponAmountOff(found, 'eur'), couponAmountOff(found, 'USD'), couponAmountOff(found, 'gbp')], [amt.id, true, 450, 500, null]);
      const percent = await run(key, (ctx) => requireRedeemableCoupon(ctx, pct.id, param, 'jpy'));
      assert.equal(couponAmountOff(percent, 'jpy'), null, 'a percent-off coupon takes no fixed amount');

      await rejectsWith(run(key, (ctx) => requireRedeemableCoupon(ctx, 'nope', param, 'usd')), 404, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        param,
        message: "No such coupon: 'nope'",
      });
      await rejectsWith(run(key, (ctx) => requireRedeemableCoupon(ctx, amt.id, param, 'gbp')), 400, { type: 'invalid_request_error', code: undefined, param });
      await rejectsWith(run(key, (ctx) => requireRedeemableCoupon(ctx, dated.id, param, 'usd', now() + 61)), 400, {
        code: 'coupon_expired',
        param,
        message: `Coupon expired: ${dated.id}`,
      });
      shift += 61;
      try {
        await rejectsWith(run(key, (ctx) => requireRedeemableCoupon(ctx, dated.id, param, 'usd')), 400, { code: 'coupon_expired', param });
      } finally {
        shift -= 61;
      }
      await run(key, (ctx) => redeem(ctx, limited.id, null));
      await rejectsWith(run(key, (ctx) => requireRedeemableCoupon(ctx, limited.id, param, 'usd')), 400, { code: 'coupon_expired', param });
    });

    it('redeem counts a redemption and refuses one past max_redemptions, rolling its transaction back', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const c = await stripe.coupons.create({ percent_off: 10, max_redemptions: 2 });
      await run(key, (ctx) => redeem(ctx, c.id, null));
      await run(key, (ctx) => redeem(ctx, c.id, null));
      await rejectsWith(run(key, (ctx) => redeem(ctx, c.id, null)), 400, { type: 'invalid_request_error', code: 'coupon_expired', message: `Coupon expired: ${c.id}` });
      assert.equal((await stripe.coupons.retrieve(c.id)).times_redeemed, 2);
      await rejectsWith(run(key, (ctx) => redeem(ctx, 'nope', null)), 404, { code: 'resource_missing', message: "No such coupon: 'nope'" });
      // A payment that fails after redeem rolls the count back with it.
      const other = await stripe.coupons.create({ percent_off: 10 });
      await assert.rejects(
        run(key, async (ctx) => {
          await redeem(ctx, other.id, null);
          throw new Error('the payment failed');
        }),
        /the payment failed/,
      );
      assert.equal((await stripe.coupons.retrieve(other.id)).times_redeemed, 0);
    });

    it('lets exactly one of 50 concurrent redemptions of a max_redemptions: 1 coupon succeed', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const c = await stripe.coupons.create({ percent_off: 50, max_redemptions: 1 });
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => run(key, (ctx) => redeem(ctx, c.id, null))));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.equal((r.reason as { body?: { code?: string } }).body?.code, 'coupon_expired');
      }
      const after = await stripe.coupons.retrieve(c.id);
      assert.deepEqual([after.times_redeemed, after.valid], [1, false]);
    });

    it('keeps accounts apart', async () => {
      const a = server.stripe();
      const b = server.stripe();
      const c = await a.coupons.create({ id: 'MINE', percent_off: 10 });
      await assert.rejects(b.coupons.retrieve(c.id), refused(404, 'resource_missing', 'id'));
      await assert.rejects(b.coupons.update(c.id, { name: 'x' }), refused(404, 'resource_missing', 'id'));
      await assert.rejects(b.coupons.del(c.id), refused(404, 'resource_missing', 'id'));
      assert.equal((await b.coupons.create({ id: 'MINE', percent_off: 20 })).percent_off, 20, 'ids are per account');
      assert.deepEqual((await b.coupons.list()).data.map((x) => x.percent_off), [20]);
    });
  });
}
