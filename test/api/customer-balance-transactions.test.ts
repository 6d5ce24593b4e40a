import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { refused } from '../helpers/errors.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';

for (const store of STORES) {
  describe(`customer balance transactions (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('creates, retrieves, updates and lists adjustments; the balance moves with customer.updated', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({});
      const debit = await stripe.customers.createBalanceTransaction(customer.id, { amount: 700, currency: 'usd', description: 'Setup fee', metadata: { k: 'v' } });
      assert.match(debit.id, /^cbtxn_/);
      assert.equal(debit.object, 'customer_balance_transaction');
      assert.equal(debit.type, 'adjustment');
      assert.equal(debit.amount, 700);
      assert.equal(debit.ending_balance, 700);
      assert.equal(debit.currency, 'usd');
      assert.equal(debit.customer, customer.id);
      assert.equal(debit.description, 'Setup fee');
      assert.deepEqual(debit.metadata, { k: 'v' });
      assert.equal(debit.credit_note, null);
      assert.equal(debit.invoice, null);
      const credit = await stripe.customers.createBalanceTransaction(customer.id, { amount: -1000, currency: 'usd' });
      assert.equal(credit.ending_balance, -300);
      assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance, -300);
      const updates = (await eventsOf(server, key, customer.id)).filter((e) => e.type === 'customer.updated');
      assert.deepEqual(updates.map((e) => e.data.previous_attributes), [{ balance: 0 }, { balance: 700 }]);
      assert.deepEqual(await stripe.customers.retrieveBalanceTransaction(customer.id, debit.id), debit);
      const updated = await stripe.customers.updateBalanceTransaction(customer.id, debit.id, { description: 'Fee', metadata: { x: 'y' } });
      assert.equal(updated.description, 'Fee');
      assert.deepEqual(updated.metadata, { k: 'v', x: 'y' });
      assert.equal(updated.amount, 700);
      const list = await stripe.customers.listBalanceTransactions(customer.id);
      assert.deepEqual(list.data.map((t) => t.id), [credit.id, debit.id]);
      await assert.rejects(stripe.customers.updateBalanceTransaction(customer.id, debit.id, { amount: 1 } as Stripe.CustomerUpdateBalanceTransactionParams), refused(400, 'parameter_unknown', 'amount'));
      const other = await stripe.customers.create({});
      await assert.rejects(stripe.customers.retrieveBalanceTransaction(other.id, debit.id), refused(404, 'resource_missing', 'transaction'));
      await assert.rejects(stripe.customers.createBalanceTransaction('cus_nope', { amount: 1, currency: 'usd' }), refused(404, 'resource_missing', 'id'));
    });

    it('a credit note writes a credit_note transaction and an invoice taking the balance an applied_to_invoice one', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const draft = await stripe.invoices.create({ customer: customer.id });
      await stripe.invoices.addLines(draft.id, { lines: [{ amount: 1500, description: 'A' }] });
      const invoice = await stripe.invoices.finalizeInvoice(draft.id);
      await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });
      const cn = await stripe.creditNotes.create({ invoice: invoice.id, amount: 400 });
      const cnTxn = await stripe.customers.retrieveBalanceTransaction(customer.id, cn.customer_balance_transaction as string);
      assert.equal(cnTxn.type, 'credit_note');
      assert.equal(cnTxn.amount, -400);
      assert.equal(cnTxn.ending_balance, -400);
      assert.equal(cnTxn.credit_note, cn.id);
      const next = await stripe.invoices.create({ customer: customer.id });
      await stripe.invoices.addLines(next.id, { lines: [{ amount: 250, description: 'B' }] });
      const open = await stripe.invoices.finalizeInvoice(next.id);
      assert.equal(open.amount_due, 0);
      const list = await stripe.customers.listBalanceTransactions(customer.id);
      assert.deepEqual(list.data.map((t) => [t.type, t.amount, t.ending_balance, t.invoice]), [
        ['applied_to_invoice', 250, -150, next.id],
        ['credit_note', -400, -400, invoice.id],
      ]);
      assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance, -150);
    });
  });
}
