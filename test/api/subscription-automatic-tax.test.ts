/**
 * Stripe Tax on subscriptions (docs/decisions.md#automatic-tax-on-subscriptions):
 * `automatic_tax[enabled]` on create and update, and from a Checkout Session with automatic tax,
 * taxes the first invoice and every renewal at the rate of the customer's location; a location
 * Stripe Tax cannot use refuses the create or update, and a renewal after the customer's address
 * became unusable is finalized untaxed with `disabled_reason`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242, payOnHostedPage } from '../../src/cli/page.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';
import { advance } from '../helpers/wait.js';

const month = (m: number) => Date.UTC(2027, m, 1) / 1000;
const HOUR = 3600;
const CA = { country: 'US', state: 'CA', postal_code: '94103', line1: '1 Main St' };

async function renewals(stripe: Stripe, sub: string): Promise<Stripe.Invoice[]> {
  return (await stripe.invoices.list({ subscription: sub, limit: 20 })).data.reverse();
}

for (const store of STORES) {
  describe(`automatic tax on subscriptions (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('taxes the first invoice and the renewals at the location’s rate; refuses a location it cannot tax', async () => {
      const stripe = server.stripe(freshKey());
      await stripe.tax.registrations.create({ country: 'US', active_from: 'now', country_options: { us: { state: 'CA', type: 'state_sales_tax' } } });
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: month(0) });
      const price = await stripe.prices.create({ currency: 'usd', unit_amount: 2000, recurring: { interval: 'month' }, product_data: { name: 'Pro' } });
      const customerAt = async (address: Stripe.AddressParam) => {
        const c = await stripe.customers.create({ address, test_clock: clock.id });
        const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: c.id });
        await stripe.customers.update(c.id, { invoice_settings: { default_payment_method: pm.id } });
        return c;
      };

      const ca = await customerAt(CA);
      const sub = await stripe.subscriptions.create({ customer: ca.id, items: [{ price: price.id }], automatic_tax: { enabled: true } });
      assert.equal(sub.status, 'active');
      assert.deepEqual(sub.automatic_tax, { disabled_reason: null, enabled: true, liability: { type: 'self' } });
      assertMatchesSchema('subscription', sub);
      const first = await stripe.invoices.retrieve(sub.latest_invoice as string);
      assert.deepEqual([first.subtotal, first.total, first.amount_paid], [2000, 2145, 2145]);
      assert.deepEqual(first.total_taxes?.map((t) => [t.amount, t.tax_behavior, t.taxable_amount]), [[145, 'exclusive', 2000]]);
      assert.equal(first.automatic_tax.enabled, true);
      assert.equal(first.automatic_tax.status, 'complete');
      assertMatchesSchema('invoice', first);

      // Turned on by an update: the next renewal is taxed.
      const later = await stripe.subscriptions.create({ customer: (await customerAt(CA)).id, items: [{ price: price.id }] });
      assert.equal(later.automatic_tax.enabled, false);
      const updated = await stripe.subscriptions.update(later.id, { automatic_tax: { enabled: true } });
      assert.equal(updated.automatic_tax.enabled, true);

      // No recognized location (a US address without a 5-digit postal code): refused, nothing made.
      const nowhere = await customerAt({ country: 'US', line1: '1 Main St' });
      await assert.rejects(stripe.subscriptions.create({ customer: nowhere.id, items: [{ price: price.id }], automatic_tax: { enabled: true } }), (e: Stripe.errors.StripeError) => {
        assert.equal(e.statusCode, 400);
        assert.equal(e.code, 'customer_tax_location_invalid');
        return true;
      });
      assert.equal((await stripe.subscriptions.list({ customer: nowhere.id })).data.length, 0);
      const plain = await stripe.subscriptions.create({ customer: nowhere.id, items: [{ price: price.id }] });
      await assert.rejects(stripe.subscriptions.update(plain.id, { automatic_tax: { enabled: true } }), { statusCode: 400, code: 'customer_tax_location_invalid' });

      // The preview of the next invoice is taxed as the renewal will be; a location it cannot use shows why.
      const preview = await stripe.invoices.createPreview({ subscription: sub.id });
      assert.deepEqual([preview.subtotal, preview.total, preview.automatic_tax.enabled, preview.automatic_tax.status], [2000, 2145, true, 'complete']);
      assert.deepEqual(preview.total_taxes?.map((t) => t.amount), [145]);
      const untaxed = await stripe.invoices.createPreview({ customer: nowhere.id, subscription: plain.id, automatic_tax: { enabled: true } });
      assert.deepEqual([untaxed.total, untaxed.automatic_tax.status], [2000, 'requires_location_inputs']);
      assert.equal((await stripe.invoices.createPreview({ subscription: plain.id })).automatic_tax.enabled, false);

      await advance(stripe, clock.id, month(1) + HOUR + 60);
      assert.deepEqual((await renewals(stripe, sub.id)).map((i) => i.amount_paid), [2145, 2145]);
      assert.deepEqual((await renewals(stripe, later.id)).map((i) => i.amount_paid), [2000, 2145]);
      assert.deepEqual((await renewals(stripe, plain.id)).map((i) => i.amount_paid), [2000, 2000]);

      // The customer's address became unusable: the renewal is finalized without tax, as Stripe does.
      await stripe.customers.update(ca.id, { address: { country: 'US', state: '', postal_code: '', line1: '1 Main St' } });
      await advance(stripe, clock.id, month(2) + HOUR + 60);
      const third = (await renewals(stripe, sub.id))[2] as Stripe.Invoice;
      assert.deepEqual([third.status, third.total, third.amount_paid], ['paid', 2000, 2000]);
      assert.deepEqual(third.automatic_tax, { disabled_reason: 'finalization_requires_location_inputs', enabled: false, liability: { type: 'self' }, provider: 'stripe', status: 'requires_location_inputs' });
      assert.equal((await stripe.subscriptions.retrieve(sub.id)).status, 'active');
    });

    it('a Checkout subscription session with automatic tax makes a subscription with it, its renewals taxed', async () => {
      const stripe = server.stripe(freshKey());
      await stripe.tax.registrations.create({ country: 'US', active_from: 'now', country_options: { us: { state: 'CA', type: 'state_sales_tax' } } });
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: month(0) });
      const customer = await stripe.customers.create({ email: 'tax@example.com', address: CA, test_clock: clock.id });
      const price = await stripe.prices.create({ currency: 'usd', unit_amount: 2000, recurring: { interval: 'month' }, product_data: { name: 'Pro' }, tax_behavior: 'exclusive' });
      const s = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: customer.id,
        customer_update: { address: 'auto' },
        automatic_tax: { enabled: true },
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: 'https://merchant.example/success',
      });
      await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242, billingPostalCode: '94103', billingState: 'CA' });
      const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['subscription', 'invoice'] });
      assert.equal(done.status, 'complete');
      const sub = done.subscription as Stripe.Subscription;
      assert.equal(sub.automatic_tax.enabled, true);
      const first = done.invoice as Stripe.Invoice;
      assert.equal(first.amount_paid, done.amount_total);
      // The first invoice carries the tax Checkout computed, under Stripe Tax like its renewals.
      assert.deepEqual([first.automatic_tax.enabled, first.automatic_tax.status], [true, 'complete']);
      assert.equal(first.total_taxes?.reduce((sum, t) => sum + t.amount, 0), done.total_details?.amount_tax);
      assert.ok((done.total_details?.amount_tax ?? 0) > 0);
      assert.equal(first.total_excluding_tax, (done.amount_total ?? 0) - (done.total_details?.amount_tax ?? 0));
      await advance(stripe, clock.id, month(1) + HOUR + 60);
      const renewal = (await renewals(stripe, sub.id))[1] as Stripe.Invoice;
      assert.equal(renewal.billing_reason, 'subscription_cycle');
      assert.deepEqual([renewal.subtotal, renewal.total, renewal.amount_paid], [2000, 2145, 2145]);
      assert.equal(renewal.automatic_tax.status, 'complete');
    });
  });
}
