/**
 * SEPA Direct Debit, konbini and Link through the official SDK: creating and attaching their
 * PaymentMethods, Stripe's test numbers and emails deciding the outcome on the customer's test
 * clock, and the refusals (currency, mode, amount) Stripe answers with.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { assertMatchesSchema } from '../helpers/contract.js';
import { refused } from '../helpers/errors.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';
import { advance } from '../helpers/wait.js';

const T0 = Math.floor(Date.UTC(2026, 5, 15, 3, 0, 0) / 1000); // 12:00 in Japan
const JENNY = { email: 'jenny@example.com', name: 'Jenny Rosen' };

for (const store of STORES) {
  describe(`payment method types: sepa_debit, konbini, link (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_SETTLEMENT_DELAY: '5' } });
    });
    after(() => server.close());

    /** A session on a customer whose test clock stands at T0, for `types` in `currency`. */
    async function clockedSession(stripe: Stripe, currency: string, amount: number, types: string[], extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
      const customer = await stripe.customers.create({ test_clock: clock.id, email: 'buyer@example.com' });
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        customer: customer.id,
        allowed_payment_method_types: types as Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType[],
        line_items: [{ price_data: { currency, unit_amount: amount, product_data: { name: 'Tea set' } }, quantity: 1 }],
        success_url: 'https://example.com/ok?session_id={CHECKOUT_SESSION_ID}',
        ...extra,
      });
      return { clock, customer, session: s };
    }

    async function confirm(stripe: Stripe, s: Stripe.Checkout.Session, pm: Stripe.PaymentMethod): Promise<Stripe.Checkout.Session> {
      return stripe.rawRequest('POST', `/v1/payment_pages/${s.id}/confirm`, { payment_method: pm.id, expected_amount: s.amount_total ?? 0 }) as Promise<Stripe.Checkout.Session>;
    }

    const sepa = (stripe: Stripe, iban: string, billing: Stripe.PaymentMethodCreateParams.BillingDetails = JENNY) =>
      stripe.paymentMethods.create({ type: 'sepa_debit', sepa_debit: { iban }, billing_details: billing });

    const konbini = (stripe: Stripe, email: string) =>
      stripe.paymentMethods.create({ type: 'konbini', billing_details: { email, name: '山田 太郎' } });

    async function asyncEvents(stripe: Stripe, sessionId: string): Promise<string[]> {
      const list = await stripe.events.list({ type: 'checkout.session.*', limit: 100 } as Stripe.EventListParams);
      return list.data
        .filter((e) => (e.data.object as { id: string }).id === sessionId)
        .map((e) => e.type)
        .reverse();
    }

    describe('sepa_debit', () => {
      it('creates a PaymentMethod from a test IBAN with Stripe’s sub-object, never keeping the IBAN', async () => {
        const stripe = server.stripe();
        const pm = await sepa(stripe, 'de89 3704 0044 0532 0130 00');
        assert.equal(pm.type, 'sepa_debit');
        const d = pm.sepa_debit as Stripe.PaymentMethod.SepaDebit;
        assert.deepEqual({ ...d, fingerprint: typeof d.fingerprint }, {
          bank_code: '37040044',
          branch_code: null,
          country: 'DE',
          fingerprint: 'string',
          generated_from: null,
          last4: '3000',
        });
        assertMatchesSchema('payment_method', pm);
        assert.equal((await sepa(stripe, 'DE89370400440532013000')).sepa_debit?.fingerprint, d.fingerprint);
        assert.notEqual((await sepa(stripe, 'AT611904300234573201')).sepa_debit?.fingerprint, d.fingerprint);
        assert.doesNotMatch(JSON.stringify(await stripe.paymentMethods.retrieve(pm.id)), /0532013000/);
      });

      it('refuses a malformed IBAN, a real-looking one (test mode), a missing IBAN and a missing holder name', async () => {
        const stripe = server.stripe();
        await assert.rejects(sepa(stripe, 'DE89370400440532013001x'), refused(400, 'invalid_bank_account_iban', 'sepa_debit[iban]'));
        await assert.rejects(sepa(stripe, 'DE00370400440532013000'), refused(400, 'invalid_bank_account_iban', 'sepa_debit[iban]'));
        await assert.rejects(
          sepa(stripe, 'IT60X0542811101000000123456'),
          refused(400, 'bank_account_unusable', 'sepa_debit[iban]', 'You cannot use a live bank account number when making transfers or debits in test mode.'),
        );
        await assert.rejects(stripe.paymentMethods.create({ type: 'sepa_debit', billing_details: JENNY }), refused(400, 'parameter_missing', 'sepa_debit'));
        await assert.rejects(sepa(stripe, 'DE89370400440532013000', { email: 'x@example.com' }), refused(400, 'parameter_missing', 'billing_details[name]'));
      });

      it('attaches to a customer, and Stripe’s ready-made ids stand for their IBANs', async () => {
        const stripe = server.stripe();
        const customer = await stripe.customers.create();
        const pm = await stripe.paymentMethods.attach((await sepa(stripe, 'AT611904300234573201')).id, { customer: customer.id });
        assert.equal(pm.customer, customer.id);
        const ready = await stripe.paymentMethods.attach('pm_success_at', { customer: customer.id });
        assert.deepEqual([ready.type, ready.sepa_debit?.last4, ready.sepa_debit?.fingerprint], ['sepa_debit', '3201', pm.sepa_debit?.fingerprint]);
        const listed = await stripe.customers.listPaymentMethods(customer.id, { type: 'sepa_debit' });
        assert.equal(listed.data.length, 2);
      });

      it('is refused on a session in another currency than eur, as Stripe refuses it', async () => {
        const stripe = server.stripe();
        await assert.rejects(
          stripe.checkout.sessions.create({
            mode: 'payment',
            allowed_payment_method_types: ['card', 'sepa_debit'],
            line_items: [{ price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'x' } }, quantity: 1 }],
            success_url: 'https://example.com/ok',
          }),
          refused(400, undefined, 'payment_method_types', 'The payment method `sepa_debit` only supports `eur`.'),
        );
      });

      it('settles per the test IBAN on the customer’s clock: success, failure, and the three-minute ones', async () => {
        const stripe = server.stripe();
        const cases = [
          { iban: 'DE89370400440532013000', after5s: 'succeeded', after3m: 'succeeded', event: 'checkout.session.async_payment_succeeded' },
          { iban: 'AT861904300235473202', after5s: 'requires_payment_method', after3m: 'requires_payment_method', event: 'checkout.session.async_payment_failed' },
          { iban: 'DE08370400440532013003', after5s: 'processing', after3m: 'succeeded', event: 'checkout.session.async_payment_succeeded' },
          { iban: 'FR7920041010050500013M02600', after5s: 'processing', after3m: 'requires_payment_method', event: 'checkout.session.async_payment_failed' },
          { iban: 'NL27RABO0000343434', after5s: 'requires_payment_method', after3m: 'requires_payment_method', event: 'checkout.session.async_payment_failed' },
        ];
        for (const c of cases) {
          const { clock, session } = await clockedSession(stripe, 'eur', 2500, ['sepa_debit']);
          const done = await confirm(stripe, session, await sepa(stripe, c.iban));
          assert.deepEqual([done.status, done.payment_status], ['complete', 'unpaid'], c.iban);
          const pi = () => stripe.paymentIntents.retrieve(done.payment_intent as string);
          assert.equal((await pi()).status, 'processing', c.iban);
          await advance(stripe, clock.id, T0 + 10);
          assert.equal((await pi()).status, c.after5s, `${c.iban} after the usual delay`);
          await advance(stripe, clock.id, T0 + 200);
          const settled = await pi();
          assert.equal(settled.status, c.after3m, `${c.iban} after three minutes`);
          if (settled.status === 'requires_payment_method') {
            assert.ok(settled.last_payment_error?.code, c.iban);
            assert.equal((settled.last_payment_error?.payment_method as Stripe.PaymentMethod | undefined)?.type, 'sepa_debit');
          }
          assert.equal((await stripe.checkout.sessions.retrieve(session.id)).payment_status, c.event.endsWith('succeeded') ? 'paid' : 'unpaid');
        // A bank debit has no voucher page.
        assert.equal((await fetch(`${server.url}/c/pay/${session.id}/voucher`)).status, 404);
          assert.deepEqual(await asyncEvents(stripe, session.id), ['checkout.session.completed', c.event], c.iban);
        }
        const failed = await stripe.paymentIntents.list({ limit: 100 });
        const codes = failed.data.map((p) => p.last_payment_error?.code).filter(Boolean).sort();
        assert.deepEqual(codes, ['charge_exceeds_source_limit', 'generic_could_not_process', 'generic_could_not_process']);
      });

      it('saves the account to a new customer when the session sets setup_future_usage, as the Stripe CLI fixture does', async () => {
        const stripe = server.stripe();
        const s = await stripe.checkout.sessions.create({
          mode: 'payment',
          allowed_payment_method_types: ['sepa_debit'],
          line_items: [{ price_data: { currency: 'eur', unit_amount: 1500, product_data: { name: 'myproduct' } }, quantity: 2 }],
          payment_intent_data: { setup_future_usage: 'off_session' },
          success_url: 'https://httpbin.org/post',
        });
        const done = await confirm(stripe, s, await sepa(stripe, 'AT611904300234573201', { ...JENNY, address: { country: 'GB', city: 'London', line1: '71 Crown Street', postal_code: 'W10 2WB' } }));
        assert.equal(done.payment_status, 'unpaid');
        assert.ok(done.customer);
        const saved = await stripe.customers.listPaymentMethods(done.customer as string);
        assert.deepEqual(saved.data.map((p) => p.type), ['sepa_debit']);
      });
    });

    describe('konbini', () => {
      it('completes unpaid with a voucher (requires_action), then succeeds when succeed_immediately@ pays it', async () => {
        const stripe = server.stripe();
        const { clock, session } = await clockedSession(stripe, 'jpy', 2000, ['konbini'], {
          locale: 'ja',
          payment_method_options: { konbini: { expires_after_days: 2 } },
        });
        const done = await confirm(stripe, session, await konbini(stripe, 'taro+succeed_immediately@example.jp'));
        assert.deepEqual([done.status, done.payment_status], ['complete', 'unpaid']);
        const pi = await stripe.paymentIntents.retrieve(done.payment_intent as string);
        assertMatchesSchema('payment_intent', pi);
        assert.equal(pi.status, 'requires_action');
        assert.equal(pi.next_action?.type, 'konbini_display_details');
        const v = pi.next_action?.konbini_display_details as Stripe.PaymentIntent.NextAction.KonbiniDisplayDetails;
        // T0 is 12:00 on 15 June in Japan: two days on, at 23:59:59 Japan time.
        assert.equal(v.expires_at, Math.floor(Date.UTC(2026, 5, 17, 14, 59, 59) / 1000));
        assert.match(v.hosted_voucher_url ?? '', new RegExp(`/c/pay/${session.id}/voucher$`));
        for (const store of ['familymart', 'lawson', 'ministop', 'seicomart'] as const) {
          assert.match(v.stores[store]?.payment_code ?? '', /^\d{6,11}$/, store);
          assert.match(v.stores[store]?.confirmation_number ?? '', /^\d{11}$/, store);
        }
        // The voucher page at hosted_voucher_url, in the session's language.
        const page = await fetch(v.hosted_voucher_url as string);
        const html = await page.text();
        assert.equal(page.status, 200);
        assert.match(html, /<html lang="ja">/);
        assert.ok(html.includes('確認番号') && html.includes(v.stores.lawson?.confirmation_number as string));
        await advance(stripe, clock.id, T0 + 10);
        assert.match(await (await fetch(v.hosted_voucher_url as string)).text(), /data-state="paid"/);
        const paid = await stripe.paymentIntents.retrieve(pi.id);
        assert.deepEqual([paid.status, paid.amount_received, paid.next_action], ['succeeded', 2000, null]);
        assert.equal((await stripe.checkout.sessions.retrieve(session.id)).payment_status, 'paid');
        assert.deepEqual(await asyncEvents(stripe, session.id), ['checkout.session.completed', 'checkout.session.async_payment_succeeded']);
        const piEvents = (await stripe.events.list({ type: 'payment_intent.*' } as Stripe.EventListParams)).data.map((e) => e.type).reverse();
        assert.deepEqual(piEvents, ['payment_intent.created', 'payment_intent.requires_action', 'payment_intent.succeeded']);
      });

      it('follows Stripe’s test emails: expire_immediately, expire_with_delay, fill_never, and any other email', async () => {
        const stripe = server.stripe();
        const cases = [
          { email: 'expire_immediately@test.com', expiresIn: 0, at10s: 'requires_payment_method', at4m: 'requires_payment_method' },
          { email: 'hanako+expire_with_delay@test.com', expiresIn: 180, at10s: 'requires_action', at4m: 'requires_payment_method' },
          { email: 'fill_never@test.com', expiresIn: null, at10s: 'requires_action', at4m: 'requires_action' },
          { email: 'anyone@example.jp', expiresIn: null, at10s: 'requires_action', at4m: 'succeeded' },
        ];
        for (const c of cases) {
          const { clock, session } = await clockedSession(stripe, 'jpy', 5000, ['konbini']);
          const done = await confirm(stripe, session, await konbini(stripe, c.email));
          const pi = () => stripe.paymentIntents.retrieve(done.payment_intent as string);
          const v = (await pi()).next_action?.konbini_display_details;
          assert.ok(v, c.email);
          // Without expires_after_days: three days on, at 23:59:59 Japan time.
          assert.equal(v.expires_at, c.expiresIn === null ? Math.floor(Date.UTC(2026, 5, 18, 14, 59, 59) / 1000) : T0 + c.expiresIn, c.email);
          await advance(stripe, clock.id, T0 + 10);
          assert.equal((await pi()).status, c.at10s, `${c.email} after seconds`);
          await advance(stripe, clock.id, T0 + 240);
          const later = await pi();
          assert.equal(later.status, c.at4m, `${c.email} after minutes`);
          if (later.status === 'requires_payment_method') {
            assert.equal(later.last_payment_error?.code, 'payment_intent_payment_attempt_expired');
            assert.equal(later.next_action, null);
            assert.deepEqual(await asyncEvents(stripe, session.id), ['checkout.session.completed', 'checkout.session.async_payment_failed']);
          }
          if (c.email.startsWith('fill_never')) {
            await advance(stripe, clock.id, v.expires_at + 1);
            assert.equal((await pi()).status, 'requires_payment_method', 'fill_never expires with its voucher');
          }
        }
      });

      it('is refused outside jpy, in setup mode, and below ¥120 or above ¥300,000, with Stripe’s errors', async () => {
        const stripe = server.stripe();
        const create = (currency: string, amount: number, mode: 'payment' | 'setup' = 'payment') =>
          stripe.checkout.sessions.create({
            mode,
            allowed_payment_method_types: ['konbini'],
            ...(mode === 'setup' ? { currency } : { line_items: [{ price_data: { currency, unit_amount: amount, product_data: { name: 'x' } }, quantity: 1 }] }),
            success_url: 'https://example.com/ok',
          });
        await assert.rejects(create('usd', 1000), refused(400, undefined, 'payment_method_types', 'The payment method `konbini` only supports `jpy`.'));
        await assert.rejects(create('jpy', 0, 'setup'), refused(400, undefined, 'payment_method_types'));
        const limits = [
          [100, 'amount_too_small', 'Amount must be at least ¥120 jpy to pay with `konbini`.'],
          [300001, 'amount_too_large', 'Amount must be no more than ¥300,000 jpy to pay with `konbini`.'],
        ] as const;
        for (const [amount, code, message] of limits) {
          const s = await create('jpy', amount);
          await assert.rejects(confirm(stripe, s, await konbini(stripe, 'a@example.jp')), refused(400, code, undefined, message));
          assert.equal((await stripe.checkout.sessions.retrieve(s.id)).status, 'open');
        }
      });

      it('creates a konbini PaymentMethod with no details of its own', async () => {
        const stripe = server.stripe();
        const pm = await konbini(stripe, 'a@example.jp');
        assert.deepEqual([pm.type, pm.konbini, pm.billing_details.name], ['konbini', {}, '山田 太郎']);
        assertMatchesSchema('payment_method', pm);
      });
    });

    describe('link', () => {
      it('is offered beside card; a Link PaymentMethod is its email and pays at once', async () => {
        const stripe = server.stripe();
        const s = await stripe.checkout.sessions.create({
          mode: 'payment',
          allowed_payment_method_types: ['card', 'link'],
          line_items: [{ price_data: { currency: 'eur', unit_amount: 1200, product_data: { name: 'x' } }, quantity: 1 }],
          success_url: 'https://example.com/ok',
        });
        assert.deepEqual(s.payment_method_types, ['card', 'link']);
        const pm = await stripe.paymentMethods.create({ type: 'link', billing_details: { email: 'jenny@example.com' } });
        assert.deepEqual([pm.type, pm.link?.email], ['link', 'jenny@example.com']);
        assertMatchesSchema('payment_method', pm);
        const done = await confirm(stripe, s, pm);
        assert.deepEqual([done.status, done.payment_status], ['complete', 'paid']);
        assert.equal((await stripe.paymentIntents.retrieve(done.payment_intent as string)).status, 'succeeded');
        await assert.rejects(stripe.paymentMethods.create({ type: 'link' }), refused(400, 'parameter_missing', 'billing_details[email]'));
      });
    });
  });
}
