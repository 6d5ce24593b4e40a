/**
 * Discounts on subscriptions and customers applied to a subscription's invoices for the coupon's
 * duration (`once`, `repeating`, `forever`), and `DELETE /v1/subscriptions/:id/discount`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';
import { advance } from '../helpers/wait.js';

const JAN_1_2026 = Date.UTC(2026, 0, 1) / 1000;
const FEB_1_2026 = Date.UTC(2026, 1, 1) / 1000;
const MAR_1_2026 = Date.UTC(2026, 2, 1) / 1000;
const HOUR = 3600;

async function monthlyPrice(stripe: Stripe, amount: number, name: string) {
  const product = await stripe.products.create({ name });
  return stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: amount, recurring: { interval: 'month' } });
}

async function customerWithCard(stripe: Stripe, clock: string, extra: Record<string, unknown> = {}) {
  const customer = await stripe.customers.create({ test_clock: clock, ...extra } as Stripe.CustomerCreateParams);
  const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  return customer;
}

/** The amounts of the subscription's invoices, oldest first. */
async function billed(stripe: Stripe, sub: string): Promise<number[]> {
  const list = await stripe.invoices.list({ subscription: sub, limit: 10 });
  return list.data.reverse().map((i) => i.amount_paid);
}

for (const store of STORES) {
  describe(`subscription discounts (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('applies once, repeating and forever coupons of the subscription or its customer to its invoices, for their duration', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2026 });
      const twoMonths = await stripe.coupons.create({ percent_off: 20, duration: 'repeating', duration_in_months: 2 });
      const once = await stripe.coupons.create({ amount_off: 500, currency: 'usd', duration: 'once' });
      const forever = await stripe.coupons.create({ percent_off: 10, duration: 'forever' });

      // The customer's discount applies to a subscription without its own: Jan and Feb, not Mar.
      const a = await customerWithCard(stripe, clock.id, { coupon: twoMonths.id });
      const subA = await stripe.subscriptions.create({ customer: a.id, items: [{ price: (await monthlyPrice(stripe, 1000, 'A')).id }] });
      const firstA = await stripe.invoices.retrieve(subA.latest_invoice as string);
      assert.equal(firstA.subtotal, 1000);
      assert.equal(firstA.total, 800);
      assert.equal(firstA.amount_paid, 800);
      assert.deepEqual(firstA.total_discount_amounts?.map((d) => d.amount), [200]);
      assert.deepEqual(firstA.lines.data[0]?.discount_amounts?.map((d) => d.amount), [200]);
      assertMatchesSchema('invoice', firstA);

      // The subscription's own `once` discount: the first invoice only, then it is gone.
      const b = await customerWithCard(stripe, clock.id);
      const subB = await stripe.subscriptions.create({ customer: b.id, items: [{ price: (await monthlyPrice(stripe, 1000, 'B')).id }], discounts: [{ coupon: once.id }] });
      assert.deepEqual(subB.discounts, []);
      assert.deepEqual(await billed(stripe, subB.id), [500]);

      // `forever`, added by an update; expandable to the Discount.
      const subC = await stripe.subscriptions.create({ customer: b.id, items: [{ price: (await monthlyPrice(stripe, 2000, 'C')).id }] });
      const withForever = await stripe.subscriptions.update(subC.id, { discounts: [{ coupon: forever.id }], expand: ['discounts'] });
      const discount = withForever.discounts[0] as Stripe.Discount;
      assert.equal(discount.object, 'discount');
      assert.equal(discount.subscription, subC.id);
      assert.equal(discount.source.coupon, forever.id);
      assert.equal(discount.end, null);
      assertMatchesSchema('subscription', withForever);
      assertMatchesSchema('discount', discount);

      await advance(stripe, clock.id, FEB_1_2026 + HOUR + 60);
      assert.deepEqual(await billed(stripe, subA.id), [800, 800]);
      assert.deepEqual(await billed(stripe, subB.id), [500, 1000]);
      assert.deepEqual(await billed(stripe, subC.id), [2000, 1800]);

      const removed = await stripe.subscriptions.deleteDiscount(subC.id);
      assert.equal(removed.deleted, true);
      assert.equal(removed.id, discount.id);
      assert.deepEqual((await stripe.subscriptions.retrieve(subC.id)).discounts, []);
      await assert.rejects(stripe.subscriptions.deleteDiscount(subC.id), { statusCode: 404 });

      await advance(stripe, clock.id, MAR_1_2026 + HOUR + 60);
      assert.deepEqual(await billed(stripe, subA.id), [800, 800, 1000]);
      assert.deepEqual(await billed(stripe, subC.id), [2000, 1800, 2000]);
      await assert.rejects(stripe.subscriptions.create({ customer: b.id, items: [{ price: (await monthlyPrice(stripe, 100, 'D')).id }], discounts: [{ coupon: 'nope' }] }), {
        statusCode: 404,
      });
    });

    it('a once coupon is not used up by a trial’s invoice of 0: it takes its amount off the first invoice after the trial', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2026 });
      const once = await stripe.coupons.create({ percent_off: 50, duration: 'once' });
      const customerOnce = await stripe.coupons.create({ amount_off: 300, currency: 'usd', duration: 'once' });
      const a = await customerWithCard(stripe, clock.id);
      const subA = await stripe.subscriptions.create({ customer: a.id, items: [{ price: (await monthlyPrice(stripe, 1000, 'Trial A')).id }], trial_period_days: 14, discounts: [{ coupon: once.id }] });
      assert.equal(subA.status, 'trialing');
      assert.equal(subA.discounts.length, 1, 'the trial invoice took nothing off: the discount waits');
      const b = await customerWithCard(stripe, clock.id, { coupon: customerOnce.id });
      const subB = await stripe.subscriptions.create({ customer: b.id, items: [{ price: (await monthlyPrice(stripe, 1000, 'Trial B')).id }], trial_period_days: 14 });
      assert.ok(((await stripe.customers.retrieve(b.id)) as Stripe.Customer).discount, 'the customer’s once discount waits too');

      const trialEnd = subA.trial_end as number;
      await advance(stripe, clock.id, trialEnd + HOUR + 60);
      assert.deepEqual(await billed(stripe, subA.id), [0, 500], 'the first invoice after the trial gets the 50 %');
      assert.deepEqual(await billed(stripe, subB.id), [0, 700]);
      assert.deepEqual((await stripe.subscriptions.retrieve(subA.id)).discounts, [], 'then it is used up');
      assert.equal(((await stripe.customers.retrieve(b.id)) as Stripe.Customer).discount, null);
      await advance(stripe, clock.id, trialEnd + 32 * 86_400);
      assert.deepEqual(await billed(stripe, subA.id), [0, 500, 1000]);
      assert.deepEqual(await billed(stripe, subB.id), [0, 700, 1000]);
    });
  });
}
