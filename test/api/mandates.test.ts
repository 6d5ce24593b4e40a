/**
 * Mandates through the SDK (docs/decisions.md#mandates): saving a bank account with a SetupIntent,
 * or debiting one with a PaymentIntent, makes a Mandate from the confirmation's `mandate_data`;
 * the SetupIntent's `mandate` and the charge's `payment_method_details.<type>.mandate` name it, and
 * `GET /v1/mandates/:id` retrieves it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

const BANK = { routing_number: '110000000', account_number: '000123456789', account_holder_type: 'individual' as const };
const ONLINE = { customer_acceptance: { type: 'online' as const, online: { ip_address: '203.0.113.7', user_agent: 'Mozilla/5.0 (test)' } } };

for (const store of STORES) {
  describe(`mandates (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_SETTLEMENT_DELAY: '1' } });
    });
    after(() => server.close());

    it('Checkout makes the mandate of a debit: single-use paying, multi-use saving, offline through the payment-page API', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'jenny@example.com' });
      const sepa = () => stripe.paymentMethods.create({ type: 'sepa_debit', sepa_debit: { iban: 'DE89370400440532013000' }, billing_details: { name: 'Jenny Rosen', email: 'jenny@example.com' } });
      const pay = await stripe.checkout.sessions.create({
        mode: 'payment',
        customer: customer.id,
        allowed_payment_method_types: ['sepa_debit'],
        line_items: [{ price_data: { currency: 'eur', unit_amount: 4500, product_data: { name: 'Linen shirt' } }, quantity: 1 }],
        success_url: 'https://shop.example/done',
      });
      await stripe.rawRequest('POST', `/v1/payment_pages/${pay.id}/confirm`, { payment_method: (await sepa()).id, expected_amount: 4500 });
      const paid = await stripe.checkout.sessions.retrieve(pay.id, { expand: ['payment_intent.latest_charge'] });
      const charge = (paid.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
      const single = await stripe.mandates.retrieve(charge.payment_method_details?.sepa_debit?.mandate as string);
      assert.deepEqual([single.type, single.single_use?.amount, single.single_use?.currency, single.customer_acceptance.type], ['single_use', 4500, 'eur', 'offline']);
      await assertMatchesSchema('mandate', single);

      const save = await stripe.checkout.sessions.create({ mode: 'setup', customer: customer.id, allowed_payment_method_types: ['sepa_debit'], currency: 'eur', success_url: 'https://shop.example/done' });
      await stripe.rawRequest('POST', `/v1/payment_pages/${save.id}/confirm`, { payment_method: (await sepa()).id });
      const saved = await stripe.checkout.sessions.retrieve(save.id, { expand: ['setup_intent'] });
      const si = saved.setup_intent as Stripe.SetupIntent;
      assert.equal(si.status, 'succeeded');
      const multi = await stripe.mandates.retrieve(si.mandate as string);
      assert.deepEqual([multi.type, multi.status, multi.payment_method], ['multi_use', 'active', si.payment_method]);
    });

    it('a SetupIntent saving a SEPA account has a multi-use mandate accepted online', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'jenny@example.com' });
      const si = await stripe.setupIntents.create({
        customer: customer.id,
        payment_method_types: ['sepa_debit'],
        payment_method_data: { type: 'sepa_debit', sepa_debit: { iban: 'DE89370400440532013000' }, billing_details: { name: 'Jenny Rosen', email: 'jenny@example.com' } },
        mandate_data: ONLINE,
        confirm: true,
      } as Stripe.SetupIntentCreateParams);
      assert.equal(si.status, 'succeeded');
      assert.match(si.mandate as string, /^mandate_/);
      const m = await stripe.mandates.retrieve(si.mandate as string);
      assertMatchesSchema('mandate', m);
      assert.deepEqual([m.type, m.status, m.payment_method, m.payment_method_details.type], ['multi_use', 'active', si.payment_method, 'sepa_debit']);
      assert.deepEqual(m.customer_acceptance.online, { ip_address: '203.0.113.7', user_agent: 'Mozilla/5.0 (test)' });
      assert.equal(m.customer_acceptance.type, 'online');
      assert.ok(m.payment_method_details.sepa_debit?.reference && m.payment_method_details.sepa_debit.url);
      const expanded = await stripe.setupIntents.retrieve(si.id, { expand: ['mandate'] });
      assert.equal((expanded.mandate as Stripe.Mandate).id, m.id);
      await assert.rejects(stripe.mandates.retrieve('mandate_missing'), (err: Stripe.errors.StripeError) => err.statusCode === 404 && err.code === 'resource_missing');
    });

    it('an ACH debit is made under a single-use mandate its charge names; pending while microdeposits verify a SetupIntent', async () => {
      const stripe = server.stripe();
      const pi = await stripe.paymentIntents.create({
        amount: 2500,
        currency: 'usd',
        allowed_payment_method_types: ['us_bank_account'],
        payment_method_data: { type: 'us_bank_account', us_bank_account: BANK, billing_details: { name: 'Jenny Rosen' } },
        mandate_data: { customer_acceptance: { type: 'offline' } },
        confirm: true,
      });
      assert.equal(pi.status, 'processing');
      const charge = await stripe.charges.retrieve(pi.latest_charge as string);
      const id = charge.payment_method_details?.us_bank_account?.mandate as string;
      assert.match(id, /^mandate_/);
      const m = await stripe.mandates.retrieve(id);
      assertMatchesSchema('mandate', m);
      assert.deepEqual([m.type, m.single_use, m.customer_acceptance.type, m.payment_method_details.type], ['single_use', { amount: 2500, currency: 'usd' }, 'offline', 'us_bank_account']);

      const si = await stripe.setupIntents.create({
        payment_method_types: ['us_bank_account'],
        payment_method_options: { us_bank_account: { verification_method: 'microdeposits' } },
        payment_method_data: { type: 'us_bank_account', us_bank_account: BANK, billing_details: { name: 'Jenny Rosen' } },
        mandate_data: ONLINE,
        confirm: true,
      } as Stripe.SetupIntentCreateParams);
      assert.equal(si.status, 'requires_action');
      assert.equal((await stripe.mandates.retrieve(si.mandate as string)).status, 'pending');
      await stripe.setupIntents.verifyMicrodeposits(si.id, { descriptor_code: 'SM11AA' });
      assert.equal((await stripe.mandates.retrieve(si.mandate as string)).status, 'active');
      // A PaymentIntent that waits for microdeposits debits under the mandate accepted at its confirmation, active once verified.
      const waiting = await stripe.paymentIntents.create({
        amount: 3100,
        currency: 'usd',
        allowed_payment_method_types: ['us_bank_account'],
        payment_method_options: { us_bank_account: { verification_method: 'microdeposits' } },
        payment_method_data: { type: 'us_bank_account', us_bank_account: BANK, billing_details: { name: 'Jenny Rosen' } },
        mandate_data: ONLINE,
        confirm: true,
      });
      assert.equal(waiting.status, 'requires_action');
      const debited = await stripe.paymentIntents.verifyMicrodeposits(waiting.id, { descriptor_code: 'SM11AA' });
      assert.equal(debited.status, 'processing');
      const debit = await stripe.charges.retrieve(debited.latest_charge as string);
      const accepted = await stripe.mandates.retrieve(debit.payment_method_details?.us_bank_account?.mandate as string);
      assert.deepEqual(
        [accepted.status, accepted.type, accepted.single_use, accepted.customer_acceptance.type, accepted.customer_acceptance.online?.ip_address],
        ['active', 'single_use', { amount: 3100, currency: 'usd' }, 'online', '203.0.113.7'],
      );

      // A card has no mandate; bad mandate_data is Stripe's 400.
      const card = await stripe.setupIntents.create({ payment_method: 'pm_card_visa', payment_method_types: ['card'], confirm: true } as Stripe.SetupIntentCreateParams);
      assert.equal(card.mandate, null);
      await assert.rejects(
        stripe.paymentIntents.create({ amount: 2500, currency: 'usd', allowed_payment_method_types: ['us_bank_account'], payment_method_data: { type: 'us_bank_account', us_bank_account: BANK, billing_details: { name: 'J' } }, mandate_data: { customer_acceptance: { type: 'online' } } as never, confirm: true }),
        (err: Stripe.errors.StripeError) => err.statusCode === 400 && err.code === 'parameter_missing',
      );
    });
  });
}
