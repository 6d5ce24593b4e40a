/**
 * A Checkout Session's discount carried onto the Subscription it creates
 * (docs/decisions.md#discounts-on-subscriptions-and-customers): `discounts` with a coupon or a
 * promotion code, or a code the buyer entered, lands on `subscription.discounts` with
 * `checkout_session` set, shows on the first invoice, and renewals apply it for the coupon's
 * duration.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242, payOnHostedPage } from '../../src/cli/page.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';
import { advance } from '../helpers/wait.js';

const month = (m: number) => Date.UTC(2027, m, 1) / 1000;
const HOUR = 3600;
const SUCCESS = 'https://merchant.example/success';

/** The amounts paid on the subscription's invoices, oldest first. */
async function billed(stripe: Stripe, sub: string): Promise<number[]> {
  const list = await stripe.invoices.list({ subscription: sub, limit: 20 });
  return list.data.reverse().map((i) => i.amount_paid);
}

for (const store of STORES) {
  describe(`Checkout discounts on the subscription (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('carries once, repeating and forever discounts from the session onto the subscription and its renewals', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: month(0) });
      const price = await stripe.prices.create({ currency: 'usd', unit_amount: 2000, recurring: { interval: 'month' }, product_data: { name: 'Team plan' } });
      const once = await stripe.coupons.create({ percent_off: 25, duration: 'once' });
      const threeMonths = await stripe.coupons.create({ amount_off: 500, currency: 'usd', duration: 'repeating', duration_in_months: 3 });
      const forever = await stripe.coupons.create({ percent_off: 10, duration: 'forever' });
      const promo = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: threeMonths.id }, code: 'THREEOFF' } as Stripe.PromotionCodeCreateParams);
      await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: forever.id }, code: 'FOREVER10' } as Stripe.PromotionCodeCreateParams);

      const subscribe = async (email: string, extra: Partial<Stripe.Checkout.SessionCreateParams>, code?: string) => {
        const customer = await stripe.customers.create({ email, test_clock: clock.id });
        const s = await stripe.checkout.sessions.create({ mode: 'subscription', customer: customer.id, line_items: [{ price: price.id, quantity: 1 }], success_url: SUCCESS, ...extra });
        // The buyer applies a code with the page's own button, then pays.
        if (code) await payOnHostedPage(s.url as string, { action: 'apply_promotion_code', promotionCode: code });
        await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
        const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['subscription.discounts', 'invoice'] });
        assert.equal(done.status, 'complete');
        return { session: done, sub: done.subscription as Stripe.Subscription, invoice: done.invoice as Stripe.Invoice };
      };

      // A coupon: its Discount is the session's, on the subscription, with checkout_session set.
      const a = await subscribe('once@example.com', { discounts: [{ coupon: once.id }] });
      assert.equal(a.session.amount_total, 1500);
      assert.deepEqual(a.sub.discounts, [], 'a once coupon ends with the first invoice it discounts');
      assert.deepEqual([a.invoice.subtotal, a.invoice.total, a.invoice.amount_paid], [2000, 1500, 1500]);
      assert.deepEqual(a.invoice.total_discount_amounts?.map((d) => d.amount), [500]);

      // A promotion code: repeating for 3 months.
      const b = await subscribe('repeat@example.com', { discounts: [{ promotion_code: promo.id }] });
      const discountB = b.sub.discounts[0] as Stripe.Discount;
      assert.equal(b.sub.discounts.length, 1);
      assert.equal(discountB.object, 'discount');
      assert.equal(discountB.checkout_session, b.session.id);
      assert.equal(discountB.subscription, b.sub.id);
      assert.equal(discountB.customer, b.sub.customer);
      assert.equal(discountB.promotion_code, promo.id);
      assert.equal(discountB.source.coupon, threeMonths.id);
      assert.equal(discountB.start, month(0));
      assert.equal(discountB.end, month(3));
      assertMatchesSchema('discount', discountB);
      assertMatchesSchema('subscription', b.sub);
      assert.deepEqual(b.invoice.total_discount_amounts?.map((d) => [d.amount, d.discount]), [[500, discountB.id]]);
      assert.deepEqual(b.invoice.discounts, [discountB.id]);

      // A code the buyer entered on the page: forever.
      const c = await subscribe('forever@example.com', { allow_promotion_codes: true }, 'FOREVER10');
      assert.equal(c.session.amount_total, 1800);
      const discountC = c.sub.discounts[0] as Stripe.Discount;
      assert.equal(discountC.checkout_session, c.session.id);
      assert.equal(discountC.source.coupon, forever.id);
      assert.equal(discountC.end, null);
      assert.equal(c.invoice.amount_paid, 1800);

      for (const m of [1, 2, 3, 4]) await advance(stripe, clock.id, month(m) + HOUR + 60);
      assert.deepEqual(await billed(stripe, a.sub.id), [1500, 2000, 2000, 2000, 2000]);
      assert.deepEqual(await billed(stripe, b.sub.id), [1500, 1500, 1500, 2000, 2000]);
      assert.deepEqual(await billed(stripe, c.sub.id), [1800, 1800, 1800, 1800, 1800]);
      const renewal = (await stripe.invoices.list({ subscription: b.sub.id, limit: 5 })).data[3] as Stripe.Invoice;
      assert.deepEqual([renewal.billing_reason, renewal.subtotal, renewal.total], ['subscription_cycle', 2000, 1500]);
      assert.deepEqual(renewal.total_discount_amounts?.map((d) => [d.amount, d.discount]), [[500, discountB.id]]);
      assert.deepEqual((await stripe.subscriptions.retrieve(c.sub.id)).discounts, [discountC.id]);
    });

    it('a once coupon on a trial session waits for the first invoice after the trial', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: month(0) });
      const price = await stripe.prices.create({ currency: 'usd', unit_amount: 2000, recurring: { interval: 'month' }, product_data: { name: 'Trial plan' } });
      const once = await stripe.coupons.create({ percent_off: 25, duration: 'once' });
      const customer = await stripe.customers.create({ email: 'trial@example.com', test_clock: clock.id });
      const s = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: customer.id,
        line_items: [{ price: price.id, quantity: 1 }],
        discounts: [{ coupon: once.id }],
        subscription_data: { trial_period_days: 7 },
        success_url: SUCCESS,
      });
      await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['subscription'] });
      const sub = done.subscription as Stripe.Subscription;
      assert.equal(sub.status, 'trialing');
      assert.equal(sub.discounts.length, 1, 'the trial’s invoice of 0 does not use the once coupon up');
      const trialEnd = sub.trial_end as number;
      await advance(stripe, clock.id, trialEnd + HOUR + 60);
      await advance(stripe, clock.id, trialEnd + 31 * 86_400 + HOUR);
      assert.deepEqual(await billed(stripe, sub.id), [0, 1500, 2000]);
      assert.deepEqual((await stripe.subscriptions.retrieve(sub.id)).discounts, []);
    });
  });
}
