/**
 * Bank transfers (`customer_balance`) through the SDK (docs/decisions.md#bank-transfers-and-the-cash-balance):
 * a PaymentIntent confirmed with a bank transfer waits with `display_bank_transfer_instructions`;
 * `fund_cash_balance` stands for a transfer arriving: part of the amount funds it partly
 * (`payment_intent.partially_funded`, `amount_remaining` shrinks), the rest pays it (its charge,
 * `payment_intent.succeeded`), what is left stays in the customer's cash balance. Both stores.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';
import { advance } from '../helpers/wait.js';

function refusal(status: number, code: string | undefined, param?: string) {
  return (err: Stripe.errors.StripeError) => {
    assert.equal(err.statusCode, status, err.message);
    if (code) assert.equal(err.code, code);
    if (param) assert.equal(err.param, param);
    return true;
  };
}

const JP = { customer_balance: { funding_type: 'bank_transfer' as const, bank_transfer: { type: 'jp_bank_transfer' as const } } };
const US = { customer_balance: { funding_type: 'bank_transfer' as const, bank_transfer: { type: 'us_bank_transfer' as const } } };

function instructionsOf(pi: Stripe.PaymentIntent): Stripe.PaymentIntent.NextAction.DisplayBankTransferInstructions {
  assert.equal(pi.next_action?.type, 'display_bank_transfer_instructions');
  return pi.next_action?.display_bank_transfer_instructions as Stripe.PaymentIntent.NextAction.DisplayBankTransferInstructions;
}

for (const store of STORES) {
  describe(`bank transfers and the cash balance (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    async function transferIntent(stripe: Stripe, customer: string, amount = 20000, currency = 'jpy', options: Stripe.PaymentIntentCreateParams.PaymentMethodOptions = JP) {
      return stripe.paymentIntents.create({
        amount,
        currency,
        customer,
        allowed_payment_method_types: ['customer_balance'],
        payment_method_data: { type: 'customer_balance' },
        payment_method_options: options,
        confirm: true,
      });
    }

    it('waits with the instructions, is partly funded, then paid with its charge; the rest stays in the cash balance', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ email: 'taro@example.com' });
      const pi = await transferIntent(stripe, customer.id);
      assert.equal(pi.status, 'requires_action');
      assert.equal(pi.latest_charge, null);
      assertMatchesSchema('payment_intent', pi);
      const i = instructionsOf(pi);
      assert.deepEqual([i.amount_remaining, i.currency, i.type], [20000, 'jpy', 'jp_bank_transfer']);
      assert.match(i.reference as string, /^[A-Z0-9]{10}$/);
      assert.equal(i.financial_addresses?.[0]?.type, 'zengin');
      assert.match(i.financial_addresses?.[0]?.zengin?.account_number as string, /^\d{7}$/);
      assert.deepEqual(i.financial_addresses?.[0]?.supported_networks, ['zengin']);
      assert.deepEqual((await stripe.paymentMethods.retrieve(pi.payment_method as string)).type, 'customer_balance');
      // The hosted instructions show the amount and the reference.
      const page = await fetch(i.hosted_instructions_url as string, { headers: { 'accept-language': 'ja' } });
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /銀行振込/);
      assert.ok(html.includes(i.reference as string));
      assert.match(html, /data-state="waiting"/);

      const first = await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 8000, currency: 'jpy' });
      assertMatchesSchema('customer_cash_balance_transaction', first);
      assert.deepEqual([first.type, first.net_amount, first.ending_balance, first.funded?.bank_transfer.type], ['funded', 8000, 8000, 'jp_bank_transfer']);
      const partly = await stripe.paymentIntents.retrieve(pi.id);
      assert.equal(partly.status, 'requires_action');
      assert.equal(instructionsOf(partly).amount_remaining, 12000);
      assert.equal(instructionsOf(partly).reference, i.reference, 'the reference stays');
      assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { jpy: 0 });

      await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 15000, currency: 'jpy' });
      const paid = await stripe.paymentIntents.retrieve(pi.id);
      assert.deepEqual([paid.status, paid.amount_received, paid.next_action], ['succeeded', 20000, null]);
      assertMatchesSchema('payment_intent', paid);
      const charge = await stripe.charges.retrieve(paid.latest_charge as string, { expand: ['balance_transaction'] });
      assertMatchesSchema('charge', charge);
      assert.deepEqual([charge.status, charge.captured, charge.amount, charge.payment_method_details?.type], ['succeeded', true, 20000, 'customer_balance']);
      assert.deepEqual(charge.payment_method_details?.customer_balance, {});
      assert.equal((charge.balance_transaction as Stripe.BalanceTransaction).type, 'payment');
      const cash = await stripe.customers.retrieveCashBalance(customer.id);
      assertMatchesSchema('cash_balance', cash);
      assert.deepEqual(cash.available, { jpy: 3000 });
      assert.deepEqual(cash.settings, { reconciliation_mode: 'automatic', using_merchant_default: true });
      const moves = await stripe.customers.listCashBalanceTransactions(customer.id);
      assert.deepEqual(moves.data.map((t) => [t.type, t.net_amount, t.ending_balance]).reverse(), [
        ['funded', 8000, 8000],
        ['applied_to_payment', -8000, 0],
        ['funded', 15000, 15000],
        ['applied_to_payment', -12000, 3000],
      ]);
      for (const t of moves.data) assertMatchesSchema('customer_cash_balance_transaction', t);
      assert.equal(moves.data[0]?.applied_to_payment?.payment_intent, pi.id);
      assert.equal((await stripe.customers.retrieveCashBalanceTransaction(customer.id, first.id)).id, first.id);

      const events = await eventsOf(server, key);
      assert.deepEqual(events.map((e) => e.type), [
        'customer.created',
        'payment_intent.created',
        'payment_intent.requires_action',
        'customer_cash_balance_transaction.created',
        'customer_cash_balance_transaction.created',
        'payment_intent.partially_funded',
        'customer_cash_balance_transaction.created',
        'customer_cash_balance_transaction.created',
        'charge.succeeded',
        'payment_intent.succeeded',
        'cash_balance.funds_available',
      ]);
      const partial = events.find((e) => e.type === 'payment_intent.partially_funded');
      const before = partial?.data.previous_attributes?.next_action as { display_bank_transfer_instructions: { amount_remaining: number } };
      assert.equal(before.display_bank_transfer_instructions.amount_remaining, 20000, 'previous_attributes shows the amount before');
      const done = await fetch(i.hosted_instructions_url as string);
      assert.match(await done.text(), /data-state="paid"/);
    });

    it('is paid at confirmation by what the cash balance already holds (USD, ABA and SWIFT addresses)', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ email: 'jenny@example.com' });
      await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 5000, currency: 'usd', reference: 'early' });
      const partly = await transferIntent(stripe, customer.id, 7500, 'usd', US);
      assert.equal(partly.status, 'requires_action');
      assert.equal(instructionsOf(partly).amount_remaining, 2500);
      assert.deepEqual(instructionsOf(partly).financial_addresses?.map((a) => a.type), ['aba', 'swift']);
      assert.equal(instructionsOf(partly).financial_addresses?.[0]?.aba?.routing_number, '110000000');
      await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 10000, currency: 'usd' });
      const second = await transferIntent(stripe, customer.id, 4000, 'usd', US);
      assert.equal(second.status, 'succeeded', 'the balance covered it');
      assert.equal((await stripe.paymentIntents.retrieve(partly.id)).status, 'succeeded');
      assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { usd: 3500 });
      // Instructions are the customer's own virtual account: the same for every payment.
      const other = await stripe.customers.create({ email: 'other@example.com' });
      const third = await transferIntent(stripe, customer.id, 9000, 'usd', US);
      const elsewhere = await transferIntent(stripe, other.id, 9000, 'usd', US);
      assert.equal(instructionsOf(third).financial_addresses?.[0]?.aba?.account_number, instructionsOf(partly).financial_addresses?.[0]?.aba?.account_number);
      assert.notEqual(instructionsOf(elsewhere).financial_addresses?.[0]?.aba?.account_number, instructionsOf(partly).financial_addresses?.[0]?.aba?.account_number);
      // Paid at confirmation: created, requires_action, the funds applied, the charge, succeeded.
      const events = await eventsOf(server, key);
      const start = events.findIndex((e) => e.type === 'payment_intent.created' && e.data.object.id === second.id);
      assert.deepEqual(events.slice(start, start + 5).map((e) => e.type), ['payment_intent.created', 'payment_intent.requires_action', 'customer_cash_balance_transaction.created', 'charge.succeeded', 'payment_intent.succeeded']);
      assert.equal(events[start + 3]?.data.object.payment_intent, second.id);
    });

    it('applies a transfer to the PaymentIntent whose reference it carries first, then the oldest', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'ref@example.com' });
      const older = await transferIntent(stripe, customer.id, 3000);
      const newer = await transferIntent(stripe, customer.id, 3000);
      await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 3000, currency: 'jpy', reference: instructionsOf(newer).reference as string });
      assert.equal((await stripe.paymentIntents.retrieve(newer.id)).status, 'succeeded');
      assert.equal((await stripe.paymentIntents.retrieve(older.id)).status, 'requires_action');
      await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 1000, currency: 'jpy' });
      assert.equal(instructionsOf(await stripe.paymentIntents.retrieve(older.id)).amount_remaining, 2000);
      // A transfer in another currency stays in the balance.
      await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 500, currency: 'usd' });
      assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { jpy: 0, usd: 500 });
    });

    it('in manual reconciliation applies only a transfer carrying a PaymentIntent’s reference', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'manual@example.com' });
      const cash = await stripe.customers.updateCashBalance(customer.id, { settings: { reconciliation_mode: 'manual' } });
      assert.deepEqual(cash.settings, { reconciliation_mode: 'manual', using_merchant_default: false });
      const pi = await transferIntent(stripe, customer.id, 5000);
      await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 5000, currency: 'jpy' });
      assert.equal(instructionsOf(await stripe.paymentIntents.retrieve(pi.id)).amount_remaining, 5000, 'no reference: kept in the balance');
      await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 2000, currency: 'jpy', reference: instructionsOf(pi).reference as string });
      assert.equal(instructionsOf(await stripe.paymentIntents.retrieve(pi.id)).amount_remaining, 3000);
      assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { jpy: 5000 });
      const back = await stripe.customers.updateCashBalance(customer.id, { settings: { reconciliation_mode: 'merchant_default' } });
      assert.deepEqual(back.settings, { reconciliation_mode: 'automatic', using_merchant_default: true });
    });

    it('gives what was applied back to the cash balance when the PaymentIntent is canceled, and refuses to change its amount', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'cancel@example.com' });
      const pi = await transferIntent(stripe, customer.id, 9000);
      await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 4000, currency: 'jpy' });
      await assert.rejects(stripe.paymentIntents.update(pi.id, { amount: 5000 }), refusal(400, 'payment_intent_unexpected_state', 'amount'));
      const canceled = await stripe.paymentIntents.cancel(pi.id);
      assert.deepEqual([canceled.status, canceled.next_action], ['canceled', null]);
      assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { jpy: 4000 });
      const [last] = (await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 1 })).data;
      assert.deepEqual([last?.type, last?.net_amount, last?.unapplied_from_payment?.payment_intent], ['unapplied_from_payment', 4000, pi.id]);
    });

    it('refunds a bank transfer payment into the customer’s cash balance', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'refund@example.com' });
      const pi = await transferIntent(stripe, customer.id, 6000);
      await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 6000, currency: 'jpy' });
      const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 2500 });
      assert.equal(refund.status, 'succeeded');
      assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { jpy: 2500 });
      const [last] = (await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 1 })).data;
      assert.deepEqual([last?.type, last?.net_amount, last?.refunded_from_payment?.refund], ['refunded_from_payment', 2500, refund.id]);
      assertMatchesSchema('customer_cash_balance_transaction', last);
      await assert.rejects(stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, amount: 100, currency: 'jpy' }), refusal(400, undefined, 'origin'));
    });

    it('refuses what Stripe refuses: no customer, no funding type, a transfer type of another currency, Checkout, an unknown customer or currency', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'errors@example.com' });
      const base = { amount: 1000, currency: 'jpy', allowed_payment_method_types: ['customer_balance'], payment_method_data: { type: 'customer_balance' as const }, confirm: true };
      await assert.rejects(stripe.paymentIntents.create({ ...base, payment_method_options: JP }), refusal(400, undefined, 'customer'));
      await assert.rejects(stripe.paymentIntents.create({ ...base, customer: customer.id, payment_method_options: { customer_balance: { bank_transfer: { type: 'jp_bank_transfer' } } } }), refusal(400, 'parameter_missing', 'payment_method_options[customer_balance][funding_type]'));
      await assert.rejects(stripe.paymentIntents.create({ ...base, customer: customer.id, payment_method_options: US }), refusal(400, undefined, 'payment_method_options[customer_balance][bank_transfer][type]'));
      await assert.rejects(
        stripe.paymentIntents.create({ ...base, customer: customer.id, currency: 'eur', payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'eu_bank_transfer' } } } }),
        refusal(400, 'parameter_missing', 'payment_method_options[customer_balance][bank_transfer][eu_bank_transfer][country]'),
      );
      const eu = await stripe.paymentIntents.create({
        ...base,
        customer: customer.id,
        currency: 'eur',
        payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'FR' } } } },
      });
      assert.match(instructionsOf(eu).financial_addresses?.[0]?.iban?.iban as string, /^FR\d{2}/);
      await assert.rejects(
        stripe.checkout.sessions.create({ mode: 'payment', customer: customer.id, allowed_payment_method_types: ['customer_balance'], line_items: [{ price_data: { currency: 'jpy', unit_amount: 1000, product_data: { name: 'x' } }, quantity: 1 }], success_url: 'https://example.com/ok' }),
        refusal(400, 'payment_method_type_invalid'),
      );
      await assert.rejects(stripe.testHelpers.customers.fundCashBalance('cus_missing', { amount: 100, currency: 'jpy' }), refusal(404, 'resource_missing'));
      await assert.rejects(stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 100, currency: 'cad' }), refusal(400, undefined, 'currency'));
      await assert.rejects(stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 0, currency: 'jpy' }), refusal(400, undefined, 'amount'));
      assert.equal((await stripe.customers.retrieveCashBalance(customer.id)).available, null, 'never funded');
    });

    describe('invoices that take bank transfers', () => {
      async function bankTransferInvoice(stripe: Stripe, customer: string, amount: number, extra: Partial<Stripe.InvoiceCreateParams> = {}) {
        await stripe.invoiceItems.create({ customer, amount, currency: 'jpy', description: 'Consulting, November' });
        return stripe.invoices.create({
          customer,
          collection_method: 'send_invoice',
          days_until_due: 30,
          pending_invoice_items_behavior: 'include',
          payment_settings: { payment_method_types: ['customer_balance'], payment_method_options: JP },
          ...extra,
        });
      }

      it('stores and returns payment_settings, validates them like Stripe, and clears them with ""', async () => {
        const stripe = server.stripe(freshKey());
        const customer = await stripe.customers.create({ name: '山田 太郎' });
        const inv = await bankTransferInvoice(stripe, customer.id, 1000);
        assertMatchesSchema('invoice', inv);
        assert.deepEqual(inv.payment_settings.payment_method_types, ['customer_balance']);
        assert.deepEqual(inv.payment_settings.payment_method_options?.customer_balance, { funding_type: 'bank_transfer', bank_transfer: { type: 'jp_bank_transfer' } });
        assert.equal(inv.payment_settings.payment_method_options?.card, null);
        assert.equal(inv.payment_settings.default_mandate, null);
        const updated = await stripe.invoices.update(inv.id, { payment_settings: { payment_method_types: ['card', 'customer_balance'], payment_method_options: { card: { request_three_d_secure: 'any' } } } });
        assert.deepEqual(updated.payment_settings.payment_method_types, ['card', 'customer_balance']);
        assert.deepEqual(updated.payment_settings.payment_method_options?.card, { request_three_d_secure: 'any' });
        assert.deepEqual(updated.payment_settings.payment_method_options?.customer_balance, JP.customer_balance, 'an option of another type is kept');
        assert.equal((await stripe.invoices.retrieve(inv.id)).payment_settings.payment_method_types?.length, 2);
        const cleared = await stripe.invoices.update(inv.id, { payment_settings: { payment_method_types: '' as unknown as [] } });
        assert.equal(cleared.payment_settings.payment_method_types, null);
        await assert.rejects(stripe.invoices.update(inv.id, { payment_settings: { payment_method_types: ['cheque' as 'card'] } }), refusal(400, 'parameter_invalid_string', 'payment_settings[payment_method_types][0]'));
        await assert.rejects(stripe.invoices.update(inv.id, { payment_settings: { payment_method_options: { card: { bogus: 1 } as object } } }), refusal(400, 'parameter_unknown', 'payment_settings[payment_method_options][card][bogus]'));
      });

      it('finalized automatically (auto_advance, charge_automatically), it waits for the transfer and no card is charged', async () => {
        const stripe = server.stripe(freshKey());
        const start = Math.floor(Date.UTC(2026, 0, 5) / 1000);
        const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
        const customer = await stripe.customers.create({ name: '山田 太郎', test_clock: clock.id, payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
        const draft = await bankTransferInvoice(stripe, customer.id, 8000, { collection_method: 'charge_automatically', days_until_due: undefined, auto_advance: true });
        await advance(stripe, clock.id, start + 2 * 3600);
        const inv = await stripe.invoices.retrieve(draft.id, { expand: ['payments'] });
        assert.equal(inv.status, 'open');
        const pi = await stripe.paymentIntents.retrieve((inv.payments?.data[0]?.payment as { payment_intent: string }).payment_intent);
        assert.equal(pi.status, 'requires_action');
        assert.deepEqual(pi.payment_method_types, ['customer_balance']);
        assert.equal((await stripe.charges.list({ customer: customer.id })).data.length, 0, 'the default card is not charged');
      });

      it('refuses to finalize one that cannot make its transfer, recording the failure, and leaves it a draft', async () => {
        const key = freshKey();
        const stripe = server.stripe(key);
        const customer = await stripe.customers.create({ name: 'Jean Dupont' });
        await stripe.invoiceItems.create({ customer: customer.id, amount: 5000, currency: 'cad' });
        const cad = await stripe.invoices.create({ customer: customer.id, collection_method: 'send_invoice', days_until_due: 30, pending_invoice_items_behavior: 'include', payment_settings: { payment_method_types: ['customer_balance'] } });
        await assert.rejects(stripe.invoices.finalizeInvoice(cad.id), refusal(400, undefined, 'currency'));
        const failed = await stripe.invoices.retrieve(cad.id);
        assert.equal(failed.status, 'draft');
        assert.equal(failed.last_finalization_error?.param, 'currency');
        assert.ok((await eventsOf(server, key)).some((e) => e.type === 'invoice.finalization_failed'));

        await stripe.invoiceItems.create({ customer: customer.id, amount: 5000, currency: 'eur' });
        const eur = await stripe.invoices.create({ customer: customer.id, currency: 'eur', collection_method: 'send_invoice', days_until_due: 30, pending_invoice_items_behavior: 'include', payment_settings: { payment_method_types: ['customer_balance'], payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'eu_bank_transfer' } } } } });
        await assert.rejects(stripe.invoices.finalizeInvoice(eur.id), refusal(400, 'parameter_missing'));
        await stripe.invoices.update(eur.id, { payment_settings: { payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'FR' } } } } } });
        const open = await stripe.invoices.finalizeInvoice(eur.id);
        assert.equal(open.status, 'open', 'with its country, the EUR transfer is made');
        assert.equal(open.last_finalization_error, null);
      });

      it('waits for a transfer at finalization, is never partly funded, and is paid once the cash balance covers it', async () => {
        const key = freshKey();
        const stripe = server.stripe(key);
        const customer = await stripe.customers.create({ name: '山田 太郎' });
        const inv = await bankTransferInvoice(stripe, customer.id, 55000);
        const open = await stripe.invoices.finalizeInvoice(inv.id, { expand: ['payments'] });
        assert.equal(open.status, 'open');
        const piId = (open.payments?.data[0]?.payment as { payment_intent: string }).payment_intent;
        const pi = await stripe.paymentIntents.retrieve(piId);
        assert.equal(pi.status, 'requires_action');
        assert.equal(pi.amount, 55000);
        assert.deepEqual(pi.payment_method_types, ['customer_balance']);
        assert.equal(instructionsOf(pi).type, 'jp_bank_transfer');
        assert.equal(instructionsOf(pi).amount_remaining, 55000);

        // The hosted invoice page links the transfer instructions, and offers no card: the invoice takes bank transfers only.
        const page = await (await fetch(open.hosted_invoice_url as string, { headers: { 'accept-language': 'ja' } })).text();
        assert.match(page, /data-testid="pay-bank-transfer"/);
        assert.match(page, /銀行振込で支払う/);
        assert.ok(page.includes(`/c/bank-transfer/${piId}`));
        assert.ok(!page.includes('data-testid="pay-card"'));

        await assert.rejects(stripe.invoices.pay(inv.id), refusal(400, undefined, 'id'), 'the empty cash balance does not pay it');
        await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 30000, currency: 'jpy' });
        assert.equal((await stripe.invoices.retrieve(inv.id)).status, 'open', 'part of the amount does not fund an invoice');
        assert.equal(instructionsOf(await stripe.paymentIntents.retrieve(piId)).amount_remaining, 55000);
        assert.equal((await stripe.customers.retrieveCashBalance(customer.id)).available?.jpy, 30000, 'the money waits in the cash balance');

        await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 30000, currency: 'jpy' });
        const paid = await stripe.invoices.retrieve(inv.id);
        assert.equal(paid.status, 'paid');
        assert.equal(paid.amount_paid, 55000);
        assert.equal((await stripe.paymentIntents.retrieve(piId)).status, 'succeeded');
        assert.equal((await stripe.customers.retrieveCashBalance(customer.id)).available?.jpy, 5000);
        const types = (await eventsOf(server, key)).map((e) => e.type);
        for (const t of ['invoice.finalized', 'payment_intent.requires_action', 'customer_cash_balance_transaction.created', 'payment_intent.succeeded', 'invoice.paid', 'invoice.payment_succeeded']) assert.ok(types.includes(t), t);
        assert.ok(!types.includes('payment_intent.partially_funded'));
        assert.match(await (await fetch(open.hosted_invoice_url as string)).text(), /data-status="paid"/);
      });

      it('is paid at finalization from a cash balance that covers it, and by /pay in manual reconciliation', async () => {
        const stripe = server.stripe(freshKey());
        const customer = await stripe.customers.create({ name: '山田 花子' });
        await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 20000, currency: 'jpy' });
        const covered = await stripe.invoices.finalizeInvoice((await bankTransferInvoice(stripe, customer.id, 12000)).id);
        assert.equal(covered.status, 'paid');
        assert.equal((await stripe.customers.retrieveCashBalance(customer.id)).available?.jpy, 8000);

        await stripe.customers.updateCashBalance(customer.id, { settings: { reconciliation_mode: 'manual' } });
        const waiting = await stripe.invoices.finalizeInvoice((await bankTransferInvoice(stripe, customer.id, 9000)).id);
        assert.equal(waiting.status, 'open', 'the balance holds too little');
        await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 1000, currency: 'jpy' });
        assert.equal((await stripe.invoices.retrieve(waiting.id)).status, 'open', 'manual reconciliation applies nothing by itself');
        const paid = await stripe.invoices.pay(waiting.id);
        assert.equal(paid.status, 'paid');
        assert.equal((await stripe.customers.retrieveCashBalance(customer.id)).available?.jpy, 0);

        // Voided while it waits: its PaymentIntent is canceled, and a later transfer stays in the balance.
        const voided = await stripe.invoices.finalizeInvoice((await bankTransferInvoice(stripe, customer.id, 3000)).id, { expand: ['payments'] });
        const piId = (voided.payments?.data[0]?.payment as { payment_intent: string }).payment_intent;
        assert.equal((await stripe.invoices.voidInvoice(voided.id)).status, 'void');
        assert.equal((await stripe.paymentIntents.retrieve(piId)).status, 'canceled');
        await stripe.customers.updateCashBalance(customer.id, { settings: { reconciliation_mode: 'merchant_default' } });
        await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 3000, currency: 'jpy' });
        assert.equal((await stripe.customers.retrieveCashBalance(customer.id)).available?.jpy, 3000);
      });
    });

    it('never applies more than the balance or the amount when transfers arrive at the same moment', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ email: 'race@example.com' });
      const a = await transferIntent(stripe, customer.id, 10000);
      const b = await transferIntent(stripe, customer.id, 10000);
      await Promise.all(Array.from({ length: 6 }, () => stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 3000, currency: 'jpy' })));
      const [pa, pb] = await Promise.all([stripe.paymentIntents.retrieve(a.id), stripe.paymentIntents.retrieve(b.id)]);
      const funded = (pi: Stripe.PaymentIntent) => (pi.status === 'succeeded' ? pi.amount : pi.amount - instructionsOf(pi).amount_remaining!);
      const cash = await stripe.customers.retrieveCashBalance(customer.id);
      assert.equal(funded(pa) + funded(pb) + (cash.available?.jpy ?? 0), 18000, 'every yen is somewhere, once');
      assert.equal(funded(pb), 8000);
      assert.deepEqual([pa.status, pb.status], ['succeeded', 'requires_action']);
      assert.equal(cash.available?.jpy, 0);
      const events = await eventsOf(server, key);
      assert.equal(events.filter((e) => e.type === 'payment_intent.succeeded').length, 1);
      assert.equal(events.filter((e) => e.type === 'charge.succeeded').length, 1);
    });
  });
}
