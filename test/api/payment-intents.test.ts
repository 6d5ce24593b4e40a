/**
 * The PaymentIntents API through the SDK (docs/decisions.md#paymentintents): create with and
 * without confirm, confirm, update, list, capture, cancel, increment_authorization; declines and
 * off-session codes with the charge each attempt makes; 3D Secure's next action; idempotent
 * create-and-confirm; events in Stripe's order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

function refusal(status: number, code: string | undefined, param?: string, message?: RegExp) {
  return (err: Stripe.errors.StripeError) => {
    assert.equal(err.statusCode, status, err.message);
    if (code) assert.equal(err.code, code);
    if (param) assert.equal(err.param, param);
    if (message) assert.match(err.message, message);
    return true;
  };
}

/** Event types of the account, oldest first. */
async function eventTypes(stripe: Stripe): Promise<string[]> {
  const list = await stripe.events.list({ limit: 100 });
  return list.data.map((e) => e.type).reverse();
}

async function savedCard(stripe: Stripe, pm: string): Promise<{ customer: Stripe.Customer; pm: Stripe.PaymentMethod }> {
  const customer = await stripe.customers.create({ email: 'jenny@example.com' });
  const attached = await stripe.paymentMethods.attach(pm, { customer: customer.id });
  return { customer, pm: attached };
}

for (const store of STORES) {
  describe(`PaymentIntents API (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_SETTLEMENT_DELAY: '1' } });
    });
    after(() => server.close());

    it('creates and confirms with pm_card_visa in one call: succeeded, one captured charge, events in order', async () => {
      const stripe = server.stripe();
      const pi = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', allowed_payment_method_types: ['card'], confirm: true, metadata: { order: '7' } });
      assert.deepEqual([pi.status, pi.amount_received, pi.amount_capturable], ['succeeded', 2000, 0]);
      assert.match(pi.payment_method as string, /^pm_/);
      assert.notEqual(pi.payment_method, 'pm_card_visa');
      assertMatchesSchema('payment_intent', pi);
      const charge = await stripe.charges.retrieve(pi.latest_charge as string);
      assertMatchesSchema('charge', charge);
      assert.deepEqual([charge.status, charge.captured, charge.paid, charge.amount_captured, charge.amount_refunded, charge.refunded], ['succeeded', true, true, 2000, 0, false]);
      assert.equal(charge.payment_intent, pi.id);
      assert.equal(charge.payment_method_details?.card?.last4, '4242');
      assert.equal(charge.outcome?.type, 'authorized');
      assert.deepEqual(charge.metadata, { order: '7' });
      assert.deepEqual(await eventTypes(stripe), ['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
      const expanded = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
      assert.equal((expanded.latest_charge as Stripe.Charge).id, charge.id);
      const back = await stripe.charges.retrieve(charge.id, { expand: ['payment_intent'] });
      assert.equal((back.payment_intent as Stripe.PaymentIntent).id, pi.id);
    });

    it('create without confirm waits for confirmation; confirm succeeds; confirming again is payment_intent_unexpected_state', async () => {
      const stripe = server.stripe();
      const bare = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd' });
      assert.equal(bare.status, 'requires_payment_method');
      assert.deepEqual(bare.automatic_payment_methods, { allow_redirects: 'always', enabled: true });
      assert.equal(bare.latest_charge, null);
      const updated = await stripe.paymentIntents.update(bare.id, { payment_method: 'pm_card_mastercard', amount: 1600, description: 'Poster' });
      assert.deepEqual([updated.status, updated.amount, updated.description], ['requires_confirmation', 1600, 'Poster']);
      const confirmed = await stripe.paymentIntents.confirm(bare.id);
      assert.deepEqual([confirmed.status, confirmed.amount_received], ['succeeded', 1600]);
      await assert.rejects(stripe.paymentIntents.confirm(bare.id), refusal(400, 'payment_intent_unexpected_state', undefined, /status of succeeded/));
      await assert.rejects(stripe.paymentIntents.update(bare.id, { amount: 100 }), refusal(400, 'payment_intent_unexpected_state', 'amount'));
      const described = await stripe.paymentIntents.update(bare.id, { metadata: { shipped: 'yes' } });
      assert.deepEqual(described.metadata, { shipped: 'yes' });
      await assert.rejects(stripe.paymentIntents.confirm(
        (await stripe.paymentIntents.create({ amount: 1500, currency: 'usd' })).id,
      ), refusal(400, 'payment_intent_unexpected_state', undefined, /missing a payment method/));
    });

    it('a declined confirmation answers 402 and keeps the failed charge, last_payment_error and payment_failed', async () => {
      const stripe = server.stripe();
      let piId = '';
      await assert.rejects(
        stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_chargeDeclinedInsufficientFunds', allowed_payment_method_types: ['card'], confirm: true }),
        (err: Stripe.errors.StripeError) => {
          assert.equal(err.type, 'StripeCardError');
          assert.deepEqual([err.code, err.decline_code], ['card_declined', 'insufficient_funds']);
          piId = (err.payment_intent as Stripe.PaymentIntent).id;
          return true;
        },
      );
      const pi = await stripe.paymentIntents.retrieve(piId);
      assert.equal(pi.status, 'requires_payment_method');
      assert.equal(pi.last_payment_error?.decline_code, 'insufficient_funds');
      const charge = await stripe.charges.retrieve(pi.latest_charge as string);
      assert.deepEqual([charge.status, charge.failure_code, charge.outcome?.type, charge.outcome?.reason], ['failed', 'card_declined', 'issuer_declined', 'insufficient_funds']);
      assertMatchesSchema('charge', charge);
      assert.deepEqual(await eventTypes(stripe), ['payment_intent.created', 'charge.failed', 'payment_intent.payment_failed']);
      // A retry with a good card succeeds; the PaymentIntent has two charges.
      const retried = await stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa' });
      assert.equal(retried.status, 'succeeded');
      assert.equal((await stripe.charges.list({ payment_intent: piId })).data.length, 2);
    });

    it('off_session with a saved card: succeeds, or fails with Stripe codes (card_declined, expired_card, authentication_required)', async () => {
      const stripe = server.stripe();
      const ok = await savedCard(stripe, 'pm_card_visa');
      const paid = await stripe.paymentIntents.create({ amount: 999, currency: 'usd', customer: ok.customer.id, payment_method: ok.pm.id, off_session: true, confirm: true });
      assert.equal(paid.status, 'succeeded');
      const cases: Array<[string, string, string]> = [
        ['pm_card_chargeCustomerFail', 'card_declined', 'generic_decline'],
        ['pm_card_authenticationRequired', 'authentication_required', 'authentication_required'],
      ];
      for (const [card, code, decline] of cases) {
        const saved = await savedCard(stripe, card);
        await assert.rejects(
          stripe.paymentIntents.create({ amount: 999, currency: 'usd', customer: saved.customer.id, payment_method: saved.pm.id, off_session: true, confirm: true }),
          (err: Stripe.errors.StripeError) => {
            assert.deepEqual([err.code, err.decline_code], [code, decline], card);
            const pi = err.payment_intent as Stripe.PaymentIntent;
            assert.equal(pi.status, 'requires_payment_method');
            assert.equal(pi.last_payment_error?.code, code);
            return true;
          },
        );
      }
      // An expired card, not savable, declines as expired_card through payment_method_data.
      await assert.rejects(
        stripe.paymentIntents.create({ amount: 999, currency: 'usd', payment_method_data: { type: 'card', card: { token: 'tok_chargeDeclinedExpiredCard' } } as Stripe.PaymentIntentCreateParams.PaymentMethodData, allowed_payment_method_types: ['card'], confirm: true }),
        refusal(402, 'expired_card'),
      );
      await assert.rejects(stripe.paymentIntents.create({ amount: 999, currency: 'usd', off_session: true }), refusal(400, undefined, 'off_session'));
    });

    it('a card that needs 3D Secure on-session is requires_action with a next action; error_on_requires_action fails it', async () => {
      const stripe = server.stripe();
      const pi = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_threeDSecure2Required', allowed_payment_method_types: ['card'], confirm: true });
      assert.equal(pi.status, 'requires_action');
      assert.equal(pi.next_action?.type, 'use_stripe_sdk');
      assert.equal(pi.latest_charge, null);
      assertMatchesSchema('payment_intent', pi);
      const redirect = await stripe.paymentIntents.confirm(pi.id, { return_url: 'https://merchant.example/done' });
      assert.equal(redirect.next_action?.type, 'redirect_to_url');
      assert.equal(redirect.next_action?.redirect_to_url?.url, `${server.url}/c/3ds/${pi.id}`);
      assert.equal(redirect.next_action?.redirect_to_url?.return_url, 'https://merchant.example/done');
      assert.deepEqual((await eventTypes(stripe)).filter((t) => t.startsWith('payment_intent.')), ['payment_intent.created', 'payment_intent.requires_action']);
      await assert.rejects(
        stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_authenticationRequired', allowed_payment_method_types: ['card'], confirm: true, error_on_requires_action: true }),
        refusal(402, 'authentication_required'),
      );
      // Completing 3D Secure on the authentication page goes on to the charge.
      const page = redirect.next_action?.redirect_to_url?.url as string;
      const html = await (await fetch(page)).text();
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;
      await fetch(page, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf_token: csrf, action: 'complete' }) });
      const authenticated = await stripe.paymentIntents.retrieve(pi.id);
      assert.equal(authenticated.status, 'succeeded');
      const charge = await stripe.charges.retrieve(authenticated.latest_charge as string);
      assert.deepEqual([charge.status, charge.captured, charge.payment_method_details?.card?.three_d_secure?.result], ['succeeded', true, 'authenticated']);
      assert.deepEqual((await eventTypes(stripe)).slice(-2), ['charge.succeeded', 'payment_intent.succeeded']);

      const waiting = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_threeDSecure2Required', allowed_payment_method_types: ['card'], confirm: true });
      const canceled = await stripe.paymentIntents.cancel(waiting.id, { cancellation_reason: 'abandoned' });
      assert.deepEqual([canceled.status, canceled.cancellation_reason, canceled.next_action], ['canceled', 'abandoned', null]);
    });

    it('manual capture holds the amount; a partial capture captures the charge; cancel of a hold releases it', async () => {
      const stripe = server.stripe();
      const held = await stripe.paymentIntents.create({
        amount: 5000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        allowed_payment_method_types: ['card'],
        capture_method: 'manual',
        payment_method_options: { card: { request_incremental_authorization: 'if_available' } },
        confirm: true,
      });
      assert.deepEqual([held.status, held.amount_capturable, held.amount_received], ['requires_capture', 5000, 0]);
      const incremented = await stripe.paymentIntents.incrementAuthorization(held.id, { amount: 6000 });
      assert.deepEqual([incremented.amount, incremented.amount_capturable], [6000, 6000]);
      const capturable = await stripe.events.list({ type: 'payment_intent.amount_capturable_updated' });
      assert.deepEqual(capturable.data.map((e) => (e.data.object as Stripe.PaymentIntent).amount_capturable), [6000, 5000]);
      const hold = await stripe.charges.retrieve(held.latest_charge as string);
      assert.deepEqual([hold.status, hold.captured, hold.amount_captured], ['succeeded', false, 0]);
      const captured = await stripe.paymentIntents.capture(held.id, { amount_to_capture: 4000 });
      assert.deepEqual([captured.status, captured.amount_received], ['succeeded', 4000]);
      const charge = await stripe.charges.retrieve(held.latest_charge as string);
      assert.deepEqual([charge.captured, charge.amount_captured, charge.amount_refunded], [true, 4000, 2000]);
      const types = await eventTypes(stripe);
      assert.deepEqual(types.slice(-2), ['charge.captured', 'payment_intent.succeeded']);
      assert.ok(types.includes('payment_intent.amount_capturable_updated'));

      const other = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', allowed_payment_method_types: ['card'], capture_method: 'manual', confirm: true });
      await assert.rejects(stripe.paymentIntents.incrementAuthorization(other.id, { amount: 2000 }), refusal(400, 'incremental_authorization_not_supported'));
      const released = await stripe.paymentIntents.cancel(other.id, { cancellation_reason: 'requested_by_customer' });
      assert.equal(released.status, 'canceled');
      const releasedCharge = await stripe.charges.retrieve(other.latest_charge as string);
      assert.deepEqual([releasedCharge.refunded, releasedCharge.amount_refunded], [true, 1000]);
      await assert.rejects(stripe.paymentIntents.confirm(other.id), refusal(400, 'payment_intent_unexpected_state'));
    });

    it('lists by customer and created; retrieves with the client secret', async () => {
      const stripe = server.stripe();
      const { customer, pm } = await savedCard(stripe, 'pm_card_visa');
      const mine = await stripe.paymentIntents.create({ amount: 700, currency: 'usd', customer: customer.id, payment_method: pm.id, confirm: true });
      await stripe.paymentIntents.create({ amount: 800, currency: 'usd' });
      const list = await stripe.paymentIntents.list({ customer: customer.id });
      assert.deepEqual(list.data.map((p) => p.id), [mine.id]);
      assert.equal((await stripe.paymentIntents.list({ created: { gte: mine.created } })).data.length, 2);
      assert.equal((await stripe.paymentIntents.list({ created: { gt: mine.created + 3600 } })).data.length, 0);
      const again = await stripe.paymentIntents.retrieve(mine.id, { client_secret: mine.client_secret as string });
      assert.equal(again.id, mine.id);
      assert.deepEqual((await stripe.charges.list({ customer: customer.id })).data.map((c) => c.id), [mine.latest_charge]);
    });

    it('setup_future_usage saves the card to the customer; bad params get Stripe errors, never parameter_unknown', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create();
      const pi = await stripe.paymentIntents.create({ amount: 1200, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa', setup_future_usage: 'off_session', confirm: true, return_url: 'https://merchant.example/r', use_stripe_sdk: true, mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '1.2.3.4', user_agent: 'x' } } } });
      assert.equal(pi.status, 'succeeded');
      const saved = await stripe.paymentMethods.retrieve(pi.payment_method as string);
      assert.equal(saved.customer, customer.id);
      await assert.rejects(stripe.paymentIntents.create({ amount: 10, currency: 'usd' }), refusal(400, 'amount_too_small', 'amount'));
      await assert.rejects(stripe.paymentIntents.create({ amount: 1000, currency: 'usd', allowed_payment_method_types: ['card'], automatic_payment_methods: { enabled: true } }), refusal(400, undefined, 'automatic_payment_methods'));
      await assert.rejects(stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_nope', confirm: true }), refusal(404, 'resource_missing', 'payment_method'));
      await assert.rejects(stripe.paymentIntents.retrieve('pi_missing'), refusal(404, 'resource_missing'));
    });

    it('a bank debit is processing with a pending charge, then succeeds on the scheduler', async () => {
      const stripe = server.stripe();
      const pm = await stripe.paymentMethods.create({ type: 'sepa_debit', sepa_debit: { iban: 'AT611904300234573201' }, billing_details: { name: 'Bob', email: 'bob@example.com' } });
      const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur', payment_method: pm.id, allowed_payment_method_types: ['sepa_debit'], confirm: true, mandate_data: { customer_acceptance: { type: 'offline' } } });
      assert.equal(pi.status, 'processing');
      assert.equal((await stripe.charges.retrieve(pi.latest_charge as string)).status, 'pending');
      let settled = pi;
      for (let i = 0; i < 60 && settled.status === 'processing'; i++) {
        await new Promise((r) => setTimeout(r, 250));
        settled = await stripe.paymentIntents.retrieve(pi.id);
      }
      assert.equal(settled.status, 'succeeded');
      assert.equal((await stripe.charges.retrieve(pi.latest_charge as string)).status, 'succeeded');
      assert.deepEqual(await eventTypes(stripe), ['payment_intent.created', 'charge.pending', 'payment_intent.processing', 'charge.succeeded', 'payment_intent.succeeded']);
    });

    it('verify_microdeposits: an ACH test account verifies at once, so nothing awaits microdeposits', async () => {
      const stripe = server.stripe();
      const pm = await stripe.paymentMethods.create({ type: 'us_bank_account', us_bank_account: { routing_number: '110000000', account_number: '000123456789', account_holder_type: 'individual' }, billing_details: { name: 'Jenny Rosen', email: 'jenny@example.com' } });
      const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: pm.id, allowed_payment_method_types: ['us_bank_account'], confirm: true, mandate_data: { customer_acceptance: { type: 'offline' } } });
      assert.equal(pi.status, 'processing');
      await assert.rejects(stripe.paymentIntents.verifyMicrodeposits(pi.id, { amounts: [32, 45] }), refusal(400, 'payment_intent_unexpected_state'));
      await assert.rejects(stripe.paymentIntents.verifyMicrodeposits('pi_missing', { descriptor_code: 'SM11AA' }), refusal(404, 'resource_missing'));
    });

    it('a create with confirm retried under one Idempotency-Key charges once', async () => {
      const stripe = server.stripe();
      const params = { amount: 3100, currency: 'usd', payment_method: 'pm_card_visa', allowed_payment_method_types: ['card'], confirm: true };
      const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'order-31' });
      const second = await stripe.paymentIntents.create(params, { idempotencyKey: 'order-31' });
      assert.equal(second.id, first.id);
      assert.equal((await stripe.charges.list()).data.length, 1);
      assert.equal((await stripe.paymentIntents.list()).data.length, 1);
      // A declined create is remembered too: the retry gets the same decline, no second charge.
      const declined = { ...params, payment_method: 'pm_card_chargeDeclined' };
      await assert.rejects(stripe.paymentIntents.create(declined, { idempotencyKey: 'order-32' }), refusal(402, 'card_declined'));
      await assert.rejects(stripe.paymentIntents.create(declined, { idempotencyKey: 'order-32' }), refusal(402, 'card_declined'));
      assert.equal((await stripe.charges.list()).data.length, 2);
    });
  });
}
