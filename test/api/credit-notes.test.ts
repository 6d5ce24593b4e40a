import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { refused } from '../helpers/errors.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';

for (const store of STORES) {
  describe(`credit notes (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    /** An open invoice of two lines (1000 + 500) for a new customer. */
    async function openInvoice(stripe: Stripe) {
      const customer = await stripe.customers.create({});
      const draft = await stripe.invoices.create({ customer: customer.id });
      await stripe.invoices.addLines(draft.id, { lines: [{ amount: 1000, description: 'A', quantity: 2 } as Stripe.InvoiceAddLinesParams.Line, { amount: 500, description: 'B' }] });
      return { customer, invoice: await stripe.invoices.finalizeInvoice(draft.id) };
    }

    it('credits an open invoice before payment: a custom line lowers what is due', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const { invoice } = await openInvoice(stripe);
      const cn = await stripe.creditNotes.create({ invoice: invoice.id, lines: [{ type: 'custom_line_item', unit_amount: 300, quantity: 1, description: 'Goodwill' }], reason: 'order_change', memo: 'sorry' });
      assert.match(cn.id, /^cn_/);
      assert.equal(cn.object, 'credit_note');
      assert.equal(cn.type, 'pre_payment');
      assert.equal(cn.total, 300);
      assert.equal(cn.pre_payment_amount, 300);
      assert.equal(cn.status, 'issued');
      assert.equal(cn.number, `${invoice.number}-CN-01`);
      assert.equal(cn.lines.data[0]?.amount, 300);
      assert.equal(cn.reason, 'order_change');
      const after = await stripe.invoices.retrieve(invoice.id);
      assert.equal(after.pre_payment_credit_notes_amount, 300);
      assert.equal(after.amount_due, 1200);
      assert.equal(after.amount_remaining, 1200);
      const types = (await eventsOf(server, key)).map((e) => e.type);
      assert.deepEqual(types.slice(-2), ['invoice.updated', 'credit_note.created']);
      assert.deepEqual(await stripe.creditNotes.retrieve(cn.id), cn);
    });

    it('credits a line of the invoice by quantity, and refuses more than is left', async () => {
      const stripe = server.stripe();
      const { invoice } = await openInvoice(stripe);
      const lineA = invoice.lines.data[0] as Stripe.InvoiceLineItem;
      const cn = await stripe.creditNotes.create({ invoice: invoice.id, lines: [{ type: 'invoice_line_item', invoice_line_item: lineA.id, quantity: 1 }] });
      assert.equal(cn.total, 500);
      assert.equal(cn.lines.data[0]?.invoice_line_item, lineA.id);
      await assert.rejects(stripe.creditNotes.create({ invoice: invoice.id, amount: 1001 }), refused(400, undefined, 'amount'));
      await assert.rejects(stripe.creditNotes.create({ invoice: invoice.id, lines: [{ type: 'invoice_line_item', invoice_line_item: 'il_nope' }] }), refused(404, 'resource_missing', 'lines[0][invoice_line_item]'));
      await assert.rejects(stripe.creditNotes.create({ invoice: invoice.id } as Stripe.CreditNoteCreateParams), refused(400, undefined, 'amount'));
    });

    it('a credit note covering all that is due pays the invoice', async () => {
      const stripe = server.stripe();
      const { invoice } = await openInvoice(stripe);
      await stripe.creditNotes.create({ invoice: invoice.id, amount: 1500 });
      const after = await stripe.invoices.retrieve(invoice.id);
      assert.equal(after.status, 'paid');
      assert.equal(after.amount_remaining, 0);
    });

    it('credits a paid invoice to the customer’s balance, and voiding gives it back', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const { customer, invoice } = await openInvoice(stripe);
      await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });
      const cn = await stripe.creditNotes.create({ invoice: invoice.id, amount: 400, credit_amount: 400 });
      assert.equal(cn.type, 'post_payment');
      assert.equal(cn.post_payment_amount, 400);
      assert.match(String(cn.customer_balance_transaction), /^cbtxn_/);
      assert.equal((await stripe.customers.retrieve(customer.id) as Stripe.Customer).balance, -400);
      assert.equal((await stripe.invoices.retrieve(invoice.id)).post_payment_credit_notes_amount, 400);
      await assert.rejects(stripe.creditNotes.create({ invoice: invoice.id, amount: 100, credit_amount: 50 }), refused(400, undefined, 'credit_amount'));
      const voided = await stripe.creditNotes.voidCreditNote(cn.id);
      assert.equal(voided.status, 'void');
      assert.ok(voided.voided_at);
      assert.equal((await stripe.customers.retrieve(customer.id) as Stripe.Customer).balance, 0);
      assert.equal((await stripe.invoices.retrieve(invoice.id)).post_payment_credit_notes_amount, 0);
      await assert.rejects(stripe.creditNotes.voidCreditNote(cn.id), refused(400, undefined, 'id'));
      assert.ok((await eventsOf(server, key, cn.id)).some((e) => e.type === 'credit_note.voided'));
    });

    it('a credit in the customer’s balance is applied to the next invoice at finalization', async () => {
      const stripe = server.stripe();
      const { customer, invoice } = await openInvoice(stripe);
      await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });
      await stripe.creditNotes.create({ invoice: invoice.id, amount: 400 });
      assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance, -400);
      const next = await stripe.invoices.create({ customer: customer.id });
      await stripe.invoices.addLines(next.id, { lines: [{ amount: 1000, description: 'C' }] });
      const open = await stripe.invoices.finalizeInvoice(next.id);
      assert.equal(open.total, 1000);
      assert.equal(open.amount_due, 600);
      assert.equal(open.amount_remaining, 600);
      assert.equal(open.starting_balance, -400);
      assert.equal(open.ending_balance, 0);
      assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance, 0);
    });

    it('previews without storing, updates memo and metadata, lists by invoice', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const { customer, invoice } = await openInvoice(stripe);
      const preview = await stripe.creditNotes.preview({ invoice: invoice.id, amount: 250 });
      assert.equal(preview.total, 250);
      assert.equal((await stripe.creditNotes.list({ invoice: invoice.id })).data.length, 0);
      const cn = await stripe.creditNotes.create({ invoice: invoice.id, amount: 250 });
      const updated = await stripe.creditNotes.update(cn.id, { memo: 'new', metadata: { k: 'v' } });
      assert.equal(updated.memo, 'new');
      const upd = (await eventsOf(server, key, cn.id)).find((e) => e.type === 'credit_note.updated');
      assert.deepEqual(upd?.data.previous_attributes, { memo: null, metadata: {} });
      assert.deepEqual((await stripe.creditNotes.list({ customer: customer.id })).data.map((c) => c.id), [cn.id]);
      await assert.rejects(stripe.creditNotes.update(cn.id, { amount: 1 } as Stripe.CreditNoteUpdateParams), refused(400, 'parameter_unknown', 'amount'));
    });

    it('refund_amount refunds the invoice’s charge; credit_amount goes to the balance; never more than the charge has left', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const { customer, invoice } = await openInvoice(stripe);
      const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      const paid = await stripe.invoices.pay(invoice.id, { payment_method: pm.id, expand: ['payments'] });
      assert.equal(paid.amount_paid, 1500);
      const pi = paid.payments?.data[0]?.payment.payment_intent as string;
      const cn = await stripe.creditNotes.create({ invoice: invoice.id, amount: 600, refund_amount: 400, credit_amount: 150, out_of_band_amount: 50 });
      assert.equal(cn.refunds.length, 1);
      const link = cn.refunds[0] as Stripe.CreditNote.Refund;
      assert.equal(link.amount_refunded, 400);
      assert.equal(link.type, 'refund');
      const refund = await stripe.refunds.retrieve(link.refund as string);
      assert.equal(refund.amount, 400);
      assert.equal(refund.payment_intent, pi);
      const charge = await stripe.charges.retrieve(refund.charge as string);
      assert.equal(charge.amount_refunded, 400);
      assert.equal(cn.out_of_band_amount, 50);
      assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance, -150);
      const types = (await eventsOf(server, key)).map((e) => e.type);
      assert.ok(types.includes('refund.created') && types.includes('charge.refunded'));
      assert.deepEqual(await stripe.creditNotes.retrieve(cn.id), cn);
      // A refund made through the Refunds API, linked to a credit note by `refunds[]`.
      const direct = await stripe.refunds.create({ payment_intent: pi, amount: 800 });
      const linked = await stripe.creditNotes.create({ invoice: invoice.id, amount: 800, refunds: [{ refund: direct.id, amount_refunded: 800 }] });
      assert.deepEqual(linked.refunds.map((r) => [r.refund, r.amount_refunded]), [[direct.id, 800]]);
      assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance, -150);
      // 300 left on the charge: 100 more can be credited, but not refunded beyond the charge.
      assert.equal((await stripe.charges.retrieve(refund.charge as string)).amount_refunded, 1200);
      const other = await stripe.refunds.create({ payment_intent: pi, amount: 250 });
      await assert.rejects(stripe.creditNotes.create({ invoice: invoice.id, amount: 100, refund_amount: 100 }), refused(400, 'amount_too_large', 'refund_amount'));
      assert.equal((await stripe.charges.retrieve(refund.charge as string)).amount_refunded, 1450);
      assert.ok(other.id);
      // Voiding gives back the balance credit only; the refund stays.
      await stripe.creditNotes.voidCreditNote(cn.id);
      assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance, 0);
      assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'succeeded');
    });

    it('refund_amount on an invoice paid out of band is refused', async () => {
      const stripe = server.stripe();
      const { invoice } = await openInvoice(stripe);
      await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });
      await assert.rejects(stripe.creditNotes.create({ invoice: invoice.id, amount: 100, refund_amount: 100 }), refused(400, undefined, 'refund_amount'));
      await assert.rejects(stripe.creditNotes.create({ invoice: invoice.id, amount: 100, refunds: [{ refund: 're_nope' }] }), refused(404, 'resource_missing', 'refunds[0][refund]'));
    });

    it('refuses a draft or void invoice', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const draft = await stripe.invoices.create({ customer: customer.id });
      await assert.rejects(stripe.creditNotes.create({ invoice: draft.id, amount: 1 }), refused(400, undefined, 'invoice'));
      await assert.rejects(stripe.creditNotes.create({ invoice: 'in_nope', amount: 1 }), refused(404, 'resource_missing', 'invoice'));
    });

    it('credits a taxed invoice line by line: each line’s tax prorated, exact to the yen over two credit notes, refunded tax included', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'tax@example.com' });
      const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      const standard = await stripe.taxRates.create({ display_name: 'JCT', percentage: 10, inclusive: false, country: 'JP' });
      const reduced = await stripe.taxRates.create({ display_name: 'JCT reduced', percentage: 8, inclusive: true, country: 'JP' });
      const draft = await stripe.invoices.create({ customer: customer.id, currency: 'jpy' });
      await stripe.invoices.addLines(draft.id, {
        lines: [
          { amount: 1010, description: 'Tea set', quantity: 2, tax_rates: [standard.id] } as Stripe.InvoiceAddLinesParams.Line,
          { amount: 3000, description: 'Rice', tax_rates: [reduced.id] },
        ],
      });
      const invoice = await stripe.invoices.pay(draft.id, { payment_method: pm.id });
      // 1010 × 10 % = 101 on top; 3000 holds 3000 − round(3000 / 1.08) = 222.
      assert.equal(invoice.total, 4111);
      const [lineA, lineB] = invoice.lines.data as [Stripe.InvoiceLineItem, Stripe.InvoiceLineItem];
      const params: Stripe.CreditNoteCreateParams = {
        invoice: invoice.id,
        lines: [
          { type: 'invoice_line_item', invoice_line_item: lineA.id, quantity: 1 },
          { type: 'invoice_line_item', invoice_line_item: lineB.id, amount: 1500 },
        ],
        refund_amount: 2056,
      };
      const preview = await stripe.creditNotes.preview(params as Stripe.CreditNotePreviewParams);
      const previewLines = await stripe.creditNotes.listPreviewLineItems(params as Stripe.CreditNoteListPreviewLineItemsParams);
      const first = await stripe.creditNotes.create(params);
      for (const cn of [preview, first]) {
        // Half of 1010 takes half of its 101, rounded: 51; half of 3000 half of its inclusive 222: 111.
        assert.equal(cn.subtotal, 2005);
        assert.equal(cn.subtotal_excluding_tax, 1894);
        assert.equal(cn.total, 2056);
        assert.equal(cn.amount, 2056);
        assert.equal(cn.total_excluding_tax, 1894);
        assert.deepEqual(
          cn.total_taxes?.map((t) => [t.tax_rate_details?.tax_rate, t.amount, t.tax_behavior, t.taxable_amount]),
          [
            [standard.id, 51, 'exclusive', 505],
            [reduced.id, 111, 'inclusive', 1389],
          ],
        );
        assert.deepEqual(cn.lines.data.map((l) => [l.amount, l.taxes?.map((t) => t.amount), l.tax_rates.map((r) => r.id)]), [
          [505, [51], [standard.id]],
          [1500, [111], [reduced.id]],
        ]);
      }
      assert.deepEqual(previewLines.data.map((l) => [l.amount, l.taxes?.[0]?.amount]), [[505, 51], [1500, 111]]);
      const refund = await stripe.refunds.retrieve(first.refunds[0]?.refund as string);
      assert.equal(refund.amount, 2056, 'the refund is the tax-inclusive total');

      // The rest of both lines: what is left of each tax, so the two notes add up to the invoice to the yen.
      const second = await stripe.creditNotes.create({
        invoice: invoice.id,
        lines: [
          { type: 'invoice_line_item', invoice_line_item: lineA.id, quantity: 1 },
          { type: 'invoice_line_item', invoice_line_item: lineB.id, amount: 1500 },
        ],
        credit_amount: 2055,
      });
      assert.deepEqual(second.total_taxes?.map((t) => [t.amount, t.taxable_amount]), [[50, 505], [111, 1389]]);
      assert.equal(second.total, 2055);
      assert.equal(first.total + second.total, invoice.total);
      assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance, -2055);
      assert.equal((await stripe.invoices.retrieve(invoice.id)).post_payment_credit_notes_amount, 4111);
      await assert.rejects(
        stripe.creditNotes.create({ invoice: invoice.id, lines: [{ type: 'invoice_line_item', invoice_line_item: lineA.id, amount: 1 }] }),
        refused(400, undefined, 'lines[0][amount]'),
      );
      // `amount` must be the total, tax included (another customer: this one's balance would pay the invoice).
      const other = await stripe.customers.create({});
      const paid2 = await stripe.invoices.create({ customer: other.id, currency: 'jpy' });
      await stripe.invoices.addLines(paid2.id, { lines: [{ amount: 1000, description: 'Cups', tax_rates: [standard.id] }] });
      const inv2 = await stripe.invoices.pay(paid2.id, { paid_out_of_band: true });
      const line2 = inv2.lines.data[0] as Stripe.InvoiceLineItem;
      await assert.rejects(stripe.creditNotes.create({ invoice: inv2.id, amount: 1000, lines: [{ type: 'invoice_line_item', invoice_line_item: line2.id, amount: 1000 }] }), refused(400, undefined, 'amount'));
      const whole = await stripe.creditNotes.create({ invoice: inv2.id, amount: 1100, lines: [{ type: 'invoice_line_item', invoice_line_item: line2.id, amount: 1000 }] });
      assert.equal(whole.total, 1100);
    });

    it('credits an open invoice with tax by amount alone (its share of the tax) and by a taxed custom line', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const rate = await stripe.taxRates.create({ display_name: 'Sales tax', percentage: 10, inclusive: false });
      const draft = await stripe.invoices.create({ customer: customer.id, default_tax_rates: [rate.id] });
      await stripe.invoices.addLines(draft.id, { lines: [{ amount: 2000, description: 'Chair' }] });
      const invoice = await stripe.invoices.finalizeInvoice(draft.id);
      assert.equal(invoice.total, 2200);
      const byAmount = await stripe.creditNotes.create({ invoice: invoice.id, amount: 550 });
      assert.equal(byAmount.total, 550);
      assert.equal(byAmount.subtotal, 500);
      assert.deepEqual(byAmount.total_taxes?.map((t) => [t.tax_rate_details?.tax_rate, t.amount, t.taxable_amount]), [[rate.id, 50, 500]]);
      assert.deepEqual(byAmount.lines.data, []);
      const custom = await stripe.creditNotes.create({ invoice: invoice.id, lines: [{ type: 'custom_line_item', unit_amount: 300, quantity: 2, description: 'Goodwill', tax_rates: [rate.id] }] });
      assert.equal(custom.subtotal, 600);
      assert.equal(custom.total, 660);
      assert.deepEqual(custom.lines.data[0]?.taxes?.map((t) => [t.amount, t.tax_behavior, t.taxable_amount]), [[60, 'exclusive', 600]]);
      assert.equal(custom.lines.data[0]?.tax_rates[0]?.id, rate.id);
      const after = await stripe.invoices.retrieve(invoice.id);
      assert.equal(after.pre_payment_credit_notes_amount, 1210);
      assert.equal(after.amount_due, 990);
      await assert.rejects(
        stripe.creditNotes.create({ invoice: invoice.id, lines: [{ type: 'custom_line_item', unit_amount: 100, tax_rates: [rate.id], tax_amounts: [{ amount: 10, tax_rate: rate.id, taxable_amount: 100 }] }] }),
        refused(400, undefined, 'lines[0][tax_rates]'),
      );
    });

    it('credits its share of a discounted line: the discount’s share off, the tax on what is left', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'once' });
      const rate = await stripe.taxRates.create({ display_name: 'VAT', percentage: 10, inclusive: false });
      const draft = await stripe.invoices.create({ customer: customer.id, default_tax_rates: [rate.id], discounts: [{ coupon: coupon.id }] });
      await stripe.invoices.addLines(draft.id, { lines: [{ amount: 2000, description: 'Course' }] });
      const invoice = await stripe.invoices.finalizeInvoice(draft.id);
      assert.equal(invoice.total, 1980);
      const line = invoice.lines.data[0] as Stripe.InvoiceLineItem;
      const discount = invoice.discounts[0] as string;
      const cn = await stripe.creditNotes.create({ invoice: invoice.id, lines: [{ type: 'invoice_line_item', invoice_line_item: line.id, amount: 1000 }] });
      assert.equal(cn.subtotal, 1000);
      assert.equal(cn.discount_amount, 100);
      assert.deepEqual(cn.discount_amounts, [{ amount: 100, discount }]);
      assert.deepEqual(cn.pretax_credit_amounts, [{ amount: 100, discount, type: 'discount' }]);
      assert.deepEqual(cn.total_taxes?.map((t) => [t.amount, t.taxable_amount]), [[90, 900]]);
      assert.equal(cn.total, 990);
      assert.equal(cn.total_excluding_tax, 900);
      assert.equal(cn.lines.data[0]?.discount_amount, 100);
      assert.equal((await stripe.invoices.retrieve(invoice.id)).amount_due, 990);
    });
  });
}
