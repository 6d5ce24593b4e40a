/**
 * `payment_intent_data` and `setup_intent_data` shape the intents a Checkout Session creates
 * (docs/decisions.md#payment-intent-data-from-checkout): manual capture then capture or cancel
 * through the SDK, saving the card with `setup_future_usage`, descriptors, receipt email, shipping,
 * Connect fields; and Stripe's errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242, payOnHostedPage } from '../../src/cli/page.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

const SUCCESS = 'https://merchant.example/success?session_id={CHECKOUT_SESSION_ID}';
const ITEM = { price_data: { currency: 'usd', unit_amount: 1500, product_data: { name: 'Poster' } }, quantity: 2 };

function payment(stripe: Stripe, extra: Partial<Stripe.Checkout.SessionCreateParams> = {}): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({ mode: 'payment', line_items: [ITEM], success_url: SUCCESS, ...extra });
}

async function paid(stripe: Stripe, s: Stripe.Checkout.Session): Promise<{ session: Stripe.Checkout.Session; pi: Stripe.PaymentIntent }> {
  await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
  const session = await stripe.checkout.sessions.retrieve(s.id);
  return { session, pi: await stripe.paymentIntents.retrieve(session.payment_intent as string) };
}

function refusal(status: number, code: string | undefined, param?: string, message?: RegExp) {
  return (err: Stripe.errors.StripeError) => {
    assert.equal(err.statusCode, status);
    if (code) assert.equal(err.code, code);
    if (param) assert.equal(err.param, param);
    if (message) assert.match(err.message, message);
    return true;
  };
}

for (const store of STORES) {
  describe(`payment_intent_data on the PaymentIntent (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('manual capture: the session completes unpaid, the PaymentIntent holds the amount, then captures part of it once', async () => {
      const stripe = server.stripe();
      const { session, pi } = await paid(stripe, await payment(stripe, { payment_intent_data: { capture_method: 'manual' } }));
      assert.deepEqual([session.status, session.payment_status], ['complete', 'unpaid']);
      assert.deepEqual([pi.status, pi.capture_method, pi.amount_capturable, pi.amount_received], ['requires_capture', 'manual', 3000, 0]);
      assertMatchesSchema('payment_intent', pi);
      const updated = await stripe.events.list({ type: 'payment_intent.amount_capturable_updated' });
      assert.deepEqual(updated.data.map((e) => (e.data.object as Stripe.PaymentIntent).id), [pi.id]);
      await assert.rejects(stripe.paymentIntents.capture(pi.id, { amount_to_capture: 3001 }), refusal(400, 'amount_too_large', 'amount_to_capture'));
      const captured = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 1800, metadata: { shipped: 'yes' } });
      assert.deepEqual([captured.status, captured.amount_received, captured.amount_capturable], ['succeeded', 1800, 0]);
      assert.deepEqual(captured.metadata, { shipped: 'yes' });
      await assert.rejects(stripe.paymentIntents.capture(pi.id), refusal(400, 'payment_intent_unexpected_state', undefined, /status of succeeded.*requires_capture/));
      await assert.rejects(stripe.paymentIntents.cancel(pi.id), refusal(400, 'payment_intent_unexpected_state', undefined, /cannot cancel/));
      assert.equal((await stripe.events.list({ type: 'payment_intent.succeeded' })).data.length, 1);
    });

    it('manual capture through the card’s options, then cancel releases the hold', async () => {
      const stripe = server.stripe();
      const { pi } = await paid(stripe, await payment(stripe, { payment_method_options: { card: { capture_method: 'manual' } } }));
      assert.equal(pi.status, 'requires_capture');
      const canceled = await stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'requested_by_customer' });
      assert.deepEqual([canceled.status, canceled.cancellation_reason, canceled.amount_capturable], ['canceled', 'requested_by_customer', 0]);
      assert.equal(typeof canceled.canceled_at, 'number');
      assert.equal((await stripe.events.list({ type: 'payment_intent.canceled' })).data.length, 1);
      await assert.rejects(stripe.paymentIntents.capture(pi.id), refusal(400, 'payment_intent_unexpected_state'));
      await assert.rejects(stripe.paymentIntents.capture('pi_missing'), refusal(404, 'resource_missing'));
    });

    it('refuses to cancel a Checkout Session’s PaymentIntent that holds no capture; expiring the session cancels it', async () => {
      const stripe = server.stripe();
      const s = await payment(stripe);
      await assert.rejects(payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242, cardNumber: '4000 0000 0000 0002' }), /refused/);
      const open = await stripe.checkout.sessions.retrieve(s.id);
      assert.equal(open.status, 'open');
      const pi = open.payment_intent as string;
      await assert.rejects(stripe.paymentIntents.cancel(pi), refusal(400, 'payment_intent_unexpected_state', undefined, /Expire the Checkout Session/));
      await stripe.checkout.sessions.expire(s.id);
      const canceled = await stripe.paymentIntents.retrieve(pi);
      assert.deepEqual([canceled.status, canceled.cancellation_reason], ['canceled', 'expired']);
      assert.equal(((await stripe.events.list({ type: 'payment_intent.canceled' })).data[0]?.data.object as Stripe.PaymentIntent).id, pi);
    });

    it('setup_future_usage saves the card to a new customer; the card option alone saves it to the session’s customer', async () => {
      const stripe = server.stripe();
      const first = await paid(stripe, await payment(stripe, { payment_intent_data: { setup_future_usage: 'off_session' } }));
      assert.equal(first.pi.setup_future_usage, 'off_session');
      const newCustomer = first.session.customer as string;
      assert.match(newCustomer, /^cus_/);
      const saved = await stripe.customers.listPaymentMethods(newCustomer);
      assert.deepEqual(saved.data.map((p) => [p.id, p.allow_redisplay]), [[first.pi.payment_method, 'limited']]);

      const customer = await stripe.customers.create({ email: 'jenny@example.com' });
      const second = await paid(stripe, await payment(stripe, { customer: customer.id, payment_method_options: { card: { setup_future_usage: 'on_session' } } }));
      assert.equal(second.pi.setup_future_usage, null);
      assert.equal((second.pi.payment_method_options?.card as { setup_future_usage?: string }).setup_future_usage, 'on_session');
      assert.equal((await stripe.customers.listPaymentMethods(customer.id)).data.length, 1);
    });

    it('descriptors, receipt email, description, metadata, shipping and the Connect fields land on the PaymentIntent', async () => {
      const stripe = server.stripe();
      const { pi } = await paid(
        stripe,
        await payment(stripe, {
          payment_intent_data: {
            description: 'Order 42',
            metadata: { order: '42' },
            receipt_email: 'receipts@example.com',
            statement_descriptor: 'POSTER SHOP',
            statement_descriptor_suffix: 'ORDER42',
            shipping: { name: 'Jenny Rosen', address: { line1: '1 Main St', city: 'Springfield', country: 'US', postal_code: '94102' } },
            application_fee_amount: 300,
            transfer_data: { destination: 'acct_1Shop', amount: 2500 },
            on_behalf_of: 'acct_1Shop',
            transfer_group: 'ORDER42',
          },
        }),
      );
      assert.deepEqual([pi.description, pi.metadata.order, pi.receipt_email], ['Order 42', '42', 'receipts@example.com']);
      assert.deepEqual([pi.statement_descriptor, pi.statement_descriptor_suffix], ['POSTER SHOP', 'ORDER42']);
      assert.equal(pi.shipping?.name, 'Jenny Rosen');
      assert.deepEqual([pi.application_fee_amount, pi.on_behalf_of, pi.transfer_group], [300, 'acct_1Shop', 'ORDER42']);
      assert.deepEqual(pi.transfer_data, { amount: 2500, destination: 'acct_1Shop' });
      assert.equal(pi.status, 'succeeded');
      assertMatchesSchema('payment_intent', pi);
    });

    it('refuses what Stripe refuses in payment_intent_data', async () => {
      const stripe = server.stripe();
      const cases: Array<[Stripe.Checkout.SessionCreateParams.PaymentIntentData, string, RegExp]> = [
        [{ application_fee_amount: 100 }, 'payment_intent_data[application_fee_amount]', /application_fee_amount/],
        [{ application_fee_amount: 3001, transfer_data: { destination: 'acct_1A' } }, 'payment_intent_data[application_fee_amount]', /greater than/],
        [{ transfer_data: { destination: 'acct_1A', amount: 3001 } }, 'payment_intent_data[transfer_data][amount]', /less than or equal/],
        [{ on_behalf_of: 'shop' }, 'payment_intent_data[on_behalf_of]', /No such account/],
        [{ transfer_data: { destination: 'shop' } }, 'payment_intent_data[transfer_data][destination]', /No such destination/],
        [{ statement_descriptor: 'BAD <SHOP>' }, 'payment_intent_data[statement_descriptor]', /special characters/],
        [{ statement_descriptor_suffix: '12345' }, 'payment_intent_data[statement_descriptor_suffix]', /at least one letter/],
        [{ statement_descriptor: 'A'.repeat(23) }, 'payment_intent_data[statement_descriptor]', /./],
      ];
      for (const [data, param, message] of cases) {
        await assert.rejects(payment(stripe, { payment_intent_data: data }), refusal(400, undefined, param, message));
      }
      await assert.rejects(
        payment(stripe, { payment_intent_data: { capture_method: 'manual' }, allowed_payment_method_types: ['card', 'us_bank_account'] }),
        refusal(400, undefined, 'payment_intent_data[capture_method]'),
      );
    });
  });

  describe(`setup_intent_data on the SetupIntent (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('puts description, metadata and on_behalf_of on the SetupIntent; refuses an account id that is not one', async () => {
      const stripe = server.stripe();
      const s = await stripe.checkout.sessions.create({
        mode: 'setup',
        currency: 'usd',
        success_url: SUCCESS,
        setup_intent_data: { description: 'Card for later', metadata: { plan: 'pro' }, on_behalf_of: 'acct_1Shop' },
      });
      await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['setup_intent'] });
      const si = done.setup_intent as Stripe.SetupIntent;
      assert.deepEqual([si.status, si.description, si.metadata?.plan, si.on_behalf_of], ['succeeded', 'Card for later', 'pro', 'acct_1Shop']);
      await assert.rejects(
        stripe.checkout.sessions.create({ mode: 'setup', currency: 'usd', success_url: SUCCESS, setup_intent_data: { on_behalf_of: 'shop' } }),
        refusal(400, 'resource_missing', 'setup_intent_data[on_behalf_of]'),
      );
    });
  });
}
