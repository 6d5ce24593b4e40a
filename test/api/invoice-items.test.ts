import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertMatchesSchema } from '../helpers/contract.js';
import { refused } from '../helpers/errors.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';

for (const store of STORES) {
  describe(`invoice items (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('creates a pending item in Stripe’s shape, with invoiceitem.created', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({});
      const item = await stripe.invoiceItems.create({ customer: customer.id, amount: 2000, currency: 'USD', description: 'Setup', metadata: { a: 'b' }, period: { start: 1_700_000_000, end: 1_700_086_400 } });
      assertMatchesSchema('invoiceitem', item);
      assert.match(item.id, /^ii_/);
      assert.equal(item.object, 'invoiceitem');
      assert.equal(item.amount, 2000);
      assert.equal(item.currency, 'usd');
      assert.equal(item.invoice, null);
      assert.equal(item.quantity, 1);
      assert.deepEqual(item.period, { start: 1_700_000_000, end: 1_700_086_400 });
      assert.deepEqual(item.metadata, { a: 'b' });
      assert.equal('created' in item, false);
      assert.deepEqual(await stripe.invoiceItems.retrieve(item.id), item);
      assert.deepEqual((await eventsOf(server, key, item.id)).map((e) => e.type), ['invoiceitem.created']);
    });

    it('prices an item from a one-time price times its quantity', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const price = await stripe.prices.create({ unit_amount: 333, currency: 'eur', product_data: { name: 'Widget' } });
      const item = await stripe.invoiceItems.create({ customer: customer.id, pricing: { price: price.id }, quantity: 3 });
      assert.equal(item.amount, 999);
      assert.equal(item.currency, 'eur');
      assert.equal(item.pricing?.price_details?.price, price.id);
      const monthly = await stripe.prices.create({ unit_amount: 100, currency: 'eur', product_data: { name: 'Plan' }, recurring: { interval: 'month' } });
      await assert.rejects(stripe.invoiceItems.create({ customer: customer.id, pricing: { price: monthly.id } }), refused(400, undefined, 'pricing[price]'));
    });

    it('refuses what Stripe refuses', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      await assert.rejects(stripe.invoiceItems.create({ customer: customer.id, currency: 'usd' }), refused(400, 'parameter_missing', 'amount'));
      await assert.rejects(stripe.invoiceItems.create({ customer: customer.id, amount: 5 }), refused(400, 'parameter_missing', 'currency'));
      await assert.rejects(stripe.invoiceItems.create({ customer: 'cus_nope', amount: 5, currency: 'usd' }), refused(404, 'resource_missing', 'customer'));
      await assert.rejects(stripe.invoiceItems.create({ customer: customer.id, amount: 5, currency: 'usd', tax_rates: ['txr_nope'] }), refused(404, 'resource_missing', 'tax_rates'));
      await assert.rejects(stripe.invoiceItems.retrieve('ii_nope'), refused(404, 'resource_missing', 'id'));
    });

    it('updates and deletes a pending item; an item on a finalized invoice is frozen', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({});
      const item = await stripe.invoiceItems.create({ customer: customer.id, amount: 100, currency: 'usd' });
      const updated = await stripe.invoiceItems.update(item.id, { amount: 150, description: 'more' });
      assert.equal(updated.amount, 150);
      assert.equal(updated.description, 'more');
      const deleted = await stripe.invoiceItems.del(item.id);
      assert.deepEqual(deleted, { id: item.id, object: 'invoiceitem', deleted: true });
      assert.deepEqual((await eventsOf(server, key, item.id)).map((e) => e.type), ['invoiceitem.created', 'invoiceitem.deleted']);
      const inv = await stripe.invoices.create({ customer: customer.id });
      const onInvoice = await stripe.invoiceItems.create({ customer: customer.id, invoice: inv.id, amount: 800, currency: 'usd' });
      assert.equal((await stripe.invoices.retrieve(inv.id)).total, 800);
      await stripe.invoiceItems.update(onInvoice.id, { quantity: 2 });
      assert.equal((await stripe.invoices.retrieve(inv.id)).total, 1600);
      await stripe.invoices.finalizeInvoice(inv.id);
      await assert.rejects(stripe.invoiceItems.update(onInvoice.id, { amount: 1 }), refused(400, undefined, 'id'));
      await assert.rejects(stripe.invoiceItems.del(onInvoice.id), refused(400, undefined, 'id'));
    });

    it('lists by customer, invoice and pending', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const a = await stripe.invoiceItems.create({ customer: customer.id, amount: 1, currency: 'usd' });
      const inv = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
      const b = await stripe.invoiceItems.create({ customer: customer.id, amount: 2, currency: 'usd' });
      assert.deepEqual((await stripe.invoiceItems.list({ customer: customer.id })).data.map((i) => i.id), [b.id, a.id]);
      assert.deepEqual((await stripe.invoiceItems.list({ pending: true, customer: customer.id })).data.map((i) => i.id), [b.id]);
      assert.deepEqual((await stripe.invoiceItems.list({ invoice: inv.id })).data.map((i) => i.id), [a.id]);
    });

    it('takes an item’s own discount and tax rate into the invoice’s totals', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const coupon = await stripe.coupons.create({ amount_off: 250, currency: 'usd', duration: 'once' });
      const rate = await stripe.taxRates.create({ display_name: 'GST', percentage: 10, inclusive: true });
      await stripe.invoiceItems.create({ customer: customer.id, amount: 1100, currency: 'usd', discounts: [{ coupon: coupon.id }], tax_rates: [rate.id] });
      const inv = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
      // 1100 - 250 = 850, of which 850 - round(850 / 1.1) = 850 - 773 = 77 is tax, included.
      assert.equal(inv.total, 850);
      assert.deepEqual(inv.total_taxes?.map((t) => [t.amount, t.tax_behavior, t.taxable_amount]), [[77, 'inclusive', 773]]);
      assert.equal(inv.total_excluding_tax, 773);
    });
  });
}
