/**
 * What a Checkout total is made of, through the SDK and the hosted page: coupons, promotion codes
 * (given by the API or typed by the buyer), tax rates, automatic tax by address, shipping options.
 * The session, its line items, the page and the PaymentIntent agree to the unit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242 } from '../../src/cli/page.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';
import { pageForm as page } from '../helpers/page-form.js';

const SUCCESS = 'https://merchant.example/success?session_id={CHECKOUT_SESSION_ID}';

/** The text of the element with `data-testid`. */
function shown(html: string, testid: string): string | undefined {
  return new RegExp(`data-testid="${testid}"[^>]*>([^<]*)<`).exec(html)?.[1];
}

async function paidIntent(stripe: Stripe, sessionId: string): Promise<Stripe.PaymentIntent> {
  const s = await stripe.checkout.sessions.retrieve(sessionId);
  assert.equal(s.status, 'complete');
  return stripe.paymentIntents.retrieve(s.payment_intent as string);
}

for (const store of STORES) {
  describe(`Checkout totals (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('applies a coupon and an exclusive tax rate: the session, its line items and the PaymentIntent agree', async () => {
      const stripe = server.stripe();
      const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'once' });
      const rate = await stripe.taxRates.create({ display_name: 'Sales tax', percentage: 8.875, inclusive: false, country: 'US', state: 'NY' });
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price_data: { currency: 'usd', unit_amount: 2000, product_data: { name: 'Poster' } }, quantity: 2, tax_rates: [rate.id] }],
        discounts: [{ coupon: coupon.id }],
        success_url: SUCCESS,
      });
      assert.equal(s.amount_subtotal, 4000);
      assert.deepEqual(s.total_details, { amount_discount: 400, amount_shipping: 0, amount_tax: 320 });
      assert.equal(s.amount_total, 3920);
      assert.deepEqual(s.discounts, [{ coupon: coupon.id, promotion_code: null }]);
      assertMatchesSchema('checkout.session', s);

      const expanded = await stripe.checkout.sessions.retrieve(s.id, { expand: ['total_details.breakdown'] });
      assert.equal(expanded.total_details?.breakdown?.discounts[0]?.amount, 400);
      assert.equal(expanded.total_details?.breakdown?.taxes[0]?.amount, 320);
      assert.equal((expanded.total_details?.breakdown?.taxes[0]?.rate as Stripe.TaxRate).id, rate.id);

      const items = await stripe.checkout.sessions.listLineItems(s.id);
      const li = items.data[0] as Stripe.LineItem;
      assert.deepEqual([li.amount_subtotal, li.amount_discount, li.amount_tax, li.amount_total], [4000, 400, 320, 3920]);
      assert.equal(li.taxes?.[0]?.taxable_amount, 3600);

      const p = await page(s.url as string);
      assert.equal(shown(p.html, 'discount-amount'), '−$4.00');
      assert.equal(shown(p.html, 'tax-amount'), '$3.20');
      assert.equal(shown(p.html, 'total-amount'), '$39.20');
      assert.equal((await p.post({ ...BUYER, ...CARD_4242, expectedTotal: '3920' })).status, 303);
      assert.equal((await paidIntent(stripe, s.id)).amount, 3920);
      assert.equal((await stripe.coupons.retrieve(coupon.id)).times_redeemed, 1);
    });

    it('takes a promotion code the buyer types on the page, case-insensitively, and refuses a wrong one with a message', async () => {
      const stripe = server.stripe();
      const coupon = await stripe.coupons.create({ amount_off: 500, currency: 'usd', duration: 'once', name: 'Five off' });
      const promo = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'SPRING5' });
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price_data: { currency: 'usd', unit_amount: 1500, product_data: { name: 'Mug' } }, quantity: 1 }],
        allow_promotion_codes: true,
        success_url: SUCCESS,
      });
      const p = await page(s.url as string);
      assert.match(p.html, /data-testid="promotion-code-input"/);

      const wrong = await p.post({ ...BUYER, action: 'apply_promotion_code', promotionCode: 'WINTER' });
      assert.equal(wrong.status, 400);
      assert.ok(shown(wrong.html, 'promotion-code-error'), 'the page says why');
      assert.equal((await stripe.checkout.sessions.retrieve(s.id)).amount_total, 1500);

      const applied = await p.post({ ...BUYER, action: 'apply_promotion_code', promotionCode: 'spring5' });
      assert.equal(applied.status, 200);
      assert.equal(shown(applied.html, 'total-amount'), '$10.00');
      const after = await stripe.checkout.sessions.retrieve(s.id);
      assert.deepEqual(after.discounts, [{ coupon: coupon.id, promotion_code: promo.id }]);
      assert.equal(after.amount_total, 1000);

      assert.equal((await p.post({ ...BUYER, ...CARD_4242, expectedTotal: '1000' })).status, 303);
      assert.equal((await paidIntent(stripe, s.id)).amount, 1000);
      assert.equal((await stripe.promotionCodes.retrieve(promo.id)).times_redeemed, 1);
    });

    it('offers shipping options, charges the one the buyer picks, and keeps shipping_cost in step', async () => {
      const stripe = server.stripe();
      const standard = await stripe.shippingRates.create({ display_name: 'Standard', type: 'fixed_amount', fixed_amount: { amount: 500, currency: 'usd' } });
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price_data: { currency: 'usd', unit_amount: 3000, product_data: { name: 'Lamp' } }, quantity: 1 }],
        shipping_address_collection: { allowed_countries: ['US'] },
        shipping_options: [
          { shipping_rate: standard.id },
          { shipping_rate_data: { display_name: 'Express', type: 'fixed_amount', fixed_amount: { amount: 1500, currency: 'usd' }, delivery_estimate: { minimum: { unit: 'business_day', value: 1 }, maximum: { unit: 'business_day', value: 2 } } } },
        ],
        success_url: SUCCESS,
      });
      assert.equal(s.shipping_options.length, 2);
      assert.equal(s.shipping_cost?.shipping_rate, standard.id);
      assert.equal(s.amount_total, 3500);
      const express = s.shipping_options[1]?.shipping_rate as string;
      assert.match(express, /^shr_/);

      const p = await page(s.url as string);
      const shipping = { shippingName: 'Jenny Rosen', shippingCountry: 'US', shippingAddressLine1: '1 Main St', shippingLocality: 'San Francisco', shippingPostalCode: '94102', shippingAdministrativeArea: 'CA' };
      const chosen = await p.post({ ...BUYER, ...shipping, action: 'select_shipping_rate', shippingRate: express });
      assert.equal(chosen.status, 200);
      assert.equal(shown(chosen.html, 'total-amount'), '$45.00');
      const after = await stripe.checkout.sessions.retrieve(s.id);
      assert.deepEqual([after.shipping_cost?.shipping_rate, after.total_details?.amount_shipping, after.amount_total], [express, 1500, 4500]);

      assert.equal((await p.post({ ...BUYER, ...shipping, ...CARD_4242, shippingRate: express, expectedTotal: '4500' })).status, 303);
      assert.equal((await paidIntent(stripe, s.id)).amount, 4500);
    });

    it('collects tax for a Japanese buyer by address where the account is registered, in yen, and refuses a total the buyer did not see', async () => {
      const stripe = server.stripe();
      await stripe.tax.registrations.create({ country: 'JP', country_options: { jp: { type: 'standard' } }, active_from: 'now' });
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        locale: 'ja',
        line_items: [{ price_data: { currency: 'jpy', unit_amount: 2000, tax_behavior: 'exclusive', product_data: { name: 'お茶' } }, quantity: 1 }],
        automatic_tax: { enabled: true },
        success_url: SUCCESS,
      });
      assert.equal(s.automatic_tax.status, 'requires_location_inputs');
      assert.deepEqual([s.total_details?.amount_tax, s.amount_total], [0, 2000]);

      const p = await page(s.url as string);
      const jp = { email: 'hanako@example.jp', billingName: '山田 花子', billingCountry: 'JP' };
      const stale = await p.post({ ...jp, ...CARD_4242, expectedTotal: '2000' });
      assert.equal(stale.status, 400, 'a payment whose total changed with the address is refused');
      assert.equal(shown(stale.html, 'total-amount'), '￥2,200');

      const priced = await stripe.checkout.sessions.retrieve(s.id);
      assert.deepEqual([priced.automatic_tax.status, priced.total_details?.amount_tax, priced.amount_total], ['complete', 200, 2200]);
      assert.equal((await p.post({ ...jp, ...CARD_4242, expectedTotal: '2200' })).status, 303);
      assert.equal((await paidIntent(stripe, s.id)).amount, 2200);
    });

    it('counts a coupon with max_redemptions 1 once when 50 buyers race for it', async () => {
      const stripe = server.stripe();
      const coupon = await stripe.coupons.create({ percent_off: 50, duration: 'once', max_redemptions: 1 });
      const sessions = await Promise.all(
        Array.from({ length: 50 }, () =>
          stripe.checkout.sessions.create({
            mode: 'payment',
            line_items: [{ price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'Ticket' } }, quantity: 1 }],
            discounts: [{ coupon: coupon.id }],
            success_url: SUCCESS,
          }),
        ),
      );
      const pages = await Promise.all(sessions.map((s) => page(s.url as string)));
      const results = await Promise.all(pages.map((p) => p.post({ ...BUYER, ...CARD_4242, expectedTotal: '500' })));
      assert.equal(results.filter((r) => r.status === 303).length, 1, `statuses: ${results.map((r) => r.status).join(',')}`);
      assert.equal((await stripe.coupons.retrieve(coupon.id)).times_redeemed, 1);
      const complete = await Promise.all(sessions.map((s) => stripe.checkout.sessions.retrieve(s.id)));
      assert.equal(complete.filter((s) => s.status === 'complete').length, 1);
    });

    it('charges a subscription its discounted first invoice, and the invoice agrees', async () => {
      const stripe = server.stripe();
      const coupon = await stripe.coupons.create({ percent_off: 25, duration: 'forever' });
      const price = await stripe.prices.create({ currency: 'usd', unit_amount: 2000, recurring: { interval: 'month' }, product_data: { name: 'Plan' } });
      const s = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: price.id, quantity: 1 }], discounts: [{ coupon: coupon.id }], success_url: SUCCESS });
      assert.equal(s.amount_total, 1500);
      const p = await page(s.url as string);
      assert.equal((await p.post({ ...BUYER, ...CARD_4242, expectedTotal: '1500' })).status, 303);
      const done = await stripe.checkout.sessions.retrieve(s.id);
      const invoice = await stripe.invoices.retrieve(done.invoice as string);
      assert.deepEqual([invoice.subtotal, invoice.total, invoice.amount_paid], [2000, 1500, 1500]);
    });

    it('picks a dynamic tax rate by the buyer\'s address, and applies a subscription\'s default tax rates and an inclusive rate', async () => {
      const stripe = server.stripe();
      const ca = await stripe.taxRates.create({ display_name: 'CA sales tax', percentage: 7.25, inclusive: false, country: 'US', state: 'CA' });
      const ny = await stripe.taxRates.create({ display_name: 'NY sales tax', percentage: 8.875, inclusive: false, country: 'US', state: 'NY' });
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        // `dynamic_tax_rates` left stripe-node 23's types; Stripe (and OpenCheckout) still take it.
        line_items: [{ price_data: { currency: 'usd', unit_amount: 10000, product_data: { name: 'Chair' } }, quantity: 1, dynamic_tax_rates: [ca.id, ny.id] } as Stripe.Checkout.SessionCreateParams.LineItem],
        billing_address_collection: 'required',
        success_url: SUCCESS,
      });
      assert.equal(s.amount_total, 10000, 'no address yet, no tax');
      const p = await page(s.url as string);
      const nyBuyer = { ...BUYER, billingAddressLine1: '1 Broadway', billingLocality: 'New York', billingAdministrativeArea: 'NY', billingPostalCode: '10004' };
      const repriced = await p.post({ ...nyBuyer, action: 'update_address' });
      assert.equal(shown(repriced.html, 'tax-amount'), '$8.88');
      assert.equal((await p.post({ ...nyBuyer, ...CARD_4242, expectedTotal: '10888' })).status, 303);
      const items = await stripe.checkout.sessions.listLineItems(s.id);
      assert.equal(((items.data[0] as Stripe.LineItem).taxes?.[0]?.rate as Stripe.TaxRate).id, ny.id);

      const vat = await stripe.taxRates.create({ display_name: 'VAT', percentage: 20, inclusive: true, country: 'GB' });
      const plan = await stripe.prices.create({ currency: 'gbp', unit_amount: 1200, recurring: { interval: 'month' }, product_data: { name: 'Plan' } });
      const sub = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: plan.id, quantity: 1 }], subscription_data: { default_tax_rates: [vat.id] }, success_url: SUCCESS });
      assert.deepEqual([sub.amount_subtotal, sub.total_details?.amount_tax, sub.amount_total], [1200, 200, 1200], 'inclusive VAT is inside the price');
    });

    it('refuses a total above the largest charge, as Stripe caps every amount', async () => {
      const stripe = server.stripe();
      await assert.rejects(
        stripe.checkout.sessions.create({
          mode: 'payment',
          line_items: [{ price_data: { currency: 'usd', unit_amount: 99_999_999, product_data: { name: 'Everything' } }, quantity: 999_999 }],
          success_url: SUCCESS,
        }),
        (err: Stripe.errors.StripeError) => err.statusCode === 400 && err.code === 'amount_too_large',
      );
    });

    it("refuses what Stripe refuses: both discounts and allow_promotion_codes, tax rates with automatic tax, shipping in subscription mode, an unknown coupon, a total under the currency's minimum", async () => {
      const stripe = server.stripe();
      const coupon = await stripe.coupons.create({ percent_off: 5, duration: 'once' });
      const rate = await stripe.taxRates.create({ display_name: 'VAT', percentage: 20, inclusive: true });
      const item = { price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'Book' } }, quantity: 1 };
      const refused = async (params: Stripe.Checkout.SessionCreateParams, param: string, status = 400) => {
        await assert.rejects(stripe.checkout.sessions.create({ success_url: SUCCESS, ...params }), (err: Stripe.errors.StripeError) => {
          assert.equal(err.statusCode, status);
          assert.equal(err.param, param);
          return true;
        });
      };
      await refused({ mode: 'payment', line_items: [item], discounts: [{ coupon: coupon.id }], allow_promotion_codes: true }, 'discounts');
      await refused({ mode: 'payment', line_items: [{ ...item, tax_rates: [rate.id] }], automatic_tax: { enabled: true } }, 'line_items[0][tax_rates]');
      await refused({ mode: 'payment', line_items: [{ ...item, tax_rates: ['txr_missing'] }] }, 'line_items[0][tax_rates]', 404);
      await refused({ mode: 'payment', line_items: [item], discounts: [{ coupon: 'nope' }] }, 'discounts[0][coupon]', 404);
      const monthly = { price_data: { currency: 'usd', unit_amount: 1000, recurring: { interval: 'month' as const }, product_data: { name: 'Plan' } }, quantity: 1 };
      await refused({ mode: 'subscription', line_items: [monthly], shipping_options: [{ shipping_rate_data: { display_name: 'Post', type: 'fixed_amount', fixed_amount: { amount: 100, currency: 'usd' } } }] }, 'shipping_options');
      await refused({ mode: 'payment', line_items: [{ price_data: { currency: 'jpy', unit_amount: 49, product_data: { name: 'Candy' } }, quantity: 1 }] }, 'line_items');
    });
  });
}
