import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';

const YEAR = new Date().getUTCFullYear() + 3;
const card = (number: string, extra: Partial<Stripe.PaymentMethodCreateParams> = {}): Stripe.PaymentMethodCreateParams => ({
  type: 'card',
  card: { number, exp_month: 12, exp_year: YEAR, cvc: '123' },
  ...extra,
});

for (const store of STORES) {
  describe(`payment methods on customers (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('attaches a PaymentMethod to a customer and emits payment_method.attached', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ email: 'a@example.com' });
      const pm = await stripe.paymentMethods.create(card('4242424242424242'));
      const attached = await stripe.paymentMethods.attach(pm.id, { customer: customer.id });
      assert.equal(attached.id, pm.id);
      assert.equal(attached.customer, customer.id);
      assertMatchesSchema('payment_method', attached);
      assert.equal((await stripe.paymentMethods.retrieve(pm.id)).customer, customer.id);
      // Attaching to the same customer again changes nothing.
      assert.deepEqual(await stripe.paymentMethods.attach(pm.id, { customer: customer.id }), attached);
      const events = await eventsOf(server, key, pm.id);
      assert.deepEqual(events.map((e) => e.type), ['payment_method.attached']);
      assert.equal(events[0]?.data.object.customer, customer.id);
      const expanded = await stripe.paymentMethods.retrieve(pm.id, { expand: ['customer'] });
      assert.equal((expanded.customer as Stripe.Customer).email, 'a@example.com');
    });

    it('attaching a ready-made id such as pm_card_visa attaches a new copy, as Stripe does', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const one = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      const two = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      assert.match(one.id, /^pm_[A-Za-z0-9]{24}$/);
      assert.notEqual(one.id, two.id);
      assert.equal(one.customer, customer.id);
      assert.equal(one.card?.last4, '4242');
      const list = await stripe.customers.listPaymentMethods(customer.id);
      assert.deepEqual(list.data.map((p) => p.id).sort(), [one.id, two.id].sort());
    });

    it('refuses to attach cards that simulate an issuer decline with 402 and their decline code', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const cases: Array<[string, string, string, string]> = [
        ['pm_card_visa_chargeDeclined', 'card_declined', 'generic_decline', 'Your card was declined.'],
        ['pm_card_visa_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds', 'Your card has insufficient funds.'],
        ['pm_card_visa_chargeDeclinedLostCard', 'card_declined', 'lost_card', 'Your card was declined.'],
        ['pm_card_visa_chargeDeclinedStolenCard', 'card_declined', 'stolen_card', 'Your card was declined.'],
        ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card', 'Your card has expired.'],
        ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect."],
      ];
      for (const [id, code, decline_code, message] of cases) {
        await assert.rejects(stripe.paymentMethods.attach(id, { customer: customer.id }), {
          type: 'StripeCardError',
          statusCode: 402,
          code,
          decline_code,
          message,
        });
      }
      const typed = await stripe.paymentMethods.create(card('4000000000000002'));
      await assert.rejects(stripe.paymentMethods.attach(typed.id, { customer: customer.id }), { statusCode: 402, decline_code: 'generic_decline' });
      await assert.rejects(stripe.customers.create({ payment_method: 'pm_card_visa_chargeDeclined' }), { statusCode: 402, param: 'payment_method' });
      assert.equal((await stripe.customers.listPaymentMethods(customer.id)).data.length, 0);
      assert.equal((await stripe.paymentMethods.retrieve(typed.id)).customer, null);

      const failsLater = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
      assert.equal(failsLater.customer, customer.id);
      const typedFailsLater = await stripe.paymentMethods.create(card('4000000000000341'));
      assert.equal((await stripe.paymentMethods.attach(typedFailsLater.id, { customer: customer.id })).customer, customer.id);
    });

    it('refuses to attach to an unknown customer, a method of another customer, or a detached method', async () => {
      const stripe = server.stripe();
      const [c1, c2] = [await stripe.customers.create({}), await stripe.customers.create({})];
      const pm = await stripe.paymentMethods.create(card('5555555555554444'));
      await assert.rejects(stripe.paymentMethods.attach(pm.id, { customer: 'cus_nope' }), { statusCode: 404, param: 'customer' });
      await assert.rejects(stripe.paymentMethods.attach(pm.id, {}), { statusCode: 400, code: 'parameter_missing', param: 'customer' });
      await assert.rejects(stripe.paymentMethods.attach('pm_nope', { customer: c1.id }), { statusCode: 404, code: 'resource_missing' });
      await stripe.paymentMethods.attach(pm.id, { customer: c1.id });
      await assert.rejects(stripe.paymentMethods.attach(pm.id, { customer: c2.id }), { statusCode: 400, message: /already been attached/ });
      await stripe.paymentMethods.detach(pm.id);
      await assert.rejects(stripe.paymentMethods.attach(pm.id, { customer: c1.id }), { statusCode: 400, message: /may not be used again/ });
    });

    it('detaches a PaymentMethod, clears the customer’s default payment method and emits payment_method.detached', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
      const dpm = customer.invoice_settings.default_payment_method as string;
      assert.match(dpm, /^pm_[A-Za-z0-9]{24}$/);
      assert.equal((await stripe.paymentMethods.retrieve(dpm)).customer, customer.id);
      const expanded = await stripe.customers.retrieve(customer.id, { expand: ['invoice_settings.default_payment_method'] });
      assert.equal(((expanded as Stripe.Customer).invoice_settings.default_payment_method as Stripe.PaymentMethod).card?.last4, '4242');

      const detached = await stripe.paymentMethods.detach(dpm);
      assert.equal(detached.customer, null);
      assertMatchesSchema('payment_method', detached);
      const after = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
      assert.equal(after.invoice_settings.default_payment_method, null);
      await assert.rejects(stripe.paymentMethods.detach(dpm), { statusCode: 400, message: /not attached to a customer/ });
      await assert.rejects(stripe.paymentMethods.detach('pm_card_visa'), { statusCode: 400 });
      const events = await eventsOf(server, key);
      const types = events.map((e) => e.type);
      assert.deepEqual(types.filter((t) => t.startsWith('payment_method.')), ['payment_method.attached', 'payment_method.detached']);
      const detachedEvent = events.find((e) => e.type === 'payment_method.detached');
      assert.deepEqual(detachedEvent?.data.previous_attributes, { customer: customer.id });
      const updated = events.filter((e) => e.type === 'customer.updated');
      assert.deepEqual(updated.at(-1)?.data.previous_attributes, { invoice_settings: { ...after.invoice_settings, default_payment_method: dpm } });
    });

    it('lets a customer’s default payment method only be one attached to that customer', async () => {
      const stripe = server.stripe();
      const loose = await stripe.paymentMethods.create(card('4242424242424242'));
      const param = 'invoice_settings[default_payment_method]';
      await assert.rejects(stripe.customers.create({ invoice_settings: { default_payment_method: loose.id } }), { statusCode: 400, param });
      const other = await stripe.customers.create({ payment_method: 'pm_card_mastercard' });
      const [othersPm] = (await stripe.customers.listPaymentMethods(other.id)).data;
      assert.equal(othersPm?.card?.brand, 'mastercard');
      const customer = await stripe.customers.create({ payment_method: 'pm_card_amex' });
      await assert.rejects(stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: othersPm?.id ?? '' } }), { statusCode: 400, param });
      const [own] = (await stripe.customers.listPaymentMethods(customer.id)).data;
      const updated = await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: own?.id ?? '' } });
      assert.equal(updated.invoice_settings.default_payment_method, own?.id);
    });

    it('updates billing details, metadata, allow_redisplay and expiry of a saved method and emits payment_method.updated', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const pm = await stripe.paymentMethods.create(card('4242424242424242', { billing_details: { name: 'Old Name', email: 'old@example.com' }, metadata: { a: '1' } }));
      await assert.rejects(stripe.paymentMethods.update(pm.id, { metadata: { b: '2' } }), { statusCode: 400, message: /save this PaymentMethod to a customer/ });
      await assert.rejects(stripe.paymentMethods.update('pm_card_visa', { metadata: { b: '2' } }), { statusCode: 400 });
      await assert.rejects(stripe.paymentMethods.update('pm_nope', {}), { statusCode: 404 });
      const customer = await stripe.customers.create({});
      await stripe.paymentMethods.attach(pm.id, { customer: customer.id });
      const updated = await stripe.paymentMethods.update(pm.id, {
        billing_details: { name: 'New Name', address: { country: 'gb', postal_code: 'SW1A 1AA' } },
        metadata: { a: '', b: '2' },
        allow_redisplay: 'always',
        card: { exp_month: 3, exp_year: YEAR + 1 },
      });
      assert.equal(updated.billing_details.name, 'New Name');
      assert.equal(updated.billing_details.email, 'old@example.com');
      assert.equal(updated.billing_details.address?.country, 'GB');
      assert.deepEqual(updated.metadata, { b: '2' });
      assert.equal(updated.allow_redisplay, 'always');
      assert.deepEqual([updated.card?.exp_month, updated.card?.exp_year], [3, YEAR + 1]);
      assertMatchesSchema('payment_method', updated);
      const [event] = (await eventsOf(server, key, pm.id)).filter((e) => e.type === 'payment_method.updated');
      assert.deepEqual(Object.keys(event?.data.previous_attributes ?? {}).sort(), ['allow_redisplay', 'billing_details', 'card', 'metadata']);
      await assert.rejects(stripe.paymentMethods.update(pm.id, { card: { exp_year: 2019 } }), { statusCode: 402, code: 'invalid_expiry_year' });
      await assert.rejects(stripe.paymentMethods.update(pm.id, { us_bank_account: { account_type: 'savings' } }), { statusCode: 400, param: 'us_bank_account' });
      await assert.rejects(stripe.paymentMethods.update(pm.id, { allow_redisplay: 'never' as 'always' }), { statusCode: 400, param: 'allow_redisplay' });
    });

    it('lists a customer’s payment methods newest first, filtered by type and allow_redisplay, page by page', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const ids: string[] = [];
      for (const allow_redisplay of ['always', 'limited', 'unspecified', 'always'] as const) {
        const pm = await stripe.paymentMethods.create(card('4242424242424242', { allow_redisplay }));
        ids.push((await stripe.paymentMethods.attach(pm.id, { customer: customer.id })).id);
      }
      const bank = await stripe.paymentMethods.create({
        type: 'us_bank_account',
        us_bank_account: { routing_number: '110000000', account_number: '000123456789' },
        billing_details: { name: 'Jenny Rosen' },
        allow_redisplay: 'always',
      });
      ids.push((await stripe.paymentMethods.attach(bank.id, { customer: customer.id })).id);
      await stripe.paymentMethods.create(card('5555555555554444'));

      const all = await stripe.customers.listPaymentMethods(customer.id);
      assert.deepEqual(all.data.map((p) => p.id), [...ids].reverse());
      assert.equal(all.url, `/v1/customers/${customer.id}/payment_methods`);
      const cards = await stripe.customers.listPaymentMethods(customer.id, { type: 'card' });
      assert.deepEqual(cards.data.map((p) => p.id), ids.slice(0, 4).reverse());
      const always = await stripe.customers.listPaymentMethods(customer.id, { allow_redisplay: 'always' });
      assert.deepEqual(always.data.map((p) => p.id), [ids[4], ids[3], ids[0]]);
      const alwaysCards = await stripe.customers.listPaymentMethods(customer.id, { type: 'card', allow_redisplay: 'always' });
      assert.deepEqual(alwaysCards.data.map((p) => p.id), [ids[3], ids[0]]);
      assert.equal((await stripe.customers.listPaymentMethods(customer.id, { type: 'sepa_debit' })).data.length, 0);

      const page1 = await stripe.customers.listPaymentMethods(customer.id, { limit: 2 });
      assert.equal(page1.has_more, true);
      const page2 = await stripe.customers.listPaymentMethods(customer.id, { limit: 2, starting_after: page1.data[1]?.id });
      assert.deepEqual(page2.data.map((p) => p.id), [ids[2], ids[1]]);
      const back = await stripe.customers.listPaymentMethods(customer.id, { limit: 2, ending_before: ids[2] });
      assert.deepEqual(back.data.map((p) => p.id), [ids[4], ids[3]]);
      const seen: string[] = [];
      for await (const p of stripe.customers.listPaymentMethods(customer.id, { limit: 2 })) seen.push(p.id);
      assert.deepEqual(seen, [...ids].reverse());
      for (const p of all.data) assertMatchesSchema('payment_method', p);

      const viaList = await stripe.paymentMethods.list({ customer: customer.id, type: 'us_bank_account' });
      assert.deepEqual(viaList.data.map((p) => p.id), [ids[4]]);
      assert.equal((await stripe.paymentMethods.list({ limit: 100 })).data.length, 6);
      assert.equal((await stripe.paymentMethods.list({ allow_redisplay: 'limited' })).data.length, 1);

      const one = await stripe.customers.retrievePaymentMethod(customer.id, ids[0] as string);
      assert.equal(one.id, ids[0]);
      const other = await stripe.customers.create({});
      await assert.rejects(stripe.customers.retrievePaymentMethod(other.id, ids[0] as string), { statusCode: 404 });
      await assert.rejects(stripe.customers.listPaymentMethods('cus_nope'), { statusCode: 404, param: 'customer' });
      await assert.rejects(stripe.paymentMethods.list({ customer: 'cus_nope' }), { statusCode: 404, param: 'customer' });
      await assert.rejects(stripe.customers.listPaymentMethods(customer.id, { allow_redisplay: 'sometimes' as 'always' }), { statusCode: 400 });
      await assert.rejects(stripe.customers.listPaymentMethods(customer.id, { starting_after: 'pm_nope' }), { statusCode: 404 });
    });
  });
}
