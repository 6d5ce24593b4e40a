/**
 * Konbini through the PaymentIntents API (docs/decisions.md#konbini): confirming with
 * `payment_method_data[type]=konbini` waits in `requires_action` with the voucher as
 * `next_action`, its page served at `hosted_voucher_url`; Stripe's test emails settle it on the
 * scheduler as on Checkout; `payment_method_options[konbini]` is checked and honoured.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

type Konbini = Stripe.PaymentIntent.NextAction.KonbiniDisplayDetails;

function refusal(status: number, code: string | undefined, param?: string) {
  return (err: Stripe.errors.StripeError) => {
    assert.equal(err.statusCode, status, err.message);
    if (code) assert.equal(err.code, code);
    if (param) assert.equal(err.param, param);
    return true;
  };
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let v = await read();
  for (let i = 0; i < 60 && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 200));
    v = await read();
  }
  return v;
}

function konbiniIntent(stripe: Stripe, email: string, options: Stripe.PaymentIntentCreateParams.PaymentMethodOptions.Konbini = {}) {
  return stripe.paymentIntents.create({
    amount: 1500,
    currency: 'jpy',
    allowed_payment_method_types: ['konbini'],
    payment_method_options: { konbini: options },
    payment_method_data: { type: 'konbini', billing_details: { name: '山田太郎', email } },
    confirm: true,
  });
}

for (const store of STORES) {
  describe(`Konbini PaymentIntents (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_SETTLEMENT_DELAY: '1' } });
    });
    after(() => server.close());

    it('confirm shows the voucher: next_action with the merchant\'s options, its page at hosted_voucher_url', async () => {
      const stripe = server.stripe();
      // Any other email is paid after three minutes: the voucher waits meanwhile.
      const pi = await konbiniIntent(stripe, 'taro@example.com', { confirmation_number: '09012345678', product_description: 'オンラインストア', expires_after_days: 5 });
      assertMatchesSchema('payment_intent', pi);
      assert.equal(pi.status, 'requires_action');
      assert.equal(pi.next_action?.type, 'konbini_display_details');
      const details = pi.next_action?.konbini_display_details as Konbini;
      assert.equal(details.stores.lawson?.confirmation_number, '09012345678');
      assert.match(details.stores.familymart?.payment_code ?? '', /^\d{6}$/);
      // 23:59:59 Japan time, five days after today in Japan.
      const jst = 9 * 3600;
      const today = Math.floor((pi.created + jst) / 86400);
      assert.equal(details.expires_at, (today + 6) * 86400 - 1 - jst);
      assert.deepEqual(pi.payment_method_options?.konbini, { confirmation_number: '09012345678', product_description: 'オンラインストア', expires_after_days: 5 });
      assert.equal(details.hosted_voucher_url, `${server.url}/c/pay/${pi.id}/voucher`);
      const page = await fetch(details.hosted_voucher_url as string, { headers: { 'accept-language': 'ja' } });
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /09012345678/);
      assert.match(html, /data-state="waiting"/);
      assert.match(html, /コンビニでのお支払い/);
      assert.match(html, /￥1,500/);
      const types = (await stripe.events.list({ limit: 10 })).data.map((e) => e.type).reverse();
      assert.deepEqual(types, ['payment_intent.created', 'payment_intent.requires_action']);
    });

    it('a succeed_immediately email is paid on the scheduler, with its charge and its fee', async () => {
      const stripe = server.stripe();
      const pi = await konbiniIntent(stripe, 'succeed_immediately@example.com');
      const details = pi.next_action?.konbini_display_details as Konbini;
      const paid = await until(() => stripe.paymentIntents.retrieve(pi.id), (p) => p.status !== 'requires_action');
      assert.deepEqual([paid.status, paid.amount_received, paid.next_action], ['succeeded', 1500, null]);
      const charge = await stripe.charges.retrieve(paid.latest_charge as string, { expand: ['balance_transaction'] });
      const txn = charge.balance_transaction as Stripe.BalanceTransaction;
      assert.deepEqual([charge.status, txn.type, txn.fee, txn.net], ['succeeded', 'payment', 54, 1446]);
      const types = (await stripe.events.list({ limit: 10 })).data.map((e) => e.type).reverse();
      assert.deepEqual(types, ['payment_intent.created', 'payment_intent.requires_action', 'charge.succeeded', 'payment_intent.succeeded']);
      assert.match(await (await fetch(details.hosted_voucher_url as string)).text(), /data-state="paid"/);
    });

    it('an expire_immediately email expires: requires_payment_method with payment_intent_payment_attempt_expired', async () => {
      const stripe = server.stripe();
      const pi = await konbiniIntent(stripe, 'expire_immediately@example.com');
      const details = pi.next_action?.konbini_display_details as Konbini;
      assert.ok(details.expires_at <= Math.floor(Date.now() / 1000) + 1);
      const failed = await until(() => stripe.paymentIntents.retrieve(pi.id), (p) => p.status !== 'requires_action');
      assert.equal(failed.status, 'requires_payment_method');
      assert.equal(failed.last_payment_error?.code, 'payment_intent_payment_attempt_expired');
      assert.match(await (await fetch(details.hosted_voucher_url as string)).text(), /data-state="expired"/);
    });

    it('checks payment_method_options[konbini] and the name and email a voucher needs', async () => {
      const stripe = server.stripe();
      const base = { amount: 1500, currency: 'jpy', allowed_payment_method_types: ['konbini'] };
      await assert.rejects(
        stripe.paymentIntents.create({ ...base, payment_method_options: { konbini: { confirmation_number: '12ab' } } }),
        refusal(400, undefined, 'payment_method_options[konbini][confirmation_number]'),
      );
      await assert.rejects(
        stripe.paymentIntents.create({ ...base, payment_method_options: { konbini: { expires_after_days: 61 } } }),
        refusal(400, undefined, 'payment_method_options[konbini][expires_after_days]'),
      );
      await assert.rejects(
        stripe.paymentIntents.create({ ...base, payment_method_options: { konbini: { expires_after_days: 2, expires_at: 1893456000 } } }),
        refusal(400, undefined, 'payment_method_options[konbini][expires_at]'),
      );
      await assert.rejects(
        stripe.paymentIntents.create({ ...base, payment_method_options: { konbini: { product_description: 'x'.repeat(23) } } }),
        refusal(400, undefined, 'payment_method_options[konbini][product_description]'),
      );
      await assert.rejects(
        stripe.paymentIntents.create({ ...base, confirm: true, payment_method_data: { type: 'konbini', billing_details: { name: 'Taro' } } }),
        refusal(400, 'parameter_missing', 'payment_method_data[billing_details][email]'),
      );
      const at = Math.floor(Date.now() / 1000) + 7200;
      const pi = await konbiniIntent(stripe, 'fill_never@example.com', { expires_at: at });
      assert.equal((pi.next_action?.konbini_display_details as Konbini).expires_at, at);
      assert.equal((await fetch(`${server.url}/c/pay/pi_doesnotexist1234/voucher`)).status, 404);
    });
  });
}
