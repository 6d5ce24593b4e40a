import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { accountForKey } from '../../src/api/auth.js';
import { inTransaction, type Ctx } from '../../src/api/context.js';
import type { Clock } from '../../src/clock.js';
import { redeem } from '../../src/resources/coupons/service.js';
import { requireApplicablePromotionCode } from '../../src/resources/promotion-codes/service.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, raw, startServer, type TestServer } from '../helpers/server.js';
import { refused, rejectsWith } from '../helpers/errors.js';

const forCoupon = (coupon: string) => ({ promotion: { type: 'coupon' as const, coupon } });

for (const store of STORES) {
  describe(`promotion codes (${store})`, () => {
    let server: TestServer;
    // Business time: the wall clock moved by `shift` seconds, so a test can let `expires_at` pass.
    let shift = 0;
    const clock: Clock = { now: () => Date.now() + shift * 1000 };
    const now = () => Math.floor(clock.now() / 1000);
    /** Runs `fn` with business time `seconds` later, then puts the clock back. */
    const later = async <T>(seconds: number, fn: () => Promise<T>): Promise<T> => {
      shift += seconds;
      try {
        return await fn();
      } finally {
        shift -= seconds;
      }
    };
    before(async () => {
      server = await startServer(store, { clock });
    });
    after(() => server.close());

    const run = <T>(key: string, fn: (ctx: Ctx) => Promise<T>) => inTransaction(server.app.deps, accountForKey(key), fn);

    it('creates, retrieves, updates and lists promotion codes in Stripe’s shape, with their events', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const coupon = await stripe.coupons.create({ percent_off: 20, max_redemptions: 100, redeem_by: now() + 86400 });
      const customer = await stripe.customers.create({ email: 'a@example.com' });
      const expiresAt = now() + 3600;
      const pc = await stripe.promotionCodes.create({
        ...forCoupon(coupon.id),
        code: 'Spring-25',
        customer: customer.id,
        expires_at: expiresAt,
        max_redemptions: 5,
        metadata: { channel: 'email' },
        restrictions: { first_time_transaction: true, minimum_amount: 1000, minimum_amount_currency: 'USD', currency_options: { eur: { minimum_amount: 900 } } },
      });
      assert.match(pc.id, /^promo_[A-Za-z0-9]{24}$/);
      assert.deepEqual(
        [pc.object, pc.active, pc.code, pc.customer, pc.customer_account, pc.expires_at, pc.max_redemptions, pc.times_redeemed, pc.livemode],
        ['promotion_code', true, 'Spring-25', customer.id, null, expiresAt, 5, 0, false],
      );
      assert.deepEqual(pc.promotion, { coupon: coupon.id, type: 'coupon' });
      assert.deepEqual(pc.restrictions, {
        currency_options: { eur: { minimum_amount: 900 } },
        first_time_transaction: true,
        minimum_amount: 1000,
        minimum_amount_currency: 'usd',
      });
      assert.deepEqual(pc.metadata, { channel: 'email' });
      assertMatchesSchema('promotion_code', pc);
      assert.deepEqual(await stripe.promotionCodes.retrieve(pc.id), pc);

      const generated = await stripe.promotionCodes.create(forCoupon(coupon.id));
      assert.match(generated.code, /^[A-Z0-9]{8}$/);
      assert.deepEqual(
        [generated.customer, generated.expires_at, generated.max_redemptions, generated.restrictions],
        [null, null, null, { currency_options: {}, first_time_transaction: false, minimum_amount: null, minimum_amount_currency: null }],
      );
      assertMatchesSchema('promotion_code', generated);

      const updated = await stripe.promotionCodes.update(pc.id, { active: false, metadata: { channel: '', round: '2' }, restrictions: { currency_options: { gbp: { minimum_amount: 800 } } } });
      assert.deepEqual([updated.active, updated.metadata], [false, { round: '2' }]);
      assert.deepEqual(updated.restrictions.currency_options, { eur: { minimum_amount: 900 }, gbp: { minimum_amount: 800 } });
      assert.deepEqual([updated.code, updated.expires_at, updated.restrictions.minimum_amount], ['Spring-25', expiresAt, 1000]);
      assertMatchesSchema('promotion_code', updated);
      assert.deepEqual(await stripe.promotionCodes.update(pc.id, { active: false }), updated, 'nothing changed');
      const back = await stripe.promotionCodes.update(pc.id, { active: true });
      assert.equal(back.active, true);

      const events = await eventsOf(server, key, pc.id);
      assert.deepEqual(events.map((e) => e.type), ['promotion_code.created', 'promotion_code.updated', 'promotion_code.updated']);
      assert.deepEqual(events[1]?.data.previous_attributes, {
        active: true,
        metadata: { channel: 'email' },
        restrictions: { currency_options: { eur: { minimum_amount: 900 } }, first_time_transaction: true, minimum_amount: 1000, minimum_amount_currency: 'usd' },
      });
      assert.deepEqual(events[2]?.data.previous_attributes, { active: false });

      assert.deepEqual((await stripe.promotionCodes.list()).data.map((x) => x.id), [generated.id, pc.id]);
      for (const x of (await stripe.promotionCodes.list()).data) assertMatchesSchema('promotion_code', x);
    });

    it('lists newest first with the code (any case), coupon, customer, active and created filters', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const [c1, c2] = [await stripe.coupons.create({ percent_off: 10 }), await stripe.coupons.create({ amount_off: 100, currency: 'usd' })];
      const customer = await stripe.customers.create({});
      const a = await stripe.promotionCodes.create({ ...forCoupon(c1.id), code: 'ALPHA' });
      const b = await stripe.promotionCodes.create({ ...forCoupon(c2.id), code: 'BRAVO', customer: customer.id });
      const c = await stripe.promotionCodes.create({ ...forCoupon(c1.id), code: 'alpha', active: false });
      const ids = async (params: Stripe.PromotionCodeListParams) => (await stripe.promotionCodes.list(params)).data.map((x) => x.id);
      assert.deepEqual(await ids({}), [c.id, b.id, a.id]);
      assert.deepEqual(await ids({ code: 'Alpha' }), [c.id, a.id]);
      assert.deepEqual(await ids({ code: 'alpha', active: true }), [a.id]);
      assert.deepEqual(await ids({ active: false }), [c.id]);
      assert.deepEqual(await ids({ coupon: c1.id }), [c.id, a.id]);
      assert.deepEqual(await ids({ customer: customer.id }), [b.id]);
      assert.deepEqual(await ids({ limit: 1, starting_after: b.id }), [a.id]);
      assert.deepEqual(await ids({ created: { gt: now() + 5 } }), []);
      assert.deepEqual(await ids({ code: 'charlie' }), []);
      await assert.rejects(stripe.promotionCodes.list({ bogus: 1 } as never), refused(400, 'parameter_unknown', 'bogus'));
      await assert.rejects(stripe.promotionCodes.list({ starting_after: 'promo_nope' }), refused(404, 'resource_missing', 'starting_after'));
    });

    it('keeps an active code unique regardless of case, and frees it once that code is inactive', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const coupon = await stripe.coupons.create({ percent_off: 10 });
      const first = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), code: 'WELCOME' });
      const taken = refused(400, undefined, 'code', 'An active promotion code with `code: welcome` already exists.');
      await assert.rejects(stripe.promotionCodes.create({ ...forCoupon(coupon.id), code: 'welcome' }), taken);
      const other = await stripe.coupons.create({ amount_off: 5, currency: 'usd' });
      await assert.rejects(stripe.promotionCodes.create({ ...forCoupon(other.id), code: 'welcome' }), taken);
      const dormant = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), code: 'Welcome', active: false });
      assert.equal(dormant.active, false, 'an inactive code may share the text');
      await assert.rejects(
        stripe.promotionCodes.update(dormant.id, { active: true }),
        refused(400, undefined, 'code', 'An active promotion code with `code: Welcome` already exists.'),
      );
      await stripe.promotionCodes.update(first.id, { active: false });
      const second = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), code: 'welcome' });
      assert.equal(second.active, true);
      await assert.rejects(stripe.promotionCodes.update(first.id, { active: true }), refused(400, undefined, 'code'));
      assert.equal((await stripe.promotionCodes.list({ code: 'WELCOME', active: true })).data[0]?.id, second.id);
      // Another account has its own codes.
      assert.equal((await server.stripe().coupons.create({ id: 'X', percent_off: 1 })).id, 'X');
      const elsewhere = server.stripe();
      const theirs = await elsewhere.coupons.create({ percent_off: 1 });
      assert.equal((await elsewhere.promotionCodes.create({ ...forCoupon(theirs.id), code: 'WELCOME' })).code, 'WELCOME');
    });

    it('computes active from business time: an expired or used-up code is inactive for good and frees its text', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const coupon = await stripe.coupons.create({ percent_off: 10, redeem_by: now() + 7200 });
      const soon = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), code: 'SOON', expires_at: now() + 60 });
      const plain = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), code: 'PLAIN' });
      await later(61, async () => {
        assert.equal((await stripe.promotionCodes.retrieve(soon.id)).active, false);
        assert.deepEqual((await stripe.promotionCodes.list({ active: true })).data.map((x) => x.id), [plain.id]);
        assert.deepEqual((await stripe.promotionCodes.list({ active: false })).data.map((x) => x.id), [soon.id]);
        await assert.rejects(stripe.promotionCodes.update(soon.id, { active: true }), refused(400, undefined, 'active', /cannot be reactivated/));
        const reused = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), code: 'soon' });
        assert.equal(reused.active, true, 'an expired code’s text may be used again');
      });
      await later(7201, async () => {
        // Past the coupon's redeem_by, its codes are inactive too.
        assert.equal((await stripe.promotionCodes.retrieve(plain.id)).active, false);
        await assert.rejects(stripe.promotionCodes.update(plain.id, { active: true }), refused(400, undefined, 'active'));
      });
      assert.equal((await stripe.promotionCodes.retrieve(plain.id)).active, true);

      const once = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), code: 'ONCE', max_redemptions: 1 });
      await run(key, (ctx) => redeem(ctx, coupon.id, once.id));
      const used = await stripe.promotionCodes.retrieve(once.id);
      assert.deepEqual([used.times_redeemed, used.active], [1, false]);
      await assert.rejects(stripe.promotionCodes.update(once.id, { active: true }), refused(400, undefined, 'active'));
      assert.equal((await stripe.coupons.retrieve(coupon.id)).times_redeemed, 1, 'the coupon counts the code’s redemption');
    });

    it('ends a coupon’s codes for good when the coupon is deleted or used up', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const doomed = await stripe.coupons.create({ percent_off: 10 });
      const pc = await stripe.promotionCodes.create(forCoupon(doomed.id));
      await stripe.coupons.del(doomed.id);
      assert.equal((await stripe.promotionCodes.retrieve(pc.id)).active, false);
      await assert.rejects(stripe.promotionCodes.update(pc.id, { active: true }), refused(400, undefined, 'active'));
      const single = await stripe.coupons.create({ percent_off: 10, max_redemptions: 1 });
      const [x, y] = [await stripe.promotionCodes.create(forCoupon(single.id)), await stripe.promotionCodes.create(forCoupon(single.id))];
      await run(key, (ctx) => redeem(ctx, single.id, x.id));
      assert.deepEqual([(await stripe.promotionCodes.retrieve(x.id)).active, (await stripe.promotionCodes.retrieve(y.id)).active], [false, false]);
      assert.equal((await stripe.promotionCodes.retrieve(y.id)).times_redeemed, 0);
    });

    it('expands promotion.coupon by the field’s name and customer by its prefix', async () => {
      const stripe = server.stripe();
      const coupon = await stripe.coupons.create({ id: 'cus_lookalike', percent_off: 15 });
      const customer = await stripe.customers.create({ name: 'Ada' });
      const pc = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), customer: customer.id });
      const expanded = await stripe.promotionCodes.retrieve(pc.id, { expand: ['promotion.coupon', 'customer'] });
      const c = expanded.promotion.coupon as Stripe.Coupon;
      assert.deepEqual([c.id, c.object, c.percent_off, c.valid], ['cus_lookalike', 'coupon', 15, true]);
      assertMatchesSchema('coupon', c);
      assert.equal((expanded.customer as Stripe.Customer).name, 'Ada');
      const listed = await stripe.promotionCodes.list({ expand: ['data.promotion.coupon'] });
      assert.equal((listed.data[0]?.promotion.coupon as Stripe.Coupon).id, 'cus_lookalike');
    });

    it('takes the top-level coupon that API versions before promotion sent', async () => {
      const stripe = server.stripe();
      const coupon = await stripe.coupons.create({ percent_off: 20 });
      const pc = await stripe.promotionCodes.create({ coupon: coupon.id } as unknown as Stripe.PromotionCodeCreateParams);
      assert.deepEqual(pc.promotion, { coupon: coupon.id, type: 'coupon' });
      await assert.rejects(
        stripe.promotionCodes.create({ coupon: coupon.id, ...forCoupon(coupon.id) } as unknown as Stripe.PromotionCodeCreateParams),
        refused(400, undefined, 'coupon', 'You may only specify one of these parameters: coupon, promotion.'),
      );
      await assert.rejects(stripe.promotionCodes.create({ coupon: 'nope' } as unknown as Stripe.PromotionCodeCreateParams), refused(404, 'resource_missing', 'coupon'));
    });

    it('refuses bad promotion code params with Stripe’s errors', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const coupon = await stripe.coupons.create({ percent_off: 10, max_redemptions: 5, redeem_by: now() + 3600 });
      const usedUp = await stripe.coupons.create({ percent_off: 10, max_redemptions: 1 });
      await run(key, (ctx) => redeem(ctx, usedUp.id, null));
      const t = now();
      const cases: Array<[Record<string, unknown>, ReturnType<typeof refused>]> = [
        [{}, refused(400, 'parameter_missing', 'promotion', 'Missing required param: promotion.')],
        [{ promotion: { type: 'coupon' } }, refused(400, 'parameter_missing', 'promotion[coupon]')],
        [{ promotion: { coupon: coupon.id } }, refused(400, 'parameter_missing', 'promotion[type]')],
        [{ promotion: { type: 'discount', coupon: coupon.id } }, refused(400, 'parameter_invalid_string', 'promotion[type]')],
        [forCoupon('nope'), refused(404, 'resource_missing', 'promotion[coupon]', "No such coupon: 'nope'")],
        [forCoupon(usedUp.id), refused(400, 'coupon_expired', 'promotion[coupon]', `Coupon expired: ${usedUp.id}`)],
        [{ ...forCoupon(coupon.id), code: 'has space' }, refused(400, undefined, 'code', /letters .* digits .* dashes/)],
        [{ ...forCoupon(coupon.id), code: 'x'.repeat(501) }, refused(400, 'parameter_invalid_string', 'code')],
        [{ ...forCoupon(coupon.id), customer: 'cus_nope' }, refused(404, 'resource_missing', 'customer', "No such customer: 'cus_nope'")],
        [{ ...forCoupon(coupon.id), expires_at: t - 1 }, refused(400, undefined, 'expires_at', 'Invalid expires_at: must be in the future')],
        [{ ...forCoupon(coupon.id), expires_at: t + 7200 }, refused(400, undefined, 'expires_at', /after its coupon's redeem_by/)],
        [{ ...forCoupon(coupon.id), max_redemptions: 6 }, refused(400, undefined, 'max_redemptions', /greater than its coupon's max_redemptions \(5\)/)],
        [{ ...forCoupon(coupon.id), max_redemptions: 0 }, refused(400, 'parameter_invalid_integer', 'max_redemptions')],
        [{ ...forCoupon(coupon.id), active: 'maybe' }, refused(400, 'parameter_invalid_boolean', 'active')],
        [{ ...forCoupon(coupon.id), restrictions: { minimum_amount: 100 } }, refused(400, 'parameter_missing', 'restrictions[minimum_amount_currency]')],
        [{ ...forCoupon(coupon.id), restrictions: { minimum_amount_currency: 'usd' } }, refused(400, 'parameter_missing', 'restrictions[minimum_amount]')],
        [{ ...forCoupon(coupon.id), restrictions: { minimum_amount: -1, minimum_amount_currency: 'usd' } }, refused(400, 'parameter_invalid_integer', 'restrictions[minimum_amount]')],
        [
          { ...forCoupon(coupon.id), restrictions: { minimum_amount: 100, minimum_amount_currency: 'usd', currency_options: { usd: { minimum_amount: 5 } } } },
          refused(400, undefined, 'restrictions[currency_options][usd]'),
        ],
        [{ ...forCoupon(coupon.id), restrictions: { currency_options: { eur: { bogus: 1 } } } }, refused(400, 'parameter_unknown', 'restrictions[currency_options][eur][bogus]')],
        [{ ...forCoupon(coupon.id), restrictions: { bogus: true } }, refused(400, 'parameter_unknown', 'restrictions[bogus]')],
        [{ ...forCoupon(coupon.id), customer_account: 'acct_1' }, refused(400, 'parameter_unknown', 'customer_account')],
      ];
      for (const [params, expected] of cases) {
        await assert.rejects(stripe.promotionCodes.create(params as unknown as Stripe.PromotionCodeCreateParams), expected, JSON.stringify(params));
      }
      assert.deepEqual((await stripe.promotionCodes.list()).data, [], 'nothing refused was stored');

      const pc = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), restrictions: { minimum_amount: 100, minimum_amount_currency: 'usd' } });
      const updates: Array<[string, Record<string, unknown>, ReturnType<typeof refused>]> = [
        ['promo_nope', { active: false }, refused(404, 'resource_missing', 'id', "No such promotion code: 'promo_nope'")],
        [pc.id, { code: 'NEW' }, refused(400, 'parameter_unknown', 'code')],
        [pc.id, { expires_at: t + 60 }, refused(400, 'parameter_unknown', 'expires_at')],
        [pc.id, { restrictions: { minimum_amount: 5 } }, refused(400, 'parameter_unknown', 'restrictions[minimum_amount]')],
        [pc.id, { restrictions: { currency_options: { usd: { minimum_amount: 5 } } } }, refused(400, undefined, 'restrictions[currency_options][usd]')],
      ];
      for (const [id, params, expected] of updates) {
        await assert.rejects(stripe.promotionCodes.update(id, params as Stripe.PromotionCodeUpdateParams), expected, JSON.stringify(params));
      }
      await assert.rejects(stripe.promotionCodes.retrieve('promo_nope'), refused(404, 'resource_missing', 'id', "No such promotion code: 'promo_nope'"));
      const res = await raw(server.url, '/v1/promotion_codes/' + pc.id, { method: 'DELETE', key });
      assert.equal(res.status, 404, 'promotion codes are never deleted, as on Stripe');
    });

    it('requireApplicablePromotionCode finds a code by id or by its text (any case) and refuses it with Stripe’s reasons', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const param = 'discounts[0][promotion_code]';
      const coupon = await stripe.coupons.create({ amount_off: 500, currency: 'usd', currency_options: { eur: { amount_off: 450 } } });
      const buyer = await stripe.customers.create({});
      const base: Parameters<typeof requireApplicablePromotionCode>[3] = { currency: 'usd', customer: buyer.id, subtotal: 5000, now: now(), isFirstTransaction: true };
      const check = (ref: { id?: string; code?: string }, context: Partial<typeof base> = {}) =>
        run(key, (ctx) => requireApplicablePromotionCode(ctx, ref, param, { ...base, ...context }));

      const open = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), code: 'OPEN10' });
      const byCode = await check({ code: 'open10' });
      assert.deepEqual([byCode.promotionCode.id, byCode.promotionCode.active, byCode.coupon.id, byCode.coupon.amount_off], [open.id, true, coupon.id, 500]);
      assert.equal((await check({ id: open.id }, { currency: 'EUR' })).promotionCode.code, 'OPEN10');

      await rejectsWith(check({ code: 'NOPE' }), 404, { code: 'resource_missing', param, message: "No such promotion code: 'NOPE'" });
      await rejectsWith(check({ id: 'promo_nope' }), 404, { code: 'resource_missing', param });
      const off = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), code: 'OFF', active: false });
      await rejectsWith(check({ code: 'off' }), 404, { code: 'resource_missing', param });
      await rejectsWith(check({ id: off.id }), 400, { type: 'invalid_request_error', param, message: 'This promotion code cannot be redeemed because it is inactive.' });

      const dated = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), expires_at: now() + 60 });
      assert.equal((await check({ id: dated.id })).promotionCode.id, dated.id);
      await rejectsWith(check({ id: dated.id }, { now: now() + 60 }), 400, { param, message: 'This promotion code cannot be redeemed because it has expired.' });

      const once = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), max_redemptions: 1 });
      await run(key, (ctx) => redeem(ctx, coupon.id, once.id));
      await rejectsWith(check({ id: once.id }), 400, { param, message: 'This promotion code cannot be redeemed because it has been used the maximum number of times.' });

      const mine = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), customer: buyer.id });
      assert.equal((await check({ id: mine.id })).promotionCode.customer, buyer.id);
      const restricted = { param, message: 'This promotion code cannot be redeemed because it is restricted to another customer.' };
      await rejectsWith(check({ id: mine.id }, { customer: 'cus_other' }), 400, restricted);
      await rejectsWith(check({ id: mine.id }, { customer: null }), 400, restricted);

      const firstTime = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), restrictions: { first_time_transaction: true } });
      assert.ok(await check({ id: firstTime.id }));
      await rejectsWith(check({ id: firstTime.id }, { isFirstTransaction: false }), 400, {
        param,
        message: 'This promotion code cannot be redeemed because the associated customer has prior transactions.',
      });

      const minimum = await stripe.promotionCodes.create({
        ...forCoupon(coupon.id),
        restrictions: { minimum_amount: 3000, minimum_amount_currency: 'usd', currency_options: { eur: { minimum_amount: 2500 } } },
      });
      const tooLow = { param, message: 'This promotion code cannot be redeemed because the associated purchase does not meet the minimum amount requirement.' };
      assert.ok(await check({ id: minimum.id }, { subtotal: 3000 }));
      assert.ok(await check({ id: minimum.id }, { currency: 'eur', subtotal: 2500 }));
      await rejectsWith(check({ id: minimum.id }, { subtotal: 2999 }), 400, tooLow);
      await rejectsWith(check({ id: minimum.id }, { currency: 'eur', subtotal: 2499 }), 400, tooLow);

      // The coupon's own rules: an amount in the purchase's currency, and still valid.
      await rejectsWith(check({ id: open.id }, { currency: 'gbp' }), 400, { param, code: undefined });
      const short = await stripe.coupons.create({ percent_off: 10, redeem_by: now() + 60 });
      const ofShort = await stripe.promotionCodes.create(forCoupon(short.id));
      await rejectsWith(check({ id: ofShort.id }, { now: now() + 61 }), 400, { param, code: 'coupon_expired', message: `Coupon expired: ${short.id}` });
      await rejectsWith(check({}), 400, { code: 'parameter_missing', param });
    });

    it('keeps accounts apart: another key can neither see, change nor redeem a code, nor make one for another’s coupon', async () => {
      const aKey = freshKey();
      const bKey = freshKey();
      const [a, b] = [server.stripe(aKey), server.stripe(bKey)];
      const coupon = await a.coupons.create({ percent_off: 10 });
      const pc = await a.promotionCodes.create({ ...forCoupon(coupon.id), code: 'PRIVATE' });
      await assert.rejects(b.promotionCodes.retrieve(pc.id), refused(404, 'resource_missing', 'id'));
      await assert.rejects(b.promotionCodes.update(pc.id, { active: false }), refused(404, 'resource_missing', 'id'));
      await assert.rejects(b.promotionCodes.create(forCoupon(coupon.id)), refused(404, 'resource_missing', 'promotion[coupon]'));
      assert.deepEqual((await b.promotionCodes.list({ code: 'PRIVATE' })).data, []);
      const context = { currency: 'usd', customer: null, subtotal: 100, now: now(), isFirstTransaction: true };
      await rejectsWith(run(bKey, (ctx) => requireApplicablePromotionCode(ctx, { code: 'private' }, 'p', context)), 404, { code: 'resource_missing' });
      await rejectsWith(run(bKey, (ctx) => redeem(ctx, coupon.id, pc.id)), 404, { code: 'resource_missing' });
      assert.equal((await a.promotionCodes.retrieve(pc.id)).active, true);
      assert.equal((await run(aKey, (ctx) => requireApplicablePromotionCode(ctx, { code: 'private' }, 'p', context))).promotionCode.id, pc.id);
    });

    it('lets exactly one of 50 concurrent redemptions of a max_redemptions: 1 code succeed, counting both code and coupon', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const coupon = await stripe.coupons.create({ percent_off: 50 });
      const pc = await stripe.promotionCodes.create({ ...forCoupon(coupon.id), max_redemptions: 1 });
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => run(key, (ctx) => redeem(ctx, coupon.id, pc.id))));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.match((r.reason as Error).message, /used the maximum number of times/);
      }
      const [code, c] = [await stripe.promotionCodes.retrieve(pc.id), await stripe.coupons.retrieve(coupon.id)];
      assert.deepEqual([code.times_redeemed, code.active, c.times_redeemed, c.valid], [1, false, 1, true]);
      const other = await stripe.coupons.create({ percent_off: 5 });
      await rejectsWith(run(key, (ctx) => redeem(ctx, other.id, pc.id)), 400, { param: 'promotion_code' });
      await rejectsWith(run(key, (ctx) => redeem(ctx, coupon.id, 'promo_nope')), 404, { code: 'resource_missing', param: 'promotion_code' });
    });
  });
}
