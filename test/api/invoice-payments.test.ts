/**
 * `/v1/invoice_payments`: one per payment of an invoice, listed by invoice or PaymentIntent,
 * retrieved, and announced with `invoice_payment.paid`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

/** Presses the test 3D Secure page's button. */
async function press(url: string, action: 'complete' | 'fail'): Promise<Response> {
  const html = await (await fetch(url)).text();
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;
  return fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf_token: csrf, action }) });
}

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

    it('lists an invoice’s PaymentIntent waiting for 3D Secure as an open payment, then paid once authenticated', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'open@example.com' });
      const pm = await stripe.paymentMethods.attach('pm_card_authenticationRequired', { customer: customer.id });
      await stripe.invoiceItems.create({ customer: customer.id, amount: 2500, currency: 'usd' });
      const draft = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
      await assert.rejects(stripe.invoices.pay(draft.id, { payment_method: pm.id }), { statusCode: 402, code: 'invoice_payment_intent_requires_action' });

      const open = await stripe.invoices.retrieve(draft.id);
      assert.equal(open.status, 'open');
      assert.equal(open.payments?.data.length, 1);
      const entry = open.payments?.data[0] as Stripe.InvoicePayment;
      assert.equal(entry.status, 'open');
      assert.equal(entry.amount_paid, null);
      assert.equal(entry.amount_requested, 2500);
      assert.equal(entry.is_default, true);
      assert.deepEqual(entry.status_transitions, { canceled_at: null, paid_at: null });
      assertMatchesSchema('invoice', open);
      const listed = await stripe.invoicePayments.list({ invoice: open.id });
      assert.deepEqual(listed.data, [entry], '/v1/invoice_payments lists what invoice.payments holds');
      assert.deepEqual((await stripe.invoicePayments.list({ status: 'open', invoice: open.id })).data.map((p) => p.id), [entry.id]);
      const piId = entry.payment.payment_intent as string;
      assert.equal((await stripe.paymentIntents.retrieve(piId)).status, 'requires_action');

      // The customer authenticates: the merchant confirms the same PaymentIntent, which pays the invoice.
      const confirmed = await stripe.paymentIntents.confirm(piId, { payment_method: pm.id, return_url: 'https://shop.example/paid' });
      assert.equal(confirmed.status, 'requires_action');
      const res = await press(confirmed.next_action?.redirect_to_url?.url as string, 'complete');
      assert.equal(res.status, 303);
      const paid = await stripe.invoices.retrieve(open.id);
      assert.equal(paid.status, 'paid');
      assert.equal(paid.payments?.data.length, 1, 'the open payment became the paid one, not a second entry');
      const paidEntry = paid.payments?.data[0] as Stripe.InvoicePayment;
      assert.equal(paidEntry.id, entry.id);
      assert.equal(paidEntry.status, 'paid');
      assert.equal(paidEntry.amount_paid, 2500);
      assert.deepEqual((await stripe.invoicePayments.list({ invoice: open.id })).data, [paidEntry]);
    });

    it('refuses to cancel an invoice’s PaymentIntent directly: the invoice is voided instead', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'nocancel@example.com' });
      const pm = await stripe.paymentMethods.attach('pm_card_authenticationRequired', { customer: customer.id });
      await stripe.invoiceItems.create({ customer: customer.id, amount: 1200, currency: 'usd' });
      const draft = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
      await assert.rejects(stripe.invoices.pay(draft.id, { payment_method: pm.id }), { statusCode: 402 });
      const piId = (await stripe.invoices.retrieve(draft.id)).payments?.data[0]?.payment.payment_intent as string;
      await assert.rejects(stripe.paymentIntents.cancel(piId), (err: Stripe.errors.StripeError) => {
        assert.equal(err.statusCode, 400);
        assert.equal(err.code, 'payment_intent_unexpected_state');
        assert.match(err.message, /created by an invoice\. Instead, void the invoice/);
        return true;
      });
      assert.equal((await stripe.paymentIntents.retrieve(piId)).status, 'requires_action');
      assert.equal((await stripe.invoices.retrieve(draft.id)).status, 'open');
      // A PaymentIntent of no invoice still cancels.
      const own = await stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
      assert.equal((await stripe.paymentIntents.cancel(own.id)).status, 'canceled');
      await stripe.invoices.voidInvoice(draft.id);
      assert.equal((await stripe.paymentIntents.retrieve(piId)).status, 'canceled');
    });

    it('voiding an invoice whose PaymentIntent awaits 3D Secure cancels the PaymentIntent and the open payment', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'void@example.com' });
      const pm = await stripe.paymentMethods.attach('pm_card_authenticationRequired', { customer: customer.id });
      await stripe.invoiceItems.create({ customer: customer.id, amount: 1800, currency: 'usd' });
      const draft = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
      await assert.rejects(stripe.invoices.pay(draft.id, { payment_method: pm.id }), { statusCode: 402, code: 'invoice_payment_intent_requires_action' });
      const piId = (await stripe.invoices.retrieve(draft.id)).payments?.data[0]?.payment.payment_intent as string;
      assert.equal((await stripe.paymentIntents.retrieve(piId)).status, 'requires_action');

      const voided = await stripe.invoices.voidInvoice(draft.id);
      assert.equal(voided.status, 'void');
      const pi = await stripe.paymentIntents.retrieve(piId);
      assert.equal(pi.status, 'canceled');
      assert.equal(pi.cancellation_reason, 'void_invoice');
      assert.equal(pi.next_action, null);
      const entry = voided.payments?.data[0] as Stripe.InvoicePayment;
      assert.equal(entry.status, 'canceled');
      assert.equal(entry.is_default, false);
      assert.equal(typeof entry.status_transitions.canceled_at, 'number');
      assert.deepEqual((await stripe.invoicePayments.list({ invoice: voided.id })).data, [entry]);
      const types = (await stripe.events.list({ limit: 3 })).data.map((e) => e.type).reverse();
      assert.deepEqual(types, ['invoice.payment_action_required', 'payment_intent.canceled', 'invoice.voided']);
      const canceledEvent = (await stripe.events.list({ type: 'payment_intent.canceled', limit: 1 })).data[0];
      assert.equal((canceledEvent?.data.object as Stripe.PaymentIntent).id, piId);
      await assert.rejects(stripe.paymentIntents.confirm(piId, { payment_method: pm.id }), { statusCode: 400 });
    });
  });
}
