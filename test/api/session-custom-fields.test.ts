/**
 * What the hosted page asks beside payment, through the SDK and the page's form over HTTP:
 * custom fields, consent, custom text, business and individual names, and the customer updates
 * completion writes back. The session returns what the buyer answered, as Stripe's does.
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

const SUCCESS = 'https://merchant.example/success?session_id={CHECKOUT_SESSION_ID}';
const PAY = { ...BUYER, ...CARD_4242 };

/** The page's error alert text. */
function alertOf(html: string): string | undefined {
  return /data-testid="payment-error">([^<]*)</.exec(html)?.[1];
}

const FIELDS: Stripe.Checkout.SessionCreateParams.CustomField[] = [
  { key: 'engraving', label: { type: 'custom', custom: 'Engraving' }, type: 'text', text: { minimum_length: 2, maximum_length: 10 } },
  { key: 'memberNo', label: { type: 'custom', custom: 'Member number' }, type: 'numeric', optional: true },
  {
    key: 'size',
    label: { type: 'custom', custom: 'Size' },
    type: 'dropdown',
    dropdown: { options: [{ label: 'Small', value: 's' }, { label: 'Large', value: 'l' }], default_value: 'l' },
  },
];

for (const store of STORES) {
  describe(`Checkout page questions: custom fields, consent, custom text, names (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    function session(stripe: Stripe, params: Partial<Stripe.Checkout.SessionCreateParams>): Promise<Stripe.Checkout.Session> {
      return stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price_data: { currency: 'usd', unit_amount: 2500, product_data: { name: 'Pen' } }, quantity: 1 }],
        success_url: SUCCESS,
        ...params,
      });
    }

    it('shows text, numeric and dropdown fields, checks each as Stripe does, and returns the answers on the completed session and its event', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const s = await session(stripe, { custom_fields: FIELDS });
      assert.deepEqual(s.custom_fields.map((f) => [f.key, f.optional, (f.text ?? f.numeric ?? f.dropdown)?.value]), [
        ['engraving', false, null],
        ['memberNo', true, null],
        ['size', false, null],
      ]);
      const p = await page(s.url as string);
      assert.match(p.html, /<label for="custom_field_engraving">Engraving<\/label><input class="in" id="custom_field_engraving" name="custom_field_engraving" value="" maxlength="10"/);
      assert.match(p.html, /Member number<span class="opt"> \(Optional\)<\/span>/);
      assert.match(p.html, /<option value="l" selected>Large<\/option>/, 'the dropdown starts at its default_value');

      const refusals: Array<[Record<string, string>, string]> = [
        [{ custom_field_size: 'l' }, 'Enter Engraving.'],
        [{ custom_field_engraving: 'A', custom_field_size: 'l' }, 'Engraving must be at least 2 characters.'],
        [{ custom_field_engraving: 'ABCDEFGHIJK', custom_field_size: 'l' }, 'Engraving must be at most 10 characters.'],
        [{ custom_field_engraving: 'JR', custom_field_memberNo: '12a', custom_field_size: 'l' }, 'Member number may contain digits only.'],
        [{ custom_field_engraving: 'JR', custom_field_size: 'xl' }, 'Select one of the options for Size.'],
        [{ custom_field_engraving: 'JR', custom_field_size: '' }, 'Select an option for Size.'],
      ];
      for (const [fields, message] of refusals) {
        const res = await p.post({ ...PAY, ...fields });
        assert.equal(res.status, 400, message);
        assert.equal(alertOf(res.html), message);
        assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'open');
      }
      // A refused form shows what was typed again, with the field marked.
      const kept = await p.post({ ...PAY, custom_field_engraving: 'A', custom_field_size: 's' });
      assert.match(kept.html, /id="custom_field_engraving" name="custom_field_engraving" value="A" maxlength="10" autocomplete="off" aria-invalid="true"/);
      assert.match(kept.html, /<option value="s" selected>Small<\/option>/);

      const paid = await p.post({ ...PAY, custom_field_engraving: ' J.R. ', custom_field_memberNo: '0042 17', custom_field_size: 's' });
      assert.equal(paid.status, 303);
      const done = await stripe.checkout.sessions.retrieve(s.id);
      assert.equal(done.status, 'complete');
      assert.equal(done.custom_fields[0]?.text?.value, 'J.R.');
      assert.equal(done.custom_fields[1]?.numeric?.value, '004217', 'digits only, as Stripe keeps them');
      assert.equal(done.custom_fields[2]?.dropdown?.value, 's');
      assert.equal(done.custom_fields[0]?.text?.minimum_length, 2);
      assertMatchesSchema('checkout.session', done);
      const completed = (await eventsOf(server, key, s.id)).find((e) => e.type === 'checkout.session.completed');
      assert.deepEqual(
        (completed?.data.object.custom_fields as Stripe.Checkout.Session.CustomField[]).map((f) => (f.text ?? f.numeric ?? f.dropdown)?.value),
        ['J.R.', '004217', 's'],
      );
    });

    it('leaves an optional field empty as null, and speaks the session language in its messages', async () => {
      const stripe = server.stripe();
      const s = await session(stripe, {
        locale: 'ja',
        custom_fields: [
          { key: 'note', label: { type: 'custom', custom: '備考' }, type: 'text', optional: true },
          { key: 'kana', label: { type: 'custom', custom: 'フリガナ' }, type: 'text' },
        ],
      });
      const p = await page(s.url as string);
      assert.match(p.html, /備考<span class="opt">（任意）<\/span>/);
      const refused = await p.post({ ...PAY });
      assert.equal(alertOf(refused.html), '「フリガナ」を入力してください。');
      assert.equal((await p.post({ ...PAY, custom_field_kana: 'ヤマダ ハナコ' })).status, 303);
      const done = await stripe.checkout.sessions.retrieve(s.id);
      assert.equal(done.custom_fields[0]?.text?.value, null);
      assert.equal(done.custom_fields[1]?.text?.value, 'ヤマダ ハナコ');
    });

    it('refuses custom fields Stripe refuses: in setup mode, settings of another type, a repeated or non-alphanumeric key, a default that is no option', async () => {
      const stripe = server.stripe();
      const text = (key: string): Stripe.Checkout.SessionCreateParams.CustomField => ({ key, label: { type: 'custom', custom: 'Note' }, type: 'text' });
      await assert.rejects(stripe.checkout.sessions.create({ mode: 'setup', currency: 'usd', success_url: SUCCESS, custom_fields: [text('a')] }), stripeError({ status: 400, param: 'custom_fields' }));
      await assert.rejects(session(stripe, { custom_fields: [{ ...text('a'), numeric: { maximum_length: 3 } }] }), stripeError({ status: 400, param: 'custom_fields[0][numeric]' }));
      await assert.rejects(session(stripe, { custom_fields: [text('a'), text('a')] }), stripeError({ status: 400, param: 'custom_fields[1][key]' }));
      await assert.rejects(session(stripe, { custom_fields: [text('a b')] }), stripeError({ status: 400, param: 'custom_fields[0][key]' }));
      await assert.rejects(session(stripe, { custom_fields: [{ ...text('a'), text: { minimum_length: 5, maximum_length: 2 } }] }), stripeError({ status: 400, param: 'custom_fields[0][text][minimum_length]' }));
      await assert.rejects(
        session(stripe, { custom_fields: [{ key: 'c', label: { type: 'custom', custom: 'Colour' }, type: 'dropdown', dropdown: { options: [{ label: 'Red', value: 'red' }], default_value: 'blue' } }] }),
        stripeError({ status: 400, param: 'custom_fields[0][dropdown][default_value]' }),
      );
      await assert.rejects(session(stripe, { custom_fields: [{ key: 'c', label: { type: 'custom', custom: 'Colour' }, type: 'dropdown' }] }), stripeError({ status: 400, code: 'parameter_missing', param: 'custom_fields[0][dropdown][options]' }));
    });

    it('requires the terms of service box when consent_collection asks it, and records the consents on the session', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const s = await session(stripe, {
        consent_collection: { terms_of_service: 'required', promotions: 'auto', payment_method_reuse_agreement: { position: 'hidden' } },
        custom_text: { terms_of_service_acceptance: { message: 'I agree to the [Terms](https://merchant.example/terms) and **no refunds**.' } },
      });
      assert.equal(s.consent, null);
      assert.deepEqual(s.consent_collection, { payment_method_reuse_agreement: { position: 'hidden' }, promotions: 'auto', terms_of_service: 'required' });
      const p = await page(s.url as string);
      assert.match(
        p.html,
        /<span>I agree to the <a href="https:\/\/merchant.example\/terms" target="_blank" rel="noopener noreferrer">Terms<\/a> and <strong>no refunds<\/strong>.<\/span>/,
      );
      assert.match(p.html, /data-testid="consent-promotions"><input type="checkbox" id="consentPromotions"/);

      const refused = await p.post({ ...PAY });
      assert.equal(refused.status, 400);
      assert.equal(alertOf(refused.html), 'Accept the terms of service to continue.');
      assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'open');

      assert.equal((await p.post({ ...PAY, consentTermsOfService: '1', consentPromotions: '1' })).status, 303);
      const done = await stripe.checkout.sessions.retrieve(s.id);
      assert.deepEqual(done.consent, { promotions: 'opt_in', terms_of_service: 'accepted' });
      const completed = (await eventsOf(server, key, s.id)).find((e) => e.type === 'checkout.session.completed');
      assert.deepEqual(completed?.data.object.consent, { promotions: 'opt_in', terms_of_service: 'accepted' });
    });

    it('records a promotions opt-out when the box is left unticked, and no consent without consent_collection', async () => {
      const stripe = server.stripe();
      const s = await session(stripe, { consent_collection: { promotions: 'auto' } });
      const p = await page(s.url as string);
      assert.doesNotMatch(p.html, /consentTermsOfService/);
      assert.equal((await p.post({ ...PAY })).status, 303);
      assert.deepEqual((await stripe.checkout.sessions.retrieve(s.id)).consent, { promotions: 'opt_out', terms_of_service: null });

      const plain = await session(stripe, {});
      assert.equal((await (await page(plain.url as string)).post({ ...PAY })).status, 303);
      assert.equal((await stripe.checkout.sessions.retrieve(plain.id)).consent, null);
    });

    it('hides the payment method reuse text when payment_method_reuse_agreement.position is hidden', async () => {
      const stripe = server.stripe();
      const sub = (agreement?: Stripe.Checkout.SessionCreateParams.ConsentCollection) =>
        stripe.checkout.sessions.create({
          mode: 'subscription',
          line_items: [{ price_data: { currency: 'usd', unit_amount: 900, recurring: { interval: 'month' }, product_data: { name: 'Pro' } }, quantity: 1 }],
          success_url: SUCCESS,
          ...(agreement ? { consent_collection: agreement } : {}),
        });
      assert.match((await page((await sub()).url as string)).html, /<p class="fine">/);
      assert.match((await page((await sub({ payment_method_reuse_agreement: { position: 'auto' } })).url as string)).html, /<p class="fine">/);
      const hidden = await sub({ payment_method_reuse_agreement: { position: 'hidden' } });
      assert.doesNotMatch((await page(hidden.url as string)).html, /<p class="fine">/);
      assert.deepEqual(hidden.consent_collection?.payment_method_reuse_agreement, { position: 'hidden' });
    });

    it('shows custom text where Stripe does, with Markdown links and bold, and everything else escaped', async () => {
      const stripe = server.stripe();
      const s = await session(stripe, {
        shipping_address_collection: { allowed_countries: ['US'] },
        custom_text: {
          shipping_address: { message: 'No PO boxes, <b>please</b>.' },
          submit: { message: 'We will email you **instructions**.' },
          after_submit: { message: 'See [our FAQ](https://merchant.example/faq) or [this](javascript:alert(1)) <script>alert(1)</script>' },
        },
      });
      const html = (await page(s.url as string)).html;
      assert.match(html, /<h2>[^<]*<\/h2><p class="custom-text custom-text-shipping-address" data-testid="custom-text-shipping_address">No PO boxes, &lt;b&gt;please&lt;\/b&gt;.<\/p>/);
      assert.match(html, /data-testid="custom-text-submit">We will email you <strong>instructions<\/strong>.<\/p>/);
      assert.match(html, /data-testid="custom-text-after_submit">See <a href="https:\/\/merchant.example\/faq" target="_blank" rel="noopener noreferrer">our FAQ<\/a> or \[this\]\(javascript:alert\(1\)\) &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/p>/);
      assert.doesNotMatch(html, /<script>alert/);
      // Above the pay button, and after it.
      assert.ok(html.indexOf('custom-text-submit') < html.indexOf('hosted-payment-submit-button'));
      assert.ok(html.indexOf('custom-text-after_submit') > html.indexOf('hosted-payment-submit-button'));
    });

    it('asks the business and individual names name_collection enables, and returns them in customer_details and collected_information', async () => {
      const stripe = server.stripe();
      const s = await session(stripe, { name_collection: { business: { enabled: true }, individual: { enabled: true, optional: true } } });
      const p = await page(s.url as string);
      assert.match(p.html, /<label for="businessName">Business name<\/label>/);
      assert.match(p.html, /<label for="individualName">Full name<span class="opt"> \(Optional\)<\/span><\/label>/);
      const refused = await p.post({ ...PAY });
      assert.equal(alertOf(refused.html), 'Enter your business name.');
      assert.equal((await p.post({ ...PAY, businessName: 'Rosen Supplies LLC' })).status, 303);
      const done = await stripe.checkout.sessions.retrieve(s.id);
      assert.equal(done.customer_details?.business_name, 'Rosen Supplies LLC');
      assert.equal(done.customer_details?.individual_name, null);
      assert.equal(done.collected_information?.business_name, 'Rosen Supplies LLC');
      assert.equal(done.collected_information?.individual_name, null);

      // A customer Checkout creates keeps the names, and is named after the business.
      const created = await session(stripe, { customer_creation: 'always', name_collection: { business: { enabled: true }, individual: { enabled: true } } });
      assert.equal((await (await page(created.url as string)).post({ ...PAY, businessName: 'Rosen Supplies LLC', individualName: 'Jenny Rosen' })).status, 303);
      const customer = (await stripe.customers.retrieve((await stripe.checkout.sessions.retrieve(created.id)).customer as string)) as Stripe.Customer;
      assert.deepEqual([customer.name, customer.business_name, customer.individual_name], ['Rosen Supplies LLC', 'Rosen Supplies LLC', 'Jenny Rosen']);
    });

    it('takes business_name and individual_name on a customer, served only when set', async () => {
      const stripe = server.stripe();
      const c = await stripe.customers.create({ business_name: 'Rosen Supplies LLC', individual_name: 'Jenny Rosen' });
      assert.equal(c.business_name, 'Rosen Supplies LLC');
      assert.equal(c.individual_name, 'Jenny Rosen');
      assertMatchesSchema('customer', c);
      const unset = await stripe.customers.update(c.id, { business_name: '' });
      assert.equal('business_name' in unset, false);
      assert.equal(unset.individual_name, 'Jenny Rosen');
    });

    it('writes what the buyer entered back to the existing customer with customer_update auto, and leaves it with never', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ email: 'jenny@example.com', name: 'J. Rosen' });
      const shipping = { shippingName: 'Jenny Rosen', shippingCountry: 'US', shippingAddressLine1: '1 Main St', shippingLocality: 'San Francisco', shippingPostalCode: '94102', shippingAdministrativeArea: 'CA' };
      const s = await session(stripe, {
        customer: customer.id,
        billing_address_collection: 'required',
        shipping_address_collection: { allowed_countries: ['US'] },
        customer_update: { name: 'auto', address: 'auto', shipping: 'auto' },
      });
      const billing = { billingAddressLine1: '9 Oak Ave', billingLocality: 'Oakland', billingAdministrativeArea: 'CA' };
      assert.equal((await (await page(s.url as string)).post({ ...PAY, ...billing, ...shipping })).status, 303);
      const updated = await stripe.customers.retrieve(customer.id) as Stripe.Customer;
      assert.equal(updated.name, 'Jenny Rosen');
      assert.deepEqual(updated.address, { city: 'Oakland', country: 'US', line1: '9 Oak Ave', line2: null, postal_code: '94102', state: 'CA' });
      assert.equal(updated.shipping?.name, 'Jenny Rosen');
      assert.equal(updated.shipping?.address?.line1, '1 Main St');
      const changed = (await eventsOf(server, key, customer.id)).filter((e) => e.type === 'customer.updated');
      assert.equal(changed.length, 1);
      assert.equal(changed[0]?.data.previous_attributes?.name, 'J. Rosen');

      await assert.rejects(session(stripe, { customer_update: { name: 'auto' } }), stripeError({ status: 400, param: 'customer_update' }), 'customer_update needs a customer');

      const other = await stripe.customers.create({ email: 'max@example.com', name: 'Max' });
      const never = await session(stripe, { customer: other.id, customer_update: { name: 'never', address: 'never' } });
      assert.equal((await (await page(never.url as string)).post({ ...PAY })).status, 303);
      const same = await stripe.customers.retrieve(other.id) as Stripe.Customer;
      assert.equal(same.name, 'Max');
      assert.equal(same.address, null);
      assert.equal((await eventsOf(server, key, other.id)).filter((e) => e.type === 'customer.updated').length, 0);
    });

    it('creates a customer in payment mode with customer_creation always, and none with if_required', async () => {
      const stripe = server.stripe();
      const always = await session(stripe, { customer_creation: 'always' });
      assert.equal((await (await page(always.url as string)).post({ ...PAY })).status, 303);
      const done = await stripe.checkout.sessions.retrieve(always.id);
      assert.match(done.customer as string, /^cus_/);
      assert.equal(((await stripe.customers.retrieve(done.customer as string)) as Stripe.Customer).email, BUYER.email);
      const ifRequired = await session(stripe, { customer_creation: 'if_required' });
      assert.equal((await (await page(ifRequired.url as string)).post({ ...PAY })).status, 303);
      assert.equal((await stripe.checkout.sessions.retrieve(ifRequired.id)).customer, null);
    });
  });
}
