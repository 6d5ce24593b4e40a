import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { merchantText } from '../../src/pages/sections/merchant-text.js';
import { validTaxIdValue, taxIdCountry } from '../../src/resources/tax-ids/formats.js';

describe('merchant text on the page: the Markdown Stripe allows, everything else escaped', () => {
  it('renders links, bold, italics and line breaks, and escapes the rest', () => {
    const cases: Array<[string, string]> = [
      ['Ships in **2 days**.', 'Ships in <strong>2 days</strong>.'],
      ['An *honest* _price_', 'An <em>honest</em> <em>price</em>'],
      ['See [our FAQ](https://shop.example/faq?a=1&b=2).', 'See <a href="https://shop.example/faq?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">our FAQ</a>.'],
      ['[**Terms**](http://shop.example/t)', '<a href="http://shop.example/t" target="_blank" rel="noopener noreferrer"><strong>Terms</strong></a>'],
      ['line one\nline two', 'line one<br>line two'],
      ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
      ['<b>bold</b> & "quotes"', '&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;'],
      ['2 * 3 * 4 = snake_case_name', '2 * 3 * 4 = snake_case_name'],
    ];
    for (const [message, html] of cases) assert.equal(merchantText(message), html, message);
  });

  it('never makes a link of another scheme, nor lets a URL break out of its attribute', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', '//evil.example']) {
      const html = merchantText(`[click](${url})`);
      assert.doesNotMatch(html, /<a /, url);
      assert.ok(html.startsWith('[click]('), url);
    }
    const tricky = merchantText('[x](https://shop.example/"onmouseover="alert(1))');
    assert.doesNotMatch(tricky, /" onmouseover|"onmouseover="alert/);
    assert.match(tricky, /href="https:\/\/shop.example\/%22onmouseover=%22alert\(1"/);
  });
});

describe('tax ID formats', () => {
  it('checks the documented shapes of each country’s numbers', () => {
    const cases: Array<[Parameters<typeof validTaxIdValue>[0], string, boolean]> = [
      ['eu_vat', 'DE123456789', true],
      ['eu_vat', 'DE12345678', false],
      ['eu_vat', 'FRAB123456789', true],
      ['eu_vat', 'NL123456789B12', true],
      ['eu_vat', 'GB123456789', false],
      ['gb_vat', 'GB123456789', true],
      ['gb_vat', 'GB123456789012', true],
      ['jp_trn', 'T1234567890123', true],
      ['jp_trn', '1234567890123', false],
      ['jp_cn', '1234567890123', true],
      ['jp_rn', '12345', true],
      ['jp_rn', '1234', false],
      ['us_ein', '12-3456789', true],
      ['au_abn', '12345678912', true],
      ['ch_vat', 'CHE-123.456.789 MWST', true],
      ['br_cpf', '123.456.789-87', true],
      ['ar_cuit', '12-3456789-01', true],
      ['ar_cuit', '<script>', false],
    ];
    for (const [type, value, ok] of cases) assert.equal(validTaxIdValue(type, value), ok, `${type} ${value}`);
  });

  it('tells the country of a tax ID', () => {
    assert.equal(taxIdCountry('eu_vat', 'EL123456789'), 'GR');
    assert.equal(taxIdCountry('eu_vat', 'XI123456789'), 'GB');
    assert.equal(taxIdCountry('eu_vat', 'FRAB123456789'), 'FR');
    assert.equal(taxIdCountry('jp_trn', 'T1234567890123'), 'JP');
    assert.equal(taxIdCountry('eu_oss_vat', 'EU123456789'), null);
  });
});
