/**
 * Charges and Refunds through the SDK (docs/decisions.md#charges-and-refunds): the charge of a
 * Checkout payment, charge retrieve/list/update, full and partial refunds by charge or
 * PaymentIntent, never more than remains (also under concurrent refunds), pending refunds settled
 * on the scheduler, and the events of each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242, payOnHostedPage } from '../../src/cli/page.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

function refusal(status: number, code: string | undefined, param?: string, message?: RegExp) {
  return (err: Stripe.errors.StripeError) => {
    assert.equal(err.statusCode, status, err.message);
    if (code) assert.equal(err.code, code);
    if (param) assert.equal(err.param, param);
    if (message) assert.match(err.message, message);
    return true;
  };
}

async function paidIntent(stripe: Stripe, amount = 2000, pm = 'pm_card_visa'): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create({ amount, currency: 'usd', payment_method: pm, allowed_payment_method_types: ['card'], confirm: true });
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let v = await read();
  for (let i = 0; i < 60 && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 250));
    v = await read();
  }
  return v;
}

for (const store of STORES) {
  describe(`Charges and Refunds (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_SETTLEMENT_DELAY: '1' } });
    });
    after(() => server.close());

    it('a Checkout payment has a latest_charge with the card, the billing details and an authorized outcome', async () => {
      const stripe = server.stripe();
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price_data: { currency: 'usd', unit_amount: 1500, product_data: { name: 'Poster' } }, quantity: 2 }],
        success_url: 'https://merchant.example/ok',
      });
      await payOnHostedPage(session.url as string, { ...BUYER, ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(session.id);
      const pi = await stripe.paymentIntents.retrieve(done.payment_intent as string);
      assert.match(pi.latest_charge as string, /^ch_/);
      const charge = await stripe.charges.retrieve(pi.latest_charge as string);
      assertMatchesSchema('charge', charge);
      assert.deepEqual([charge.amount, charge.amount_captured, charge.status, charge.paid, charge.captured], [3000, 3000, 'succeeded', true, true]);
      assert.equal(charge.payment_method_details?.type, 'card');
      assert.equal(charge.payment_method_details?.card?.brand, 'visa');
      assert.equal(charge.billing_details.email, BUYER.email);
      assert.match(charge.balance_transaction as string, /^txn_/);
      assert.equal(charge.outcome?.network_status, 'approved_by_network');
      const types = (await stripe.events.list({ limit: 20 })).data.map((e) => e.type).reverse();
      assert.ok(types.indexOf('charge.succeeded') < types.indexOf('payment_intent.succeeded'), types.join());
    });

    it('charges are listed by customer and payment_intent, and updated with charge.updated', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create();
      const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      const pi = await stripe.paymentIntents.create({ amount: 900, currency: 'usd', customer: customer.id, payment_method: pm.id, confirm: true });
      await paidIntent(stripe);
      assert.deepEqual((await stripe.charges.list({ customer: customer.id })).data.map((c) => c.id), [pi.latest_charge]);
      assert.deepEqual((await stripe.charges.list({ payment_intent: pi.id })).data.map((c) => c.id), [pi.latest_charge]);
      assert.equal((await stripe.charges.list()).data.length, 2);
      const updated = await stripe.charges.update(pi.latest_charge as string, {
        description: 'Order 42',
        metadata: { order: '42' },
        receipt_email: 'jenny@example.com',
        shipping: { name: 'Jenny Rosen', address: { line1: '1 Main St', city: 'Tokyo', country: 'JP' }, tracking_number: 'TRK1' },
      });
      assert.deepEqual([updated.description, updated.metadata.order, updated.receipt_email, updated.shipping?.tracking_number], ['Order 42', '42', 'jenny@example.com', 'TRK1']);
      assertMatchesSchema('charge', updated);
      const events = await stripe.events.list({ type: 'charge.updated' });
      assert.deepEqual(events.data.map((e) => (e.data.object as Stripe.Charge).id), [pi.latest_charge]);
      await assert.rejects(stripe.charges.update(pi.latest_charge as string, { receipt_email: 'not-an-email' }), refusal(400, undefined, 'receipt_email'));
      await assert.rejects(stripe.charges.retrieve('ch_missing'), refusal(404, 'resource_missing'));
    });

    it('refunds part then the rest by payment_intent and charge; more than remains is refused', async () => {
      const stripe = server.stripe();
      const pi = await paidIntent(stripe, 2000);
      const part = await stripe.refunds.create({ payment_intent: pi.id, amount: 500, reason: 'requested_by_customer', metadata: { ticket: '9' } });
      assertMatchesSchema('refund', part);
      assert.deepEqual([part.status, part.amount, part.charge, part.payment_intent, part.reason], ['succeeded', 500, pi.latest_charge, pi.id, 'requested_by_customer']);
      let charge = await stripe.charges.retrieve(pi.latest_charge as string);
      assert.deepEqual([charge.amount_refunded, charge.refunded], [500, false]);
      await assert.rejects(
        stripe.refunds.create({ charge: charge.id, amount: 1501 }),
        refusal(400, 'amount_too_large', 'amount', /Refund amount \(\$15\.01\) is greater than unrefunded amount on charge \(\$15\.00\)/),
      );
      const rest = await stripe.refunds.create({ charge: charge.id });
      assert.equal(rest.amount, 1500);
      charge = await stripe.charges.retrieve(charge.id);
      assert.deepEqual([charge.amount_refunded, charge.refunded], [2000, true]);
      await assert.rejects(stripe.refunds.create({ charge: charge.id }), refusal(400, 'charge_already_refunded'));
      const list = await stripe.refunds.list({ payment_intent: pi.id });
      assert.deepEqual(list.data.map((r) => r.id), [rest.id, part.id]);
      assert.deepEqual((await stripe.refunds.list({ charge: charge.id })).data.length, 2);
      const types = (await stripe.events.list({ limit: 20 })).data.map((e) => e.type).reverse();
      assert.deepEqual(types.slice(-4), ['refund.created', 'charge.refunded', 'refund.created', 'charge.refunded']);
      const updated = await stripe.refunds.update(part.id, { metadata: { order_id: '6735' } });
      assert.deepEqual(updated.metadata, { ticket: '9', order_id: '6735' });
      assert.equal((await stripe.events.list({ type: 'charge.refund.updated' })).data.length, 1);
      await assert.rejects(stripe.refunds.cancel(part.id), refusal(400, undefined, undefined, /requires_action/));
      assert.equal((await stripe.refunds.retrieve(part.id)).id, part.id);
    });

    it('two concurrent refunds of the whole charge: one succeeds, the other is refused', async () => {
      const stripe = server.stripe();
      const pi = await paidIntent(stripe, 3000);
      const results = await Promise.allSettled([stripe.refunds.create({ payment_intent: pi.id, amount: 2000 }), stripe.refunds.create({ payment_intent: pi.id, amount: 2000 })]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal((rejected.reason as Stripe.errors.StripeError).code, 'amount_too_large');
      const charge = await stripe.charges.retrieve(pi.latest_charge as string);
      assert.equal(charge.amount_refunded, 2000);
    });

    it('two concurrent captures of one hold: one captures, the other gets payment_intent_unexpected_state', async () => {
      const stripe = server.stripe();
      const held = await stripe.paymentIntents.create({ amount: 2500, currency: 'usd', payment_method: 'pm_card_visa', allowed_payment_method_types: ['card'], capture_method: 'manual', confirm: true });
      const results = await Promise.allSettled([stripe.paymentIntents.capture(held.id, { amount_to_capture: 1000 }), stripe.paymentIntents.capture(held.id)]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal((rejected.reason as Stripe.errors.StripeError).code, 'payment_intent_unexpected_state');
      const won = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Stripe.PaymentIntent>).value;
      const charge = await stripe.charges.retrieve(held.latest_charge as string, { expand: ['balance_transaction'] });
      assert.equal(charge.amount_captured, won.amount_received);
      assert.equal(charge.amount_captured + charge.amount_refunded, 2500);
      assert.equal((charge.balance_transaction as Stripe.BalanceTransaction).amount, won.amount_received);
      assert.equal((await stripe.balanceTransactions.list({ source: charge.id })).data.length, 1);
      assert.equal((await stripe.events.list({ type: 'charge.captured' })).data.length, 1);
    });

    it('refusals: nothing to refund, part of a held charge, missing params', async () => {
      const stripe = server.stripe();
      await assert.rejects(stripe.refunds.create({}), refusal(400, 'parameter_missing'));
      const open = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
      await assert.rejects(stripe.refunds.create({ payment_intent: open.id }), refusal(400, 'charge_not_refundable', 'payment_intent'));
      const held = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', allowed_payment_method_types: ['card'], capture_method: 'manual', confirm: true });
      // A held charge is refunded whole (which releases it), never in part.
      await assert.rejects(stripe.refunds.create({ charge: held.latest_charge as string, amount: 400 }), refusal(400, undefined, 'amount', /has not been captured/));
      // After a partial capture only the captured part can be refunded.
      await stripe.paymentIntents.capture(held.id, { amount_to_capture: 600 });
      await assert.rejects(stripe.refunds.create({ charge: held.latest_charge as string, amount: 601 }), refusal(400, 'amount_too_large'));
      assert.equal((await stripe.refunds.create({ charge: held.latest_charge as string })).amount, 600);
      await assert.rejects(stripe.refunds.create({ charge: 'ch_nope' }), refusal(404, 'resource_missing', 'charge'));
    });

    it('a pending refund (pm_card_pendingRefund, a SEPA debit) succeeds later with refund.updated and charge.refund.updated; pm_card_refundFail fails later', async () => {
      const stripe = server.stripe();
      const pi = await paidIntent(stripe, 1200, 'pm_card_pendingRefund');
      const pending = await stripe.refunds.create({ payment_intent: pi.id });
      assert.equal(pending.status, 'pending');
      const settled = await until(() => stripe.refunds.retrieve(pending.id), (r) => r.status !== 'pending');
      assert.equal(settled.status, 'succeeded');
      const updates = await stripe.events.list({ type: 'charge.refund.updated' });
      assert.equal((updates.data[0]?.data.object as Stripe.Refund).status, 'succeeded');
      assert.deepEqual(updates.data[0]?.data.previous_attributes, { status: 'pending', pending_reason: 'processing' });

      const failing = await paidIntent(stripe, 1300, 'pm_card_refundFail');
      const doomed = await stripe.refunds.create({ payment_intent: failing.id });
      assert.equal(doomed.status, 'succeeded');
      const failed = await until(() => stripe.refunds.retrieve(doomed.id), (r) => r.status !== 'succeeded');
      assert.equal(failed.status, 'failed');
      const charge = await stripe.charges.retrieve(failing.latest_charge as string);
      assert.deepEqual([charge.amount_refunded, charge.refunded], [0, false]);

      const iban = await stripe.paymentMethods.create({ type: 'sepa_debit', sepa_debit: { iban: 'AT611904300234573201' }, billing_details: { name: 'Bob', email: 'bob@example.com' } });
      const debit = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur', payment_method: iban.id, allowed_payment_method_types: ['sepa_debit'], confirm: true });
      await assert.rejects(stripe.refunds.create({ payment_intent: debit.id }), refusal(400, 'charge_not_refundable'));
      await until(() => stripe.paymentIntents.retrieve(debit.id), (p) => p.status === 'succeeded');
      const bankRefund = await stripe.refunds.create({ payment_intent: debit.id, amount: 400 });
      assert.equal(bankRefund.status, 'pending');
      assert.equal((await until(() => stripe.refunds.retrieve(bankRefund.id), (r) => r.status !== 'pending')).status, 'succeeded');
    });
  });
}
