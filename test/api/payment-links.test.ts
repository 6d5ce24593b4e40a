/**
 * Payment Links through the SDK (docs/decisions.md#payment-links): create, retrieve, update, list
 * and line items in Stripe's shape; their events; Stripe-shaped refusals; the public URL making a
 * fresh Checkout Session on each visit; `restrictions[completed_sessions][limit]`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242 } from '../../src/cli/page.js';
import { assertMatchesSchema, assertStripeError } from '../helpers/contract.js';
import { stripeError } from '../helpers/errors.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, raw, startServer, type TestServer } from '../helpers/server.js';

/** Opens a link's URL as a browser would first: the 303 and where it leads. */
async function visit(url: string, init: RequestInit = {}): Promise<{ status: number; location: string | null; html: string }> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

/** The session id in a hosted page URL (`…/c/pay/cs_test_…#…`). */
const sessionIdOf = (location: string | null): string => /\/c\/pay\/(cs_test_[A-Za-z0-9]+)/.exec(location ?? '')?.[1] ?? '';

/** Pays a session on its hosted page with 4242, over HTTP; returns the page's answer status. */
async function pay(sessionUrl: string): Promise<number> {
  const html = await (await fetch(sessionUrl)).text();
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(csrf, 'the session page has a form');
  const res = await fetch(sessionUrl.split('#')[0] as string, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...BUYER, ...CARD_4242, csrf_token: csrf }).toString(),
  });
  await res.text();
  return res.status;
}

for (const store of STORES) {
  describe(`payment links (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    async function prices(stripe: Stripe) {
      const product = await stripe.products.create({ name: 'T-shirt' });
      const shirt = await stripe.prices.create({ product: product.id, unit_amount: 2000, currency: 'usd' });
      const monthly = await stripe.prices.create({ product: product.id, unit_amount: 1500, currency: 'usd', recurring: { interval: 'month' } });
      const euro = await stripe.prices.create({ product: product.id, unit_amount: 1800, currency: 'eur' });
      return { product, shirt, monthly, euro };
    }

    it('creates a link in Stripe’s shape, retrieves it as created, and writes payment_link.created', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const { shirt } = await prices(stripe);
      const link = await stripe.paymentLinks.create({ line_items: [{ price: shirt.id, quantity: 2 }], metadata: { order: '42' } });
      assert.match(link.id, /^plink_[A-Za-z0-9]{24}$/);
      assert.match(link.url, new RegExp(`^${server.url}/b/test_[A-Za-z0-9]{24}$`));
      assert.deepEqual(
        { ...link, id: 'x', url: 'u' },
        {
          id: 'x',
          object: 'payment_link',
          active: true,
          after_completion: { hosted_confirmation: { custom_message: null }, type: 'hosted_confirmation' },
          allow_promotion_codes: false,
          application: null,
          application_fee_amount: null,
          application_fee_percent: null,
          automatic_tax: { enabled: false, liability: null },
          billing_address_collection: 'auto',
          consent_collection: null,
          currency: 'usd',
          custom_fields: [],
          custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
          customer_creation: 'if_required',
          inactive_message: null,
          invoice_creation: {
            enabled: false,
            invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null },
          },
          livemode: false,
          managed_payments: null,
          metadata: { order: '42' },
          on_behalf_of: null,
          payment_intent_data: null,
          payment_method_collection: 'always',
          payment_method_options: null,
          payment_method_types: null,
          phone_number_collection: { enabled: false },
          restrictions: null,
          shipping_address_collection: null,
          shipping_options: [],
          submit_type: 'auto',
          subscription_data: null,
          tax_id_collection: { enabled: false, required: 'never' },
          transfer_data: null,
          url: 'u',
        },
      );
      assert.equal('created' in link, false, 'Stripe serves no `created` on a payment link');
      assertMatchesSchema('payment_link', link);
      assert.deepEqual(await stripe.paymentLinks.retrieve(link.id), link);

      const events = await eventsOf(server, key, link.id);
      assert.deepEqual(events.map((e) => e.type), ['payment_link.created']);
      assert.deepEqual(events[0]?.data.object, link);

      const items = await stripe.paymentLinks.listLineItems(link.id);
      assert.equal(items.data.length, 1);
      const [li] = items.data;
      assert.match(li?.id ?? '', /^li_/);
      assert.deepEqual(
        { ...li, id: 'x', price: (li?.price as Stripe.Price).id },
        { id: 'x', object: 'item', adjustable_quantity: null, amount_discount: 0, amount_subtotal: 4000, amount_tax: 0, amount_total: 4000, currency: 'usd', description: 'T-shirt', metadata: {}, price: shirt.id, quantity: 2 },
      );
      assert.deepEqual(li?.price, await stripe.prices.retrieve(shirt.id));
      assertMatchesSchema('item', li);
      assert.equal(items.url, `/v1/payment_links/${link.id}/line_items`);

      const expanded = await stripe.paymentLinks.retrieve(link.id, { expand: ['line_items'] });
      assert.deepEqual(expanded.line_items?.data, items.data);
    });

    it('takes every param of PaymentLinkCreateParams, stores it and returns it', async () => {
      const stripe = server.stripe();
      const { shirt, product } = await prices(stripe);
      const extra = await stripe.prices.create({ product: product.id, unit_amount: 500, currency: 'usd' });
      const rate = await stripe.shippingRates.create({ display_name: 'Ground', type: 'fixed_amount', fixed_amount: { amount: 700, currency: 'usd' } });
      const link = await stripe.paymentLinks.create({
        line_items: [
          { price: shirt.id, quantity: 1, adjustable_quantity: { enabled: true, minimum: 1, maximum: 5 } },
          { price_data: { currency: 'usd', unit_amount: 300, product_data: { name: 'Sticker' } }, quantity: 3 },
        ],
        after_completion: { type: 'redirect', redirect: { url: 'https://shop.example/thanks?session={CHECKOUT_SESSION_ID}' } },
        allow_promotion_codes: true,
        application_fee_amount: 100,
        automatic_tax: { enabled: false },
        billing_address_collection: 'required',
        consent_collection: { promotions: 'auto', payment_method_reuse_agreement: { position: 'hidden' } },
        currency: 'usd',
        custom_fields: [
          { key: 'engraving', label: { type: 'custom', custom: 'Engraving' }, type: 'text', text: { maximum_length: 20 }, optional: true },
          { key: 'size', label: { type: 'custom', custom: 'Size' }, type: 'dropdown', dropdown: { options: [{ label: 'Small', value: 's' }, { label: 'Large', value: 'l' }], default_value: 's' } },
        ],
        custom_text: { submit: { message: 'Ships in 3 days' }, after_submit: { message: 'Thanks!' } },
        customer_creation: 'always',
        inactive_message: 'Sold out, sorry.',
        invoice_creation: { enabled: true, invoice_data: { description: 'Your order', footer: 'Shop Inc.', metadata: { a: 'b' } } },
        managed_payments: { enabled: false },
        metadata: { campaign: 'spring' },
        name_collection: { business: { enabled: true, optional: true } },
        on_behalf_of: 'acct_1Example0000000000',
        optional_items: [{ price: extra.id, quantity: 1, adjustable_quantity: { enabled: true, maximum: 3 } }],
        payment_intent_data: { capture_method: 'automatic', description: 'Shirt order', metadata: { pi: '1' }, statement_descriptor_suffix: 'SHIRTS', transfer_group: 'grp_1' },
        payment_method_options: { card: { restrictions: { brands_blocked: ['american_express'] } } },
        payment_method_types: ['card'],
        phone_number_collection: { enabled: true },
        restrictions: { completed_sessions: { limit: 10 } },
        shipping_address_collection: { allowed_countries: ['US', 'CA'] },
        shipping_options: [{ shipping_rate: rate.id }],
        submit_type: 'pay',
        tax_id_collection: { enabled: true, required: 'if_supported' },
        transfer_data: { destination: 'acct_1Example0000000000', amount: 50 },
      });
      assertMatchesSchema('payment_link', link);
      assert.deepEqual(link.after_completion, { redirect: { url: 'https://shop.example/thanks?session={CHECKOUT_SESSION_ID}' }, type: 'redirect' });
      assert.equal(link.allow_promotion_codes, true);
      assert.equal(link.application_fee_amount, 100);
      assert.equal(link.billing_address_collection, 'required');
      assert.deepEqual(link.consent_collection, { payment_method_reuse_agreement: { position: 'hidden' }, promotions: 'auto', terms_of_service: null });
      assert.deepEqual(link.custom_fields, [
        { key: 'engraving', label: { custom: 'Engraving', type: 'custom' }, optional: true, text: { default_value: null, maximum_length: 20, minimum_length: null }, type: 'text' },
        { dropdown: { default_value: 's', options: [{ label: 'Small', value: 's' }, { label: 'Large', value: 'l' }] }, key: 'size', label: { custom: 'Size', type: 'custom' }, optional: false, type: 'dropdown' },
      ]);
      assert.deepEqual(link.custom_text, { after_submit: { message: 'Thanks!' }, shipping_address: null, submit: { message: 'Ships in 3 days' }, terms_of_service_acceptance: null });
      assert.equal(link.customer_creation, 'always');
      assert.equal(link.inactive_message, 'Sold out, sorry.');
      assert.deepEqual(link.invoice_creation, {
        enabled: true,
        invoice_data: { account_tax_ids: null, custom_fields: null, description: 'Your order', footer: 'Shop Inc.', issuer: null, metadata: { a: 'b' }, rendering_options: null },
      });
      assert.deepEqual(link.managed_payments, { enabled: false });
      assert.deepEqual(link.name_collection, { business: { enabled: true, optional: true } });
      assert.equal(link.on_behalf_of, 'acct_1Example0000000000');
      assert.deepEqual(link.optional_items, [{ adjustable_quantity: { enabled: true, maximum: 3, minimum: null }, price: extra.id, quantity: 1 }]);
      assert.deepEqual(link.payment_intent_data, {
        capture_method: 'automatic', description: 'Shirt order', metadata: { pi: '1' }, setup_future_usage: null, statement_descriptor: null, statement_descriptor_suffix: 'SHIRTS', transfer_group: 'grp_1',
      });
      assert.deepEqual(link.payment_method_options, { card: { restrictions: { brands_blocked: ['american_express'] } } });
      assert.deepEqual(link.payment_method_types, ['card']);
      assert.deepEqual(link.phone_number_collection, { enabled: true });
      assert.deepEqual(link.restrictions, { completed_sessions: { count: 0, limit: 10 } });
      assert.deepEqual(link.shipping_address_collection, { allowed_countries: ['US', 'CA'] });
      assert.deepEqual(link.shipping_options, [{ shipping_amount: 700, shipping_rate: rate.id }]);
      assert.equal(link.submit_type, 'pay');
      assert.deepEqual(link.tax_id_collection, { enabled: true, required: 'if_supported' });
      assert.deepEqual(link.transfer_data, { amount: 50, destination: 'acct_1Example0000000000' });
      assert.deepEqual(await stripe.paymentLinks.retrieve(link.id), link);

      // price_data made a Price, as on Stripe; the line item names it.
      const items = (await stripe.paymentLinks.listLineItems(link.id)).data;
      assert.deepEqual(items.map((i) => [i.quantity, i.amount_subtotal, i.description, i.adjustable_quantity]), [
        [1, 2000, 'T-shirt', { enabled: true, maximum: 5, minimum: 1 }],
        [3, 900, 'Sticker', null],
      ]);
      const inline = items[1]?.price as Stripe.Price;
      assert.match(inline.id, /^price_/);
      assert.equal(inline.unit_amount, 300);

      // The settings reach the session each visit opens.
      const opened = await visit(link.url);
      assert.equal(opened.status, 303);
      const session = await stripe.checkout.sessions.retrieve(sessionIdOf(opened.location));
      assert.equal(session.payment_link, link.id);
      assert.equal(session.mode, 'payment');
      assert.equal(session.success_url, 'https://shop.example/thanks?session={CHECKOUT_SESSION_ID}');
      assert.equal(session.billing_address_collection, 'required');
      assert.equal(session.allow_promotion_codes, true);
      assert.equal(session.customer_creation, 'always');
      assert.deepEqual(session.metadata, { campaign: 'spring' });
      assert.deepEqual(session.custom_fields.map((f) => f.key), ['engraving', 'size']);
      assert.deepEqual(session.custom_text.submit, { message: 'Ships in 3 days' });
      assert.deepEqual(session.phone_number_collection, { enabled: true });
      assert.deepEqual(session.shipping_address_collection, { allowed_countries: ['US', 'CA'] });
      assert.deepEqual(session.shipping_options, [{ shipping_amount: 700, shipping_rate: rate.id }]);
      assert.equal(session.submit_type, 'pay');
      assert.equal(session.invoice_creation?.enabled, true);
      assert.deepEqual(session.optional_items, link.optional_items);
      assert.equal(session.amount_subtotal, 2900);
      const sessionItems = (await stripe.checkout.sessions.listLineItems(session.id)).data;
      assert.deepEqual(sessionItems.map((i) => [(i.price as Stripe.Price).id, i.quantity, i.adjustable_quantity]), [
        [shirt.id, 1, { enabled: true, maximum: 5, minimum: 1 }],
        [inline.id, 3, null],
      ]);
    });

    it('makes a subscription link of recurring prices, with subscription_data', async () => {
      const stripe = server.stripe();
      const { monthly } = await prices(stripe);
      const link = await stripe.paymentLinks.create({
        line_items: [{ price: monthly.id, quantity: 1 }],
        subscription_data: { description: 'Monthly box', trial_period_days: 7, metadata: { plan: 'box' }, trial_settings: { end_behavior: { missing_payment_method: 'cancel' } } },
        payment_method_collection: 'if_required',
        application_fee_percent: 10,
        on_behalf_of: 'acct_1Example0000000000',
      });
      assertMatchesSchema('payment_link', link);
      assert.equal(link.invoice_creation, null);
      assert.equal(link.payment_method_collection, 'if_required');
      assert.equal(link.application_fee_percent, 10);
      assert.deepEqual(link.subscription_data, {
        description: 'Monthly box',
        invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
        metadata: { plan: 'box' },
        trial_period_days: 7,
        trial_settings: { end_behavior: { missing_payment_method: 'cancel' } },
      });
      const opened = await visit(link.url);
      const session = await stripe.checkout.sessions.retrieve(sessionIdOf(opened.location));
      assert.equal(session.mode, 'subscription');
      assert.equal(session.payment_link, link.id);
      assert.equal(session.payment_method_collection, 'if_required');
    });

    it('refuses what Stripe refuses, in Stripe’s error shape, naming the link’s params', async () => {
      const stripe = server.stripe();
      const { shirt, monthly, euro, product } = await prices(stripe);
      const archived = await stripe.prices.create({ product: product.id, unit_amount: 100, currency: 'usd' });
      await stripe.prices.update(archived.id, { active: false });
      const one = [{ price: shirt.id, quantity: 1 }];
      const cases: Array<[string, Stripe.PaymentLinkCreateParams | Record<string, unknown>, { status: number; code?: string; param?: string; message?: string | RegExp }]> = [
        ['no line items', {}, { status: 400, code: 'parameter_missing', param: 'line_items' }],
        ['a line item without quantity', { line_items: [{ price: shirt.id }] }, { status: 400, code: 'parameter_missing', param: 'line_items[0][quantity]' }],
        ['an unknown param', { line_items: one, mode: 'payment' }, { status: 400, code: 'parameter_unknown', param: 'mode' }],
        ['locale, which links do not take', { line_items: one, locale: 'fr' }, { status: 400, code: 'parameter_unknown', param: 'locale' }],
        ['an unknown price', { line_items: [{ price: 'price_nope', quantity: 1 }] }, { status: 404, code: 'resource_missing', param: 'line_items[0][price]' }],
        ['an archived price', { line_items: [{ price: archived.id, quantity: 1 }] }, { status: 400, param: 'line_items[0][price]', message: /inactive/ }],
        ['prices in two currencies', { line_items: [...one, { price: euro.id, quantity: 1 }] }, { status: 400, param: 'line_items[1][price]' }],
        ['a currency not the prices’', { line_items: one, currency: 'eur' }, { status: 400, param: 'currency' }],
        ['a redirect without its url', { line_items: one, after_completion: { type: 'redirect' } }, { status: 400, code: 'parameter_missing', param: 'after_completion[redirect]' }],
        ['a redirect url that is not one', { line_items: one, after_completion: { type: 'redirect', redirect: { url: 'nope' } } }, { status: 400, code: 'url_invalid', param: 'after_completion[redirect][url]' }],
        ['subscription_data without a recurring price', { line_items: one, subscription_data: { description: 'x' } }, { status: 400, param: 'subscription_data' }],
        ['payment_intent_data with a recurring price', { line_items: [{ price: monthly.id, quantity: 1 }], payment_intent_data: { description: 'x' } }, { status: 400, param: 'payment_intent_data' }],
        ['application_fee_percent without a recurring price', { line_items: one, application_fee_percent: 5 }, { status: 400, param: 'application_fee_percent' }],
        ['application_fee_amount with a recurring price', { line_items: [{ price: monthly.id, quantity: 1 }], application_fee_amount: 5 }, { status: 400, param: 'application_fee_amount' }],
        ['an application fee without a connected account', { line_items: one, application_fee_amount: 5 }, { status: 400, param: 'application_fee_amount' }],
        ['payment_method_collection without a recurring price', { line_items: one, payment_method_collection: 'if_required' }, { status: 400, param: 'payment_method_collection' }],
        ['a quantity outside adjustable bounds', { line_items: [{ price: shirt.id, quantity: 9, adjustable_quantity: { enabled: true, maximum: 5 } }] }, { status: 400, param: 'line_items[0][quantity]' }],
        ['an amount under the minimum charge', { line_items: [{ price_data: { currency: 'usd', unit_amount: 10, product_data: { name: 'Gum' } }, quantity: 1 }] }, { status: 400, param: 'line_items' }],
        ['a payment method type without a module', { line_items: one, payment_method_types: ['paypal'] }, { status: 400, param: 'payment_method_types[0]' }],
        ['a restrictions limit of 0', { line_items: one, restrictions: { completed_sessions: { limit: 0 } } }, { status: 400, param: 'restrictions[completed_sessions][limit]' }],
      ];
      for (const [what, params, expected] of cases) {
        await assert.rejects(stripe.paymentLinks.create(params as Stripe.PaymentLinkCreateParams), stripeError(expected), what);
      }
      const res = await raw(server.url, '/v1/payment_links', { method: 'POST', body: 'line_items[0][price]=price_nope&line_items[0][quantity]=1' });
      assertStripeError(res.body);
      await assert.rejects(stripe.paymentLinks.retrieve('plink_nope'), stripeError({ status: 404, code: 'resource_missing', message: "No such payment_link: 'plink_nope'" }));
      await assert.rejects(stripe.paymentLinks.update('plink_nope', { active: false }), stripeError({ status: 404, code: 'resource_missing' }));
      await assert.rejects(stripe.paymentLinks.listLineItems('plink_nope'), stripeError({ status: 404, code: 'resource_missing' }));
      // Nothing was stored for a refused link.
      assert.deepEqual((await stripe.paymentLinks.list()).data, []);
    });

    it('updates active, line items by id and the settings, unsets with "", and writes payment_link.updated', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const { shirt } = await prices(stripe);
      const link = await stripe.paymentLinks.create({
        line_items: [{ price: shirt.id, quantity: 1 }],
        metadata: { a: '1', b: '2' },
        custom_text: { submit: { message: 'Hi' } },
        inactive_message: 'Gone',
        payment_intent_data: { description: 'First', metadata: { x: '1' } },
      });
      const [li] = (await stripe.paymentLinks.listLineItems(link.id)).data;
      const updated = await stripe.paymentLinks.update(link.id, {
        line_items: [{ id: li?.id as string, quantity: 3, adjustable_quantity: { enabled: true, maximum: 10 } }],
        metadata: { b: '', c: '3' },
        allow_promotion_codes: true,
        custom_text: { after_submit: { message: 'Bye' } },
        inactive_message: '',
        payment_intent_data: { metadata: { y: '2' } },
        after_completion: { type: 'redirect', redirect: { url: 'https://shop.example/done' } },
      });
      assertMatchesSchema('payment_link', updated);
      assert.equal(updated.url, link.url);
      assert.deepEqual(updated.metadata, { a: '1', c: '3' });
      assert.equal(updated.allow_promotion_codes, true);
      assert.deepEqual(updated.custom_text, { after_submit: { message: 'Bye' }, shipping_address: null, submit: { message: 'Hi' }, terms_of_service_acceptance: null });
      assert.equal(updated.inactive_message, null);
      assert.equal(updated.payment_intent_data?.description, 'First');
      assert.deepEqual(updated.payment_intent_data?.metadata, { x: '1', y: '2' });
      assert.deepEqual(updated.after_completion, { redirect: { url: 'https://shop.example/done' }, type: 'redirect' });
      const [after1] = (await stripe.paymentLinks.listLineItems(link.id)).data;
      assert.equal(after1?.id, li?.id, 'a line item keeps its id');
      assert.deepEqual([after1?.quantity, after1?.amount_subtotal, after1?.adjustable_quantity], [3, 6000, { enabled: true, maximum: 10, minimum: null }]);

      const off = await stripe.paymentLinks.update(link.id, { active: false });
      assert.equal(off.active, false);
      assert.deepEqual(await stripe.paymentLinks.retrieve(link.id), off);

      const events = await eventsOf(server, key, link.id);
      assert.deepEqual(events.map((e) => e.type), ['payment_link.created', 'payment_link.updated', 'payment_link.updated']);
      assert.deepEqual(events[2]?.data.previous_attributes, { active: true });
      assert.deepEqual(events[1]?.data.previous_attributes?.metadata, { a: '1', b: '2' });
      assert.deepEqual(events[2]?.data.object, off);

      // Refusals name the update's params; a refused update changes nothing and writes nothing.
      await assert.rejects(stripe.paymentLinks.update(link.id, { line_items: [{ id: 'li_nope', quantity: 2 }] }), stripeError({ status: 400, param: 'line_items[0][id]' }));
      await assert.rejects(stripe.paymentLinks.update(link.id, { line_items: [{ id: li?.id as string, quantity: 20 }] }), stripeError({ status: 400, param: 'line_items[0][quantity]' }));
      await assert.rejects(stripe.paymentLinks.update(link.id, { currency: 'eur' } as Stripe.PaymentLinkUpdateParams), stripeError({ status: 400, code: 'parameter_unknown', param: 'currency' }));
      await assert.rejects(stripe.paymentLinks.update(link.id, { subscription_data: { trial_period_days: 3 } }), stripeError({ status: 400, param: 'subscription_data' }));
      assert.deepEqual(await stripe.paymentLinks.retrieve(link.id), off);
      assert.equal((await eventsOf(server, key, link.id)).length, 3);
    });

    it('lists newest first with the active filter and cursors', async () => {
      const stripe = server.stripe();
      const { shirt } = await prices(stripe);
      const made: Stripe.PaymentLink[] = [];
      for (let i = 0; i < 4; i++) made.push(await stripe.paymentLinks.create({ line_items: [{ price: shirt.id, quantity: i + 1 }] }));
      await stripe.paymentLinks.update(made[1]?.id as string, { active: false });
      const all = await stripe.paymentLinks.list();
      assert.deepEqual(all.data.map((l) => l.id), made.map((l) => l.id).reverse());
      assert.equal(all.url, '/v1/payment_links');
      const active = await stripe.paymentLinks.list({ active: true });
      assert.deepEqual(active.data.map((l) => l.id), [made[3], made[2], made[0]].map((l) => l?.id));
      const inactive = await stripe.paymentLinks.list({ active: false });
      assert.deepEqual(inactive.data.map((l) => l.id), [made[1]?.id]);
      const page1 = await stripe.paymentLinks.list({ limit: 2 });
      assert.equal(page1.has_more, true);
      const page2 = await stripe.paymentLinks.list({ limit: 2, starting_after: page1.data[1]?.id as string });
      assert.deepEqual(page2.data.map((l) => l.id), [made[1]?.id, made[0]?.id]);
      assert.equal(page2.has_more, false);
      for (const l of all.data) assertMatchesSchema('payment_link', l);
      await assert.rejects(stripe.paymentLinks.list({ starting_after: 'plink_nope' }), stripeError({ status: 404, param: 'starting_after' }));
    });

    it('opens a fresh session on each visit, with payment_link set, which the session list filters on', async () => {
      const stripe = server.stripe();
      const { shirt } = await prices(stripe);
      const link = await stripe.paymentLinks.create({ line_items: [{ price: shirt.id, quantity: 1 }], metadata: { from: 'link' } });
      const first = await visit(link.url);
      const second = await visit(`${link.url}?prefilled_email=jenny%40example.com&client_reference_id=order_7&locale=fr`);
      assert.equal(first.status, 303);
      assert.equal(second.status, 303);
      const [a, b] = [sessionIdOf(first.location), sessionIdOf(second.location)];
      assert.ok(a && b && a !== b, 'each visit makes its own session');
      const sa = await stripe.checkout.sessions.retrieve(a);
      const sb = await stripe.checkout.sessions.retrieve(b);
      assert.equal(first.location, sa.url);
      for (const s of [sa, sb]) {
        assert.equal(s.payment_link, link.id);
        assert.equal(s.status, 'open');
        assert.deepEqual(s.metadata, { from: 'link' });
        assert.equal(s.amount_total, 2000);
        assertMatchesSchema('checkout.session', s);
      }
      assert.deepEqual([sb.customer_email, sb.client_reference_id, sb.locale], ['jenny@example.com', 'order_7', 'fr']);
      const withLink = await stripe.checkout.sessions.retrieve(a, { expand: ['payment_link'] });
      assert.deepEqual(withLink.payment_link, await stripe.paymentLinks.retrieve(link.id));
      // A URL parameter the session refuses is dropped, not the visit.
      const bad = await visit(`${link.url}?prefilled_email=not-an-email&locale=xx`);
      assert.equal(bad.status, 303);
      const sc = await stripe.checkout.sessions.retrieve(sessionIdOf(bad.location));
      assert.deepEqual([sc.customer_email, sc.locale], [null, null]);

      const other = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: shirt.id, quantity: 1 }], success_url: 'https://shop.example/ok' });
      const listed = await stripe.checkout.sessions.list({ payment_link: link.id });
      assert.deepEqual(listed.data.map((s) => s.id), [sc.id, b, a]);
      assert.equal(listed.data.some((s) => s.id === other.id), false);
      assert.equal(other.payment_link, null);

      // A HEAD (a link preview) makes no session.
      assert.equal((await visit(link.url, { method: 'HEAD' })).status, 200);
      assert.equal((await stripe.checkout.sessions.list({ payment_link: link.id })).data.length, 3);
      assert.equal((await visit(link.url, { method: 'POST' })).status, 405);
    });

    it('shows the hosted confirmation’s custom_message, escaped, once the link’s session is paid', async () => {
      const stripe = server.stripe();
      const { shirt } = await prices(stripe);
      const custom_message = 'Thanks! Your order ships <b>tomorrow</b>.';
      const link = await stripe.paymentLinks.create({ line_items: [{ price: shirt.id, quantity: 1 }], after_completion: { type: 'hosted_confirmation', hosted_confirmation: { custom_message } } });
      const opened = await visit(link.url);
      const html = await (await fetch(opened.location as string)).text();
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;
      const paid = await visit((opened.location as string).split('#')[0] as string, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...BUYER, ...CARD_4242, csrf_token: csrf }).toString(),
      });
      assert.equal(paid.status, 200);
      assert.match(paid.html, /Thanks! Your order ships &lt;b&gt;tomorrow&lt;\/b&gt;\./);
      // Without a message, the page's own text.
      const plain = await stripe.paymentLinks.create({ line_items: [{ price: shirt.id, quantity: 1 }] });
      const second = await visit(plain.url);
      const csrf2 = /name="csrf_token" value="([^"]+)"/.exec(await (await fetch(second.location as string)).text())?.[1] as string;
      const done = await visit((second.location as string).split('#')[0] as string, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...BUYER, ...CARD_4242, csrf_token: csrf2 }).toString(),
      });
      assert.equal(done.status, 200);
      assert.doesNotMatch(done.html, /Your order ships/);
      assert.match(done.html, /data-kind="paid"/);
    });

    it('shows an inactive link’s page, with its inactive_message, and an unknown link’s', async () => {
      const stripe = server.stripe();
      const { shirt } = await prices(stripe);
      const link = await stripe.paymentLinks.create({ line_items: [{ price: shirt.id, quantity: 1 }] });
      await stripe.paymentLinks.update(link.id, { active: false });
      const closed = await visit(link.url, { headers: { 'accept-language': 'ja' } });
      assert.equal(closed.status, 200);
      assert.match(closed.html, /data-kind="payment-link-inactive"/);
      assert.match(closed.html, /このリンクは現在ご利用いただけません/);
      assert.equal((await stripe.checkout.sessions.list({ payment_link: link.id })).data.length, 0);

      await stripe.paymentLinks.update(link.id, { inactive_message: 'Back in <b>May</b>' });
      const custom = await visit(link.url);
      assert.match(custom.html, /Back in &lt;b&gt;May&lt;\/b&gt;/);
      assert.doesNotMatch(custom.html, /<b>May/);

      await stripe.paymentLinks.update(link.id, { active: true });
      assert.equal((await visit(link.url)).status, 303);

      const unknown = await visit(`${server.url}/b/test_000000000000000000000000`);
      assert.equal(unknown.status, 404);
      assert.match(unknown.html, /data-kind="not_found"/);
      assert.equal((await visit(`${server.url}/b/%E0%A4%A`)).status, 404);
    });

    it('counts completed sessions and deactivates at restrictions[completed_sessions][limit]', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const { shirt } = await prices(stripe);
      const link = await stripe.paymentLinks.create({ line_items: [{ price: shirt.id, quantity: 1 }], restrictions: { completed_sessions: { limit: 2 } } });
      const opened = [await visit(link.url), await visit(link.url), await visit(link.url)];
      assert.equal(await pay(opened[0]?.location as string), 200);
      let now = await stripe.paymentLinks.retrieve(link.id);
      assert.deepEqual([now.active, now.restrictions], [true, { completed_sessions: { count: 1, limit: 2 } }]);
      assert.equal(await pay(opened[1]?.location as string), 200);
      now = await stripe.paymentLinks.retrieve(link.id);
      assert.deepEqual([now.active, now.restrictions], [false, { completed_sessions: { count: 2, limit: 2 } }]);
      assertMatchesSchema('payment_link', now);
      const events = await eventsOf(server, key, link.id);
      assert.deepEqual(events.map((e) => e.type), ['payment_link.created', 'payment_link.updated']);
      assert.deepEqual(events[1]?.data.previous_attributes, { active: true, restrictions: { completed_sessions: { count: 1, limit: 2 } } });

      // The limit reached, the URL opens no session; a session opened before may still complete.
      const refused = await visit(link.url);
      assert.equal(refused.status, 200);
      assert.match(refused.html, /data-kind="payment-link-inactive"/);
      assert.equal(await pay(opened[2]?.location as string), 200);
      assert.equal((await stripe.paymentLinks.retrieve(link.id)).restrictions?.completed_sessions.count, 3);

      // Reactivating needs a higher limit (or none).
      await assert.rejects(stripe.paymentLinks.update(link.id, { active: true }), stripeError({ status: 400, param: 'active' }));
      const raised = await stripe.paymentLinks.update(link.id, { active: true, restrictions: { completed_sessions: { limit: 5 } } });
      assert.deepEqual([raised.active, raised.restrictions], [true, { completed_sessions: { count: 3, limit: 5 } }]);
      assert.equal((await visit(link.url)).status, 303);
      const unlimited = await stripe.paymentLinks.update(link.id, { restrictions: '' });
      assert.equal(unlimited.restrictions, null);
    });
  });
}
