import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import type Stripe from 'stripe';
import { createApp } from '../../src/app.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { STORES, freshKey, startServer, type TestServer } from '../helpers/server.js';

const YEAR = new Date().getUTCFullYear() + 3;
const card = (number: string, extra: Partial<Stripe.PaymentMethodCreateParams.Card> = {}) => ({
  type: 'card' as const,
  card: { number, exp_month: 12, exp_year: YEAR, cvc: '123', ...extra },
});

for (const store of STORES) {
  describe(`payment methods (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('creates a card PaymentMethod from a raw test number and serves Stripe’s shape', async () => {
      const stripe = server.stripe();
      const pm = await stripe.paymentMethods.create({
        ...card('4242424242424242'),
        billing_details: {
          name: 'Jenny Rosen',
          email: 'jenny@example.com',
          phone: '+15555550100',
          address: { line1: '1 Main St', city: 'Springfield', postal_code: '94102', country: 'us', state: 'CA' },
        },
        metadata: { order: '42' },
      });
      assert.match(pm.id, /^pm_[A-Za-z0-9]{24}$/);
      assert.equal(pm.type, 'card');
      assert.equal(pm.customer, null);
      assert.equal(pm.allow_redisplay, 'unspecified');
      assert.deepEqual(pm.metadata, { order: '42' });
      assert.equal(pm.billing_details.address?.country, 'US');
      const c = pm.card;
      assert.ok(c);
      assert.deepEqual(
        { brand: c.brand, display_brand: c.display_brand, last4: c.last4, exp_month: c.exp_month, exp_year: c.exp_year, funding: c.funding, country: c.country },
        { brand: 'visa', display_brand: 'visa', last4: '4242', exp_month: 12, exp_year: YEAR, funding: 'credit', country: 'US' },
      );
      assert.deepEqual(c.checks, { address_line1_check: 'pass', address_postal_code_check: 'pass', cvc_check: 'pass' });
      assert.deepEqual(c.networks, { available: ['visa'], preferred: null });
      assert.deepEqual(c.three_d_secure_usage, { supported: true });
      assert.equal(c.wallet, null);
      assert.match(c.fingerprint ?? '', /^[A-Za-z0-9]{16}$/);
      assertMatchesSchema('payment_method', pm);
      assert.deepEqual(await stripe.paymentMethods.retrieve(pm.id), pm);
    });

    it('gives one fingerprint per card number: the same for two PaymentMethods of one number, another for another number', async () => {
      const stripe = server.stripe();
      const a = await stripe.paymentMethods.create(card('4242424242424242'));
      const b = await stripe.paymentMethods.create(card('4242 4242 4242 4242', { exp_month: 1, cvc: '999' }));
      const viaToken = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
      const ready = await stripe.paymentMethods.retrieve('pm_card_visa');
      const other = await stripe.paymentMethods.create(card('5555555555554444'));
      assert.notEqual(a.id, b.id);
      assert.equal(a.card?.fingerprint, b.card?.fingerprint);
      assert.equal(a.card?.fingerprint, viaToken.card?.fingerprint);
      assert.equal(a.card?.fingerprint, ready.card?.fingerprint);
      assert.notEqual(a.card?.fingerprint, other.card?.fingerprint);
      assert.equal(other.card?.brand, 'mastercard');
      // Each installation has its own fingerprint key: the value is no hash of the bare number.
      const elsewhere = await startServer(store);
      try {
        const there = await elsewhere.stripe().paymentMethods.create(card('4242424242424242'));
        assert.notEqual(there.card?.fingerprint, a.card?.fingerprint);
      } finally {
        await elsewhere.close();
      }
    });

    it('creates card PaymentMethods from test tokens and refuses unknown tokens', async () => {
      const stripe = server.stripe();
      for (const [token, brand, last4] of [
        ['tok_visa', 'visa', '4242'],
        ['tok_mastercard', 'mastercard', '4444'],
        ['tok_amex', 'amex', '8431'],
        ['tok_visa_debit', 'visa', '5556'],
        ['tok_chargeDeclined', 'visa', '0002'],
      ] as const) {
        const pm = await stripe.paymentMethods.create({ type: 'card', card: { token } });
        assert.equal(pm.card?.brand, brand, token);
        if (token !== 'tok_amex') assert.equal(pm.card?.last4, last4, token);
        assertMatchesSchema('payment_method', pm);
      }
      await assert.rejects(stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_nope' } }), {
        statusCode: 404,
        code: 'resource_missing',
        param: 'card[token]',
      });
      await assert.rejects(stripe.paymentMethods.create({ type: 'card', card: { token: 'pm_card_visa' } }), { statusCode: 404 });
      await assert.rejects(stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa', number: '4242424242424242' } }), {
        statusCode: 400,
        param: 'card[token]',
      });
    });

    it('refuses bad card data with Stripe’s card errors and stores nothing', async () => {
      const stripe = server.stripe();
      const cases: Array<[Stripe.PaymentMethodCreateParams, Record<string, unknown>]> = [
        [card('4242424242424241'), { statusCode: 402, type: 'StripeCardError', code: 'incorrect_number', message: 'Your card number is incorrect.', param: 'card[number]' }],
        [card('4242'), { statusCode: 402, code: 'invalid_number', param: 'card[number]' }],
        [card('4242424242424242', { exp_month: 13 }), { statusCode: 402, code: 'invalid_expiry_month', message: "Your card's expiration month is invalid.", param: 'card[exp_month]' }],
        [card('4242424242424242', { exp_year: 2019 }), { statusCode: 402, code: 'invalid_expiry_year', message: "Your card's expiration year is invalid.", param: 'card[exp_year]' }],
        [card('4242424242424242', { cvc: '12' }), { statusCode: 402, code: 'invalid_cvc', message: "Your card's security code is invalid.", param: 'card[cvc]' }],
        [{ type: 'card', card: { exp_month: 12, exp_year: YEAR } }, { statusCode: 400, code: 'parameter_missing', param: 'card[number]' }],
        [{ type: 'card', card: { number: '4242424242424242', exp_year: YEAR } }, { statusCode: 400, code: 'parameter_missing', param: 'card[exp_month]' }],
        [{ type: 'card' }, { statusCode: 400, code: 'parameter_missing', param: 'card' }],
        [{ card: { number: '4242424242424242', exp_month: 12, exp_year: YEAR } }, { statusCode: 400, code: 'parameter_missing', param: 'type' }],
        [{ type: 'bacs_debit' } as Stripe.PaymentMethodCreateParams, { statusCode: 400, param: 'type' }],
        [{ ...card('4242424242424242'), us_bank_account: { routing_number: '110000000' } }, { statusCode: 400, param: 'us_bank_account' }],
        [{ type: 'card', card: { number: '4242424242424242', exp_month: 'soon' } } as never, { statusCode: 400, code: 'parameter_invalid_integer', param: 'card[exp_month]' }],
        [{ ...card('4242424242424242'), bogus: 1 } as never, { statusCode: 400, code: 'parameter_unknown', param: 'bogus' }],
        [{ ...card('4242424242424242'), allow_redisplay: 'sometimes' } as never, { statusCode: 400, param: 'allow_redisplay' }],
      ];
      for (const [params, expected] of cases) await assert.rejects(stripe.paymentMethods.create(params), expected, JSON.stringify(params));
      assert.equal((await stripe.paymentMethods.list()).data.length, 0);
    });

    it('does not remember a card input error under an idempotency key, so the corrected retry runs', async () => {
      const stripe = server.stripe();
      await assert.rejects(stripe.paymentMethods.create(card('4242424242424241'), { idempotencyKey: 'typo' }), { code: 'incorrect_number' });
      const fixed = await stripe.paymentMethods.create(card('4242424242424242'), { idempotencyKey: 'typo' });
      assert.equal(fixed.card?.last4, '4242');
      const replay = await stripe.paymentMethods.create(card('4242424242424242'), { idempotencyKey: 'typo' });
      assert.equal(replay.id, fixed.id);
    });

    it('answers Stripe’s ready-made ids such as pm_card_visa with a fresh PaymentMethod each time', async () => {
      const stripe = server.stripe();
      const first = await stripe.paymentMethods.retrieve('pm_card_visa');
      const second = await stripe.paymentMethods.retrieve('pm_card_visa');
      assert.match(first.id, /^pm_[A-Za-z0-9]{24}$/);
      assert.notEqual(first.id, second.id);
      assert.equal(first.card?.last4, '4242');
      assert.ok((first.card?.exp_year ?? 0) > new Date().getUTCFullYear());
      assertMatchesSchema('payment_method', first);
      assert.deepEqual(await stripe.paymentMethods.retrieve(first.id), first);
      const expectations: Array<[string, string, string]> = [
        ['pm_card_mastercard', 'mastercard', 'credit'],
        ['pm_card_amex', 'amex', 'credit'],
        ['pm_card_discover', 'discover', 'credit'],
        ['pm_card_visa_debit', 'visa', 'debit'],
        ['pm_card_visa_chargeDeclined', 'visa', 'credit'],
      ];
      for (const [id, brand, funding] of expectations) {
        const pm = await stripe.paymentMethods.retrieve(id);
        assert.equal(pm.card?.brand, brand, id);
        assert.equal(pm.card?.funding, funding, id);
      }
      const bank = await stripe.paymentMethods.retrieve('pm_usBankAccount_insufficientFunds');
      assert.equal(bank.type, 'us_bank_account');
      assert.equal(bank.us_bank_account?.last4, '2227');
      await assert.rejects(stripe.paymentMethods.retrieve('pm_card_nope'), { statusCode: 404, code: 'resource_missing' });
      await assert.rejects(stripe.paymentMethods.retrieve('pm_missing'), { statusCode: 404, message: "No such PaymentMethod: 'pm_missing'" });
    });

    it('creates us_bank_account PaymentMethods from Stripe’s test accounts', async () => {
      const stripe = server.stripe();
      const pm = await stripe.paymentMethods.create({
        type: 'us_bank_account',
        us_bank_account: { routing_number: '110000000', account_number: '000123456789', account_holder_type: 'company', account_type: 'savings' },
        billing_details: { name: 'Acme Inc', email: 'ap@example.com' },
        allow_redisplay: 'always',
      });
      assert.equal(pm.type, 'us_bank_account');
      assert.equal(pm.allow_redisplay, 'always');
      const b = pm.us_bank_account;
      assert.ok(b);
      assert.deepEqual(
        { holder: b.account_holder_type, type: b.account_type, bank: b.bank_name, last4: b.last4, routing: b.routing_number, fca: b.financial_connections_account },
        { holder: 'company', type: 'savings', bank: 'STRIPE TEST BANK', last4: '6789', routing: '110000000', fca: null },
      );
      assert.deepEqual(b.networks, { preferred: 'ach', supported: ['ach'] });
      assert.match(b.fingerprint ?? '', /^[A-Za-z0-9]{16}$/);
      assert.ok(!JSON.stringify(pm).includes('000123456789'));
      assertMatchesSchema('payment_method', pm);
      const bank = (account_number: string, routing_number = '110000000') => ({
        type: 'us_bank_account' as const,
        us_bank_account: { routing_number, account_number },
        billing_details: { name: 'Jenny Rosen' },
      });
      await assert.rejects(stripe.paymentMethods.create({ ...bank('000123456789'), billing_details: {} }), {
        statusCode: 400,
        code: 'parameter_missing',
        param: 'billing_details[name]',
      });
      await assert.rejects(stripe.paymentMethods.create(bank('000123456789', '123456789')), { statusCode: 400, code: 'routing_number_invalid' });
      await assert.rejects(stripe.paymentMethods.create(bank('12ab')), { statusCode: 400, code: 'account_number_invalid' });
      await assert.rejects(stripe.paymentMethods.create({ type: 'us_bank_account', us_bank_account: { routing_number: '110000000' } }), {
        code: 'parameter_missing',
        param: 'us_bank_account[account_number]',
      });
    });

    it('keeps accounts apart: another key’s PaymentMethods answer 404', async () => {
      const a = server.stripe();
      const b = server.stripe();
      const pm = await a.paymentMethods.create(card('4242424242424242'));
      const theirs = await b.customers.create({ email: 'b@example.com' });
      await assert.rejects(b.paymentMethods.retrieve(pm.id), { statusCode: 404 });
      await assert.rejects(b.paymentMethods.update(pm.id, { metadata: { x: 'y' } }), { statusCode: 404 });
      await assert.rejects(b.paymentMethods.attach(pm.id, { customer: theirs.id }), { statusCode: 404 });
      await assert.rejects(b.paymentMethods.detach(pm.id), { statusCode: 404 });
      assert.equal((await b.paymentMethods.list()).data.length, 0);
      const mine = await a.customers.create({ payment_method: 'pm_card_visa' });
      await assert.rejects(b.customers.listPaymentMethods(mine.id), { statusCode: 404 });
      await assert.rejects(a.paymentMethods.attach(pm.id, { customer: theirs.id }), { statusCode: 404, param: 'customer' });
    });
  });
}

/** Every stored row of every table, as text. */
async function dumpTables(server: TestServer): Promise<string> {
  const db = server.app.deps.store.db;
  const tables =
    server.store === 'postgres'
      ? (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(db)).rows
      : (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows;
  let out = '';
  for (const { name } of tables) out += JSON.stringify((await sql`select * from ${sql.table(name)}`.execute(db)).rows);
  return out;
}

for (const store of STORES) {
  describe(`card data at rest (${store})`, () => {
    let server: TestServer;
    const logged: string[] = [];
    before(async () => {
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          logged.push(chunk.toString('utf8'));
          done();
        },
      });
      server = await startServer(store, { app: (o) => createApp({ ...o, log: pino({ level: 'trace' }, sink) }) });
    });
    after(() => server.close());

    it('never stores or logs the full card number or the CVC', async () => {
      const key = freshKey();
      const stripe = server.stripe(key);
      const params = card('4000056655665556', { cvc: '731' });
      const pm = await stripe.paymentMethods.create(params, { idempotencyKey: 'pm-at-rest' });
      const replay = await stripe.paymentMethods.create(params, { idempotencyKey: 'pm-at-rest' });
      assert.equal(replay.id, pm.id);
      await assert.rejects(stripe.paymentMethods.create(card('4000056655665557', { cvc: '731' }), { idempotencyKey: 'pm-bad' }), { code: 'incorrect_number' });
      const customer = await stripe.customers.create({ email: 'rest@example.com' });
      await stripe.paymentMethods.attach(pm.id, { customer: customer.id });
      await stripe.paymentMethods.create({ type: 'us_bank_account', us_bank_account: { routing_number: '110000000', account_number: '000222222227' }, billing_details: { name: 'J R' } });

      const rows = await dumpTables(server);
      assert.ok(rows.includes(pm.id), 'the dump reads the stored rows');
      for (const secret of ['4000056655665556', '4000056655665557', '"731"', '000222222227']) {
        assert.ok(!rows.includes(secret), `stored data contains ${secret}`);
        assert.ok(!logged.join('').includes(secret), `logs contain ${secret}`);
      }
      assert.ok(logged.length > 0, 'requests were logged');
      if (store === 'sqlite') {
        for (const file of ['opencheckout.db', 'opencheckout.db-wal']) {
          const p = path.join(server.dataDir, file);
          if (fs.existsSync(p)) assert.ok(!fs.readFileSync(p).includes('4000056655665556'), `${file} contains the card number`);
        }
      }
    });
  });
}
