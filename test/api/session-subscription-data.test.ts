/**
 * `subscription_data` shapes the Subscription a Checkout Session creates
 * (docs/decisions.md#subscription-data-from-checkout): trials (with or without a card), the
 * billing cycle anchor and its proration, default tax rates, invoice settings, description and
 * metadata; and Stripe's errors for the combinations it refuses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242, payOnHostedPage } from '../../src/cli/page.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

const DAY = 86_400;
const SUCCESS = 'https://merchant.example/success?session_id={CHECKOUT_SESSION_ID}';

async function plan(stripe: Stripe, unit = 900): Promise<Stripe.Price> {
  return stripe.prices.create({ currency: 'usd', unit_amount: unit, recurring: { interval: 'month' }, product_data: { name: 'Pro plan' } });
}

async function types(stripe: Stripe): Promise<string[]> {
  return (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();
}

for (const store of STORES) {
  describe(`subscription_data on the Subscription (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('a 14-day trial with a card: trialing subscription, invoice of 0, nothing charged, settings and tax rates on it', async () => {
      const stripe = server.stripe();
      const price = await plan(stripe);
      const rate = await stripe.taxRates.create({ display_name: 'VAT', percentage: 10, inclusive: false });
      const s = await stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: SUCCESS,
        subscription_data: {
          trial_period_days: 14,
          description: 'Pro for the team',
          metadata: { plan: 'pro' },
          default_tax_rates: [rate.id],
          invoice_settings: { issuer: { type: 'self' } },
        },
      });
      assert.equal(s.amount_total, 0);
      assert.equal(s.amount_subtotal, 0);
      await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['subscription', 'invoice'] });
      assert.equal(done.status, 'complete');
      assert.equal(done.payment_status, 'no_payment_required');
      assert.equal(done.payment_intent, null);
      const sub = done.subscription as Stripe.Subscription;
      assert.equal(sub.status, 'trialing');
      assert.equal((sub.trial_end as number) - (sub.trial_start as number), 14 * DAY);
      assert.equal(sub.trial_start, sub.start_date);
      assert.equal(sub.billing_cycle_anchor, sub.trial_end);
      const item = sub.items.data[0] as Stripe.SubscriptionItem;
      assert.equal(item.current_period_start, sub.trial_start);
      assert.equal(item.current_period_end, sub.trial_end);
      assert.deepEqual(item.tax_rates, [], 'the defaults stay on the subscription');
      assert.deepEqual((sub.default_tax_rates ?? []).map((r) => r.id), [rate.id]);
      assert.equal(sub.description, 'Pro for the team');
      assert.deepEqual(sub.metadata, { plan: 'pro' });
      assert.deepEqual(sub.invoice_settings.issuer, { type: 'self' });
      assert.equal(sub.trial_settings?.end_behavior.missing_payment_method, 'create_invoice');
      assert.match(sub.default_payment_method as string, /^pm_/);
      assertMatchesSchema('subscription', sub);
      const invoice = done.invoice as Stripe.Invoice;
      assert.deepEqual([invoice.status, invoice.amount_due, invoice.amount_paid, invoice.total], ['paid', 0, 0, 0]);
      assert.equal(invoice.billing_reason, 'subscription_create');
      assert.equal(invoice.lines.data[0]?.description, 'Trial period for Pro plan');
      assert.equal(invoice.lines.data[0]?.amount, 0);
      assert.deepEqual(invoice.lines.data[0]?.period, { start: sub.trial_start, end: sub.trial_end });
      assert.equal(invoice.payments?.data.length, 0);
      assertMatchesSchema('invoice', invoice);
      assert.equal((await stripe.paymentIntents.list({ customer: sub.customer as string })).data.length, 0, 'a trial charges nothing');
      const seen = await types(stripe);
      assert.deepEqual(
        seen.filter((t) => t.startsWith('invoice.') || t.startsWith('customer.subscription') || t === 'checkout.session.completed'),
        ['customer.subscription.created', 'invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded', 'checkout.session.completed'],
      );
    });

    it('a free trial with payment_method_collection if_required completes without a payment method', async () => {
      const stripe = server.stripe();
      const price = await plan(stripe);
      const trialEnd = Math.floor(Date.now() / 1000) + 30 * DAY;
      const s = await stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: price.id, quantity: 2 }],
        success_url: SUCCESS,
        payment_method_collection: 'if_required',
        subscription_data: { trial_end: trialEnd, trial_settings: { end_behavior: { missing_payment_method: 'cancel' } } },
      });
      assert.equal(s.payment_method_collection, 'if_required');
      const page = await (await fetch(s.url as string)).text();
      assert.doesNotMatch(page, /id="cardNumber"/, 'no card is asked');
      assert.match(page, /No payment method is needed to start your trial/);
      await payOnHostedPage(s.url as string, { email: 'trial@example.com' });
      const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['subscription'] });
      assert.deepEqual([done.status, done.payment_status], ['complete', 'no_payment_required']);
      const sub = done.subscription as Stripe.Subscription;
      assert.deepEqual([sub.status, sub.trial_end, sub.default_payment_method], ['trialing', trialEnd, null]);
      assert.equal(sub.trial_settings?.end_behavior.missing_payment_method, 'cancel');
      assert.equal(sub.items.data[0]?.quantity, 2);
      const customer = await stripe.customers.retrieve(sub.customer as string);
      assert.equal((customer as Stripe.Customer).email, 'trial@example.com');
      assert.equal((await stripe.customers.listPaymentMethods(sub.customer as string)).data.length, 0);
    });

    it('without a trial, if_required still asks for a card: a post without one is refused', async () => {
      const stripe = server.stripe();
      const price = await plan(stripe);
      const s = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: price.id, quantity: 1 }], success_url: SUCCESS, payment_method_collection: 'if_required' });
      await assert.rejects(payOnHostedPage(s.url as string, { email: 'x@example.com' }), /refused/);
      assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'open');
    });

    it('billing_cycle_anchor with proration_behavior none: a free first period up to the anchor', async () => {
      const stripe = server.stripe();
      const now = Math.floor(Date.now() / 1000);
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: now });
      const customer = await stripe.customers.create({ email: 'anchor@example.com', test_clock: clock.id });
      const price = await plan(stripe, 3000);
      const anchor = now + 10 * DAY;
      const s = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: customer.id,
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: SUCCESS,
        subscription_data: { billing_cycle_anchor: anchor, proration_behavior: 'none' },
      });
      assert.equal(s.amount_total, 0);
      await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['subscription', 'invoice'] });
      const sub = done.subscription as Stripe.Subscription;
      assert.deepEqual([sub.status, sub.billing_cycle_anchor, sub.items.data[0]?.current_period_end, sub.trial_end], ['active', anchor, anchor, null]);
      assert.equal((done.invoice as Stripe.Invoice).amount_paid, 0);
      assert.equal(done.payment_status, 'no_payment_required');
    });

    it('billing_cycle_anchor_config anchors on a day of the month: the first period ends there, prorated', async () => {
      const stripe = server.stripe();
      const start = Date.UTC(2027, 0, 10, 12, 0, 0) / 1000;
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
      const customer = await stripe.customers.create({ email: 'config@example.com', test_clock: clock.id });
      const price = await plan(stripe, 3100);
      const s = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: customer.id,
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: SUCCESS,
        subscription_data: { billing_cycle_anchor_config: { day_of_month: 25, hour: 0, minute: 0, second: 0 } },
      });
      const anchor = Date.UTC(2027, 0, 25) / 1000;
      // January 10 12:00 to February 10 12:00 is 31 days; the anchor is 14.5 days in.
      assert.equal(s.amount_total, Math.round((3100 * (anchor - start)) / (31 * DAY)));
      await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
      const sub = (await stripe.checkout.sessions.retrieve(s.id, { expand: ['subscription'] })).subscription as Stripe.Subscription;
      assert.deepEqual([sub.billing_cycle_anchor, sub.items.data[0]?.current_period_end], [anchor, anchor]);
      await assert.rejects(
        stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: price.id, quantity: 1 }], success_url: SUCCESS, subscription_data: { billing_cycle_anchor_config: { day_of_month: 1, month: 3 } } }),
        (err: Stripe.errors.StripeError) => err.statusCode === 400 && err.param === 'subscription_data[billing_cycle_anchor_config][month]',
      );
    });

    it('billing_cycle_anchor with create_prorations: the first invoice bills the anchor’s share of a period, paid at Checkout', async () => {
      const stripe = server.stripe();
      const now = Math.floor(Date.now() / 1000);
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: now });
      const customer = await stripe.customers.create({ email: 'prorate@example.com', test_clock: clock.id });
      const price = await plan(stripe, 3000);
      const anchor = now + 10 * DAY;
      const s = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: customer.id,
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: SUCCESS,
        subscription_data: { billing_cycle_anchor: anchor },
      });
      const next = new Date(s.created * 1000);
      next.setUTCMonth(next.getUTCMonth() + 1);
      const expected = Math.round((3000 * (anchor - s.created)) / (next.getTime() / 1000 - s.created));
      assert.equal(s.amount_total, expected);
      await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['invoice', 'payment_intent'] });
      assert.equal(done.payment_status, 'paid');
      const invoice = done.invoice as Stripe.Invoice;
      assert.deepEqual([invoice.amount_paid, invoice.lines.data[0]?.amount], [expected, expected]);
      assert.equal(invoice.lines.data[0]?.parent?.subscription_item_details?.proration, true);
      const pis = await stripe.paymentIntents.list({ customer: customer.id });
      assert.deepEqual(pis.data.map((p) => [p.amount, p.status]), [[expected, 'succeeded']]);
      // The first payment has its Charge and balance transaction, as every paid PaymentIntent does.
      const pi = pis.data[0] as Stripe.PaymentIntent;
      assert.match(pi.latest_charge as string, /^ch_/);
      const charge = await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['balance_transaction'] });
      assert.deepEqual([charge.status, charge.captured, charge.amount, charge.payment_intent, charge.customer], ['succeeded', true, expected, pi.id, customer.id]);
      assert.equal((charge.balance_transaction as Stripe.BalanceTransaction).amount, expected);
      assertMatchesSchema('charge', charge);
      const order = (await types(stripe)).filter((t) => ['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded', 'invoice.paid', 'checkout.session.completed'].includes(t));
      assert.deepEqual(order, ['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded', 'invoice.paid', 'checkout.session.completed']);
    });

    it('refuses what Stripe refuses: trial windows, two trials, an anchor with a trial or out of range', async () => {
      const stripe = server.stripe();
      const price = await plan(stripe);
      const now = Math.floor(Date.now() / 1000);
      const create = (subscription_data: Stripe.Checkout.SessionCreateParams.SubscriptionData) =>
        stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: price.id, quantity: 1 }], success_url: SUCCESS, subscription_data });
      const cases: Array<[Stripe.Checkout.SessionCreateParams.SubscriptionData, string, RegExp]> = [
        [{ trial_end: now + DAY }, 'subscription_data[trial_end]', /at least 2 days in the future/],
        [{ trial_end: now + 731 * DAY }, 'subscription_data[trial_end]', /730 days/],
        [{ trial_end: now + 3 * DAY, trial_period_days: 3 }, 'subscription_data[trial_end]', /only specify one of these parameters: trial_end, trial_period_days/],
        [{ trial_period_days: 0 }, 'subscription_data[trial_period_days]', /./],
        [{ trial_period_days: 731 }, 'subscription_data[trial_period_days]', /./],
        [{ trial_period_days: 7, billing_cycle_anchor: now + 5 * DAY }, 'subscription_data[billing_cycle_anchor]', /cannot be combined/],
        [{ billing_cycle_anchor: now - 60 }, 'subscription_data[billing_cycle_anchor]', /future/],
        [{ billing_cycle_anchor: now + 40 * DAY }, 'subscription_data[billing_cycle_anchor]', /next natural billing date/],
      ];
      for (const [data, param, message] of cases) {
        await assert.rejects(create(data), (err: Stripe.errors.StripeError) => {
          assert.equal(err.statusCode, 400, JSON.stringify(data));
          assert.equal(err.type, 'StripeInvalidRequestError');
          assert.equal(err.param, param, JSON.stringify(data));
          assert.match(err.message, message);
          return true;
        });
      }
      // In range: 2 days and a bit, and 730 days.
      assert.equal((await create({ trial_end: now + 2 * DAY + 60 })).status, 'open');
      assert.equal((await create({ trial_period_days: 730 })).status, 'open');
      // Without an anchor there is nothing to prorate: accepted, no effect.
      assert.equal((await create({ proration_behavior: 'none' })).amount_total, 900);
    });
  });
}
