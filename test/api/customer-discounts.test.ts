/**
 * A coupon or promotion code on a customer (`customers.create({ coupon })`, as older clients and the
 * Stripe CLI's fixtures send it): the Discount, its redemption, and `customer.discount.*` events.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

type WithDiscount = Stripe.Customer & { discount: (Stripe.Discount & { source: { coupon: string } }) | null };

async function types(stripe: Stripe): Promise<string[]> {
  return (await stripe.events.list({ limit: 20 })).data.map((e) => e.type).filter((t) => t.startsWith('customer.discount.')).reverse();
}

for (const store of STORES) {
  describe(`customer discounts (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('attaches, replaces and deletes a customer discount, redeeming each coupon once, with the discount events', async () => {
      const stripe = server.stripe();
      const first = await stripe.coupons.create({ percent_off: 20, duration: 'repeating', duration_in_months: 3 });
      const second = await stripe.coupons.create({ percent_off: 30, duration: 'forever' });
      const created = (await stripe.customers.create({ description: 'vip', coupon: first.id } as Stripe.CustomerCreateParams)) as WithDiscount;
      assert.equal(created.discount?.source.coupon, first.id);
      assert.equal(created.discount?.object, 'discount');
      assert.ok((created.discount?.end ?? 0) > created.discount!.start, 'a repeating coupon ends');
      assertMatchesSchema('customer', created);
      assert.equal((await stripe.coupons.retrieve(first.id)).times_redeemed, 1);

      const updated = (await stripe.customers.update(created.id, { coupon: second.id } as Stripe.CustomerUpdateParams)) as WithDiscount;
      assert.equal(updated.discount?.source.coupon, second.id);
      assert.equal(updated.discount?.end, null);

      const deleted = await stripe.customers.deleteDiscount(created.id);
      assert.equal(deleted.deleted, true);
      assert.equal(((await stripe.customers.retrieve(created.id)) as WithDiscount).discount, null);
      await assert.rejects(stripe.customers.deleteDiscount(created.id), { statusCode: 404 });
      assert.deepEqual(await types(stripe), ['customer.discount.created', 'customer.discount.updated', 'customer.discount.deleted']);
    });

    it('takes a promotion code, and refuses an unknown coupon or both at once', async () => {
      const stripe = server.stripe();
      const coupon = await stripe.coupons.create({ amount_off: 500, currency: 'usd', duration: 'once' });
      const promo = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'FRIEND' });
      const c = (await stripe.customers.create({ promotion_code: promo.id } as Stripe.CustomerCreateParams)) as WithDiscount;
      assert.equal(c.discount?.promotion_code, promo.id);
      assert.equal((await stripe.promotionCodes.retrieve(promo.id)).times_redeemed, 1);
      // Attaching is not a purchase: a code whose coupon has an amount only in yen still attaches.
      const yen = await stripe.coupons.create({ amount_off: 500, currency: 'jpy', duration: 'once' });
      const yenCode = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: yen.id }, code: 'YEN500' });
      const inJapan = (await stripe.customers.create({ promotion_code: yenCode.id } as Stripe.CustomerCreateParams)) as WithDiscount;
      assert.equal(inJapan.discount?.source.coupon, yen.id);
      await assert.rejects(stripe.customers.create({ coupon: 'nope' } as Stripe.CustomerCreateParams), { statusCode: 404 });
      await assert.rejects(stripe.customers.create({ coupon: coupon.id, promotion_code: promo.id } as Stripe.CustomerCreateParams), { statusCode: 400 });
    });
  });
}
