import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242, payOnHostedPage } from '../../src/cli/page.js';
import { accountForKey } from '../../src/api/auth.js';
import { retryPolicyKey } from '../../src/resources/subscriptions/collect.js';
import { writeSetting } from '../../src/store/db.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { freshKey, STORES, startServer, type TestServer } from '../helpers/server.js';
import { advance } from '../helpers/wait.js';

const JAN_1_2026 = Date.UTC(2026, 0, 1) / 1000;
const DAY = 86_400;
/** A renewal's invoice stays a draft for an hour before it is finalized and charged. */
const HOUR = 3600;

/** A customer on a clock at Jan 1 2026 with a saved card as its invoice default. */
async function customerOnClock(stripe: Stripe, card = 'pm_card_visa') {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2026 });
  const customer = await stripe.customers.create({ test_clock: clock.id, email: 'renew@example.com' });
  const pm = await stripe.paymentMethods.attach(card, { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  return { clock, customer, pm };
}

async function monthlyPrice(stripe: Stripe, amount: number, name = 'Pro') {
  const product = await stripe.products.create({ name });
  return stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: amount, recurring: { interval: 'month' } });
}

/** Presses Complete or Fail on the test 3D Secure page. */
async function press(url: string, action: 'complete' | 'fail'): Promise<Response> {
  const html = await (await fetch(url)).text();
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;
  return fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf_token: csrf, action }) });
}

/** The types of the events since `after`, oldest first, of those that `keep` matches. */
async function eventTypes(stripe: Stripe, keep: RegExp): Promise<string[]> {
  const all = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
  return all.reverse().map((e) => e.type).filter((t) => keep.test(t));
}

for (const store of STORES) {
  describe(`subscription renewals (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('renews monthly on the test clock: a year gives twelve paid invoices, each with its events in order', async () => {
      const stripe = server.stripe();
      const { clock, customer } = await customerOnClock(stripe);
      const price = await monthlyPrice(stripe, 1500);
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
      assert.equal(sub.status, 'active');
      assert.equal(sub.items.data[0]?.current_period_end, Date.UTC(2026, 1, 1) / 1000);

      await advance(stripe, clock.id, Date.UTC(2027, 0, 1) / 1000 + HOUR + 60);
      const invoices = await stripe.invoices.list({ subscription: sub.id, limit: 100 });
      const renewals = invoices.data.filter((i) => i.billing_reason === 'subscription_cycle').reverse();
      assert.equal(renewals.length, 12);
      for (const [n, inv] of renewals.entries()) {
        assert.equal(inv.status, 'paid');
        assert.equal(inv.amount_paid, 1500);
        assert.equal(inv.created, Date.UTC(2026, n + 1, 1) / 1000);
        assert.equal(inv.lines.data[0]?.period.start, Date.UTC(2026, n + 1, 1) / 1000);
        assert.equal(inv.lines.data[0]?.period.end, Date.UTC(2026, n + 2, 1) / 1000);
      }
      const numbers = new Set(invoices.data.map((i) => i.number));
      assert.equal(numbers.size, 13);
      // Every invoice took the customer's next number, and the sequence moved on.
      const owner = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
      assert.equal(owner.next_invoice_sequence, 14);
      assert.equal(renewals[11]?.number, `${owner.invoice_prefix}-0013`);
      const now = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(now.status, 'active');
      assert.equal(now.items.data[0]?.current_period_start, Date.UTC(2027, 0, 1) / 1000);
      assert.equal(now.latest_invoice, renewals[11]?.id);
      assertMatchesSchema('subscription', now);
      assertMatchesSchema('invoice', renewals[0]);

      const types = await eventTypes(stripe, /^(invoice\.|customer\.subscription\.|payment_intent\.|charge\.)/);
      // Each renewal: the draft and the new period at the period's end, then an hour later the
      // invoice finalized and paid through a PaymentIntent and its Charge.
      const payment = ['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded'];
      // A week before each renewal, invoice.upcoming previews it.
      const cycle = ['invoice.upcoming', 'invoice.created', 'customer.subscription.updated', 'invoice.finalized', ...payment, 'invoice.paid', 'invoice.payment_succeeded'];
      const expected = [...payment, 'customer.subscription.created', 'invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded'];
      for (let n = 0; n < 12; n++) expected.push(...cycle);
      assert.deepEqual(types, expected);
      const charges = await stripe.charges.list({ customer: customer.id, limit: 100 });
      assert.equal(charges.data.filter((c) => c.status === 'succeeded' && c.amount === 1500).length, 13);
      const upcoming = (await stripe.events.list({ type: 'invoice.upcoming', limit: 100 })).data.reverse();
      assert.deepEqual(upcoming.map((e) => e.created), renewals.map((i) => i.created - 7 * DAY));
      const preview = upcoming[0]?.data.object as Stripe.Invoice;
      assert.equal(preview.id, undefined);
      assert.equal(preview.amount_due, 1500);
      assert.equal(preview.lines.data[0]?.period.start, Date.UTC(2026, 1, 1) / 1000);
      const updates = (await stripe.events.list({ type: 'customer.subscription.updated', limit: 100 })).data;
      assert.equal(updates.length, 12);
      const prev = updates[0]?.data.previous_attributes as { latest_invoice?: string } | undefined;
      assert.equal(prev?.latest_invoice, renewals[10]?.id);
    });

    it('a failing card makes the renewal past_due, retries it 7 times within two weeks, then cancels', async () => {
      const stripe = server.stripe();
      const { clock, customer } = await customerOnClock(stripe, 'pm_card_chargeCustomerFail');
      const price = await monthlyPrice(stripe, 2000);
      // The first invoice is paid by another card; the renewal charges the failing default.
      const good = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_payment_method: good.id });
      assert.equal(sub.status, 'active');
      await stripe.subscriptions.update(sub.id, { default_payment_method: '' });

      const renewalAt = Date.UTC(2026, 1, 1) / 1000;
      await advance(stripe, clock.id, renewalAt + HOUR - 1);
      const waiting = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(waiting.status, 'active');
      assert.equal((await stripe.invoices.retrieve(waiting.latest_invoice as string)).status, 'draft');
      await advance(stripe, clock.id, renewalAt + HOUR);
      const pastDue = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(pastDue.status, 'past_due');
      const inv = await stripe.invoices.retrieve(pastDue.latest_invoice as string);
      assert.equal(inv.status, 'open');
      assert.equal(inv.attempt_count, 1);
      assert.equal(inv.next_payment_attempt, renewalAt + HOUR + DAY);

      await advance(stripe, clock.id, renewalAt + HOUR + 13 * DAY);
      const still = await stripe.invoices.retrieve(inv.id);
      assert.equal(still.attempt_count, 7);
      assert.equal(still.next_payment_attempt, renewalAt + HOUR + 14 * DAY);
      assert.equal((await stripe.subscriptions.retrieve(sub.id)).status, 'past_due');

      await advance(stripe, clock.id, renewalAt + HOUR + 14 * DAY + 60);
      const last = await stripe.invoices.retrieve(inv.id);
      assert.equal(last.attempt_count, 8);
      assert.equal(last.next_payment_attempt, null);
      const ended = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(ended.status, 'canceled');
      assert.equal(ended.cancellation_details?.reason, 'payment_failed');
      const failed = await stripe.events.list({ type: 'invoice.payment_failed', limit: 100 });
      assert.equal(failed.data.length, 8);
      const deleted = await stripe.events.list({ type: 'customer.subscription.deleted' });
      assert.equal(deleted.data.length, 1);
      // Every attempt confirmed the invoice's one PaymentIntent again: one PaymentIntent, eight declined charges.
      const intents = await stripe.paymentIntents.list({ customer: customer.id, limit: 100 });
      const declined = intents.data.filter((pi) => pi.status === 'requires_payment_method');
      assert.equal(declined.length, 1);
      const charges = await stripe.charges.list({ payment_intent: declined[0]?.id, limit: 100 });
      assert.equal(charges.data.length, 8);
      assert.ok(charges.data.every((c) => c.status === 'failed'));
    });

    it('a renewal charged to a card that asks for authentication waits in requires_action: payment_action_required, past_due', async () => {
      const stripe = server.stripe();
      const { clock, customer } = await customerOnClock(stripe, 'pm_card_authenticationRequired');
      const price = await monthlyPrice(stripe, 2500);
      const good = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_payment_method: good.id });
      await stripe.subscriptions.update(sub.id, { default_payment_method: '' });
      const renewalAt = Date.UTC(2026, 1, 1) / 1000;
      await advance(stripe, clock.id, renewalAt + HOUR);
      const pastDue = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(pastDue.status, 'past_due');
      const inv = await stripe.invoices.retrieve(pastDue.latest_invoice as string);
      assert.equal(inv.status, 'open');
      assert.equal(inv.amount_remaining, 2500);
      const intents = await stripe.paymentIntents.list({ customer: customer.id });
      const waiting = intents.data.find((pi) => pi.amount === 2500 && pi.created === renewalAt + HOUR);
      assert.equal(waiting?.status, 'requires_action');
      assert.equal(waiting?.next_action?.type, 'use_stripe_sdk');
      const types = (await eventTypes(stripe, /^(invoice\.|payment_intent\.)/)).slice(-5);
      assert.deepEqual(types, ['invoice.finalized', 'payment_intent.created', 'payment_intent.requires_action', 'invoice.payment_failed', 'invoice.payment_action_required']);
      const action = (await stripe.events.list({ type: 'invoice.payment_action_required', limit: 1 })).data[0];
      assert.equal((action?.data.object as Stripe.Invoice).id, inv.id);
    });

    it("a renewal's PaymentIntent is the invoice's: retries and pay reuse it; 3D Secure failed keeps the invoice open, completed pays it", async () => {
      const stripe = server.stripe();
      const { clock, customer, pm } = await customerOnClock(stripe, 'pm_card_authenticationRequired');
      const price = await monthlyPrice(stripe, 2700);
      const good = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_payment_method: good.id });
      await stripe.subscriptions.update(sub.id, { default_payment_method: '' });
      const renewalAt = Date.UTC(2026, 1, 1) / 1000;
      await advance(stripe, clock.id, renewalAt + HOUR);
      const inv = await stripe.invoices.retrieve((await stripe.subscriptions.retrieve(sub.id)).latest_invoice as string);
      const renewalIntents = async () => (await stripe.paymentIntents.list({ customer: customer.id, limit: 100 })).data.filter((pi) => pi.created >= renewalAt);
      const [first] = await renewalIntents();
      assert.equal(first?.status, 'requires_action');
      const open = await stripe.invoicePayments.list({ invoice: inv.id });
      assert.equal(open.data.length, 1);
      assert.equal(open.data[0]?.status, 'open');
      assert.equal(open.data[0]?.payment.payment_intent, first?.id);

      // The first retry confirms the same PaymentIntent again; it still waits for the customer.
      await advance(stripe, clock.id, renewalAt + HOUR + DAY);
      assert.equal((await stripe.invoices.retrieve(inv.id)).attempt_count, 2);
      // So does paying the invoice through the API.
      await assert.rejects(stripe.invoices.pay(inv.id), (e: Stripe.errors.StripeCardError) => {
        assert.equal(e.code, 'invoice_payment_intent_requires_action');
        assert.equal((e.raw as { payment_intent?: { id: string } }).payment_intent?.id, first?.id);
        return true;
      });
      const intents = await renewalIntents();
      assert.deepEqual(intents.map((pi) => pi.id), [first?.id]);

      // The merchant brings the customer back on-session: 3D Secure failed leaves the invoice open.
      const failedBefore = (await stripe.events.list({ type: 'invoice.payment_failed', limit: 100 })).data.length;
      const confirmed = await stripe.paymentIntents.confirm(first?.id as string, { payment_method: pm.id, return_url: 'https://shop.example/renewed' });
      assert.equal(confirmed.status, 'requires_action');
      assert.equal(confirmed.next_action?.type, 'redirect_to_url');
      await press(confirmed.next_action?.redirect_to_url?.url as string, 'fail');
      assert.equal((await stripe.paymentIntents.retrieve(first?.id as string)).status, 'requires_payment_method');
      const stillOpen = await stripe.invoices.retrieve(inv.id);
      assert.equal(stillOpen.status, 'open');
      assert.equal((await stripe.events.list({ type: 'invoice.payment_failed', limit: 100 })).data.length, failedBefore + 1);
      assert.equal((await stripe.subscriptions.retrieve(sub.id)).status, 'past_due');

      // Completed, the PaymentIntent succeeds and, with it, the invoice is paid and the subscription active.
      const again = await stripe.paymentIntents.confirm(first?.id as string, { payment_method: pm.id, return_url: 'https://shop.example/renewed' });
      const res = await press(again.next_action?.redirect_to_url?.url as string, 'complete');
      assert.equal(res.status, 303);
      assert.match(res.headers.get('location') ?? '', /^https:\/\/shop\.example\/renewed\?.*redirect_status=succeeded/);
      const pi = await stripe.paymentIntents.retrieve(first?.id as string);
      assert.equal(pi.status, 'succeeded');
      assert.ok(pi.latest_charge);
      const paid = await stripe.invoices.retrieve(inv.id, { expand: ['payments'] });
      assert.equal(paid.status, 'paid');
      assert.equal(paid.amount_paid, 2700);
      assert.equal(paid.payments?.data[0]?.payment.payment_intent, pi.id);
      assertMatchesSchema('invoice', paid);
      const payments = await stripe.invoicePayments.list({ invoice: inv.id });
      assert.deepEqual(payments.data.map((p) => [p.id, p.status]), [[open.data[0]?.id, 'paid']]);
      assert.equal((await stripe.subscriptions.retrieve(sub.id)).status, 'active');
      const types = (await eventTypes(stripe, /^(invoice|invoice_payment|payment_intent|charge|customer\.subscription)\./)).slice(-6);
      assert.deepEqual(types, ['charge.succeeded', 'payment_intent.succeeded', 'invoice.paid', 'invoice.payment_succeeded', 'invoice_payment.paid', 'customer.subscription.updated']);
      // No retry is left to charge it again.
      await advance(stripe, clock.id, renewalAt + HOUR + 4 * DAY);
      assert.deepEqual((await renewalIntents()).map((i) => i.status), ['succeeded']);
    });

    it('a trial warns three days before its end, then bills the first real invoice', async () => {
      const stripe = server.stripe();
      const { clock, customer } = await customerOnClock(stripe);
      const price = await monthlyPrice(stripe, 900);
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], trial_period_days: 14 });
      assert.equal(sub.status, 'trialing');
      assert.equal(sub.trial_end, JAN_1_2026 + 14 * DAY);
      const first = await stripe.invoices.retrieve(sub.latest_invoice as string);
      assert.equal(first.amount_due, 0);

      await advance(stripe, clock.id, JAN_1_2026 + 11 * DAY + 1);
      const warned = await stripe.events.list({ type: 'customer.subscription.trial_will_end' });
      assert.equal(warned.data.length, 1);
      assert.equal(warned.data[0]?.created, JAN_1_2026 + 11 * DAY);
      assert.equal((await stripe.subscriptions.retrieve(sub.id)).status, 'trialing');

      await advance(stripe, clock.id, JAN_1_2026 + 14 * DAY + HOUR);
      const active = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(active.status, 'active');
      const inv = await stripe.invoices.retrieve(active.latest_invoice as string);
      assert.equal(inv.status, 'paid');
      assert.equal(inv.amount_paid, 900);
      assert.equal(inv.billing_reason, 'subscription_cycle');
      assert.equal(active.items.data[0]?.current_period_end, Date.UTC(2026, 1, 15) / 1000);
    });

    it('a trial without a payment method pauses or cancels at its end, as trial_settings say', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2026 });
      const customer = await stripe.customers.create({ test_clock: clock.id });
      const price = await monthlyPrice(stripe, 900);
      const paused = await stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        trial_period_days: 7,
        trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
      });
      const gone = await stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: (await monthlyPrice(stripe, 500, 'Lite')).id }],
        trial_period_days: 7,
        trial_settings: { end_behavior: { missing_payment_method: 'cancel' } },
      });
      await advance(stripe, clock.id, JAN_1_2026 + 8 * DAY + HOUR);
      assert.equal((await stripe.subscriptions.retrieve(paused.id)).status, 'paused');
      assert.equal((await stripe.subscriptions.retrieve(gone.id)).status, 'canceled');
      assert.equal((await stripe.events.list({ type: 'customer.subscription.paused' })).data.length, 1);
      assert.equal((await stripe.events.list({ type: 'customer.subscription.deleted' })).data.length, 1);
    });

    it('an upgrade mid-period is prorated to the second: always_invoice charges the difference now', async () => {
      const stripe = server.stripe();
      const { clock, customer } = await customerOnClock(stripe);
      const basic = await monthlyPrice(stripe, 1000, 'Basic');
      const pro = await monthlyPrice(stripe, 3000, 'Pro');
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: basic.id }] });
      const start = JAN_1_2026;
      const end = Date.UTC(2026, 1, 1) / 1000;
      const at = start + 10 * DAY + 12 * 3600;
      await advance(stripe, clock.id, at);
      const up = await stripe.subscriptions.update(sub.id, {
        items: [{ id: sub.items.data[0]?.id as string, price: pro.id }],
        proration_behavior: 'always_invoice',
      });
      const inv = await stripe.invoices.retrieve(up.latest_invoice as string);
      const left = end - at;
      const credit = -Math.round((1000 * left) / (end - start));
      const charge = Math.round((3000 * left) / (end - start));
      assert.deepEqual(inv.lines.data.map((l) => l.amount), [credit, charge]);
      assert.equal(credit, -661);
      assert.equal(charge, 1984);
      assert.equal(inv.amount_paid, 1323);
      assert.equal(inv.billing_reason, 'subscription_update');
      assert.ok(inv.lines.data.every((l) => l.parent?.subscription_item_details?.proration === true));
    });

    it('create_prorations leaves the proration for the next renewal invoice', async () => {
      const stripe = server.stripe();
      const { clock, customer } = await customerOnClock(stripe);
      const price = await monthlyPrice(stripe, 1000);
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
      const end = Date.UTC(2026, 1, 1) / 1000;
      const at = JAN_1_2026 + 15 * DAY;
      await advance(stripe, clock.id, at);
      await stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]?.id as string, quantity: 3 }] });
      await advance(stripe, clock.id, end + HOUR + 60);
      const renewed = await stripe.subscriptions.retrieve(sub.id);
      const inv = await stripe.invoices.retrieve(renewed.latest_invoice as string);
      const left = end - at;
      const whole = end - JAN_1_2026;
      const prorations = [-Math.round((1000 * left) / whole), Math.round((3000 * left) / whole)];
      assert.deepEqual(inv.lines.data.map((l) => l.amount), [...prorations, 3000]);
      assert.equal(inv.amount_paid, prorations[0]! + prorations[1]! + 3000);
    });
    it('a subscription started in Checkout renews with the card it was paid with', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2026 });
      const customer = await stripe.customers.create({ test_clock: clock.id, email: 'checkout@example.com' });
      const price = await monthlyPrice(stripe, 1200);
      const s = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: customer.id,
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: 'https://merchant.example/success',
      });
      await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(s.id);
      const sub = await stripe.subscriptions.retrieve(done.subscription as string);
      await advance(stripe, clock.id, (sub.items.data[0]?.current_period_end as number) + HOUR + 60);
      const renewed = await stripe.subscriptions.retrieve(sub.id);
      assert.notEqual(renewed.latest_invoice, sub.latest_invoice);
      const inv = await stripe.invoices.retrieve(renewed.latest_invoice as string);
      assert.equal(inv.billing_reason, 'subscription_cycle');
      assert.equal(inv.status, 'paid');
      assert.equal(inv.amount_paid, 1200);
      const pi = await stripe.paymentIntents.retrieve((inv.payments?.data[0]?.payment as { payment_intent: string }).payment_intent);
      assert.equal(pi.payment_method, sub.default_payment_method);
    });

    it('a trial shorter than three days is warned of at once; ending a trial without a card pauses it', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2026 });
      const customer = await stripe.customers.create({ test_clock: clock.id });
      const price = await monthlyPrice(stripe, 1500);
      await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], trial_period_days: 1 });
      const warned = await stripe.events.list({ type: 'customer.subscription.trial_will_end' });
      assert.equal(warned.data.length, 1);
      assert.equal(warned.data[0]?.created, JAN_1_2026);
      const sub = await stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: (await monthlyPrice(stripe, 900, 'Lite')).id }],
        trial_period_days: 7,
        trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
      });
      const paused = await stripe.subscriptions.update(sub.id, { trial_end: 'now' });
      assert.equal(paused.status, 'paused');
      const ev = (await stripe.events.list({ type: 'customer.subscription.paused' })).data[0];
      assert.equal((ev?.data.object as Stripe.Subscription).id, sub.id);
    });
    it('the account may end failed renewals unpaid instead, on its own retry days; the objects keep Stripe’s shape', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      await writeSetting(server.app.deps.store.db, retryPolicyKey(accountForKey(key)), JSON.stringify({ retryDays: [2], finalAction: 'unpaid' }));
      const { clock, customer } = await customerOnClock(stripe, 'pm_card_chargeCustomerFail');
      const price = await monthlyPrice(stripe, 2000);
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], payment_behavior: 'default_incomplete' });
      assert.equal(sub.status, 'incomplete');
      assertMatchesSchema('subscription', sub);
      const trial = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: (await monthlyPrice(stripe, 700, 'Lite')).id }], trial_period_days: 5 });
      await advance(stripe, clock.id, JAN_1_2026 + 5 * DAY + HOUR + 60);
      const pastDue = await stripe.subscriptions.retrieve(trial.id);
      assert.equal(pastDue.status, 'past_due');
      assertMatchesSchema('subscription', pastDue);
      const open = await stripe.invoices.retrieve(pastDue.latest_invoice as string);
      assert.equal(open.next_payment_attempt, JAN_1_2026 + 7 * DAY + HOUR);
      assertMatchesSchema('invoice', open);
      await advance(stripe, clock.id, JAN_1_2026 + 8 * DAY + HOUR);
      const unpaid = await stripe.subscriptions.retrieve(trial.id);
      assert.equal(unpaid.status, 'unpaid');
      const last = await stripe.invoices.retrieve(open.id);
      assert.equal(last.attempt_count, 2);
      assert.equal(last.status, 'open');
    });
  });
}
