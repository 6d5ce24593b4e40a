/**
 * Stripe's Search API through the SDK (docs/decisions.md#search): the seven `/search` endpoints,
 * the query language (exact, substring, comparisons, metadata, negation, null, AND / OR, quotes),
 * `next_page` pagination and auto-pagination, `total_count`, and Stripe's errors for queries it
 * refuses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertSearchResult } from '../helpers/contract.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

const ids = (r: { data: Array<{ id: string }> }) => r.data.map((o) => o.id);
const sorted = (a: string[]) => [...a].sort();

function refused(message: RegExp, code?: string) {
  return (err: Stripe.errors.StripeError) => {
    assert.equal(err.statusCode, 400, err.message);
    assert.equal(err.type, 'StripeInvalidRequestError');
    assert.match(err.message, message);
    if (code) assert.equal(err.code, code);
    return true;
  };
}

const UNPARSABLE = /^We were unable to parse your search query\. Try using the format `metadata\["key"\]:"value"` to query for metadata or key:"value" to query for other fields\./;

for (const store of STORES) {
  describe(`search (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('finds customers by exact email, name words, substring, phone, metadata, negation, null and OR', async () => {
      const stripe = server.stripe();
      const jenny = await stripe.customers.create({ email: 'jenny.rosen@example.com', name: 'Jenny Rosen', phone: '+15555550100', metadata: { plan: 'pro', 'donation-id': 'asdf-jkl' } });
      const taro = await stripe.customers.create({ email: 'taro@example.jp', name: '山田 太郎', metadata: { plan: 'free' } });
      const anon = await stripe.customers.create({ email: 'anon@example.com' });
      const gone = await stripe.customers.create({ email: 'jenny.rosen@example.com', name: 'Jenny Rosen' });
      await stripe.customers.del(gone.id);

      const byEmail = await stripe.customers.search({ query: "email:'JENNY.ROSEN@example.com'" });
      assertSearchResult('customer', byEmail, '/v1/customers/search');
      assert.deepEqual(ids(byEmail), [jenny.id], 'case-insensitive, and a deleted customer is never found');
      assert.deepEqual(ids(await stripe.customers.search({ query: 'name:"rosen"' })), [jenny.id], 'a word of the name');
      assert.deepEqual(ids(await stripe.customers.search({ query: 'name:"Rosen Jenny"' })), [], 'words in the same order only');
      assert.deepEqual(ids(await stripe.customers.search({ query: 'name:"太郎"' })), [taro.id]);
      assert.deepEqual(sorted(ids(await stripe.customers.search({ query: 'email~"example.com"' }))), sorted([jenny.id, anon.id]));
      assert.deepEqual(ids(await stripe.customers.search({ query: 'phone:"+15555550100"' })), [jenny.id]);
      assert.deepEqual(ids(await stripe.customers.search({ query: `metadata["plan"]:"pro"` })), [jenny.id]);
      assert.deepEqual(ids(await stripe.customers.search({ query: `metadata['donation-id']:'ASDF-jkl'` })), [jenny.id]);
      assert.deepEqual(sorted(ids(await stripe.customers.search({ query: `-metadata['plan']:'pro'` }))), sorted([taro.id, anon.id]));
      assert.deepEqual(ids(await stripe.customers.search({ query: 'name:null' })), [anon.id]);
      assert.deepEqual(sorted(ids(await stripe.customers.search({ query: `-metadata["plan"]:NULL` }))), sorted([jenny.id, taro.id]));
      assert.deepEqual(sorted(ids(await stripe.customers.search({ query: `metadata['plan']:'free' or email:"anon@example.com"` }))), sorted([taro.id, anon.id]));
      assert.deepEqual(ids(await stripe.customers.search({ query: `metadata['plan']:'free' AND email:"anon@example.com"` })), []);
      assert.deepEqual(ids(await stripe.customers.search({ query: `name~"jen" email~"rosen"` })), [jenny.id], 'a space joins with AND');
    });

    it('quotes: single or double, with backslash escapes; numbers may go unquoted', async () => {
      const stripe = server.stripe();
      const c = await stripe.customers.create({ name: `Jenny "JR" O'Hara`, metadata: { note: `it's "quoted"` } });
      assert.deepEqual(ids(await stripe.customers.search({ query: `metadata['note']:'it\\'s "quoted"'` })), [c.id]);
      assert.deepEqual(ids(await stripe.customers.search({ query: `metadata["note"]:"it's \\"quoted\\""` })), [c.id]);
      assert.deepEqual(ids(await stripe.customers.search({ query: `name:"\\"JR\\" O'Hara"` })), [c.id]);
      assert.deepEqual(ids(await stripe.customers.search({ query: `created>0 name~"o'hara"` })), [c.id]);
    });

    it('compares created and numeric fields with > < >= <= and :', async () => {
      const stripe = server.stripe();
      const early = await stripe.testHelpers.testClocks.create({ frozen_time: 1_700_000_000 });
      const late = await stripe.testHelpers.testClocks.create({ frozen_time: 1_800_000_000 });
      const a = await stripe.customers.create({ name: 'Early', test_clock: early.id });
      const b = await stripe.customers.create({ name: 'Late', test_clock: late.id });
      assert.deepEqual(ids(await stripe.customers.search({ query: 'created>1700000000' })).includes(a.id), false);
      assert.deepEqual(ids(await stripe.customers.search({ query: 'created>=1700000000 AND created<1800000000' })), [a.id]);
      assert.deepEqual(ids(await stripe.customers.search({ query: 'created<="1800000000" -name:"early" created>1' })), [b.id]);
      assert.deepEqual(ids(await stripe.customers.search({ query: 'created:1800000000' })), [b.id]);
      assert.deepEqual(ids(await stripe.customers.search({ query: 'created>1699999999.5 created<=1800000000' })), [b.id, a.id], 'a fractional bound too');
      assert.deepEqual(ids(await stripe.customers.search({ query: 'created>99999999999999999999' })), []);
      assert.deepEqual(ids(await stripe.customers.search({ query: 'created<1700000000' })), []);
    });

    it('pages newest first with next_page, auto-pagination and total_count', async () => {
      const stripe = server.stripe();
      const made: string[] = [];
      for (let i = 0; i < 23; i++) made.push((await stripe.customers.create({ email: `batch${i}@example.com`, metadata: { batch: 'b1' } })).id);
      await stripe.customers.create({ email: 'other@example.com', metadata: { batch: 'b2' } });
      const newestFirst = [...made].reverse();

      const first = await stripe.customers.search({ query: "metadata['batch']:'b1'", limit: 10 });
      assertSearchResult('customer', first, '/v1/customers/search');
      assert.equal(first.has_more, true);
      assert.deepEqual(ids(first), newestFirst.slice(0, 10));
      const second = await stripe.customers.search({ query: "metadata['batch']:'b1'", limit: 10, page: first.next_page as string });
      assert.deepEqual(ids(second), newestFirst.slice(10, 20));
      const third = await stripe.customers.search({ query: "metadata['batch']:'b1'", limit: 10, page: second.next_page as string });
      assert.deepEqual([ids(third), third.has_more, third.next_page], [newestFirst.slice(20), false, null]);
      assertSearchResult('customer', third);

      const all = await stripe.customers.search({ query: "metadata['batch']:'b1'", limit: 4 }).autoPagingToArray({ limit: 100 });
      assert.deepEqual(all.map((c) => c.id), newestFirst);
      const listed = await stripe.customers.list({ limit: 100 });
      assert.deepEqual(listed.data.filter((c) => c.metadata.batch === 'b1').map((c) => c.id), newestFirst, 'the list order');
      const seen: string[] = [];
      await stripe.customers.search({ query: "metadata['batch']:'b1'", limit: 7 }).autoPagingEach((c) => {
        seen.push(c.id);
      });
      assert.deepEqual(seen, newestFirst);

      const counted = await stripe.customers.search({ query: "metadata['batch']:'b1'", limit: 3, expand: ['total_count'] });
      assertSearchResult('customer', counted);
      assert.equal(counted.total_count, 23);
      const later = await stripe.customers.search({ query: "metadata['batch']:'b1'", limit: 3, page: counted.next_page as string, expand: ['total_count'] });
      assert.equal(later.total_count, 23, 'the count of every match, not of what remains');
      assert.equal((await stripe.customers.search({ query: "metadata['batch']:'b1'" })).total_count, undefined);
    });

    it('searches PaymentIntents and charges by amount, currency, customer, status, card and refunds', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ name: 'Buyer' });
      const pay = (amount: number, currency: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) =>
        stripe.paymentIntents.create({ amount, currency, payment_method: 'pm_card_visa', allowed_payment_method_types: ['card'], confirm: true, ...extra });
      const small = await pay(500, 'usd', { metadata: { order: 'A-1' } });
      const big = await pay(5000, 'usd', { customer: customer.id });
      const yen = await pay(3000, 'jpy');
      const open = await stripe.paymentIntents.create({ amount: 9900, currency: 'usd', allowed_payment_method_types: ['card'] });

      const gt = await stripe.paymentIntents.search({ query: 'amount>1000 currency:"usd"' });
      assertSearchResult('payment_intent', gt, '/v1/payment_intents/search');
      assert.deepEqual(ids(gt), [open.id, big.id]);
      assert.deepEqual(sorted(ids(await stripe.paymentIntents.search({ query: "-currency:'usd'" }))), [yen.id]);
      assert.deepEqual(ids(await stripe.paymentIntents.search({ query: `status:'succeeded' AND customer:'${customer.id}'` })), [big.id]);
      assert.deepEqual(ids(await stripe.paymentIntents.search({ query: "status:'requires_payment_method'" })), [open.id]);
      assert.deepEqual(ids(await stripe.paymentIntents.search({ query: "metadata['order']:'a-1'" })), [small.id]);
      assert.deepEqual(ids(await stripe.paymentIntents.search({ query: 'amount:3000' })), [yen.id]);

      const charge = (pi: Stripe.PaymentIntent) => pi.latest_charge as string;
      await stripe.refunds.create({ payment_intent: small.id });
      await stripe.refunds.create({ payment_intent: big.id, amount: 1000 });
      const byCard = await stripe.charges.search({ query: "payment_method_details.card.last4:4242 AND payment_method_details.card.brand:'VISA'" });
      assertSearchResult('charge', byCard, '/v1/charges/search');
      assert.deepEqual(ids(byCard), [charge(yen), charge(big), charge(small)]);
      assert.deepEqual(ids(await stripe.charges.search({ query: 'refunded:"true"' })), [charge(small)], 'fully refunded');
      assert.deepEqual(ids(await stripe.charges.search({ query: 'refunded:"false"' })), [charge(big)], 'partly refunded');
      assert.deepEqual(ids(await stripe.charges.search({ query: 'refunded:null' })), [charge(yen)], 'nothing refunded');
      assert.deepEqual(ids(await stripe.charges.search({ query: `customer:'${customer.id}' disputed:"false" status:"succeeded"` })), [charge(big)]);
      assert.deepEqual(ids(await stripe.charges.search({ query: 'amount<=500 OR currency:"jpy"' })), [charge(yen), charge(small)]);
      assert.deepEqual(ids(await stripe.charges.search({ query: 'payment_method_details.card_present.last4:4242' })), []);
    });

    it('searches subscriptions and their invoices', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'sub@example.com' });
      const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
      const product = await stripe.products.create({ name: 'Plan' });
      const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2000, recurring: { interval: 'month' } });
      const pro = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_payment_method: pm.id, metadata: { plan: 'pro' } });
      const other = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id, quantity: 3 }], default_payment_method: pm.id });
      await stripe.subscriptions.cancel(other.id);

      const active = await stripe.subscriptions.search({ query: "status:'active' AND metadata['plan']:'pro'" });
      assertSearchResult('subscription', active, '/v1/subscriptions/search');
      assert.deepEqual(ids(active), [pro.id]);
      assert.deepEqual(ids(await stripe.subscriptions.search({ query: "status:'canceled'" })), [other.id], 'canceled ones too, unlike the list');
      assert.deepEqual(ids(await stripe.subscriptions.search({ query: '-canceled_at:null' })), [other.id]);
      assert.deepEqual(ids(await stripe.subscriptions.search({ query: 'canceled_at:null' })), [pro.id]);

      const paid = await stripe.invoices.search({ query: `subscription:'${pro.id}' status:"paid"` });
      assertSearchResult('invoice', paid, '/v1/invoices/search');
      assert.deepEqual(ids(paid), [pro.latest_invoice as string]);
      assert.deepEqual(ids(await stripe.invoices.search({ query: `customer:'${customer.id}' total>2000` })), [other.latest_invoice as string]);
      assert.deepEqual(ids(await stripe.invoices.search({ query: 'total:2000 currency:"USD"' })), [pro.latest_invoice as string]);
      const invoice = await stripe.invoices.retrieve(pro.latest_invoice as string);
      assert.deepEqual(ids(await stripe.invoices.search({ query: `number:"${invoice.number as string}"` })), [invoice.id]);
      assert.deepEqual(ids(await stripe.invoices.search({ query: 'last_finalization_error_code:null receipt_number:null total>5000' })), [other.latest_invoice as string]);
    });

    it('searches prices and products', async () => {
      const stripe = server.stripe();
      const shirt = await stripe.products.create({ name: 'Dinosaur T-shirt', description: 'Soft cotton t-shirts', shippable: true, url: 'https://shop.example/dinosaur_swag', metadata: { line: 'apparel' } });
      const ebook = await stripe.products.create({ name: 'E-book', shippable: false, active: false });
      const monthly = await stripe.prices.create({ product: shirt.id, currency: 'usd', unit_amount: 1000, recurring: { interval: 'month' }, lookup_key: 'standard_monthly' });
      const once = await stripe.prices.create({ product: shirt.id, currency: 'jpy', unit_amount: 1500, metadata: { tier: 'basic' } });
      const archived = await stripe.prices.create({ product: ebook.id, currency: 'usd', unit_amount: 500, active: false });

      const products = await stripe.products.search({ query: 'name~"dino" AND active:"true"' });
      assertSearchResult('product', products, '/v1/products/search');
      assert.deepEqual(ids(products), [shirt.id]);
      assert.deepEqual(ids(await stripe.products.search({ query: 'description:"t-shirts"' })), [shirt.id]);
      assert.deepEqual(ids(await stripe.products.search({ query: 'url~"/dinosaur_swag"' })), [shirt.id]);
      assert.deepEqual(ids(await stripe.products.search({ query: 'shippable:"false" OR active:"false"' })), [ebook.id]);
      assert.deepEqual(ids(await stripe.products.search({ query: "metadata['line']:'apparel'" })), [shirt.id]);

      const recurring = await stripe.prices.search({ query: `active:'true' AND type:'recurring' AND product:'${shirt.id}'` });
      assertSearchResult('price', recurring, '/v1/prices/search');
      assert.deepEqual(ids(recurring), [monthly.id]);
      assert.deepEqual(ids(await stripe.prices.search({ query: 'lookup_key:"standard_monthly"' })), [monthly.id]);
      assert.deepEqual(ids(await stripe.prices.search({ query: "currency:'jpy' metadata['tier']:'basic'" })), [once.id]);
      assert.deepEqual(ids(await stripe.prices.search({ query: 'active:"false"' })), [archived.id]);
      assert.deepEqual(ids(await stripe.prices.search({ query: '-type:"recurring"' })).sort(), sorted([once.id, archived.id]));
    });

    it('refuses malformed queries, unsupported fields and operators, and bad pages as Stripe does', async () => {
      const stripe = server.stripe();
      await assert.rejects(
        stripe.prices.search({ query: 'foo:"bar"' }),
        refused(/^Field `foo` is an unsupported search field for resource `prices`\. See http:\/\/stripe\.com\/docs\/search#query-fields-for-prices for a list of supported fields\.$/),
      );
      await assert.rejects(stripe.paymentIntents.search({ query: 'email:"a@b.co"' }), refused(/unsupported search field for resource `payment_intents`\. See http:\/\/stripe\.com\/docs\/search#query-fields-for-payment-intents/));
      await assert.rejects(stripe.customers.search({ query: 'amount>1000' }), refused(/Field `amount` is an unsupported search field for resource `customers`/));
      await assert.rejects(stripe.products.search({ query: 'created>1' }), refused(/Field `created` is an unsupported search field for resource `products`/));
      for (const query of [
        'asdf',
        'email:',
        'email:"unterminated',
        'status:active',
        'email:"a@b.co" AND name:"x" OR phone:"1"',
        'email:"a@b.co" name:"x" OR phone:"1"',
        'name>"amy"',
        'name~"am"',
        'metadata["k"]~"abc"',
        'created>"yesterday"',
        '(name:"amy")',
        'email:"a"name:"b"',
        'created>null',
        Array.from({ length: 11 }, (_, i) => `created>${i}`).join(' AND '),
      ]) {
        await assert.rejects(stripe.customers.search({ query }), refused(UNPARSABLE), query);
      }
      await assert.rejects(stripe.customers.search({ query: 'name:"a" OR email:"b" AND phone:"c"' }), refused(/AND and OR cannot be combined/));
      await assert.rejects(stripe.customers.search({} as Stripe.CustomerSearchParams), refused(/Missing required param: query\./, 'parameter_missing'));
      await assert.rejects(stripe.customers.search({ query: 'created>0', page: 'not-a-page' }), refused(/Invalid page/));
      await assert.rejects(stripe.customers.search({ query: 'created>0', limit: 101 }), { statusCode: 400, param: 'limit' });
      await assert.rejects(stripe.customers.search({ query: 'created>0', limit: 0 }), { statusCode: 400, param: 'limit' });
    });
  });
}
