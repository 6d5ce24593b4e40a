/**
 * ACH microdeposit verification through the SDK (docs/decisions.md#ach-microdeposits): an intent
 * asking for `verification_method: microdeposits` waits in `requires_action` with
 * `verify_with_microdeposits`; Stripe's test values verify it (the PaymentIntent settles through
 * the settlement job, the SetupIntent saves the account), others are refused as mismatches, the
 * special ones end the verification.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';

function refusal(status: number, code: string, param?: string) {
  return (err: Stripe.errors.StripeError) => {
    assert.equal(err.statusCode, status, err.message);
    assert.equal(err.code, code);
    if (param) assert.equal(err.param, param);
    return true;
  };
}

const BANK = { routing_number: '110000000', account_number: '000123456789', account_holder_type: 'individual' as const };
const MICRODEPOSITS = { us_bank_account: { verification_method: 'microdeposits' as const } };

async function eventTypes(stripe: Stripe): Promise<string[]> {
  return (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();
}

for (const store of STORES) {
  describe(`ACH microdeposit verification (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_SETTLEMENT_DELAY: '1' } });
    });
    after(() => server.close());

    async function waitingIntent(stripe: Stripe): Promise<Stripe.PaymentIntent> {
      const pi = await stripe.paymentIntents.create({
        amount: 2500,
        currency: 'usd',
        allowed_payment_method_types: ['us_bank_account'],
        payment_method_options: MICRODEPOSITS,
        payment_method_data: { type: 'us_bank_account', us_bank_account: BANK, billing_details: { name: 'Jenny Rosen' } },
        mandate_data: { customer_acceptance: { type: 'offline' } },
        confirm: true,
      });
      return pi;
    }

    it('a PaymentIntent waits for microdeposits, refuses a wrong code, then settles after SM11AA', async () => {
      const stripe = server.stripe();
      const pi = await waitingIntent(stripe);
      assert.equal(pi.status, 'requires_action');
      assert.equal(pi.next_action?.type, 'verify_with_microdeposits');
      const v = pi.next_action?.verify_with_microdeposits as Stripe.PaymentIntent.NextAction.VerifyWithMicrodeposits;
      assert.equal(v.microdeposit_type, 'descriptor_code');
      assert.ok(v.arrival_date > pi.created, 'the deposit arrives later');
      assert.match(v.hosted_verification_url, new RegExp(`/microdeposits/${pi.id}$`));
      assert.equal(pi.latest_charge, null, 'no debit before the account is verified');
      await assertMatchesSchema('payment_intent', pi);

      await assert.rejects(stripe.paymentIntents.verifyMicrodeposits(pi.id, { descriptor_code: 'SM00AA' }), refusal(400, 'payment_method_microdeposit_verification_descriptor_code_mismatch', 'descriptor_code'));
      await assert.rejects(stripe.paymentIntents.verifyMicrodeposits(pi.id, { amounts: [1, 2] }), refusal(400, 'payment_method_microdeposit_verification_amounts_mismatch', 'amounts'));
      await assert.rejects(stripe.paymentIntents.verifyMicrodeposits(pi.id, { amounts: [32] }), refusal(400, 'payment_method_microdeposit_verification_amounts_invalid', 'amounts'));
      await assert.rejects(stripe.paymentIntents.verifyMicrodeposits(pi.id, {}), refusal(400, 'parameter_missing', 'amounts'));
      assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, 'requires_action', 'a mismatch leaves it waiting');

      const verified = await stripe.paymentIntents.verifyMicrodeposits(pi.id, { descriptor_code: 'SM11AA' });
      assert.equal(verified.status, 'processing');
      assert.equal(verified.next_action, null);
      await assertMatchesSchema('payment_intent', verified);
      let settled = verified;
      for (let i = 0; i < 60 && settled.status === 'processing'; i++) {
        await new Promise((r) => setTimeout(r, 250));
        settled = await stripe.paymentIntents.retrieve(pi.id);
      }
      assert.equal(settled.status, 'succeeded');
      assert.equal((await stripe.charges.retrieve(settled.latest_charge as string)).status, 'succeeded');
      assert.deepEqual(await eventTypes(stripe), [
        'payment_intent.created',
        'payment_intent.requires_action',
        'charge.pending',
        'payment_intent.processing',
        'charge.succeeded',
        'payment_intent.succeeded',
      ]);
      await assert.rejects(stripe.paymentIntents.verifyMicrodeposits(pi.id, { amounts: [32, 45] }), refusal(400, 'payment_intent_unexpected_state'));
    });

    it('the amounts 32 and 45 verify too, also with a publishable key and the client_secret', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const pi = await waitingIntent(stripe);
      const browser = server.stripe(key.replace('sk_', 'pk_'));
      await assert.rejects(browser.paymentIntents.verifyMicrodeposits(pi.id, { amounts: [32, 45] }), (err: Stripe.errors.StripeError) => err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500);
      const verified = await browser.paymentIntents.verifyMicrodeposits(pi.id, { amounts: [32, 45], client_secret: pi.client_secret as string } as Stripe.PaymentIntentVerifyMicrodepositsParams);
      assert.equal(verified.status, 'processing');
    });

    it('the attempts-exceeded and timeout values end the verification: the PaymentIntent needs another payment method', async () => {
      const stripe = server.stripe();
      const first = await waitingIntent(stripe);
      await assert.rejects(stripe.paymentIntents.verifyMicrodeposits(first.id, { descriptor_code: 'SM33CC' }), refusal(400, 'payment_method_microdeposit_verification_attempts_exceeded'));
      const failed = await stripe.paymentIntents.retrieve(first.id);
      assert.equal(failed.status, 'requires_payment_method');
      assert.equal(failed.last_payment_error?.code, 'payment_method_microdeposit_verification_attempts_exceeded');
      assert.equal(failed.payment_method, null);
      await assertMatchesSchema('payment_intent', failed);
      const second = await waitingIntent(stripe);
      await assert.rejects(stripe.paymentIntents.verifyMicrodeposits(second.id, { amounts: [40, 41] }), refusal(400, 'payment_method_microdeposit_verification_timeout'));
      assert.equal((await stripe.paymentIntents.retrieve(second.id)).status, 'requires_payment_method');
    });

    it('counts wrong descriptor codes: the 10th locks the account, fails the PaymentIntent, and the account cannot be confirmed again', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const pi = await waitingIntent(stripe);
      for (let i = 1; i <= 9; i++) {
        await assert.rejects(stripe.paymentIntents.verifyMicrodeposits(pi.id, { descriptor_code: `SM0${i}ZZ` }), (err: Stripe.errors.StripeError) => {
          assert.equal(err.code, 'payment_method_microdeposit_verification_descriptor_code_mismatch');
          assert.match(err.message, new RegExp(`${10 - i} attempts? remains?\\.$`));
          return true;
        });
      }
      assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, 'requires_action', 'nine wrong codes: still waiting');
      await assert.rejects(stripe.paymentIntents.verifyMicrodeposits(pi.id, { descriptor_code: 'SM10ZZ' }), refusal(400, 'payment_method_microdeposit_verification_attempts_exceeded'));
      const failed = await stripe.paymentIntents.retrieve(pi.id);
      assert.deepEqual([failed.status, failed.payment_method, failed.last_payment_error?.code, failed.last_payment_error?.type], [
        'requires_payment_method',
        null,
        'payment_method_microdeposit_verification_attempts_exceeded',
        'invalid_request_error',
      ]);
      await assertMatchesSchema('payment_intent', failed);
      assert.equal((await eventTypes(stripe)).at(-1), 'payment_intent.payment_failed');
      // Even the right code no longer verifies: the intent is not waiting, and the account is locked.
      await assert.rejects(stripe.paymentIntents.verifyMicrodeposits(pi.id, { descriptor_code: 'SM11AA' }), refusal(400, 'payment_intent_unexpected_state'));
      const locked = (failed.last_payment_error?.payment_method as Stripe.PaymentMethod).id;
      await assert.rejects(stripe.paymentIntents.confirm(pi.id, { payment_method: locked }), refusal(400, 'payment_method_microdeposit_verification_attempts_exceeded', 'payment_method'));
    });

    it('counts wrong values sent at the same moment once each: one of them locks the account, none is lost', async () => {
      const stripe = server.stripe();
      const pi = await waitingIntent(stripe);
      const answers = await Promise.allSettled(Array.from({ length: 14 }, (_, i) => stripe.paymentIntents.verifyMicrodeposits(pi.id, { amounts: [1, 2 + i] })));
      const codes = answers.map((a) => (a.status === 'rejected' ? (a.reason as Stripe.errors.StripeError).code : 'ok'));
      const count = (c: string) => codes.filter((x) => x === c).length;
      assert.equal(count('payment_method_microdeposit_verification_amounts_mismatch'), 9, codes.join());
      assert.equal(count('payment_method_microdeposit_verification_attempts_exceeded'), 1, codes.join());
      assert.equal(count('payment_intent_unexpected_state'), 4, codes.join());
      assert.equal((await stripe.paymentIntents.retrieve(pi.id)).last_payment_error?.code, 'payment_method_microdeposit_verification_attempts_exceeded');
    });

    it('a SetupIntent fails with last_setup_error after 10 wrong values', async () => {
      const stripe = server.stripe();
      const si = await stripe.setupIntents.create({
        payment_method_types: ['us_bank_account'],
        payment_method_options: MICRODEPOSITS,
        payment_method_data: { type: 'us_bank_account', us_bank_account: BANK, billing_details: { name: 'Jenny Rosen' } },
        confirm: true,
      } as Stripe.SetupIntentCreateParams);
      for (let i = 0; i < 9; i++) {
        await assert.rejects(stripe.setupIntents.verifyMicrodeposits(si.id, { descriptor_code: 'SM99XX' }), refusal(400, 'payment_method_microdeposit_verification_descriptor_code_mismatch'));
      }
      await assert.rejects(stripe.setupIntents.verifyMicrodeposits(si.id, { descriptor_code: 'SM99XX' }), refusal(400, 'payment_method_microdeposit_verification_attempts_exceeded'));
      const failed = await stripe.setupIntents.retrieve(si.id);
      assert.deepEqual([failed.status, failed.last_setup_error?.code], ['requires_payment_method', 'payment_method_microdeposit_verification_attempts_exceeded']);
      await assertMatchesSchema('setup_intent', failed);
    });

    it('fails the PaymentIntent when microdeposits cannot be sent (000666666661): payment_method_microdeposit_failed', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const pi = await stripe.paymentIntents.create({
        amount: 2500,
        currency: 'usd',
        allowed_payment_method_types: ['us_bank_account'],
        payment_method_options: MICRODEPOSITS,
        payment_method_data: { type: 'us_bank_account', us_bank_account: { ...BANK, account_number: '000666666661' }, billing_details: { name: 'Jenny Rosen' } },
        confirm: true,
      });
      assert.equal(pi.status, 'requires_action');
      let failed = pi;
      for (let i = 0; i < 60 && failed.status === 'requires_action'; i++) {
        await new Promise((r) => setTimeout(r, 250));
        failed = await stripe.paymentIntents.retrieve(pi.id);
      }
      assert.deepEqual([failed.status, failed.last_payment_error?.code, failed.payment_method], ['requires_payment_method', 'payment_method_microdeposit_failed', null]);
      await assertMatchesSchema('payment_intent', failed);
      assert.equal((await eventTypes(stripe)).at(-1), 'payment_intent.payment_failed');
    });

    it('fails the SetupIntent when microdeposits cannot be sent (000666666661), and its Mandate with it', async () => {
      const stripe = server.stripe(freshKey());
      const customer = await stripe.customers.create({ email: 'jenny@example.com' });
      const si = await stripe.setupIntents.create({
        customer: customer.id,
        payment_method_types: ['us_bank_account'],
        payment_method_options: MICRODEPOSITS,
        payment_method_data: { type: 'us_bank_account', us_bank_account: { ...BANK, account_number: '000666666661' }, billing_details: { name: 'Jenny Rosen' } },
        confirm: true,
        mandate_data: { customer_acceptance: { type: 'offline' } },
      } as Stripe.SetupIntentCreateParams);
      assert.equal(si.status, 'requires_action');
      const mandate = si.mandate as string;
      assert.equal((await stripe.mandates.retrieve(mandate)).status, 'pending');
      let failed = si;
      for (let i = 0; i < 60 && failed.status === 'requires_action'; i++) {
        await new Promise((r) => setTimeout(r, 250));
        failed = await stripe.setupIntents.retrieve(si.id);
      }
      assert.deepEqual([failed.status, failed.last_setup_error?.code, failed.payment_method], ['requires_payment_method', 'payment_method_microdeposit_failed', null]);
      assert.equal(failed.last_setup_error?.payment_method?.us_bank_account?.last4, '6661');
      await assertMatchesSchema('setup_intent', failed);
      assert.equal((await stripe.mandates.retrieve(mandate)).status, 'inactive');
      assert.equal((await eventTypes(stripe)).at(-1), 'setup_intent.setup_failed');
      // Nothing is left to verify.
      await assert.rejects(stripe.setupIntents.verifyMicrodeposits(si.id, { amounts: [32, 45] }), refusal(400, 'setup_intent_unexpected_state'));
    });

    it('without verification_method: microdeposits the test account still verifies at once', async () => {
      const stripe = server.stripe();
      const pi = await stripe.paymentIntents.create({
        amount: 2500,
        currency: 'usd',
        allowed_payment_method_types: ['us_bank_account'],
        payment_method_options: { us_bank_account: { verification_method: 'instant' } },
        payment_method_data: { type: 'us_bank_account', us_bank_account: BANK, billing_details: { name: 'Jenny Rosen' } },
        confirm: true,
      });
      assert.equal(pi.status, 'processing');
    });

    it('a SetupIntent waits for microdeposits, then succeeds with the account attached', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'jenny@example.com' });
      const si = await stripe.setupIntents.create({
        customer: customer.id,
        payment_method_types: ['us_bank_account'],
        payment_method_options: MICRODEPOSITS,
        payment_method_data: { type: 'us_bank_account', us_bank_account: BANK, billing_details: { name: 'Jenny Rosen' } },
        confirm: true,
        mandate_data: { customer_acceptance: { type: 'offline' } },
      } as Stripe.SetupIntentCreateParams);
      assert.equal(si.status, 'requires_action');
      assert.equal(si.next_action?.type, 'verify_with_microdeposits');
      assert.equal(si.next_action?.verify_with_microdeposits?.microdeposit_type, 'descriptor_code');
      await assertMatchesSchema('setup_intent', si);
      await assert.rejects(stripe.setupIntents.verifyMicrodeposits(si.id, { amounts: [45, 32] }), refusal(400, 'payment_method_microdeposit_verification_amounts_mismatch'));
      const done = await stripe.setupIntents.verifyMicrodeposits(si.id, { amounts: [32, 45] });
      assert.equal(done.status, 'succeeded');
      assert.equal(done.next_action, null);
      await assertMatchesSchema('setup_intent', done);
      assert.equal((await stripe.paymentMethods.retrieve(done.payment_method as string)).customer, customer.id);
      const types = await eventTypes(stripe);
      assert.ok(types.indexOf('setup_intent.requires_action') < types.indexOf('setup_intent.succeeded'), types.join());
      assert.ok(types.includes('payment_method.attached'));
      await assert.rejects(stripe.setupIntents.verifyMicrodeposits(si.id, { amounts: [32, 45] }), refusal(400, 'setup_intent_unexpected_state'));

      const other = await stripe.setupIntents.create({
        payment_method_types: ['us_bank_account'],
        payment_method_options: MICRODEPOSITS,
        payment_method_data: { type: 'us_bank_account', us_bank_account: BANK, billing_details: { name: 'Jenny Rosen' } },
        confirm: true,
      } as Stripe.SetupIntentCreateParams);
      await assert.rejects(stripe.setupIntents.verifyMicrodeposits(other.id, { descriptor_code: 'SM44DD' }), refusal(400, 'payment_method_microdeposit_verification_timeout'));
      const timedOut = await stripe.setupIntents.retrieve(other.id);
      assert.equal(timedOut.status, 'requires_payment_method');
      assert.equal(timedOut.last_setup_error?.code, 'payment_method_microdeposit_verification_timeout');
    });
  });
}
