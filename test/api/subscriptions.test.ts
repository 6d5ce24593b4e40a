import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';
import { advance } from '../helpers/wait.js';

const JAN_1_2026 = Date.UTC(2026, 0, 1) / 1000;
const DAY = 86_400;

async function setup(stripe: Stripe, card = 'pm_card_visa') {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2026 });
  const customer = await stripe.customers.create({ test_clock: clock.id });
  const pm = await stripe.paymentMethods.attach(card, { customer: customer.id });
  const product = await stripe.products.create({ name: 'Pro' });
  const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2000, recurring: { interval: 'month' } });
  return { clock, customer, pm, product, price };
}

for (const store of STORES) {
  describe(`subscriptions API (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('creates an active subscription, charges its first invoice and retrieves it', async () => {
      const stripe = server.stripe();
      const { customer, pm, price } = await setup(stripe);
      const sub = await stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id, quantity: 2 }],
        default_payment_method: pm.id,
        metadata: { plan: 'pro' },
        expand: ['latest_invoice'],
      });
      assert.match(sub.id, /^sub_/);
      assert.equal(sub.status, 'active');
      assert.equal(sub.default_payment_method, pm.id);
      assert.deepEqual(sub.metadata, { plan: 'pro' });
      assert.equal(sub.items.data[0]?.quantity, 2);
      assert.equal(sub.items.data[0]?.current_period_start, JAN_1_2026);
      assert.equal(sub.items.data[0]?.current_period_end, Date.UTC(2026, 1, 1) / 1000);
      const inv = sub.latest_invoice as Stripe.Invoice;
      assert.equal(inv.status, 'paid');
      assert.equal(inv.amount_paid, 4000);
      assert.equal(inv.billing_reason, 'subscription_create');
      assert.equal(inv.lines.data[0]?.description, '2 × Pro');
      const got = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(got.status, 'active');
      assert.equal(got.latest_invoice, inv.id);
    });

    it('price_data makes an inline price; one-time prices and unknown customers are refused', async () => {
      const stripe = server.stripe();
      const { customer, pm, product } = await setup(stripe);
      const sub = await stripe.subscriptions.create({
        customer: customer.id,
        default_payment_method: pm.id,
        items: [{ price_data: { currency: 'usd', product: product.id, unit_amount: 750, recurring: { interval: 'week' } } }],
      });
      assert.equal(sub.items.data[0]?.price.unit_amount, 750);
      assert.equal(sub.items.data[0]?.current_period_end, JAN_1_2026 + 7 * DAY);
      const oneTime = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 100 });
      await assert.rejects(stripe.subscriptions.create({ customer: customer.id, items: [{ price: oneTime.id }] }), { statusCode: 400, param: 'items[0][price]' });
      await assert.rejects(stripe.subscriptions.create({ customer: 'cus_missing', items: [{ price: oneTime.id }] }), { statusCode: 404, param: 'customer' });
      await assert.rejects(stripe.subscriptions.create({ customer: customer.id } as Stripe.SubscriptionCreateParams), { code: 'parameter_missing', param: 'items' });
      await assert.rejects(stripe.subscriptions.retrieve('sub_missing'), { statusCode: 404 });
      await assert.rejects(
        stripe.subscriptions.create({ customer: customer.id, items: [{ price_data: { currency: 'usd', product: 'prod_missing', unit_amount: 5, recurring: { interval: 'month' } } }] }),
        { statusCode: 404, param: 'items[0][price_data][product]' },
      );
      await assert.rejects(stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]?.id as string, quantity: 2 }], proration_date: JAN_1_2026 - 1 }), {
        statusCode: 400,
        param: 'proration_date',
      });
    });

    it('payment_behavior: error_if_incomplete refuses a decline and keeps nothing; allow_incomplete leaves it incomplete until it expires', async () => {
      const stripe = server.stripe();
      const { clock, customer, price } = await setup(stripe);
      const bad = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
      await assert.rejects(
        stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_payment_method: bad.id, payment_behavior: 'error_if_incomplete' }),
        { statusCode: 402, type: 'StripeCardError' },
      );
      assert.equal((await stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data.length, 0);

      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_payment_method: bad.id });
      assert.equal(sub.status, 'incomplete');
      const inv = await stripe.invoices.retrieve(sub.latest_invoice as string);
      assert.equal(inv.status, 'open');
      assert.equal(inv.attempt_count, 1);

      const pending = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], payment_behavior: 'default_incomplete' });
      assert.equal(pending.status, 'incomplete');

      await advance(stripe, clock.id, JAN_1_2026 + 23 * 3600 + 1);
      assert.equal((await stripe.subscriptions.retrieve(sub.id)).status, 'incomplete_expired');
      assert.equal((await stripe.invoices.retrieve(inv.id)).status, 'void');
      assert.equal((await stripe.subscriptions.retrieve(pending.id)).status, 'incomplete_expired');
    });

    it('payment_settings: validated, stored, returned; save_default_payment_method=on_subscription saves the card that paid the first invoice', async () => {
      const stripe = server.stripe();
      const { customer, price } = await setup(stripe);
      const sub = await stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        payment_behavior: 'default_incomplete',
        payment_settings: { save_default_payment_method: 'on_subscription', payment_method_types: ['card'], payment_method_options: { card: { request_three_d_secure: 'automatic' } } },
        expand: ['latest_invoice.payments', 'latest_invoice.confirmation_secret'],
      });
      assertMatchesSchema('subscription', sub);
      assert.equal(sub.status, 'incomplete');
      assert.equal(sub.default_payment_method, null);
      assert.equal(sub.payment_settings?.save_default_payment_method, 'on_subscription');
      assert.deepEqual(sub.payment_settings?.payment_method_types, ['card']);
      assert.deepEqual(sub.payment_settings?.payment_method_options?.card, { request_three_d_secure: 'automatic' });
      assert.equal(sub.payment_settings?.payment_method_options?.customer_balance, null);

      // The buyer confirms the first invoice's PaymentIntent (as Stripe.js does with its client secret).
      const first = sub.latest_invoice as Stripe.Invoice;
      assert.equal(first.status, 'open');
      const piId = (first.payments?.data[0]?.payment as { payment_intent: string }).payment_intent;
      const waiting = await stripe.paymentIntents.retrieve(piId);
      assert.equal(waiting.status, 'requires_payment_method');
      assert.equal(waiting.amount, first.amount_due);
      assert.equal(waiting.setup_future_usage, 'off_session', 'the card is set up for the renewals');
      assert.deepEqual(first.confirmation_secret, { client_secret: waiting.client_secret, type: 'payment_intent' });
      assert.equal((await stripe.invoices.retrieve(first.id)).confirmation_secret, undefined, 'returned only when expanded');
      const paid = await stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa' });
      assert.equal(paid.status, 'succeeded');
      const active = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(active.status, 'active');
      assert.equal(active.default_payment_method, paid.payment_method, 'the card that paid becomes the subscription’s default');

      const off = await stripe.subscriptions.update(sub.id, { payment_settings: { save_default_payment_method: 'off', payment_method_types: '' as unknown as [] } });
      assert.equal(off.payment_settings?.save_default_payment_method, 'off');
      assert.equal(off.payment_settings?.payment_method_types, null);
      assert.deepEqual(off.payment_settings?.payment_method_options?.card, { request_three_d_secure: 'automatic' }, 'options not sent are kept');
      await assert.rejects(stripe.subscriptions.update(sub.id, { payment_settings: { save_default_payment_method: 'always' as 'off' } }), { statusCode: 400, param: 'payment_settings[save_default_payment_method]' });
      await assert.rejects(stripe.subscriptions.update(sub.id, { payment_settings: { payment_method_options: { card: { installments: { enabled: true } } as object } } }), { statusCode: 400, code: 'parameter_unknown', param: 'payment_settings[payment_method_options][card][installments]' });

      // Without it, a card that pays is not saved on the subscription.
      const plain = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], payment_behavior: 'default_incomplete', expand: ['latest_invoice.payments'] });
      assert.equal(plain.payment_settings?.save_default_payment_method, 'off');
      const plainPi = ((plain.latest_invoice as Stripe.Invoice).payments?.data[0]?.payment as { payment_intent: string }).payment_intent;
      await stripe.paymentIntents.confirm(plainPi, { payment_method: 'pm_card_visa' });
      assert.equal((await stripe.subscriptions.retrieve(plain.id)).default_payment_method, null);
    });

    it('refuses a charge without a payment method, but send_invoice leaves the invoice open with a due date', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2026 });
      const customer = await stripe.customers.create({ test_clock: clock.id });
      const product = await stripe.products.create({ name: 'Pro' });
      const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2000, recurring: { interval: 'month' } });
      await assert.rejects(stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] }), { statusCode: 400, code: 'resource_missing' });
      await assert.rejects(stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], collection_method: 'send_invoice' }), {
        code: 'parameter_missing',
        param: 'days_until_due',
      });
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], collection_method: 'send_invoice', days_until_due: 30 });
      assert.equal(sub.status, 'active');
      assert.equal(sub.collection_method, 'send_invoice');
      assert.equal(sub.days_until_due, 30);
      const inv = await stripe.invoices.retrieve(sub.latest_invoice as string);
      assert.equal(inv.status, 'open');
      assert.equal(inv.due_date, JAN_1_2026 + 30 * DAY);
      assert.equal(inv.collection_method, 'send_invoice');
      // Unpaid past its due date, the sent invoice makes the subscription past_due; nothing is charged.
      await advance(stripe, clock.id, JAN_1_2026 + 30 * DAY + 60);
      assert.equal((await stripe.subscriptions.retrieve(sub.id)).status, 'past_due');
      const still = await stripe.invoices.retrieve(inv.id);
      assert.equal(still.status, 'open');
      assert.equal(still.attempt_count, 0);
      const overdue = (await stripe.events.list({ type: 'invoice.overdue', limit: 1 })).data[0];
      assert.equal((overdue?.data.object as Stripe.Invoice).id, inv.id);
      assert.equal(overdue?.created, JAN_1_2026 + 30 * DAY);
    });

    it('a trial, a billing cycle anchor prorated to the second, default tax rates and cancel_at', async () => {
      const stripe = server.stripe();
      const { customer, pm, price } = await setup(stripe);
      await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
      const trial = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], trial_end: JAN_1_2026 + 10 * DAY });
      assert.equal(trial.status, 'trialing');
      assert.equal(trial.trial_start, JAN_1_2026);
      assert.equal(trial.items.data[0]?.current_period_end, JAN_1_2026 + 10 * DAY);

      const anchor = JAN_1_2026 + 15 * DAY;
      const anchored = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], billing_cycle_anchor: anchor, expand: ['latest_invoice'] });
      const inv = anchored.latest_invoice as Stripe.Invoice;
      assert.equal(inv.amount_paid, Math.round((2000 * 15 * DAY) / (31 * DAY)));
      assert.equal(anchored.billing_cycle_anchor, anchor);
      assert.equal(anchored.items.data[0]?.current_period_end, anchor);
      await assert.rejects(stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], billing_cycle_anchor: JAN_1_2026 - 1 }), { param: 'billing_cycle_anchor' });

      const rate = await stripe.taxRates.create({ display_name: 'VAT', percentage: 20, inclusive: false });
      const taxed = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_tax_rates: [rate.id], cancel_at: JAN_1_2026 + 40 * DAY });
      assert.equal(taxed.cancel_at, JAN_1_2026 + 40 * DAY);
      assert.equal((taxed.default_tax_rates ?? [])[0]?.id, rate.id);
      const taxedInv = await stripe.invoices.retrieve(taxed.latest_invoice as string);
      assert.equal(taxedInv.total, 2400);
      assert.equal(taxedInv.amount_paid, 2400);
    });

    it('updates: cancel_at_period_end cancels at the period end; the update event holds previous_attributes', async () => {
      const stripe = server.stripe();
      const { clock, customer, pm, price } = await setup(stripe);
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_payment_method: pm.id });
      const updated = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true, metadata: { reason: 'moving' } });
      assert.equal(updated.cancel_at_period_end, true);
      assert.equal(updated.cancel_at, Date.UTC(2026, 1, 1) / 1000);
      const ev = (await stripe.events.list({ type: 'customer.subscription.updated' })).data[0];
      assert.deepEqual((ev?.data.previous_attributes as { cancel_at_period_end?: boolean }).cancel_at_period_end, false);
      assert.deepEqual((ev?.data.previous_attributes as { metadata?: object }).metadata, {});

      await advance(stripe, clock.id, Date.UTC(2026, 1, 1) / 1000 + 60);
      const ended = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(ended.status, 'canceled');
      assert.equal(ended.ended_at, Date.UTC(2026, 1, 1) / 1000);
      const invoices = await stripe.invoices.list({ subscription: sub.id });
      assert.equal(invoices.data.length, 1);
      await assert.rejects(stripe.subscriptions.update(sub.id, { metadata: { a: 'b' } }), { statusCode: 400 });
    });

    it('cancels now (DELETE) and lists by customer, price and status', async () => {
      const stripe = server.stripe();
      const { customer, pm, price, product } = await setup(stripe);
      const other = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 500, recurring: { interval: 'month' } });
      const a = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_payment_method: pm.id });
      const b = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: other.id }], default_payment_method: pm.id });
      const canceled = await stripe.subscriptions.cancel(a.id, { cancellation_details: { comment: 'too pricey' } });
      assert.equal(canceled.status, 'canceled');
      assert.equal(canceled.cancellation_details?.comment, 'too pricey');
      assert.equal(canceled.cancellation_details?.reason, 'cancellation_requested');
      await assert.rejects(stripe.subscriptions.cancel(a.id), { statusCode: 400 });

      assert.deepEqual((await stripe.subscriptions.list({ customer: customer.id })).data.map((s) => s.id), [b.id]);
      assert.deepEqual((await stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data.map((s) => s.id), [b.id, a.id]);
      assert.deepEqual((await stripe.subscriptions.list({ status: 'canceled' })).data.map((s) => s.id), [a.id]);
      assert.deepEqual((await stripe.subscriptions.list({ price: other.id })).data.map((s) => s.id), [b.id]);
      const deleted = await stripe.events.list({ type: 'customer.subscription.deleted' });
      assert.equal((deleted.data[0]?.data.object as Stripe.Subscription).id, a.id);
      await assert.rejects(stripe.subscriptions.list({ status: 'nope' as 'all' }), { statusCode: 400, param: 'status' });
    });

    it('adds and removes items, and pause_collection voids the next invoice without charging', async () => {
      const stripe = server.stripe();
      const { clock, customer, pm, price, product } = await setup(stripe);
      const extra = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 500, recurring: { interval: 'month' } });
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_payment_method: pm.id });
      const added = await stripe.subscriptions.update(sub.id, { items: [{ price: extra.id }], proration_behavior: 'none' });
      assert.equal(added.items.data.length, 2);
      const removed = await stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]?.id as string, deleted: true }], proration_behavior: 'none' });
      assert.deepEqual(removed.items.data.map((i) => i.price.id), [extra.id]);
      const paused = await stripe.subscriptions.update(sub.id, { pause_collection: { behavior: 'void' } });
      assert.equal(paused.pause_collection?.behavior, 'void');
      await advance(stripe, clock.id, Date.UTC(2026, 1, 1) / 1000 + 3600 + 60);
      const after = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(after.status, 'active');
      const inv = await stripe.invoices.retrieve(after.latest_invoice as string);
      assert.equal(inv.status, 'void');
      assert.equal(inv.amount_paid, 0);
      const resumed = await stripe.subscriptions.update(sub.id, { pause_collection: '' });
      assert.equal(resumed.pause_collection, null);
      // Paused until a date: the renewal after it is charged again, and the pause is gone.
      const until = Date.UTC(2026, 1, 20) / 1000;
      await stripe.subscriptions.update(sub.id, { pause_collection: { behavior: 'keep_as_draft', resumes_at: until } });
      await advance(stripe, clock.id, Date.UTC(2026, 2, 1) / 1000 + 3600 + 60);
      const charged = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(charged.pause_collection, null);
      assert.equal((await stripe.invoices.retrieve(charged.latest_invoice as string)).status, 'paid');
    });

    it('a paused subscription resumes with a new period billed now', async () => {
      const stripe = server.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: JAN_1_2026 });
      const customer = await stripe.customers.create({ test_clock: clock.id });
      const product = await stripe.products.create({ name: 'Pro' });
      const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2000, recurring: { interval: 'month' } });
      const sub = await stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        trial_period_days: 3,
        trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
      });
      await advance(stripe, clock.id, JAN_1_2026 + 4 * DAY);
      assert.equal((await stripe.subscriptions.retrieve(sub.id)).status, 'paused');
      await assert.rejects(stripe.subscriptions.resume('sub_missing'), { statusCode: 404 });
      const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
      const resumed = await stripe.subscriptions.resume(sub.id, { billing_cycle_anchor: { type: 'now' } });
      assert.equal(resumed.status, 'active');
      assert.equal(resumed.items.data[0]?.current_period_start, JAN_1_2026 + 4 * DAY);
      const inv = await stripe.invoices.retrieve(resumed.latest_invoice as string);
      assert.equal(inv.amount_paid, 2000);
      assert.equal((await stripe.events.list({ type: 'customer.subscription.resumed' })).data.length, 1);
      await assert.rejects(stripe.subscriptions.resume(sub.id), { statusCode: 400 });
    });

    it('accepts every SubscriptionCreateParams param without parameter_unknown', async () => {
      const stripe = server.stripe();
      const { customer, pm, price } = await setup(stripe);
      const sub = await stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id, metadata: { k: 'v' }, discounts: [], billing_thresholds: '' }],
        default_payment_method: pm.id,
        add_invoice_items: [],
        application_fee_percent: '',
        automatic_tax: { enabled: false },
        billing_mode: { type: 'classic' },
        billing_thresholds: '',
        description: 'Team plan',
        invoice_settings: { footer: 'Thanks' },
        off_session: true,
        payment_settings: { save_default_payment_method: 'on_subscription' },
        pending_invoice_item_interval: '',
        proration_behavior: 'create_prorations',
        trial_from_plan: false,
        backdate_start_date: JAN_1_2026 - DAY,
      });
      assert.equal(sub.status, 'active');
      assert.equal(sub.description, 'Team plan');
      assert.equal(sub.start_date, JAN_1_2026 - DAY);
    });

    it('deleting a customer cancels its subscriptions first, with their events', async () => {
      const stripe = server.stripe();
      const { customer, price, pm } = await setup(stripe);
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_payment_method: pm.id });
      await stripe.customers.del(customer.id);
      const ended = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(ended.status, 'canceled');
      assert.equal(ended.cancellation_details?.reason, 'cancellation_requested');
      const deleted = (await stripe.events.list({ type: 'customer.subscription.deleted', limit: 1 })).data[0];
      assert.equal((deleted?.data.object as Stripe.Subscription).id, sub.id);
      await assert.rejects(stripe.subscriptions.cancel(sub.id), { code: 'subscription_canceled' });
    });

    it('pending_if_incomplete: an unpaid change waits in pending_update, applies once paid, expires after 23 hours', async () => {
      const stripe = server.stripe();
      const { clock, customer, pm, product } = await setup(stripe);
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: (await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 1000, recurring: { interval: 'month' } })).id }], default_payment_method: pm.id });
      const failing = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
      await stripe.subscriptions.update(sub.id, { default_payment_method: failing.id });
      const pro = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 3000, recurring: { interval: 'month' } });
      const item = sub.items.data[0]?.id as string;
      const waiting = await stripe.subscriptions.update(sub.id, { items: [{ id: item, price: pro.id }], payment_behavior: 'pending_if_incomplete', proration_behavior: 'always_invoice' });
      assert.equal(waiting.status, 'active');
      assert.equal(waiting.items.data[0]?.price.id, sub.items.data[0]?.price.id);
      assert.equal(waiting.pending_update?.subscription_items?.[0]?.price.id, pro.id);
      assert.equal(waiting.pending_update?.expires_at, JAN_1_2026 + 23 * 3600);
      const inv = await stripe.invoices.retrieve(waiting.latest_invoice as string);
      assert.equal(inv.status, 'open');
      assert.equal(inv.amount_remaining, 2000);
      await stripe.invoices.pay(inv.id, { payment_method: pm.id });
      const applied = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(applied.pending_update, null);
      assert.equal(applied.items.data[0]?.price.id, pro.id);
      assert.equal((await stripe.events.list({ type: 'customer.subscription.pending_update_applied' })).data.length, 1);

      const back = await stripe.subscriptions.update(sub.id, { items: [{ id: item, quantity: 2 }], payment_behavior: 'pending_if_incomplete', proration_behavior: 'always_invoice' });
      assert.ok(back.pending_update);
      await advance(stripe, clock.id, JAN_1_2026 + 23 * 3600 + 60);
      const expired = await stripe.subscriptions.retrieve(sub.id);
      assert.equal(expired.pending_update, null);
      assert.equal(expired.items.data[0]?.price.id, pro.id);
      assert.equal(expired.items.data[0]?.quantity, 1);
      const ev = (await stripe.events.list({ type: 'customer.subscription.pending_update_expired' })).data[0];
      assert.equal((ev?.data.object as Stripe.Subscription).id, sub.id);
    });
  });
}
