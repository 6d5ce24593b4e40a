/**
 * The customer portal API through the SDK (docs/decisions.md#customer-portal): configurations
 * (create, retrieve, update, list, the default made on first need), sessions (the URL, flow_data
 * deep links and Stripe's refusals), their events; and the page's session expiry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { stripeError } from '../helpers/errors.js';
import { eventsOf } from '../helpers/events.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';

/** A clock the test moves (the portal link's expiry is wall-clock time). */
const clock = { offset: 0, now: () => Date.now() + clock.offset };

for (const store of STORES) {
  describe(`billing portal API (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store, { clock });
    });
    after(() => server.close());

    async function plans(stripe: Stripe) {
      const product = await stripe.products.create({ name: 'Pro' });
      const monthly = await stripe.prices.create({ product: product.id, unit_amount: 1000, currency: 'usd', recurring: { interval: 'month' } });
      const yearly = await stripe.prices.create({ product: product.id, unit_amount: 10000, currency: 'usd', recurring: { interval: 'year' } });
      const oneTime = await stripe.prices.create({ product: product.id, unit_amount: 500, currency: 'usd' });
      return { product, monthly, yearly, oneTime };
    }

    async function subscribed(stripe: Stripe, price: string) {
      const customer = await stripe.customers.create({ email: 'jenny@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
      const pm = (await stripe.customers.listPaymentMethods(customer.id)).data[0] as Stripe.PaymentMethod;
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price }], default_payment_method: pm.id });
      return { customer, sub };
    }

    it('creates a configuration with every feature, retrieves, updates and lists it, with its events', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const { product, monthly, yearly } = await plans(stripe);
      const created = await stripe.billingPortal.configurations.create({
        business_profile: { headline: 'Acme <b>Billing</b>', privacy_policy_url: 'https://example.com/privacy', terms_of_service_url: 'https://example.com/terms' },
        default_return_url: 'https://example.com/account',
        features: {
          customer_update: { enabled: true, allowed_updates: ['email', 'address', 'name'] },
          invoice_history: { enabled: true },
          payment_method_update: { enabled: true },
          subscription_cancel: { enabled: true, mode: 'immediately', proration_behavior: 'create_prorations', cancellation_reason: { enabled: true, options: ['too_expensive', 'unused'] } },
          subscription_update: { enabled: true, default_allowed_updates: ['price'], products: [{ product: product.id, prices: [monthly.id, yearly.id] }], proration_behavior: 'always_invoice' },
        },
        login_page: { enabled: true },
        metadata: { plan: 'a' },
        name: 'Main',
      });
      assert.match(created.id, /^bpc_/);
      assert.equal(created.object, 'billing_portal.configuration');
      assert.equal(created.is_default, false);
      assert.equal(created.active, true);
      assert.deepEqual(created.features.subscription_cancel, {
        cancellation_reason: { enabled: true, feedback_options: null, options: ['too_expensive', 'unused'] },
        enabled: true,
        mode: 'immediately',
        proration_behavior: 'create_prorations',
      });
      assert.deepEqual(created.features.subscription_update.products, [{ adjustable_quantity: { enabled: false, maximum: null, minimum: 1 }, prices: [monthly.id, yearly.id], product: product.id }]);
      assert.deepEqual(created.features.customer_update, { allowed_updates: ['email', 'address', 'name'], enabled: true });
      assert.match(created.login_page.url ?? '', /\/p\/login\/test_/);
      assert.deepEqual(created.metadata, { plan: 'a' });
      assert.deepEqual(await stripe.billingPortal.configurations.retrieve(created.id), created);

      const updated = await stripe.billingPortal.configurations.update(created.id, { metadata: { plan: 'b' }, business_profile: { headline: '' }, features: { invoice_history: { enabled: false } }, login_page: { enabled: false } });
      assert.equal(updated.business_profile.headline, null);
      assert.equal(updated.business_profile.privacy_policy_url, 'https://example.com/privacy', 'an update keeps what it does not name');
      assert.equal(updated.features.invoice_history.enabled, false);
      assert.equal(updated.features.subscription_update.enabled, true);
      assert.deepEqual(updated.login_page, { enabled: false, url: null });
      const events = await eventsOf(server, key, created.id);
      assert.deepEqual(events.map((e) => e.type), ['billing_portal.configuration.created', 'billing_portal.configuration.updated']);
      assert.deepEqual(events[1]?.data.previous_attributes?.metadata, { plan: 'a' });

      const other = await stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } } });
      await stripe.billingPortal.configurations.update(other.id, { active: false });
      const all = await stripe.billingPortal.configurations.list();
      assert.deepEqual(all.data.map((c) => c.id), [other.id, created.id], 'newest first');
      assert.deepEqual((await stripe.billingPortal.configurations.list({ active: false })).data.map((c) => c.id), [other.id]);
      assert.deepEqual((await stripe.billingPortal.configurations.list({ is_default: true })).data, []);
    });

    it('refuses configurations as Stripe does', async () => {
      const stripe = server.stripe();
      const { product, monthly, oneTime } = await plans(stripe);
      const other = await stripe.products.create({ name: 'Other' });
      const cases: Array<[Stripe.BillingPortal.ConfigurationCreateParams, string, string?]> = [
        [{} as Stripe.BillingPortal.ConfigurationCreateParams, 'features', 'parameter_missing'],
        [{ features: { subscription_update: { enabled: true, default_allowed_updates: ['price'] } } }, 'features[subscription_update][products]', 'parameter_missing'],
        [{ features: { subscription_update: { enabled: true, products: [{ product: product.id, prices: [monthly.id] }] } } }, 'features[subscription_update][default_allowed_updates]', 'parameter_missing'],
        [{ features: { subscription_update: { enabled: true, default_allowed_updates: ['price'], products: [{ product: other.id, prices: [monthly.id] }] } } }, 'features[subscription_update][products][0][prices][0]'],
        [{ features: { subscription_update: { enabled: true, default_allowed_updates: ['price'], products: [{ product: product.id, prices: [oneTime.id] }] } } }, 'features[subscription_update][products][0][prices][0]'],
        [{ features: { subscription_cancel: { enabled: true, mode: 'later' as 'immediately' } } }, 'features[subscription_cancel][mode]'],
        [{ features: { invoice_history: { enabled: true } }, business_profile: { privacy_policy_url: 'not a url' } }, 'business_profile[privacy_policy_url]'],
        [{ features: { invoice_history: { enabled: true } }, colour: 'red' } as Stripe.BillingPortal.ConfigurationCreateParams, 'colour', 'parameter_unknown'],
      ];
      for (const [params, param, code] of cases) {
        await assert.rejects(stripe.billingPortal.configurations.create(params), stripeError({ status: 400, param, ...(code ? { code } : {}) }));
      }
      await assert.rejects(stripe.billingPortal.configurations.retrieve('bpc_nope'), stripeError({ status: 404, code: 'resource_missing' }));
    });

    it('creates sessions: the default configuration on first need, the URL, the event; refusals', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ description: '(created by Stripe CLI)' });
      const session = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'https://example.com/account', locale: 'ja', on_behalf_of: 'acct_123' });
      assert.match(session.id, /^bps_/);
      assert.match(session.url, new RegExp(`^${server.url}/p/session/test_[A-Za-z0-9]{32}$`));
      assert.deepEqual({ ...session, id: 'x', url: 'u', created: 0, configuration: 'c' }, {
        id: 'x',
        object: 'billing_portal.session',
        configuration: 'c',
        created: 0,
        customer: customer.id,
        customer_account: null,
        flow: null,
        livemode: false,
        locale: 'ja',
        on_behalf_of: 'acct_123',
        return_url: 'https://example.com/account',
        url: 'u',
      });
      const defaults = await stripe.billingPortal.configurations.list({ is_default: true });
      assert.equal(defaults.data.length, 1);
      assert.equal(defaults.data[0]?.id, session.configuration);
      assert.equal(defaults.data[0]?.features.subscription_cancel.enabled, true);
      const again = await stripe.billingPortal.sessions.create({ customer: customer.id });
      assert.equal(again.configuration, session.configuration, 'one default configuration');
      await assert.rejects(stripe.billingPortal.configurations.update(session.configuration as string, { active: false }), stripeError({ status: 400, param: 'active' }));
      // The events are Stripe's Event objects (the OpenAPI subset has no portal object schemas to check the data against).
      for (const e of (await stripe.events.list({ limit: 10 })).data) assertMatchesSchema('event', e);
      const types = (await eventsOf(server, key)).map((e) => e.type);
      assert.deepEqual(types.filter((t) => t.startsWith('billing_portal.')), ['billing_portal.configuration.created', 'billing_portal.session.created', 'billing_portal.session.created']);

      await assert.rejects(stripe.billingPortal.sessions.create({}), stripeError({ status: 400, code: 'parameter_missing', param: 'customer' }));
      await assert.rejects(stripe.billingPortal.sessions.create({ customer: 'cus_nope' }), stripeError({ status: 404, code: 'resource_missing', param: 'customer' }));
      await assert.rejects(stripe.billingPortal.sessions.create({ customer: customer.id, locale: 'xx' as 'ja' }), stripeError({ status: 400, param: 'locale' }));
      const off = await stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } } });
      await stripe.billingPortal.configurations.update(off.id, { active: false });
      await assert.rejects(stripe.billingPortal.sessions.create({ customer: customer.id, configuration: off.id }), stripeError({ status: 400, param: 'configuration' }));
    });

    it('makes one default configuration when the first sessions arrive at once', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customers = await Promise.all(Array.from({ length: 4 }, (_, i) => stripe.customers.create({ email: `c${i}@example.com` })));
      // Twelve first sessions at once, from separate SDK clients (separate connections): on
      // PostgreSQL their transactions run side by side, each finding no default yet.
      const sessions = await Promise.all(Array.from({ length: 12 }, (_, i) => server.stripe(key).billingPortal.sessions.create({ customer: (customers[i % 4] as Stripe.Customer).id })));
      const defaults = await stripe.billingPortal.configurations.list({ is_default: true });
      assert.equal(defaults.data.length, 1, 'one default configuration');
      const id = defaults.data[0]?.id;
      assert.deepEqual([...new Set(sessions.map((s) => s.configuration))], [id], 'every session uses it');
      assert.equal((await stripe.billingPortal.configurations.list()).data.length, 1);
      const created = (await eventsOf(server, key)).filter((e) => e.type === 'billing_portal.configuration.created');
      assert.deepEqual(created.map((e) => (e.data.object as { id: string }).id), [id], 'one configuration.created event');
    });

    it('serves the login page: a link for the customer with the email goes to the test mailbox, never to the visitor', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const { monthly } = await plans(stripe);
      const older = await stripe.customers.create({ email: 'jenny@example.com', name: 'Subscribed Jenny', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
      await stripe.subscriptions.create({ customer: older.id, items: [{ price: monthly.id }] });
      await stripe.customers.create({ email: 'jenny@example.com', name: 'Newer Jenny, no subscription' });
      const config = await stripe.billingPortal.configurations.create({
        features: { customer_update: { enabled: true, allowed_updates: ['email', 'name'] }, invoice_history: { enabled: true } },
        default_return_url: 'https://example.com/account',
        login_page: { enabled: true },
      });
      const loginUrl = config.login_page.url as string;
      assert.match(loginUrl, new RegExp(`^${server.url}/p/login/test_[A-Za-z0-9]{24}$`));
      const mailbox = async (k: string | null, email?: string) => {
        const res = await fetch(`${server.url}/_admin/portal_login_links${email ? `?email=${encodeURIComponent(email)}` : ''}`, { headers: k ? { authorization: `Bearer ${k}` } : {} });
        return { status: res.status, body: (await res.json()) as { data: Array<{ email: string; customer: string; url: string; session: string }> } };
      };
      const shown = await fetch(`${loginUrl}?prefilled_email=jenny%40example.com`);
      const html = await shown.text();
      assert.equal(shown.status, 200);
      assert.match(shown.headers.get('content-security-policy') ?? '', /form-action 'self'/);
      assert.match(html, /name="email"[^>]*value="jenny@example.com"/, 'prefilled_email fills the field');
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;
      const post = async (fields: Record<string, string>) => {
        const res = await fetch(loginUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
        return { status: res.status, html: await res.text() };
      };
      assert.equal((await post({ email: 'jenny@example.com' })).status, 403, 'no CSRF token');
      assert.equal((await post({ email: 'not an email', csrf_token: csrf })).status, 400);
      const known = await post({ email: 'jenny@example.com', csrf_token: csrf });
      const unknown = await post({ email: 'nobody@example.com', csrf_token: csrf });
      assert.equal(known.status, 200);
      assert.equal(unknown.status, 200);
      const strip = (h: string) => h.replace(/nonce="[^"]+"/g, '').replace(/(jenny|nobody)@example\.com/g, 'E');
      assert.equal(strip(known.html), strip(unknown.html), 'the same answer whether or not a customer has the email');
      assert.ok(!known.html.includes('/p/session/'), 'the link is never shown to the visitor');

      assert.equal((await mailbox(null)).status, 401, 'the mailbox needs the account’s key');
      assert.deepEqual((await mailbox(freshKey())).body.data, [], 'another account sees none');
      assert.deepEqual((await mailbox(key, 'nobody@example.com')).body.data, [], 'no link for an email no customer has');
      const [link] = (await mailbox(key, 'jenny@example.com')).body.data;
      assert.equal(link?.customer, older.id, 'the newest customer with a live subscription, as Stripe picks');
      const session = await fetch(link?.url as string);
      const portal = await session.text();
      assert.equal(session.status, 200);
      assert.match(portal, /data-testid="customer-portal"/);
      assert.match(portal, /Subscribed Jenny/);
      const events = await eventsOf(server, key, link?.session);
      assert.deepEqual(events.map((e) => e.type), ['billing_portal.session.created']);
      assert.equal(events[0]?.data.object.return_url, 'https://example.com/account');

      // The email the customer proved is not changed from that session (Stripe's rule for the login link).
      const details = await (await fetch(`${link?.url}?view=details`)).text();
      assert.match(details, /data-testid="email-locked"/);
      const token = /name="csrf_token" value="([^"]+)"/.exec(details)?.[1] as string;
      await fetch(link?.url as string, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf_token: token, action: 'details', name: 'Jenny R.', email: 'attacker@example.com' }).toString(), redirect: 'manual' });
      const after = (await stripe.customers.retrieve(older.id)) as Stripe.Customer;
      assert.equal(after.name, 'Jenny R.');
      assert.equal(after.email, 'jenny@example.com');

      // At most 5 links to one email per 15 minutes: past that the page answers the same and sends nothing.
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await post({ email: 'jenny@example.com', csrf_token: csrf }));
      assert.ok(answers.every((a) => a.status === 200 && strip(a.html) === strip(known.html)), 'the same answer past the limit');
      assert.equal((await mailbox(key, 'jenny@example.com')).body.data.length, 5, 'five links, not seven');

      await stripe.billingPortal.configurations.update(config.id, { login_page: { enabled: false } });
      assert.equal((await fetch(loginUrl)).status, 404, 'a disabled login page is gone');
      assert.equal((await fetch(`${server.url}/p/login/test_nope`)).status, 404);
    });

    it('takes flow_data deep links for the customer’s own subscription only', async () => {
      const stripe = server.stripe();
      const { product, monthly, yearly } = await plans(stripe);
      const { customer, sub } = await subscribed(stripe, monthly.id);
      const { sub: othersSub } = await subscribed(stripe, monthly.id);
      const config = await stripe.billingPortal.configurations.create({
        features: {
          subscription_cancel: { enabled: true },
          subscription_update: { enabled: true, default_allowed_updates: ['price'], products: [{ product: product.id, prices: [monthly.id, yearly.id] }] },
        },
      });
      const cancel = await stripe.billingPortal.sessions.create({
        customer: customer.id,
        configuration: config.id,
        flow_data: { type: 'subscription_cancel', subscription_cancel: { subscription: sub.id }, after_completion: { type: 'redirect', redirect: { return_url: 'https://example.com/done' } } },
      });
      assert.deepEqual(cancel.flow, {
        after_completion: { hosted_confirmation: null, redirect: { return_url: 'https://example.com/done' }, type: 'redirect' },
        customer_update: null,
        subscription_cancel: { retention: null, subscription: sub.id },
        subscription_pause: null,
        subscription_update: null,
        subscription_update_confirm: null,
        type: 'subscription_cancel',
      });
      const item = sub.items.data[0]?.id as string;
      const confirm = await stripe.billingPortal.sessions.create({
        customer: customer.id,
        configuration: config.id,
        flow_data: { type: 'subscription_update_confirm', subscription_update_confirm: { subscription: sub.id, items: [{ id: item, price: yearly.id }] } },
      });
      assert.deepEqual(confirm.flow?.subscription_update_confirm, { discounts: null, items: [{ id: item, price: yearly.id }], subscription: sub.id });
      assert.equal(confirm.flow?.after_completion.type, 'portal_homepage');
      const deepLink = await (await fetch(confirm.url)).text();
      assert.match(deepLink, /data-view="confirm"/, 'the deep link opens on the confirmation of the new price');
      assert.match(deepLink, new RegExp(`name="price" value="${yearly.id}"`));

      const refused: Array<[Stripe.BillingPortal.SessionCreateParams.FlowData, string, number?]> = [
        [{ type: 'subscription_cancel', subscription_cancel: { subscription: othersSub.id } }, 'flow_data[subscription_cancel][subscription]'],
        [{ type: 'subscription_cancel', subscription_cancel: { subscription: 'sub_nope' } }, 'flow_data[subscription_cancel][subscription]', 404],
        [{ type: 'subscription_cancel' }, 'flow_data[subscription_cancel]'],
        [{ type: 'payment_method_update' }, 'flow_data[type]'],
        [{ type: 'subscription_update_confirm', subscription_update_confirm: { subscription: sub.id, items: [{ id: 'si_nope', price: yearly.id }] } }, 'flow_data[subscription_update_confirm][items][0][id]'],
        [{ type: 'subscription_cancel', subscription_cancel: { subscription: sub.id }, after_completion: { type: 'redirect' } }, 'flow_data[after_completion][redirect]'],
      ];
      for (const [flow_data, param, status] of refused) {
        await assert.rejects(stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id, flow_data }), stripeError({ status: status ?? 400, param }));
      }
    });

    it('adds a card through a SetupIntent: a 3D Secure card waits for its authentication, a failed one is not saved', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const customer = await stripe.customers.create({ email: 'jenny@example.com', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
      const visa = customer.invoice_settings.default_payment_method as string;
      const session = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'https://example.com/account' });
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(await (await fetch(`${session.url}?view=card`)).text())?.[1] as string;
      const addCard = (cardNumber: string) =>
        fetch(session.url, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf_token: csrf, action: 'add_card', cardNumber, cardExpiry: '12 / 34', cardCvc: '123' }),
        });
      const press = async (url: string, action: 'complete' | 'fail') => {
        const token = /name="csrf_token" value="([^"]+)"/.exec(await (await fetch(url)).text())?.[1] as string;
        const res = await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf_token: token, action }) });
        assert.equal(res.status, 303);
        return res.headers.get('location') as string;
      };
      const cards = async () => (await stripe.customers.listPaymentMethods(customer.id)).data.map((pm) => pm.card?.last4).sort();
      const defaultOf = async () => ((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).invoice_settings.default_payment_method;

      // 4000 0027 6000 3184 asks for authentication: nothing is attached until the buyer completes it.
      const asked = await addCard('4000 0027 6000 3184');
      assert.equal(asked.status, 303);
      const challenge = asked.headers.get('location') as string;
      assert.match(challenge, new RegExp(`^${server.url}/c/3ds/seti_`));
      const seti = decodeURIComponent(challenge.split('/').pop() as string);
      const waiting = await stripe.setupIntents.retrieve(seti);
      assert.equal(waiting.status, 'requires_action');
      assert.equal(waiting.customer, customer.id);
      assert.deepEqual(await cards(), ['4242'], 'not attached while it waits');
      const back = await press(challenge, 'complete');
      assert.ok(back.startsWith(`${session.url}?view=card&setup_intent=${seti}&setup_intent_client_secret=`), back);
      assert.match(back, /redirect_status=succeeded/);
      // A forged return (another secret) changes nothing.
      assert.equal((await fetch(back.replace(/setup_intent_client_secret=[^&]+/, 'setup_intent_client_secret=seti_x_secret_y'), { redirect: 'manual' })).status, 400);
      assert.equal(await defaultOf(), visa);
      const home = await fetch(back, { redirect: 'manual' });
      assert.equal(home.status, 303);
      assert.equal(home.headers.get('location'), `${session.url}?view=home`);
      const saved = (await stripe.setupIntents.retrieve(seti)).payment_method as string;
      assert.deepEqual(await cards(), ['3184', '4242']);
      assert.equal(await defaultOf(), saved, 'the authenticated card becomes the default');
      assert.equal((await fetch(back, { redirect: 'manual' })).status, 303, 'coming back again changes nothing');
      const types = (await eventsOf(server, key)).map((e) => e.type);
      for (const t of ['setup_intent.created', 'setup_intent.requires_action', 'setup_intent.succeeded', 'payment_method.attached', 'customer.updated']) assert.ok(types.includes(t), t);

      // A failed authentication: the card view says why, and the card is not saved.
      const failing = await addCard('4000 0027 6000 3184');
      const failedBack = await press(failing.headers.get('location') as string, 'fail');
      assert.match(failedBack, /redirect_status=failed/);
      const refused = await fetch(failedBack, { redirect: 'manual' });
      assert.equal(refused.status, 402);
      assert.match(await refused.text(), /data-testid="portal-error"[^>]*>We are unable to authenticate your payment method/);
      assert.deepEqual(await cards(), ['3184', '4242']);
      assert.equal(await defaultOf(), saved);

      // A card that needs no authentication is saved at once, as before.
      const plain = await addCard('5555 5555 5555 4444');
      assert.equal(plain.status, 303);
      assert.equal(plain.headers.get('location'), `${session.url}?view=home`);
      assert.deepEqual(await cards(), ['3184', '4242', '4444']);
    });

    it('opens the portal page within 5 minutes of the session, for an hour once opened', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ name: 'Jenny <script>alert(1)</script>' });
      const opened = await stripe.billingPortal.sessions.create({ customer: customer.id });
      const stale = await stripe.billingPortal.sessions.create({ customer: customer.id });
      const page = await fetch(opened.url);
      const html = await page.text();
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'nonce-[^']+'/);
      assert.ok(html.includes('data-testid="customer-portal"'));
      assert.ok(!html.includes('<script>alert(1)'), 'the customer name is escaped');
      try {
        clock.offset = 6 * 60 * 1000;
        assert.match(await (await fetch(stale.url)).text(), /data-kind="expired"/, 'a link not opened within 5 minutes is stale');
        assert.match(await (await fetch(opened.url)).text(), /data-testid="customer-portal"/, 'an opened portal stays usable');
        clock.offset = 61 * 60 * 1000;
        assert.match(await (await fetch(opened.url)).text(), /data-kind="expired"/, 'an hour after opening it expires');
      } finally {
        clock.offset = 0;
      }
      assert.equal((await fetch(`${server.url}/p/session/test_nope`)).status, 404);
    });
  });
}
