/**
 * Quantities the buyer changes on the hosted page, through the SDK and the page's form over HTTP:
 * `line_items[].adjustable_quantity` and `optional_items`. The session, its line items and the
 * PaymentIntent follow what the buyer chose.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242 } from '../../src/cli/page.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { stripeError } from '../helpers/errors.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';
import { pageForm as page } from '../helpers/page-form.js';

const SUCCESS = 'https://merchant.example/success';
const PAY = { ...BUYER, ...CARD_4242 };

const shown = (html: string, testid: string) => new RegExp(`data-testid="${testid}"[^>]*>([^<]*)<`).exec(html)?.[1];
const alertOf = (html: string) => shown(html, 'payment-error');

for (const store of STORES) {
  describe(`Checkout quantities the buyer changes (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    const mug = (adjustable?: Stripe.Checkout.SessionCreateParams.LineItem.AdjustableQuantity, quantity = 2): Stripe.Checkout.SessionCreateParams.LineItem => ({
      price_data: { currency: 'usd', unit_amount: 1200, product_data: { name: 'Mug' } },
      quantity,
      ...(adjustable ? { adjustable_quantity: adjustable } : {}),
    });

    it('serves adjustable_quantity on the line item and refuses bounds Stripe refuses', async () => {
      const stripe = server.stripe();
      const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [mug({ enabled: true, minimum: 1, maximum: 5 }), mug()], success_url: SUCCESS });
      const items = await stripe.checkout.sessions.listLineItems(s.id);
      assert.deepEqual(items.data[0]?.adjustable_quantity, { enabled: true, maximum: 5, minimum: 1 });
      assert.equal(items.data[1]?.adjustable_quantity, null);
      assertMatchesSchema('item', items.data[0]);
      const create = (li: Stripe.Checkout.SessionCreateParams.LineItem) => stripe.checkout.sessions.create({ mode: 'payment', line_items: [li], success_url: SUCCESS });
      await assert.rejects(create(mug({ enabled: true, minimum: 3 }, 2)), stripeError({ status: 400, param: 'line_items[0][quantity]' }));
      await assert.rejects(create(mug({ enabled: true }, 120)), stripeError({ status: 400, param: 'line_items[0][quantity]' }), 'the maximum is 99 unless set');
      await assert.rejects(create(mug({ enabled: true, minimum: 5, maximum: 2 }, 3)), stripeError({ status: 400, param: 'line_items[0][adjustable_quantity][minimum]' }));
      const wide = await create(mug({ enabled: true, maximum: 150 }, 120));
      assert.equal((await stripe.checkout.sessions.listLineItems(wide.id)).data[0]?.quantity, 120);
    });

    it('lets the buyer change a quantity within its bounds, reprices, and charges the new total', async () => {
      const stripe = server.stripe();
      const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [mug({ enabled: true, minimum: 1, maximum: 5 })], success_url: SUCCESS });
      assert.equal(s.amount_total, 2400);
      const p = await page(s.url as string);
      assert.match(p.html, /type="number" id="quantity_li_[^"]+" name="quantity_li_[^"]+" form="payment-form" value="2" min="1" max="5"/);
      const name = /name="(quantity_li_[^"]+)"/.exec(p.html)?.[1] as string;

      const none = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [mug({ enabled: true, minimum: 0, maximum: 5 })], success_url: SUCCESS, locale: 'ja' });
      const nonePage = await page(none.url as string);
      const emptied = await nonePage.post({ ...BUYER, action: 'update_quantity', [/name="(quantity_li_[^"]+)"/.exec(nonePage.html)?.[1] as string]: '0' });
      assert.equal(alertOf(emptied.html), 'ご注文には少なくとも1点の商品を残してください。', 'the only item cannot go to 0');

      const tooMany = await p.post({ ...BUYER, action: 'update_quantity', [name]: '6' });
      assert.equal(tooMany.status, 400);
      assert.equal(alertOf(tooMany.html), 'Choose a quantity from 1 to 5.');
      assert.equal((await stripe.checkout.sessions.retrieve(s.id)).amount_total, 2400);

      const three = await p.post({ ...BUYER, action: 'update_quantity', [name]: '3' });
      assert.equal(three.status, 200);
      assert.equal(shown(three.html, 'total-amount'), '$36.00');
      const after = await stripe.checkout.sessions.retrieve(s.id);
      assert.equal(after.amount_total, 3600);
      assert.equal((await stripe.checkout.sessions.listLineItems(s.id)).data[0]?.quantity, 3);

      // Pay pressed with a quantity typed but not applied: the cart is updated and shown, nothing is charged.
      const typed = await p.post({ ...PAY, expectedTotal: '3600', [name]: '4' });
      assert.equal(typed.status, 200);
      assert.equal(shown(typed.html, 'total-amount'), '$48.00');
      assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'open');

      assert.equal((await p.post({ ...PAY, expectedTotal: '4800', [name]: '4' })).status, 303);
      const done = await stripe.checkout.sessions.retrieve(s.id);
      assert.equal(done.amount_total, 4800);
      assert.equal((await stripe.paymentIntents.retrieve(done.payment_intent as string)).amount, 4800);
    });

    it('subscribes to the quantity the buyer chose, and adds a recurring optional item to the subscription', async () => {
      const stripe = server.stripe();
      const product = await stripe.products.create({ name: 'Extra seat pack' });
      const seats = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 300, recurring: { interval: 'month' } });
      const s = await stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price_data: { currency: 'usd', unit_amount: 1000, recurring: { interval: 'month' }, product_data: { name: 'Seat' } }, quantity: 1, adjustable_quantity: { enabled: true, maximum: 20 } }],
        optional_items: [{ price: seats.id, quantity: 1 }],
        success_url: SUCCESS,
      });
      const p = await page(s.url as string);
      const name = /name="(quantity_li_[^"]+)"/.exec(p.html)?.[1] as string;
      assert.equal(shown((await p.post({ ...BUYER, action: 'update_quantity', [name]: '5' })).html, 'total-amount'), '$50.00');
      assert.equal(shown((await p.post({ ...BUYER, action: 'add_optional_item:0' })).html, 'total-amount'), '$53.00');
      assert.equal((await p.post({ ...PAY, expectedTotal: '5300', [name]: '5' })).status, 303);
      const done = await stripe.checkout.sessions.retrieve(s.id);
      const sub = await stripe.subscriptions.retrieve(done.subscription as string);
      assert.deepEqual(sub.items.data.map((i) => [i.price.unit_amount, i.quantity]), [[1000, 5], [300, 1]]);
      assert.equal((await stripe.invoices.retrieve(sub.latest_invoice as string)).amount_paid, 5300);
    });

    it('refuses a quantity change on a line whose quantity is fixed', async () => {
      const stripe = server.stripe();
      const s = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [mug()], success_url: SUCCESS });
      const p = await page(s.url as string);
      assert.doesNotMatch(p.html, /data-testid="adjustable-quantity"/);
      const li = (await stripe.checkout.sessions.listLineItems(s.id)).data[0] as Stripe.LineItem;
      // A forged field for a fixed line is ignored: only adjustable lines are read.
      const forged = await p.post({ ...BUYER, action: 'update_quantity', [`quantity_${li.id}`]: '9' });
      assert.equal(forged.status, 200);
      assert.equal((await stripe.checkout.sessions.retrieve(s.id)).amount_total, 2400);
    });

    it('offers optional items, adds one with its quantity when the buyer asks, and charges it', async () => {
      const stripe = server.stripe();
      const product = await stripe.products.create({ name: 'Coasters' });
      const coasters = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 500 });
      const monthly = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 500, recurring: { interval: 'month' } });
      const euro = await stripe.prices.create({ product: product.id, currency: 'eur', unit_amount: 500 });
      const base = { mode: 'payment' as const, line_items: [mug()], success_url: SUCCESS };
      await assert.rejects(stripe.checkout.sessions.create({ ...base, optional_items: [{ price: 'price_nope', quantity: 1 }] }), { statusCode: 404, param: 'optional_items[0][price]' });
      await assert.rejects(stripe.checkout.sessions.create({ ...base, optional_items: [{ price: monthly.id, quantity: 1 }] }), stripeError({ status: 400, param: 'optional_items[0][price]' }));
      await assert.rejects(stripe.checkout.sessions.create({ ...base, optional_items: [{ price: euro.id, quantity: 1 }] }), stripeError({ status: 400, param: 'optional_items[0][price]' }));

      const s = await stripe.checkout.sessions.create({ ...base, optional_items: [{ price: coasters.id, quantity: 2, adjustable_quantity: { enabled: true, maximum: 4 } }] });
      assert.deepEqual(s.optional_items, [{ adjustable_quantity: { enabled: true, maximum: 4, minimum: null }, price: coasters.id, quantity: 2 }]);
      const p = await page(s.url as string);
      assert.match(p.html, /data-testid="optional-item"/);
      assert.match(p.html, /<div class="item-name">Coasters<\/div><div class="item-meta">\$5.00<\/div>/);

      const added = await p.post({ ...BUYER, action: 'add_optional_item:0' });
      assert.equal(added.status, 200);
      assert.doesNotMatch(added.html, /data-testid="optional-item"/, 'an added item is no longer offered');
      assert.equal(shown(added.html, 'total-amount'), '$34.00');
      const items = (await stripe.checkout.sessions.listLineItems(s.id)).data;
      assert.deepEqual(items.map((li) => [li.description, li.quantity, li.amount_total]), [['Mug', 2, 2400], ['Coasters', 2, 1000]]);
      assert.deepEqual(items[1]?.adjustable_quantity, { enabled: true, maximum: 4, minimum: null });
      const twice = await p.post({ ...BUYER, action: 'add_optional_item:0' });
      assert.equal(twice.status, 400, 'not twice');
      assert.equal(alertOf(twice.html), 'This item can no longer be added.');

      // Its quantity is then the buyer's to change, within its own bounds.
      const name = /name="(quantity_li_[^"]+)"/.exec(added.html)?.[1] as string;
      assert.equal(shown((await p.post({ ...BUYER, action: 'update_quantity', [name]: '4' })).html, 'total-amount'), '$44.00');
      assert.equal((await p.post({ ...PAY, expectedTotal: '4400' })).status, 303);
      const done = await stripe.checkout.sessions.retrieve(s.id);
      assert.equal((await stripe.paymentIntents.retrieve(done.payment_intent as string)).amount, 4400);
    });
  });
}
