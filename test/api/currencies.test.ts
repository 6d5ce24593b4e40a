import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { StripeError } from '../../src/api/errors.js';
import {
  checkChargeAmount,
  currencyDecimals,
  currencyParam,
  isSupportedCurrency,
  maximumChargeAmount,
  minimumChargeAmount,
  SUPPORTED_CURRENCIES,
} from '../../src/money/currencies.js';
import { formatAmount } from '../../src/pages/money.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

const SUCCESS = 'https://merchant.example/success?session_id={CHECKOUT_SESSION_ID}';
const INVALID_XYZ = /^Invalid currency: xyz\. Stripe currently supports these currencies: usd, aed, afn, .*, jpy, .*, zmw$/;

/** The body of the StripeError `fn` throws. */
function errorOf(fn: () => unknown): StripeError['body'] & { status: number } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StripeError, String(err));
    return { ...err.body, status: err.status };
  }
  assert.fail('expected a StripeError');
}

describe('Stripe’s currencies and amounts', () => {
  it('knows every currency Stripe charges in, lower-case, usd first and the rest in order', () => {
    assert.ok(SUPPORTED_CURRENCIES.length >= 135);
    assert.equal(SUPPORTED_CURRENCIES[0], 'usd');
    const rest = SUPPORTED_CURRENCIES.slice(1);
    assert.deepEqual(rest, [...rest].sort());
    assert.equal(new Set(SUPPORTED_CURRENCIES).size, SUPPORTED_CURRENCIES.length);
    for (const c of SUPPORTED_CURRENCIES) assert.match(c, /^[a-z]{3}$/);
    for (const c of ['usd', 'USD', 'Jpy', 'eur', 'kwd', 'isk']) assert.ok(isSupportedCurrency(c), c);
    for (const c of ['xyz', 'euro', 'hrk', '', 'us']) assert.ok(!isSupportedCurrency(c), c);
  });

  it('gives every currency in the list its decimals, a minimum and a maximum', () => {
    for (const c of SUPPORTED_CURRENCIES) {
      assert.ok([0, 2, 3].includes(currencyDecimals(c)), c);
      const min = minimumChargeAmount(c);
      const max = maximumChargeAmount(c);
      assert.ok(Number.isSafeInteger(min) && min > 0, `${c} minimum ${min}`);
      assert.ok(Number.isSafeInteger(max) && max >= 99_999_999, `${c} maximum ${max}`);
      // The minimum itself is chargeable, in every currency.
      assert.doesNotThrow(() => checkChargeAmount(min, c, 'amount'), c);
      assert.doesNotThrow(() => checkChargeAmount(max - (max % 100), c, 'amount'), c);
    }
  });

  it('uses Stripe’s decimals: zero-decimal, three-decimal and the ISK/UGX special cases', () => {
    const cases: Array<[string, number]> = [
      ['jpy', 0], ['JPY', 0], ['krw', 0], ['vnd', 0], ['xof', 0],
      ['usd', 2], ['eur', 2], ['huf', 2], ['twd', 2], ['isk', 2], ['ugx', 2],
      ['kwd', 3], ['bhd', 3], ['jod', 3], ['omr', 3], ['tnd', 3],
    ];
    for (const [c, decimals] of cases) assert.equal(currencyDecimals(c), decimals, c);
  });

  it('holds Stripe’s documented minimums in the smallest unit', () => {
    const cases: Array<[string, number]> = [
      ['usd', 50], ['jpy', 50], ['gbp', 30], ['eur', 50], ['aud', 50], ['cad', 50], ['hkd', 400], ['mxn', 1000],
      ['huf', 17500], ['czk', 1500], ['dkk', 250], ['sek', 300], ['nok', 300], ['thb', 1000], ['krw', 50], ['EUR', 50],
    ];
    for (const [c, min] of cases) assert.equal(minimumChargeAmount(c), min, c);
    // Whole units only: the smallest chargeable ISK amount is one króna.
    assert.equal(minimumChargeAmount('isk'), 100);
  });

  it('refuses a charge below the minimum with amount_too_small and Stripe’s message', () => {
    assert.doesNotThrow(() => checkChargeAmount(50, 'jpy', 'amount'));
    assert.deepEqual(errorOf(() => checkChargeAmount(49, 'jpy', 'amount')), {
      status: 400,
      type: 'invalid_request_error',
      code: 'amount_too_small',
      doc_url: 'https://stripe.com/docs/error-codes/amount-too-small',
      message: 'Amount must be at least ¥50 jpy',
      param: 'amount',
    });
    assert.doesNotThrow(() => checkChargeAmount(50, 'usd', 'amount'));
    const usd = errorOf(() => checkChargeAmount(49, 'usd', 'line_items'));
    assert.equal(usd.code, 'amount_too_small');
    assert.equal(usd.message, 'Amount must be at least $0.50 usd');
    assert.equal(usd.param, 'line_items');
    assert.equal(errorOf(() => checkChargeAmount(29, 'GBP', 'amount')).message, 'Amount must be at least £0.30 gbp');
    assert.equal(errorOf(() => checkChargeAmount(0, 'eur', 'amount')).code, 'amount_too_small');
    assert.equal(errorOf(() => checkChargeAmount(-100, 'usd', 'amount')).code, 'amount_too_small');
  });

  it('charges up to 99,999,999 in the smallest unit and refuses 100,000,000 with amount_too_large', () => {
    for (const c of ['usd', 'jpy', 'eur', 'gbp']) {
      assert.equal(maximumChargeAmount(c), 99_999_999, c);
      assert.doesNotThrow(() => checkChargeAmount(99_999_999, c, 'amount'), c);
      const e = errorOf(() => checkChargeAmount(100_000_000, c, 'amount'));
      assert.equal(e.status, 400);
      assert.equal(e.type, 'invalid_request_error');
      assert.equal(e.code, 'amount_too_large', c);
      assert.equal(e.param, 'amount');
    }
    assert.equal(errorOf(() => checkChargeAmount(100_000_000, 'usd', 'amount')).message, 'Amount must be no more than $999,999.99 usd');
    assert.equal(errorOf(() => checkChargeAmount(100_000_000, 'jpy', 'amount')).message, 'Amount must be no more than ¥99,999,999 jpy');
    // Stripe's documented exceptions: 12 digits for IDR, 10 for COP, 9 for INR.
    assert.equal(maximumChargeAmount('idr'), 999_999_999_999);
    assert.equal(maximumChargeAmount('cop'), 9_999_999_999);
    assert.equal(maximumChargeAmount('inr'), 999_999_999);
    assert.doesNotThrow(() => checkChargeAmount(150_000_000, 'idr', 'amount'));
  });

  it('refuses fractions of ISK and UGX, and three-decimal amounts whose last digit is not 0', () => {
    assert.doesNotThrow(() => checkChargeAmount(500, 'isk', 'amount'));
    const isk = errorOf(() => checkChargeAmount(550, 'isk', 'amount'));
    assert.equal(isk.code, 'invalid_charge_amount_no_decimal_compatible');
    assert.match(isk.message, /^Invalid amount\. Currency ISK has become effectively zero-decimal and charged amounts must be evenly divisible by 100\./);
    assert.equal(errorOf(() => checkChargeAmount(12_345, 'ugx', 'amount')).code, 'invalid_charge_amount_no_decimal_compatible');
    assert.doesNotThrow(() => checkChargeAmount(5120, 'kwd', 'amount'));
    assert.equal(errorOf(() => checkChargeAmount(5124, 'kwd', 'amount')).code, 'invalid_charge_amount');
    // HUF and TWD are special for payouts only: two-decimal charges are fine.
    assert.doesNotThrow(() => checkChargeAmount(17_545, 'huf', 'amount'));
    assert.doesNotThrow(() => checkChargeAmount(8045, 'twd', 'amount'));
  });

  it('refuses an unknown currency with Stripe’s exact error shape', () => {
    for (const fn of [() => checkChargeAmount(1000, 'xyz', 'amount'), () => minimumChargeAmount('xyz'), () => maximumChargeAmount('XYZ')]) {
      const e = errorOf(fn);
      assert.deepEqual(Object.keys(e).sort(), ['message', 'param', 'status', 'type']);
      assert.equal(e.status, 400);
      assert.equal(e.type, 'invalid_request_error');
      assert.equal(e.param, 'currency');
      assert.match(e.message, INVALID_XYZ);
    }
    const full = errorOf(() => checkChargeAmount(1000, 'xyz', 'amount')).message;
    assert.equal(full, `Invalid currency: xyz. Stripe currently supports these currencies: ${SUPPORTED_CURRENCIES.join(', ')}`);
  });

  it('reads a currency param lower-case and refuses unknown ones naming the param', () => {
    const field = currencyParam();
    assert.equal(field.parse('JPY', 'currency'), 'jpy');
    assert.equal(field.parse('usd', 'currency'), 'usd');
    assert.equal(field.parse(undefined, 'currency'), undefined);
    const e = errorOf(() => field.parse('euro', 'line_items[0][price_data][currency]'));
    assert.equal(e.param, 'line_items[0][price_data][currency]');
    assert.match(e.message, /^Invalid currency: euro\. Stripe currently supports these currencies: usd, /);
    assert.equal(errorOf(() => field.parse('', 'currency')).status, 400);
    assert.equal(errorOf(() => field.parse(['usd'], 'currency')).code, 'parameter_invalid_string');
  });
});

for (const store of STORES) {
  describe(`currencies through the API (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('refuses prices.create with currency xyz: 400, param currency, Stripe’s message', async () => {
      const stripe = server.stripe();
      await assert.rejects(stripe.prices.create({ currency: 'xyz', unit_amount: 2000, product_data: { name: 'Tea' } }), (err: Stripe.errors.StripeError) => {
        assert.equal(err.statusCode, 400);
        assert.equal(err.type, 'StripeInvalidRequestError');
        assert.equal(err.param, 'currency');
        assert.equal(err.code, undefined);
        assert.match(err.message, INVALID_XYZ);
        return true;
      });
      assert.equal((await stripe.prices.list()).data.length, 0);
      assert.equal((await stripe.products.list()).data.length, 0);
    });

    it('creates a JPY price of 2000 that is ¥2,000 (￥2,000 in Japanese), upper-case currency read as jpy', async () => {
      const stripe = server.stripe();
      const price = await stripe.prices.create({ currency: 'JPY', unit_amount: 2000, product_data: { name: 'お茶' } });
      assert.equal(price.currency, 'jpy');
      assert.equal(price.unit_amount, 2000);
      assert.equal(formatAmount(price.unit_amount ?? 0, price.currency), '¥2,000');
      assert.equal(formatAmount(price.unit_amount ?? 0, price.currency, 'ja'), '￥2,000');
      assert.deepEqual((await stripe.prices.list({ currency: 'jpy' })).data.map((p) => p.id), [price.id]);
    });

    it('caps unit_amount per currency: 99,999,999 for JPY, 12 digits for IDR', async () => {
      const stripe = server.stripe();
      const top = await stripe.prices.create({ currency: 'jpy', unit_amount: 99_999_999, product_data: { name: 'Top' } });
      assert.equal(top.unit_amount, 99_999_999);
      await assert.rejects(stripe.prices.create({ currency: 'jpy', unit_amount: 100_000_000, product_data: { name: 'Too much' } }), {
        statusCode: 400,
        code: 'parameter_invalid_integer',
        param: 'unit_amount',
        message: 'Invalid unit_amount: must be less than or equal to 99999999',
      });
      await assert.rejects(stripe.prices.create({ currency: 'usd', unit_amount_decimal: Stripe.Decimal.from('100000000'), product_data: { name: 'Too much' } }), {
        statusCode: 400,
        code: 'parameter_invalid_decimal',
        param: 'unit_amount_decimal',
      });
      const rupiah = await stripe.prices.create({ currency: 'idr', unit_amount: 150_000_000, product_data: { name: 'Batik' } });
      assert.equal(rupiah.unit_amount, 150_000_000);
    });

    it('refuses an unknown currency in a product’s default_price_data and in the price list filter', async () => {
      const stripe = server.stripe();
      await assert.rejects(stripe.products.create({ name: 'Tea', default_price_data: { currency: 'xyz', unit_amount: 500 } }), {
        statusCode: 400,
        param: 'default_price_data[currency]',
        message: INVALID_XYZ,
      });
      await assert.rejects(stripe.products.create({ name: 'Tea', default_price_data: { currency: 'jpy', unit_amount: 100_000_000 } }), {
        statusCode: 400,
        param: 'default_price_data[unit_amount]',
      });
      await assert.rejects(stripe.prices.list({ currency: 'xyz' }), { statusCode: 400, param: 'currency', message: INVALID_XYZ });
    });

    it('refuses a checkout session whose price_data currency is xyz, and an unknown session currency', async () => {
      const stripe = server.stripe();
      await assert.rejects(
        stripe.checkout.sessions.create({
          mode: 'payment',
          line_items: [{ price_data: { currency: 'xyz', unit_amount: 2000, product_data: { name: 'Tea' } }, quantity: 1 }],
          success_url: SUCCESS,
        }),
        { statusCode: 400, type: 'StripeInvalidRequestError', param: 'line_items[0][price_data][currency]', message: INVALID_XYZ },
      );
      await assert.rejects(
        stripe.checkout.sessions.create({
          mode: 'payment',
          line_items: [{ price_data: { currency: 'jpy', unit_amount: 100_000_000, product_data: { name: 'Tea' } }, quantity: 1 }],
          success_url: SUCCESS,
        }),
        { statusCode: 400, param: 'line_items[0][price_data][unit_amount]' },
      );
      await assert.rejects(stripe.checkout.sessions.create({ mode: 'setup', currency: 'xyz', success_url: SUCCESS }), {
        statusCode: 400,
        param: 'currency',
        message: INVALID_XYZ,
      });
      assert.equal((await stripe.checkout.sessions.list()).data.length, 0);
    });

    it('takes a JPY price_data session and reads its currency lower-case', async () => {
      const stripe = server.stripe();
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price_data: { currency: 'JPY', unit_amount: 2000, product_data: { name: 'お茶' } }, quantity: 1 }],
        success_url: SUCCESS,
      });
      assert.equal(s.currency, 'jpy');
      assert.equal(s.amount_total, 2000);
    });
  });
}
