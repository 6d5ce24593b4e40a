/**
 * What happens to an Invoices API invoice without a request: `invoice.overdue` at a sent
 * invoice's due date (on a test clock), and finalization refused with `last_finalization_error`
 * and `invoice.finalization_failed`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';

const DAY = 86_400;
const START = Date.UTC(2027, 2, 1) / 1000;

async function advance(stripe: Stripe, clock: string, to: number): Promise<void> {
  await stripe.testHelpers.testClocks.advance(clock, { frozen_time: to });
  for (let i = 0; i < 200; i++) {
    if ((await stripe.testHelpers.testClocks.retrieve(clock)).status === 'ready') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the clock did not become ready');
}

for (const store of STORES) {
  describe(`invoice automation (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('sends invoice.overdue when a sent invoice is still open at its due date, on the test clock, once', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: START });
      const customer = await stripe.customers.create({ email: 'late@example.com', test_clock: clock.id });
      const make = async (days: number) => {
        const draft = await stripe.invoices.create({ customer: customer.id, collection_method: 'send_invoice', days_until_due: days });
        await stripe.invoices.addLines(draft.id, { lines: [{ amount: 5000, description: 'Consulting' }] });
        return stripe.invoices.sendInvoice(draft.id);
      };
      const late = await make(3);
      const paid = await make(3);
      const moved = await make(3);
      assert.equal(late.due_date, START + 3 * DAY);
      await stripe.invoices.pay(paid.id, { paid_out_of_band: true });
      await stripe.invoices.update(moved.id, { due_date: START + 10 * DAY });

      const overdue = async () => (await eventsOf(server, key)).filter((e) => e.type === 'invoice.overdue').map((e) => e.data.object.id);
      await advance(stripe, clock.id, START + 3 * DAY - 60);
      assert.deepEqual(await overdue(), [], 'nothing is overdue before the due date');
      await advance(stripe, clock.id, START + 4 * DAY);
      assert.deepEqual(await overdue(), [late.id], 'the open invoice is overdue at its due date; the paid one is not');
      const event = (await stripe.events.list({ type: 'invoice.overdue', limit: 1 })).data[0];
      assert.equal(event?.created, START + 3 * DAY, 'at the due date, in the clock’s time');
      assert.equal((event?.data.object as Stripe.Invoice).status, 'open');
      await advance(stripe, clock.id, START + 11 * DAY);
      assert.deepEqual(await overdue(), [late.id, moved.id], 'a due date moved later is overdue then, and each invoice once');
      // A charge_automatically invoice is never overdue.
      const auto = await stripe.invoices.create({ customer: customer.id });
      await stripe.invoices.addLines(auto.id, { lines: [{ amount: 100, description: 'x' }] });
      await stripe.invoices.finalizeInvoice(auto.id);
      await advance(stripe, clock.id, START + 60 * DAY);
      assert.deepEqual(await overdue(), [late.id, moved.id]);
    });

    it('a subscription’s sent invoice is overdue at its due date, and the subscription past_due', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: START });
      const customer = await stripe.customers.create({ email: 'sub@example.com', test_clock: clock.id });
      const price = await stripe.prices.create({ currency: 'usd', unit_amount: 1500, recurring: { interval: 'month' }, product_data: { name: 'Plan' } });
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], collection_method: 'send_invoice', days_until_due: 5 });
      await advance(stripe, clock.id, START + 6 * DAY);
      const events = (await eventsOf(server, key)).filter((e) => e.type === 'invoice.overdue');
      assert.deepEqual(events.map((e) => e.data.object.id), [sub.latest_invoice]);
      assert.equal((await stripe.subscriptions.retrieve(sub.id)).status, 'past_due');
    });

    it('refuses to finalize an automatic-tax invoice for a customer with no recognized location: last_finalization_error and invoice.finalization_failed; taxes it once the address is set', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ email: 'where@example.com', address: { country: 'US', line1: '1 Main St' } });
      const draft = await stripe.invoices.create({ customer: customer.id, automatic_tax: { enabled: true } });
      assert.equal(draft.automatic_tax.enabled, true);
      await stripe.invoices.addLines(draft.id, { lines: [{ amount: 10000, description: 'Desk' }] });

      // A US address without a 5-digit postal code is no tax location.
      await assert.rejects(stripe.invoices.finalizeInvoice(draft.id), (e: Stripe.errors.StripeError) => {
        assert.equal(e.statusCode, 400);
        assert.equal(e.type, 'StripeInvalidRequestError');
        assert.equal(e.code, 'customer_tax_location_invalid');
        return true;
      });
      const failed = await stripe.invoices.retrieve(draft.id);
      assert.equal(failed.status, 'draft');
      assert.equal(failed.number, null);
      assert.equal(failed.last_finalization_error?.code, 'customer_tax_location_invalid');
      assert.equal(failed.last_finalization_error?.type, 'invalid_request_error');
      assert.match(failed.last_finalization_error?.doc_url ?? '', /customer-tax-location-invalid/);
      assert.equal(failed.automatic_tax.status, 'requires_location_inputs');
      assertMatchesSchema('invoice', failed);
      const events = (await eventsOf(server, key, draft.id)).map((e) => e.type);
      assert.deepEqual(events.filter((t) => t.startsWith('invoice.finaliz')), ['invoice.finalization_failed']);
      const event = (await stripe.events.list({ type: 'invoice.finalization_failed', limit: 1 })).data[0];
      assert.equal((event?.data.object as Stripe.Invoice).last_finalization_error?.code, 'customer_tax_location_invalid');
      // Paying or sending finalizes first: refused the same way, the draft unchanged.
      await assert.rejects(stripe.invoices.pay(draft.id, { paid_out_of_band: true }), { statusCode: 400, code: 'customer_tax_location_invalid' });
      assert.equal((await eventsOf(server, key, draft.id)).filter((e) => e.type === 'invoice.finalization_failed').length, 2);
      assert.equal((await stripe.invoices.retrieve(draft.id)).status, 'draft');

      // With a location the account is registered in, the invoice is taxed at finalization.
      await stripe.tax.registrations.create({ country: 'US', active_from: 'now', country_options: { us: { state: 'CA', type: 'state_sales_tax' } } });
      await stripe.customers.update(customer.id, { address: { country: 'US', state: 'CA', postal_code: '94103', line1: '1 Main St' } });
      const open = await stripe.invoices.finalizeInvoice(draft.id);
      assert.equal(open.status, 'open');
      assert.equal(open.last_finalization_error, null);
      assert.equal(open.automatic_tax.status, 'complete');
      assert.equal(open.subtotal, 10000);
      assert.deepEqual(open.total_taxes?.map((t) => [t.amount, t.tax_behavior, t.taxable_amount]), [[725, 'exclusive', 10000]]);
      assert.equal(open.total, 10725);
      assert.equal(open.amount_due, 10725);
      assertMatchesSchema('invoice', open);
      // A location outside any registration: finalized, no tax.
      const abroad = await stripe.customers.create({ shipping: { name: 'Kei', address: { country: 'JP' } } });
      const other = await stripe.invoices.create({ customer: abroad.id, automatic_tax: { enabled: true } });
      await stripe.invoices.addLines(other.id, { lines: [{ amount: 5000, description: 'Lamp' }] });
      const untaxed = await stripe.invoices.finalizeInvoice(other.id);
      assert.equal(untaxed.total, 5000);
      assert.equal(untaxed.automatic_tax.status, 'complete');
    });

    it('finalizes an auto-advancing draft an hour after its creation: charged, sent, or refused with invoice.finalization_failed', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: START });
      const payer = await stripe.customers.create({ email: 'auto@example.com', test_clock: clock.id, address: { country: 'US', postal_code: '10001' } });
      const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: payer.id });
      await stripe.customers.update(payer.id, { invoice_settings: { default_payment_method: pm.id } });
      const nowhere = await stripe.customers.create({ email: 'nowhere@example.com', test_clock: clock.id });
      const draftOf = async (customer: string, extra: Partial<Stripe.InvoiceCreateParams>) => {
        const d = await stripe.invoices.create({ customer, auto_advance: true, ...extra });
        await stripe.invoices.addLines(d.id, { lines: [{ amount: 4000, description: 'Service' }] });
        return d;
      };
      const charged = await draftOf(payer.id, {});
      const sent = await draftOf(payer.id, { collection_method: 'send_invoice', days_until_due: 14 });
      const refused = await draftOf(nowhere.id, { automatic_tax: { enabled: true } });
      const manual = await stripe.invoices.create({ customer: payer.id });
      assert.equal(charged.automatically_finalizes_at, START + 3600);
      assert.equal(manual.automatically_finalizes_at, null, 'without auto_advance, nothing is scheduled');

      await advance(stripe, clock.id, START + 3600 - 1);
      assert.equal((await stripe.invoices.retrieve(charged.id)).status, 'draft', 'not before the hour');
      await advance(stripe, clock.id, START + 2 * 3600);
      const paid = await stripe.invoices.retrieve(charged.id);
      assert.equal(paid.status, 'paid');
      assert.equal(paid.amount_paid, 4000);
      assert.equal(paid.status_transitions.finalized_at, START + 3600);
      assert.equal(paid.automatically_finalizes_at, null);
      const open = await stripe.invoices.retrieve(sent.id);
      assert.equal(open.status, 'open');
      const still = await stripe.invoices.retrieve(refused.id);
      assert.equal(still.status, 'draft');
      assert.equal(still.last_finalization_error?.code, 'customer_tax_location_invalid');
      const events = await eventsOf(server, key);
      const of = (id: string) => events.filter((e) => e.data.object.id === id).map((e) => e.type);
      assert.deepEqual(of(charged.id).filter((t) => t !== 'invoice.updated'), ['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']);
      assert.deepEqual(of(sent.id).filter((t) => t !== 'invoice.updated'), ['invoice.created', 'invoice.finalized', 'invoice.sent']);
      assert.deepEqual(of(refused.id).filter((t) => t !== 'invoice.updated'), ['invoice.created', 'invoice.finalization_failed']);
      const failedEvent = (await stripe.events.list({ type: 'invoice.finalization_failed', limit: 1 })).data[0];
      assert.equal(failedEvent?.created, START + 3600, 'at the hour, in the clock’s time');
      assert.equal((await stripe.invoices.retrieve(manual.id)).status, 'draft');
    });
  });
}
