/**
 * Balance transactions and the balance through the SDK (docs/decisions.md#balance-transactions):
 * one per captured charge with Stripe's fee, one per refund (negative, the fee kept), pending
 * until `available_on`, listed with Stripe's filters, expanded from charges and refunds; and a
 * refund of a held payment, which releases it (docs/decisions.md#refund-of-a-held-payment).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';

const DAY = 86_400;

function refusal(status: number, code: string | undefined, param?: string) {
  return (err: Stripe.errors.StripeError) => {
    assert.equal(err.statusCode, status, err.message);
    if (code) assert.equal(err.code, code);
    if (param) assert.equal(err.param, param);
    return true;
  };
}

async function paid(stripe: Stripe, amount: number, currency: string, capture: 'automatic' | 'manual' = 'automatic'): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create({ amount, currency, payment_method: 'pm_card_visa', allowed_payment_method_types: ['card'], capture_method: capture, confirm: true });
}

for (const store of STORES) {
  describe(`Balance transactions (${store})`, () => {
    let server: TestServer;
    // The first three tests share one account: its balance adds up across them.
    const key = freshKey();
    // A clock the test moves: transactions become available when it passes available_on.
    let now = Date.UTC(2026, 11, 7, 10, 0, 0);
    before(async () => {
      server = await startServer(store, { clock: { now: () => now } });
    });
    after(() => server.close());

    it('a card charge in USD pays 2.9% + 30¢, in JPY 3.6%: fee, fee_details, net, pending until available_on', async () => {
      const stripe = server.stripe(key);
      const usd = await paid(stripe, 2000, 'usd');
      const charge = await stripe.charges.retrieve(usd.latest_charge as string, { expand: ['balance_transaction'] });
      const txn = charge.balance_transaction as Stripe.BalanceTransaction;
      assertMatchesSchema('balance_transaction', txn);
      assert.deepEqual(
        [txn.type, txn.reporting_category, txn.amount, txn.fee, txn.net, txn.currency, txn.source, txn.status, txn.exchange_rate],
        ['charge', 'charge', 2000, 88, 1912, 'usd', charge.id, 'pending', null],
      );
      assert.deepEqual(txn.fee_details, [{ amount: 88, application: null, currency: 'usd', description: 'Stripe processing fees', type: 'stripe_fee' }]);
      assert.equal(txn.available_on, Date.UTC(2026, 11, 9) / 1000);

      // 3.6% of ¥1,250 is ¥45; of ¥1,015 it is ¥36.54, rounded to ¥37.
      const yen = await Promise.all([paid(stripe, 1250, 'jpy'), paid(stripe, 1015, 'jpy')]);
      const fees = await Promise.all(yen.map(async (pi) => (await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['balance_transaction'] })).balance_transaction as Stripe.BalanceTransaction));
      assert.deepEqual(fees.map((t) => [t.fee, t.net]), [[45, 1205], [37, 978]]);
      assert.equal(fees[0]?.available_on, Date.UTC(2026, 11, 11) / 1000);

      const retrieved = await stripe.balanceTransactions.retrieve(txn.id);
      assert.deepEqual(retrieved, txn);
      await assert.rejects(stripe.balanceTransactions.retrieve('txn_missing'), refusal(404, 'resource_missing'));
    });

    it('a refund is a negative transaction, available at once, with no fee returned; the balance sums them by currency', async () => {
      const stripe = server.stripe(key);
      const before = await stripe.balance.retrieve();
      const pendingUsd = before.pending.find((b) => b.currency === 'usd')?.amount ?? 0;
      const pi = await paid(stripe, 5000, 'usd');
      const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 1200 });
      const withTxn = await stripe.refunds.retrieve(refund.id, { expand: ['balance_transaction'] });
      const txn = withTxn.balance_transaction as Stripe.BalanceTransaction;
      assertMatchesSchema('balance_transaction', txn);
      assert.deepEqual([txn.type, txn.reporting_category, txn.amount, txn.fee, txn.net, txn.status, txn.source], ['refund', 'refund', -1200, 0, -1200, 'available', refund.id]);
      const expandedSource = await stripe.balanceTransactions.retrieve(txn.id, { expand: ['source'] });
      assert.equal((expandedSource.source as Stripe.Refund).id, refund.id);

      const balance = await stripe.balance.retrieve();
      const usd = (list: Stripe.Balance.Available[]) => list.find((b) => b.currency === 'usd')?.amount ?? 0;
      // The charge's net (5000 - 175) is pending; the refund has left the available balance.
      assert.equal(usd(balance.pending) - pendingUsd, 5000 - 175);
      assert.equal(usd(balance.available) - usd(before.available), -1200);

      // Once available_on has passed, the charges are available.
      now += 5 * DAY * 1000;
      const later = await stripe.balance.retrieve();
      assert.equal(usd(later.pending), 0);
      assert.equal(usd(later.available), 1912 + 4825 - 1200);
      assert.equal(later.pending.find((b) => b.currency === 'jpy')?.amount, 0);
      assert.equal(later.available.find((b) => b.currency === 'jpy')?.amount, 1205 + 978);
      const charged = await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['balance_transaction'] });
      assert.equal((charged.balance_transaction as Stripe.BalanceTransaction).status, 'available');
    });

    it('lists newest first, filtered by type, source, currency and created; payout names no payout', async () => {
      const stripe = server.stripe(key);
      const all = await stripe.balanceTransactions.list({ limit: 100 });
      assert.equal(all.data.length, 5);
      all.data.forEach((t) => assertMatchesSchema('balance_transaction', t));
      assert.deepEqual((await stripe.balanceTransactions.list({ type: 'refund' })).data.map((t) => t.amount), [-1200]);
      assert.equal((await stripe.balanceTransactions.list({ type: 'charge' })).data.length, 4);
      assert.deepEqual((await stripe.balanceTransactions.list({ currency: 'jpy' })).data.map((t) => t.amount).sort(), [1015, 1250]);
      const one = all.data[2] as Stripe.BalanceTransaction;
      assert.deepEqual((await stripe.balanceTransactions.list({ source: one.source as string })).data.map((t) => t.id), [one.id]);
      assert.equal((await stripe.balanceTransactions.list({ created: { gt: now / 1000 } })).data.length, 0);
      await assert.rejects(stripe.balanceTransactions.list({ payout: 'po_123' }), refusal(404, 'resource_missing', 'payout'));
    });

    it('a partial capture records what was captured; a held charge has none until then', async () => {
      const stripe = server.stripe();
      const held = await paid(stripe, 3000, 'usd', 'manual');
      assert.equal((await stripe.charges.retrieve(held.latest_charge as string)).balance_transaction, null);
      await stripe.paymentIntents.capture(held.id, { amount_to_capture: 1000 });
      const charge = await stripe.charges.retrieve(held.latest_charge as string, { expand: ['balance_transaction'] });
      const txn = charge.balance_transaction as Stripe.BalanceTransaction;
      assert.deepEqual([txn.amount, txn.fee, txn.net], [1000, 59, 941]);
    });

    it('refunding a held PaymentIntent releases it: refund succeeded, charge refunded, PaymentIntent canceled, no money moved', async () => {
      const stripe = server.stripe();
      const held = await paid(stripe, 2500, 'usd', 'manual');
      const since = (await stripe.events.list({ limit: 1 })).data[0]?.created ?? 0;
      const refund = await stripe.refunds.create({ payment_intent: held.id });
      assertMatchesSchema('refund', refund);
      assert.deepEqual([refund.status, refund.amount, refund.balance_transaction], ['succeeded', 2500, null]);
      const charge = await stripe.charges.retrieve(held.latest_charge as string);
      assert.deepEqual([charge.captured, charge.refunded, charge.amount_refunded, charge.balance_transaction], [false, true, 2500, null]);
      const pi = await stripe.paymentIntents.retrieve(held.id);
      assert.deepEqual([pi.status, pi.amount_capturable], ['canceled', 0]);
      const types = (await stripe.events.list({ limit: 10, created: { gte: since } })).data.map((e) => e.type).reverse();
      assert.deepEqual(types.slice(-3), ['refund.created', 'charge.refunded', 'payment_intent.canceled']);
      await assert.rejects(stripe.refunds.create({ charge: charge.id }), refusal(400, 'charge_already_refunded'));
      await assert.rejects(stripe.paymentIntents.capture(held.id), refusal(400, 'payment_intent_unexpected_state'));
    });

    it('a refund and a capture of one hold at the same moment: both end as Stripe would, never a deadlock', async () => {
      const stripe = server.stripe();
      for (let round = 0; round < 3; round++) {
        const held = await paid(stripe, 2500, 'usd', 'manual');
        const [refund, capture] = await Promise.allSettled([stripe.refunds.create({ payment_intent: held.id }), stripe.paymentIntents.capture(held.id)]);
        assert.equal(refund.status, 'fulfilled', refund.status === 'rejected' ? String(refund.reason) : '');
        const pi = await stripe.paymentIntents.retrieve(held.id);
        const charge = await stripe.charges.retrieve(held.latest_charge as string);
        assert.deepEqual([charge.refunded, charge.amount_refunded], [true, 2500]);
        if (capture.status === 'fulfilled') {
          // Captured first, then refunded: the money came in and went out.
          assert.equal(pi.status, 'succeeded');
          assert.equal((await stripe.balanceTransactions.list({ source: charge.id })).data.length, 1);
        } else {
          // Released by the refund first: the capture finds the PaymentIntent canceled.
          assert.equal((capture.reason as Stripe.errors.StripeError).code, 'payment_intent_unexpected_state');
          assert.equal(pi.status, 'canceled');
          assert.equal(charge.balance_transaction, null);
        }
      }
    });
  });
}
