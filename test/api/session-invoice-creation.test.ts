/**
 * `invoice_creation` in payment mode (docs/decisions.md#invoices-for-one-time-payments): a paid
 * Invoice for the session's payment, its lines, discount and tax matching the session, the
 * settings of `invoice_data`, and Stripe's four invoice events before `checkout.session.completed`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242, bankAccount, payOnHostedPage } from '../../src/cli/page.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';
import { advance } from '../helpers/wait.js';

const SUCCESS = 'https://merchant.example/success?session_id={CHECKOUT_SESSION_ID}';

for (const store of STORES) {
  describe(`invoice_creation in payment mode (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('creates a paid invoice matching the session: lines, discount, tax, invoice_data settings, events in order', async () => {
      const stripe = server.stripe();
      const rate = await stripe.taxRates.create({ display_name: 'Sales tax', percentage: 10, inclusive: false });
      const coupon = await stripe.coupons.create({ percent_off: 20, duration: 'once' });
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [
          { price_data: { currency: 'usd', unit_amount: 2000, product_data: { name: 'T-shirt' } }, quantity: 2, tax_rates: [rate.id] },
          { price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'Mug' } }, quantity: 1 },
        ],
        discounts: [{ coupon: coupon.id }],
        success_url: SUCCESS,
        invoice_creation: {
          enabled: true,
          invoice_data: {
            description: 'Order 42',
            footer: 'Thank you!',
            custom_fields: [{ name: 'PO', value: '42' }],
            metadata: { order: '42' },
            rendering_options: { amount_tax_display: 'include_inclusive_tax' },
            issuer: { type: 'self' },
          },
        },
      });
      assert.equal(s.invoice, null);
      await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['invoice'] });
      assert.deepEqual([done.status, done.payment_status], ['complete', 'paid']);
      assert.match(done.customer as string, /^cus_/, 'a post-payment invoice needs a customer: Checkout creates one');
      const invoice = done.invoice as Stripe.Invoice;
      assertMatchesSchema('invoice', invoice);
      assert.equal(invoice.status, 'paid');
      assert.equal(invoice.customer, done.customer);
      assert.deepEqual([invoice.total, invoice.amount_paid, invoice.amount_due, invoice.amount_remaining], [done.amount_total, done.amount_total, done.amount_total, 0]);
      assert.equal(invoice.subtotal, done.amount_subtotal);
      const sum = (xs: Array<{ amount: number }> | null | undefined) => (xs ?? []).reduce((n, x) => n + x.amount, 0);
      assert.equal(sum(invoice.total_discount_amounts), done.total_details?.amount_discount);
      assert.equal(sum(invoice.total_taxes), done.total_details?.amount_tax);
      assert.ok((done.total_details?.amount_tax ?? 0) > 0 && (done.total_details?.amount_discount ?? 0) > 0);
      assert.deepEqual(
        invoice.lines.data.map((l) => [l.description, l.quantity, l.amount]),
        [
          ['T-shirt', 2, 4000],
          ['Mug', 1, 1000],
        ],
      );
      assert.equal(invoice.lines.data[0]?.taxes?.[0]?.tax_rate_details?.tax_rate, rate.id);
      assert.equal(invoice.lines.data[0]?.parent?.type, 'invoice_item_details');
      assert.deepEqual([invoice.description, invoice.footer, invoice.metadata?.order], ['Order 42', 'Thank you!', '42']);
      assert.deepEqual(invoice.custom_fields, [{ name: 'PO', value: '42' }]);
      assert.equal(invoice.rendering?.amount_tax_display, 'include_inclusive_tax');
      assert.equal(invoice.payments?.data[0]?.payment.payment_intent, done.payment_intent);
      const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();
      const relevant = types.filter((t) => t.startsWith('invoice.') || t === 'checkout.session.completed' || t === 'payment_intent.succeeded');
      assert.deepEqual(relevant, ['payment_intent.succeeded', 'invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded', 'checkout.session.completed']);
      assert.deepEqual((await stripe.invoices.list({ customer: done.customer as string })).data.map((i) => i.id), [invoice.id]);
    });

    it('uses the session’s customer, and makes no invoice when invoice_creation is off', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'jenny@example.com', name: 'Jenny Rosen' });
      const item = { price_data: { currency: 'jpy', unit_amount: 1200, product_data: { name: 'Tea' } }, quantity: 1 };
      const on = await stripe.checkout.sessions.create({ mode: 'payment', customer: customer.id, line_items: [item], success_url: SUCCESS, invoice_creation: { enabled: true } });
      await payOnHostedPage(on.url as string, { ...BUYER, ...CARD_4242 });
      const invoice = await stripe.invoices.retrieve((await stripe.checkout.sessions.retrieve(on.id)).invoice as string);
      assert.deepEqual([invoice.customer, invoice.customer_email, invoice.currency, invoice.total], [customer.id, 'jenny@example.com', 'jpy', 1200]);
      const off = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [item], success_url: SUCCESS });
      await payOnHostedPage(off.url as string, { ...BUYER, ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(off.id);
      assert.deepEqual([done.invoice, done.customer], [null, null]);
      assert.equal((await stripe.invoices.list()).data.length, 1);
    });

    it('a bank debit is invoiced when it settles, not at completion; a manual capture is not invoiced', async () => {
      const stripe = server.stripe();
      const start = 1_800_000_000;
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
      const customer = await stripe.customers.create({ test_clock: clock.id, email: 'ach@example.com' });
      const item = { price_data: { currency: 'usd', unit_amount: 4200, product_data: { name: 'Desk' } }, quantity: 1 };
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        customer: customer.id,
        line_items: [item],
        allowed_payment_method_types: ['us_bank_account'],
        success_url: SUCCESS,
        invoice_creation: { enabled: true, invoice_data: { footer: 'Paid by bank' } },
      });
      await payOnHostedPage(s.url as string, { ...BUYER, ...bankAccount('000123456789') });
      assert.deepEqual([(await stripe.checkout.sessions.retrieve(s.id)).invoice, (await stripe.invoices.list()).data.length], [null, 0]);
      await advance(stripe, clock.id, start + 60);
      const paid = await stripe.checkout.sessions.retrieve(s.id, { expand: ['invoice'] });
      assert.equal(paid.payment_status, 'paid');
      const invoice = paid.invoice as Stripe.Invoice;
      assert.deepEqual([invoice.status, invoice.total, invoice.footer, invoice.customer], ['paid', 4200, 'Paid by bank', customer.id]);
      assert.equal(invoice.payments?.data[0]?.payment.payment_intent, paid.payment_intent);
      const [succeeded] = (await stripe.events.list({ type: 'checkout.session.async_payment_succeeded' })).data;
      assert.equal((succeeded?.data.object as Stripe.Checkout.Session).invoice, invoice.id);

      const held = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [item], success_url: SUCCESS, invoice_creation: { enabled: true }, payment_intent_data: { capture_method: 'manual' } });
      await payOnHostedPage(held.url as string, { ...BUYER, ...CARD_4242 });
      assert.equal((await stripe.checkout.sessions.retrieve(held.id)).invoice, null);
    });

    it('refuses invoice_creation outside payment mode', async () => {
      const stripe = server.stripe();
      const plan = await stripe.prices.create({ currency: 'usd', unit_amount: 900, recurring: { interval: 'month' }, product_data: { name: 'Pro' } });
      await assert.rejects(
        stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: plan.id, quantity: 1 }], success_url: SUCCESS, invoice_creation: { enabled: true } }),
        (err: Stripe.errors.StripeError) => err.statusCode === 400 && err.param === 'invoice_creation',
      );
    });
  });
}
