/**
 * Customer tax IDs through the SDK (`customers.createTaxId` and friends), and the tax ID a buyer
 * gives on the hosted page (`tax_id_collection`): on the session and saved on the customer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242 } from '../../src/cli/page.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { stripeError } from '../helpers/errors.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';
import { pageForm as page } from '../helpers/page-form.js';

const SUCCESS = 'https://merchant.example/success';
const PAY = { ...BUYER, ...CARD_4242 };

const alertOf = (html: string) => /data-testid="payment-error">([^<]*)</.exec(html)?.[1];

for (const store of STORES) {
  describe(`Customer tax IDs (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('creates, retrieves, lists and deletes a customer tax ID, with its events', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ name: '株式会社サンプル' });
      const trn = await stripe.customers.createTaxId(customer.id, { type: 'jp_trn', value: 'T1234567890123' });
      assert.match(trn.id, /^txi_/);
      assert.equal(trn.object, 'tax_id');
      assert.equal(trn.country, 'JP');
      assert.equal(trn.customer, customer.id);
      assert.deepEqual(trn.owner, { customer: customer.id, customer_account: null, type: 'customer' });
      assert.deepEqual(trn.verification, { status: 'unavailable', verified_address: null, verified_name: null });
      assertMatchesSchema('tax_id', trn);
      const vat = await stripe.customers.createTaxId(customer.id, { type: 'eu_vat', value: 'EL123456789' });
      assert.equal(vat.country, 'GR', 'a Greek VAT number is EL, and Greece is GR');

      assert.deepEqual(await stripe.customers.retrieveTaxId(customer.id, trn.id), trn);
      const list = await stripe.customers.listTaxIds(customer.id, { limit: 1 });
      assert.deepEqual(list.data.map((t) => t.id), [vat.id]);
      assert.equal(list.has_more, true);
      assert.equal(list.url, `/v1/customers/${customer.id}/tax_ids`);

      const withIds = await stripe.customers.retrieve(customer.id, { expand: ['tax_ids'] }) as Stripe.Customer;
      assert.deepEqual(withIds.tax_ids?.data.map((t) => t.id), [vat.id, trn.id], 'expand[]=tax_ids lists them on the customer');

      const deleted = await stripe.customers.deleteTaxId(customer.id, trn.id);
      assert.deepEqual(deleted, { id: trn.id, object: 'tax_id', deleted: true });
      await assert.rejects(stripe.customers.retrieveTaxId(customer.id, trn.id), { statusCode: 404, code: 'resource_missing' });
      assert.deepEqual((await stripe.customers.listTaxIds(customer.id)).data.map((t) => t.id), [vat.id]);

      const types = (await eventsOf(server, key)).filter((e) => e.type.startsWith('customer.tax_id.')).map((e) => `${e.type} ${e.data.object.id}`);
      assert.deepEqual(types, [`customer.tax_id.created ${trn.id}`, `customer.tax_id.created ${vat.id}`, `customer.tax_id.deleted ${trn.id}`]);
    });

    it('creates a customer with tax_id_data, each checked; a bad one creates nothing', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const c = await stripe.customers.create({ name: 'Acme GmbH', tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }, { type: 'ch_uid', value: 'CHE-123.456.789' }] });
      assert.deepEqual((await stripe.customers.listTaxIds(c.id)).data.map((t) => [t.type, t.value, t.country]).sort(), [['ch_uid', 'CHE-123.456.789', 'CH'], ['eu_vat', 'DE123456789', 'DE']]);
      const types = (await eventsOf(server, key)).map((e) => e.type);
      assert.deepEqual(types, ['customer.created', 'customer.tax_id.created', 'customer.tax_id.created']);
      await assert.rejects(
        stripe.customers.create({ email: 'bad@example.com', tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }, { type: 'gb_vat', value: 'GB1' }] }),
        stripeError({ status: 400, code: 'tax_id_invalid', param: 'tax_id_data[1][value]' }),
      );
      assert.equal((await stripe.customers.list({ email: 'bad@example.com' })).data.length, 0, 'the whole request is undone');
    });

    it('serves the account’s own tax IDs and customers’ through /v1/tax_ids', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const own = await stripe.taxIds.create({ type: 'jp_trn', value: 'T9876543210123' });
      assert.equal(own.customer, null);
      assert.equal(own.owner?.type, 'self');
      assertMatchesSchema('tax_id', own);
      const customer = await stripe.customers.create({});
      const theirs = await stripe.taxIds.create({ type: 'gb_vat', value: 'GB123456789', owner: { type: 'customer', customer: customer.id } });
      assert.equal(theirs.customer, customer.id);
      assert.deepEqual((await stripe.taxIds.list()).data.map((t) => t.id), [own.id], 'the account’s own by default');
      assert.deepEqual((await stripe.taxIds.list({ owner: { type: 'customer', customer: customer.id } })).data.map((t) => t.id), [theirs.id]);
      assert.deepEqual(await stripe.taxIds.retrieve(theirs.id), theirs);
      await assert.rejects(stripe.taxIds.create({ type: 'jp_cn', value: '1234567890123', owner: { type: 'customer' } }), stripeError({ status: 400, code: 'parameter_missing', param: 'owner[customer]' }));
      await assert.rejects(stripe.taxIds.create({ type: 'jp_cn', value: '1234567890123', owner: { type: 'account', account: 'acct_1' } }), stripeError({ status: 400, param: 'owner[type]' }));
      assert.deepEqual(await stripe.taxIds.del(own.id), { id: own.id, object: 'tax_id', deleted: true });
      await stripe.taxIds.del(theirs.id);
      await assert.rejects(stripe.taxIds.retrieve(own.id), { statusCode: 404 });
      const types = (await eventsOf(server, key)).filter((e) => e.type.includes('tax_id')).map((e) => e.type);
      assert.deepEqual(types, ['customer.tax_id.created', 'customer.tax_id.deleted'], 'the account’s own tax IDs have no events in this API version');
    });

    it('refuses a value not of its type’s format, an unknown type, and another customer’s tax ID', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({});
      const other = await stripe.customers.create({});
      for (const [type, value] of [['eu_vat', 'DE12'], ['eu_vat', 'US123456789'], ['gb_vat', 'GB12345'], ['jp_cn', '12345'], ['jp_rn', '123456'], ['us_ein', '12-345']] as const) {
        await assert.rejects(stripe.customers.createTaxId(customer.id, { type, value }), stripeError({ status: 400, code: 'tax_id_invalid', param: 'value', message: `Invalid value for ${type}.` }), `${type} ${value}`);
      }
      await assert.rejects(stripe.customers.createTaxId(customer.id, { type: 'xx_vat' as 'eu_vat', value: '123' }), stripeError({ status: 400, param: 'type' }));
      await assert.rejects(stripe.customers.createTaxId('cus_nope', { type: 'jp_cn', value: '1234567890123' }), { statusCode: 404 });
      const mine = await stripe.customers.createTaxId(customer.id, { type: 'jp_cn', value: '1234567890123' });
      await assert.rejects(stripe.customers.retrieveTaxId(other.id, mine.id), { statusCode: 404 });
      await assert.rejects(stripe.customers.deleteTaxId(other.id, mine.id), { statusCode: 404 });
    });

    it('asks a tax ID on the page with tax_id_collection, returns it on the session, and saves it on the customer', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ email: BUYER.email });
      await assert.rejects(
        stripe.checkout.sessions.create({ mode: 'payment', customer: customer.id, line_items: [{ price_data: { currency: 'jpy', unit_amount: 5000, product_data: { name: '研修' } }, quantity: 1 }], success_url: SUCCESS, tax_id_collection: { enabled: true } }),
        stripeError({ status: 400, param: 'customer_update[name]' }),
      );
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        locale: 'ja',
        customer: customer.id,
        customer_update: { name: 'auto' },
        line_items: [{ price_data: { currency: 'jpy', unit_amount: 5000, product_data: { name: '研修' } }, quantity: 1 }],
        tax_id_collection: { enabled: true, required: 'if_supported' },
        success_url: SUCCESS,
      });
      assert.deepEqual(s.tax_id_collection, { enabled: true, required: 'if_supported' });
      const p = await page(s.url as string);
      assert.match(p.html, /<option value="jp_trn" selected>適格請求書発行事業者登録番号（インボイス）<\/option>/);
      assert.equal(alertOf((await p.post({ ...PAY })).html), '税番号を入力してください。');
      assert.equal(alertOf((await p.post({ ...PAY, taxIdType: 'jp_trn', taxIdValue: '1234567890123' })).html), '選択した種類の税番号として正しくありません。');
      assert.equal((await p.post({ ...PAY, taxIdType: 'jp_trn', taxIdValue: 't1234567890123' })).status, 303);

      const done = await stripe.checkout.sessions.retrieve(s.id);
      assert.deepEqual(done.customer_details?.tax_ids, [{ type: 'jp_trn', value: 'T1234567890123' }]);
      const saved = await stripe.customers.listTaxIds(customer.id);
      assert.deepEqual(saved.data.map((t) => [t.type, t.value]), [['jp_trn', 'T1234567890123']]);
      assert.ok((await eventsOf(server, key)).some((e) => e.type === 'customer.tax_id.created' && e.data.object.id === saved.data[0]?.id));
    });

    it('saves the tax ID on the customer a subscription creates, and leaves an optional one out when not given', async () => {
      const stripe = server.stripe();
      const sub = await stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price_data: { currency: 'eur', unit_amount: 900, recurring: { interval: 'month' }, product_data: { name: 'Pro' } }, quantity: 1 }],
        tax_id_collection: { enabled: true },
        success_url: SUCCESS,
      });
      assert.equal((await (await page(sub.url as string)).post({ ...PAY, taxIdType: 'eu_vat', taxIdValue: 'DE 123456789'.replace(' ', '') })).status, 303);
      const done = await stripe.checkout.sessions.retrieve(sub.id);
      assert.deepEqual(done.customer_details?.tax_ids, [{ type: 'eu_vat', value: 'DE123456789' }]);
      const ids = await stripe.customers.listTaxIds(done.customer as string);
      assert.deepEqual(ids.data.map((t) => [t.type, t.value, t.country]), [['eu_vat', 'DE123456789', 'DE']]);

      const optional = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price_data: { currency: 'eur', unit_amount: 900, product_data: { name: 'Book' } }, quantity: 1 }],
        tax_id_collection: { enabled: true },
        success_url: SUCCESS,
      });
      const p = await page(optional.url as string);
      assert.match(p.html, /Tax ID<span class="opt"> \(Optional\)<\/span>/);
      assert.equal((await p.post({ ...PAY, taxIdType: 'eu_vat' })).status, 303);
      assert.deepEqual((await stripe.checkout.sessions.retrieve(optional.id)).customer_details?.tax_ids, []);
    });
  });
}
