import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { esc } from '../../src/pages/escape.js';
import { parseExpiry } from '../../src/pages/form.js';
import { formatAmount } from '../../src/pages/money.js';

describe('hosted page form and formatting', () => {
  it('reads the expiry formats people type', () => {
    const cases: Array<[string, { month: number; year: number } | null]> = [
      ['1234', { month: 12, year: 2034 }],
      ['12/34', { month: 12, year: 2034 }],
      ['12 / 34', { month: 12, year: 2034 }],
      [' 12 /34 ', { month: 12, year: 2034 }],
      ['0330', { month: 3, year: 2030 }],
      ['3/30', { month: 3, year: 2030 }],
      ['12/2034', { month: 12, year: 2034 }],
      ['13/34', null],
      ['00/34', null],
      ['12', null],
      ['12/3', null],
      ['ab/cd', null],
      ['', null],
    ];
    for (const [typed, expected] of cases) assert.deepEqual(parseExpiry(typed), expected, JSON.stringify(typed));
  });

  it('formats amounts by the currency decimals Stripe uses', () => {
    const cases: Array<[number, string, string]> = [
      [5500, 'usd', '$55.00'],
      [199, 'eur', '€1.99'],
      [500, 'jpy', '¥500'],
      [123456, 'krw', '₩123,456'],
      [1500, 'kwd', 'KWD 1.500'],
      [100, 'gbp', '£1.00'],
    ];
    for (const [amount, currency, shown] of cases) assert.equal(formatAmount(amount, currency).replace(/\u00a0/g, ' '), shown, currency);
  });

  it('escapes the five HTML-special characters and nothing else', () => {
    assert.equal(esc(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    assert.equal(esc('plain text ünïcode'), 'plain text ünïcode');
    assert.equal(esc(null), '');
    assert.equal(esc(42), '42');
  });
});
