import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatAmount } from '../../src/pages/money.js';
import { STORES, startServer, type TestServer } from '../helpers/server.js';

/** Intl puts a no-break space between some codes and the number; compare with plain spaces. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('amounts formatted for a page locale', () => {
  it('formats in English by default, as every existing caller expects', () => {
    const cases: Array<[number, string, string]> = [
      [2000, 'jpy', '¥2,000'],
      [1999, 'usd', '$19.99'],
      [199, 'EUR', '€1.99'],
      [30, 'gbp', '£0.30'],
      [123456, 'krw', '₩123,456'],
      [1500, 'kwd', 'KWD 1.500'],
      [17500, 'huf', 'HUF 175.00'],
    ];
    for (const [amount, currency, shown] of cases) {
      assert.equal(plain(formatAmount(amount, currency)), shown, currency);
      assert.equal(plain(formatAmount(amount, currency, 'en')), shown, currency);
    }
  });

  it('formats in Japanese as Intl does for ja-JP: ￥2,000', () => {
    const ja = new Intl.NumberFormat('ja-JP', { style: 'currency', currency: 'JPY' }).format(2000);
    assert.equal(formatAmount(2000, 'jpy', 'ja'), ja);
    assert.equal(formatAmount(2000, 'jpy', 'ja'), '￥2,000');
    assert.equal(formatAmount(1999, 'usd', 'ja'), '$19.99');
    assert.equal(formatAmount(50, 'JPY', 'ja'), '￥50');
  });

  it('keeps one format per locale and currency, so one locale never leaks into another', () => {
    assert.equal(formatAmount(2000, 'jpy', 'ja'), '￥2,000');
    assert.equal(formatAmount(2000, 'jpy'), '¥2,000');
    assert.equal(formatAmount(2000, 'jpy', 'ja'), '￥2,000');
    assert.equal(plain(formatAmount(199, 'eur', 'de')), '1,99 €');
    assert.equal(formatAmount(199, 'eur'), '€1.99');
  });

  it('falls back to English for a locale Intl can’t read, and to the code for a currency it does not know', () => {
    assert.equal(formatAmount(2000, 'jpy', 'auto'), '¥2,000');
    assert.equal(formatAmount(2000, 'jpy', 'not a locale!'), '¥2,000');
    assert.equal(plain(formatAmount(1999, 'xyz')), 'XYZ 19.99');
  });

  it('shows ISK and UGX in whole units, as Stripe charges them, though their amounts carry two decimals', () => {
    assert.equal(plain(formatAmount(500, 'isk')), 'ISK 5');
    assert.equal(plain(formatAmount(150_000, 'ugx')), 'UGX 1,500');
  });
});

for (const store of STORES) {
  describe(`a JPY session on the hosted page (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it('shows a JPY price of 2000 as ¥2,000', async () => {
      const stripe = server.stripe();
      const price = await stripe.prices.create({ currency: 'jpy', unit_amount: 2000, product_data: { name: 'お茶' } });
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: 'https://shop.example/done',
      });
      assert.ok(s.url);
      const html = await (await fetch(s.url)).text();
      assert.match(html, /¥2,000/);
      assert.doesNotMatch(html, /¥2,000\.00|\$20\.00/);
    });
  });
}
