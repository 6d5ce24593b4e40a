import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { refused } from '../helpers/errors.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';

/** Polls until `fn` returns a truthy value (a declined payment is recorded just after its 402). */
async function eventually<T>(fn: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition never held');
}

for (const store of STORES) {
  describe(`invoices (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    async function customerWithCard(stripe: Stripe, card = 'pm_card_visa') {
      const customer = await stripe.customers.create({ email: 'ada@example.com', name: 'Ada' });
      const pm = await stripe.paymentMethods.attach(card, { customer: customer.id });
      return { customer, pm };
    }

    it('creates a draft from pending items with exact totals, discounts and taxes', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ name: 'Ada' });
      const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'once' });
      const rate = await stripe.taxRates.create({ display_name: 'VAT', percentage: 19, inclusive: false });
      await stripe.invoiceItems.create({ customer: customer.id, amount: 1001, currency: 'usd', description: 'Setup' });
      await stripe.invoiceItems.create({ customer: customer.id, amount: 2003, currency: 'usd', description: 'Hours', tax_rates: [rate.id] });
      const inv = await stripe.invoices.create({
        customer: customer.id,
        pending_invoice_items_behavior: 'include',
        description: 'March',
        footer: 'Thanks',
        metadata: { order: '7' },
        discounts: [{ coupon: coupon.id }],
        custom_fields: [{ name: 'PO', value: '42' }],
      });
      assertMatchesSchema('invoice', inv);
      assert.equal(inv.status, 'draft');
      assert.equal(inv.number, null);
      assert.equal(inv.lines.data.length, 2);
      assert.equal(inv.subtotal, 3004);
      // 10 % of each line: 100 (1001 -> 100.1) and 200 (2003 -> 200.3); tax 19 % of 1803 = 342.57 -> 343.
      assert.deepEqual(inv.total_discount_amounts?.map((d) => d.amount), [300]);
      assert.deepEqual(inv.total_taxes?.map((t) => [t.amount, t.taxable_amount]), [[343, 1803]]);
      assert.equal(inv.total, 3004 - 300 + 343);
      assert.equal(inv.amount_due, inv.total);
      assert.equal(inv.amount_remaining, inv.total);
      assert.deepEqual(inv.custom_fields, [{ name: 'PO', value: '42' }]);
      const items = await stripe.invoiceItems.list({ customer: customer.id, pending: true });
      assert.equal(items.data.length, 0);
      const lines = await stripe.invoices.listLineItems(inv.id);
      assert.deepEqual(lines.data.map((l) => l.amount), [1001, 2003]);
    });

    it('leaves pending items out by default and refuses Stripe’s way', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      await stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: 'usd' });
      const inv = await stripe.invoices.create({ customer: customer.id });
      assert.equal(inv.lines.data.length, 0);
      assert.equal(inv.total, 0);
      await assert.rejects(stripe.invoices.create({ customer: customer.id, collection_method: 'send_invoice' }), refused(400, undefined, 'days_until_due'));
      await assert.rejects(stripe.invoices.create({ customer: 'cus_nope' }), refused(404, 'resource_missing', 'customer'));
      await assert.rejects(stripe.invoices.create({} as Stripe.InvoiceCreateParams), refused(400, 'parameter_missing', 'customer'));
      await assert.rejects(stripe.invoices.create({ customer: customer.id, days_until_due: 3 }), refused(400, undefined, 'days_until_due'));
    });

    it('accepts every InvoiceCreateParams param without parameter_unknown', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const inv = await stripe.invoices.create({
        customer: customer.id,
        account_tax_ids: [],
        auto_advance: true,
        automatic_tax: { enabled: false },
        collection_method: 'send_invoice',
        currency: 'eur',
        days_until_due: 30,
        default_tax_rates: [],
        effective_at: 1_700_000_000,
        issuer: { type: 'self' },
        payment_settings: { payment_method_types: ['card'] },
        rendering: { amount_tax_display: 'include_inclusive_tax' },
        shipping_details: { name: 'Ada', address: { line1: 'x', country: 'US' } },
        statement_descriptor: 'OC',
      });
      assert.equal(inv.currency, 'eur');
      assert.equal(inv.collection_method, 'send_invoice');
      assert.equal(inv.due_date, inv.created + 30 * 86_400);
      assert.equal(inv.auto_advance, true);
    });

    it('updates a draft with invoice.updated and previous_attributes, refuses most fields once finalized', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({});
      const inv = await stripe.invoices.create({ customer: customer.id, description: 'a' });
      const updated = await stripe.invoices.update(inv.id, { description: 'b', metadata: { k: 'v' } });
      assert.equal(updated.description, 'b');
      const evs = await eventsOf(server, key, inv.id);
      const upd = evs.find((e) => e.type === 'invoice.updated');
      assert.deepEqual(upd?.data.previous_attributes, { description: 'a', metadata: {} });
      await stripe.invoiceItems.create({ customer: customer.id, invoice: inv.id, amount: 700, currency: 'usd' });
      const fin = await stripe.invoices.finalizeInvoice(inv.id);
      await assert.rejects(stripe.invoices.update(fin.id, { statement_descriptor: 'LATE' }), refused(400, undefined, 'statement_descriptor'));
      const memo = await stripe.invoices.update(fin.id, { footer: 'later' });
      assert.equal(memo.footer, 'later');
      await assert.rejects(stripe.invoices.finalizeInvoice(inv.id), refused(400, 'invoice_not_editable', 'id'));
      await assert.rejects(stripe.invoices.del(inv.id), refused(400, undefined, 'id'));
    });

    it('finalizes with the customer’s numbers, links and a real PDF', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ name: 'Ada Lovelace' });
      const first = await stripe.invoices.create({ customer: customer.id });
      await stripe.invoices.addLines(first.id, { lines: [{ amount: 1250, description: 'Consulting' }] });
      const a = await stripe.invoices.finalizeInvoice(first.id);
      assertMatchesSchema('invoice', a);
      assert.equal(a.status, 'open');
      assert.equal(a.number, `${customer.invoice_prefix}-0001`);
      assert.ok(a.status_transitions.finalized_at);
      assert.ok(a.hosted_invoice_url && a.invoice_pdf);
      const second = await stripe.invoices.create({ customer: customer.id });
      await stripe.invoices.addLines(second.id, { lines: [{ amount: 1, description: 'x' }] });
      const b = await stripe.invoices.finalizeInvoice(second.id);
      assert.equal(b.number, `${customer.invoice_prefix}-0002`);
      const res = await fetch(a.invoice_pdf as string);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      const pdf = Buffer.from(await res.arrayBuffer()).toString('latin1');
      assert.ok(pdf.startsWith('%PDF-1.4'));
      assert.ok(pdf.trimEnd().endsWith('%%EOF'));
      assert.match(pdf, /\(Invoice [A-Z0-9]+-0001\) Tj/);
      assert.match(pdf, /Consulting/);
      assert.match(pdf, /12\.50 USD/);
      // The xref offsets point at the objects.
      const xref = Number(/startxref\n(\d+)/.exec(pdf)?.[1]);
      assert.equal(pdf.slice(xref, xref + 4), 'xref');
      const draft = await stripe.invoices.create({ customer: customer.id });
      assert.equal((await fetch(`${server.url}/invoices/${draft.id}/pdf`)).status, 404);
    });

    it('pays by card off-session: invoice.created, finalized, paid, payment_succeeded in order', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const { customer, pm } = await customerWithCard(stripe);
      await stripe.invoiceItems.create({ customer: customer.id, amount: 2000, currency: 'usd' });
      const inv = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
      const paid = await stripe.invoices.pay(inv.id, { payment_method: pm.id });
      assert.equal(paid.status, 'paid');
      assert.equal(paid.amount_paid, 2000);
      assert.equal(paid.amount_remaining, 0);
      assert.equal(paid.attempt_count, 1);
      assert.ok(paid.status_transitions.paid_at);
      const payment = paid.payments?.data[0]?.payment.payment_intent as string;
      const pi = await stripe.paymentIntents.retrieve(payment);
      assert.equal(pi.status, 'succeeded');
      assert.equal(pi.amount, 2000);
      const types = (await eventsOf(server, key, inv.id)).map((e) => e.type);
      assert.deepEqual(types, ['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']);
      await assert.rejects(stripe.invoices.pay(inv.id), refused(400, 'invoice_already_paid', 'id'));
    });

    it('a declined card answers 402 and records the attempt with invoice.payment_failed', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const { customer, pm } = await customerWithCard(stripe, 'pm_card_chargeCustomerFail');
      await stripe.invoiceItems.create({ customer: customer.id, amount: 2000, currency: 'usd' });
      const inv = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
      await assert.rejects(stripe.invoices.pay(inv.id, { payment_method: pm.id }), { statusCode: 402, type: 'StripeCardError', code: 'card_declined' });
      const after = await eventually(async () => {
        const i = await stripe.invoices.retrieve(inv.id);
        return i.attempt_count === 1 && i;
      });
      assert.equal(after.status, 'open');
      assert.equal(after.amount_remaining, 2000);
      const types = (await eventsOf(server, key, inv.id)).map((e) => e.type);
      assert.deepEqual(types, ['invoice.created', 'invoice.finalized', 'invoice.payment_failed']);
    });

    it('a card that needs authentication off-session answers invoice_payment_intent_requires_action', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const { customer, pm } = await customerWithCard(stripe, 'pm_card_threeDSecure2Required');
      await stripe.invoiceItems.create({ customer: customer.id, amount: 2000, currency: 'usd' });
      const inv = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
      await assert.rejects(stripe.invoices.pay(inv.id, { payment_method: pm.id }), { statusCode: 402, code: 'invoice_payment_intent_requires_action' });
      const types = await eventually(async () => {
        const t = (await eventsOf(server, key, inv.id)).map((e) => e.type);
        return t.includes('invoice.payment_action_required') && t;
      });
      assert.deepEqual(types.slice(-2), ['invoice.payment_failed', 'invoice.payment_action_required']);
    });

    it('pays out of band, voids, marks uncollectible and sends, each with its event', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ email: 'bob@example.com' });
      const make = async (extra: Partial<Stripe.InvoiceCreateParams> = {}) => {
        const inv = await stripe.invoices.create({ customer: customer.id, ...extra });
        await stripe.invoices.addLines(inv.id, { lines: [{ amount: 900, description: 'x' }] });
        return inv;
      };
      const oob = await stripe.invoices.pay((await make()).id, { paid_out_of_band: true });
      assert.equal(oob.status, 'paid');
      assert.equal(oob.amount_paid, 900);
      const v = await stripe.invoices.finalizeInvoice((await make()).id);
      const voided = await stripe.invoices.voidInvoice(v.id);
      assert.equal(voided.status, 'void');
      assert.ok(voided.status_transitions.voided_at);
      await assert.rejects(stripe.invoices.pay(v.id, { paid_out_of_band: true }), refused(400, undefined, 'id'));
      const u = await stripe.invoices.finalizeInvoice((await make()).id);
      const unc = await stripe.invoices.markUncollectible(u.id);
      assert.equal(unc.status, 'uncollectible');
      const s = await make({ collection_method: 'send_invoice', days_until_due: 7 });
      const sent = await stripe.invoices.sendInvoice(s.id);
      assert.equal(sent.status, 'open');
      const types = (await eventsOf(server, key)).map((e) => e.type);
      for (const t of ['invoice.paid', 'invoice.voided', 'invoice.marked_uncollectible', 'invoice.sent']) assert.ok(types.includes(t), t);
      await assert.rejects(stripe.invoices.sendInvoice(v.id), refused(400, undefined, 'id'));
    });

    it('deletes a draft, its items pending again', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const item = await stripe.invoiceItems.create({ customer: customer.id, amount: 300, currency: 'usd' });
      const inv = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
      assert.equal((await stripe.invoiceItems.retrieve(item.id)).invoice, inv.id);
      const deleted = await stripe.invoices.del(inv.id);
      assert.deepEqual(deleted, { id: inv.id, object: 'invoice', deleted: true });
      assert.equal((await stripe.invoiceItems.retrieve(item.id)).invoice, null);
      await assert.rejects(stripe.invoices.retrieve(inv.id), refused(404, 'resource_missing', 'id'));
    });

    it('adds, updates and removes lines of a draft', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const inv = await stripe.invoices.create({ customer: customer.id });
      const added = await stripe.invoices.addLines(inv.id, { lines: [{ amount: 1000, description: 'A' }, { amount: 500, description: 'B' }], invoice_metadata: { v: '1' } });
      assert.equal(added.total, 1500);
      assert.equal(added.metadata?.v, '1');
      const [a, b] = added.lines.data;
      const updated = await stripe.invoices.updateLines(inv.id, { lines: [{ id: (a as Stripe.InvoiceLineItem).id, amount: 1200 }] });
      assert.equal(updated.total, 1700);
      const removed = await stripe.invoices.removeLines(inv.id, { lines: [{ id: (b as Stripe.InvoiceLineItem).id, behavior: 'unassign' }] });
      assert.equal(removed.total, 1200);
      assert.equal((await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data.length, 1);
      await assert.rejects(stripe.invoices.removeLines(inv.id, { lines: [{ id: 'il_nope', behavior: 'delete' }] }), refused(404, 'resource_missing', 'lines[0][id]'));
    });

    it('lists by customer, status and collection_method', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const other = await stripe.customers.create({});
      const d = await stripe.invoices.create({ customer: customer.id });
      const s = await stripe.invoices.create({ customer: customer.id, collection_method: 'send_invoice', days_until_due: 1 });
      await stripe.invoices.create({ customer: other.id });
      assert.deepEqual((await stripe.invoices.list({ customer: customer.id })).data.map((i) => i.id), [s.id, d.id]);
      assert.deepEqual((await stripe.invoices.list({ collection_method: 'send_invoice' })).data.map((i) => i.id), [s.id]);
      assert.equal((await stripe.invoices.list({ status: 'open' })).data.length, 0);
      assert.equal((await stripe.invoices.list({ status: 'draft' })).data.length, 3);
    });

    it('previews the invoice of pending items without storing it', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      await stripe.invoiceItems.create({ customer: customer.id, amount: 400, currency: 'usd' });
      const preview = await stripe.invoices.createPreview({ customer: customer.id, invoice_items: [{ amount: 100, currency: 'usd', description: 'extra' }] });
      assert.equal(preview.total, 500);
      assert.equal(preview.lines.data.length, 2);
      assert.equal((await stripe.invoices.list({ customer: customer.id })).data.length, 0);
    });

    it('pays a subscription’s open invoice through the API, keeping the lines its subscription gave it', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const price = await stripe.prices.create({ unit_amount: 1500, currency: 'usd', recurring: { interval: 'month' }, product_data: { name: 'Pro' } });
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], collection_method: 'send_invoice', days_until_due: 7 });
      const latest = await stripe.invoices.retrieve(sub.latest_invoice as string);
      assert.equal(latest.status, 'open');
      // A subscription's invoice is listed by its collection method like any other.
      const byMethod = async (collection_method: 'send_invoice' | 'charge_automatically') =>
        (await stripe.invoices.list({ customer: customer.id, collection_method })).data.map((i) => i.id);
      assert.deepEqual(await byMethod('send_invoice'), [latest.id]);
      assert.deepEqual(await byMethod('charge_automatically'), []);
      const paid = await stripe.invoices.pay(latest.id, { paid_out_of_band: true });
      assert.equal(paid.status, 'paid');
      assert.equal(paid.total, 1500);
      assert.equal(paid.lines.data.length, 1);
      assert.deepEqual((await stripe.invoices.list({ subscription: sub.id })).data.map((i) => i.id), [latest.id]);
      assert.deepEqual(await byMethod('send_invoice'), [latest.id]);
    });

    it('previews a subscription’s next invoice: its next period at the current price', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const price = await stripe.prices.create({ unit_amount: 1200, currency: 'usd', recurring: { interval: 'month' }, product_data: { name: 'Team' } });
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id, quantity: 3 }], collection_method: 'send_invoice', days_until_due: 7 });
      const preview = await stripe.invoices.createPreview({ subscription: sub.id });
      assert.equal(preview.total, 3600);
      assert.equal(preview.parent?.subscription_details?.subscription, sub.id);
      const line = preview.lines.data[0] as Stripe.InvoiceLineItem;
      assert.equal(line.period.start, sub.items.data[0]?.current_period_end);
      assert.ok(line.period.end > line.period.start);
      assert.match(preview.id as string, /^upcoming_in_/);
    });

    it('does not know another account’s invoice', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const inv = await stripe.invoices.create({ customer: customer.id });
      await assert.rejects(server.stripe(freshKey()).invoices.retrieve(inv.id), refused(404, 'resource_missing', 'id'));
    });
  });
}
