/**
 * `/v1/invoice_payments`: one per payment of an invoice, listed by invoice or PaymentIntent,
 * retrieved, and announced with `invoice_payment.paid`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

for (const store of STORES) {
  describe(`invoice payments (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('records the payment of a paid invoice and of a subscription’s first invoice, with invoice_payment.paid', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'pay@example.com' });
      const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      await stripe.invoiceItems.create({ customer: customer.id, amount: 4200, currency: 'jpy' });
      const draft = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
      const paid = await stripe.invoices.pay(draft.id, { payment_method: pm.id });
      assert.equal(paid.status, 'paid');

      const byInvoice = await stripe.invoicePayments.list({ invoice: paid.id });
      assert.equal(byInvoice.data.length, 1);
      const payment = byInvoice.data[0] as Stripe.InvoicePayment;
      assert.equal(payment.invoice, paid.id);
      assert.equal(payment.amount_paid, 4200);
      assert.equal(payment.currency, 'jpy');
      assert.equal(payment.status, 'paid');
      assert.equal(payment.is_default, true);
      assert.deepEqual(payment, paid.payments?.data[0]);
      // The contract's OpenAPI subset has no invoice_payment schema: the fields of stripe-node 23's type.
      const fields = ['id', 'object', 'amount_paid', 'amount_requested', 'created', 'currency', 'invoice', 'is_default', 'livemode', 'payment', 'status', 'status_transitions'];
      assert.deepEqual(Object.keys(payment), fields);
      assertMatchesSchema('invoice', paid);
      assert.deepEqual(await stripe.invoicePayments.retrieve(payment.id), payment);
      const pi = payment.payment.payment_intent as string;
      const byIntent = await stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: pi } });
      assert.deepEqual(byIntent.data.map((p) => p.id), [payment.id]);
      assert.deepEqual((await stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: 'pi_other' } })).data, []);
      const event = (await stripe.events.list({ type: 'invoice_payment.paid', limit: 1 })).data[0];
      assert.equal((event?.data.object as Stripe.InvoicePayment).id, payment.id);
      await assert.rejects(stripe.invoicePayments.retrieve('inpay_missing'), { statusCode: 404, code: 'resource_missing' });

      const product = await stripe.products.create({ name: 'Pro' });
      const price = await stripe.prices.create({ product: product.id, currency: 'jpy', unit_amount: 980, recurring: { interval: 'month' } });
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_payment_method: pm.id });
      const subPayments = await stripe.invoicePayments.list({ invoice: sub.latest_invoice as string });
      assert.deepEqual(subPayments.data.map((p) => p.amount_paid), [980]);
      const all = await stripe.invoicePayments.list({ limit: 10 });
      assert.deepEqual(all.data.map((p) => p.invoice), [sub.latest_invoice, paid.id]);
    });
  });
}
