import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { allocate, computeTotals, mulDivRound, type DiscountInput, type LineInput, type RateInput } from '../../src/checkout/totals.js';

const rate = (id: string, percentage: number, inclusive: boolean): RateInput => ({ id, percentage, inclusive, rate: { id } });
const line = (unitAmount: number, quantity: number, taxRates: RateInput[] = [], productId = 'prod_a'): LineInput => ({ unitAmount, quantity, productId, taxRates });
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);

describe('Checkout totals', () => {
  it('rounds half away from zero, exactly, past 2^53', () => {
    assert.equal(mulDivRound(5, 1, 2), 3);
    assert.equal(mulDivRound(-5, 1, 2), -3);
    assert.equal(mulDivRound(99_999_999 * 999_999, 88_750, 1_000_000), 8_874_991_036_250);
  });

  it('splits a whole over weights so the parts add up, by largest remainder', () => {
    assert.deepEqual(allocate(100, [1, 1, 1]), [34, 33, 33]);
    assert.deepEqual(allocate(10, [0, 5, 5]), [0, 5, 5]);
    assert.deepEqual(allocate(0, [3, 4]), [0, 0]);
  });

  it('takes JPY 10 % exclusive tax on ¥2,000 as ¥200, and 10 % inclusive inside ¥2,200 as ¥200', () => {
    const ex = computeTotals([line(2000, 1, [rate('txr_jp', 10, false)])], null, null);
    assert.deepEqual([ex.amountSubtotal, ex.amountTax, ex.amountTotal], [2000, 200, 2200]);
    const inc = computeTotals([line(2200, 1, [rate('txr_jp', 10, true)])], null, null);
    assert.deepEqual([inc.amountSubtotal, inc.amountTax, inc.amountTotal], [2200, 200, 2200]);
    assert.equal(inc.lines[0]?.taxes[0]?.taxableAmount, 2000);
  });

  it('applies a discount before tax, only to the products it names, and never beyond them', () => {
    const off: DiscountInput = { percentOff: null, amountOff: 5000, appliesTo: ['prod_a'] };
    const t = computeTotals([line(1000, 2, [], 'prod_a'), line(700, 1, [], 'prod_b')], off, null);
    assert.deepEqual(t.lines.map((l) => l.amountDiscount), [2000, 0]);
    assert.equal(t.amountTotal, 700);
    const pct = computeTotals([line(999, 1, [rate('txr_x', 20, false)])], { percentOff: 12.5, amountOff: null, appliesTo: null }, null);
    assert.deepEqual([pct.amountDiscount, pct.amountTax, pct.amountTotal], [125, 175, 1049]);
  });

  it('adds shipping and its tax, and counts shipping before tax in amount_shipping', () => {
    const t = computeTotals([line(1000, 1, [rate('txr_gb', 20, false)])], null, { amount: 500, taxRates: [rate('txr_gb', 20, false)] });
    assert.deepEqual([t.amountShipping, t.amountTax, t.amountTotal], [500, 300, 1800]);
    assert.deepEqual(t.taxes.map((x) => [x.rate.id, x.amount, x.taxableAmount]), [['txr_gb', 300, 1500]]);
  });

  it('for any cart, discount, taxes and shipping: the session totals are the sums of the lines, to the unit', () => {
    const rateArb = fc.record({ id: fc.constantFrom('txr_a', 'txr_b', 'txr_c'), percentage: fc.integer({ min: 0, max: 300_000 }).map((n) => n / 10_000), inclusive: fc.boolean() });
    const lineArb = fc.record({
      unitAmount: fc.integer({ min: 0, max: 99_999_999 }),
      quantity: fc.integer({ min: 1, max: 999_999 }),
      productId: fc.constantFrom('prod_a', 'prod_b'),
      taxRates: fc.uniqueArray(rateArb, { maxLength: 3, selector: (r) => r.id }).map((rs) => rs.map((r) => rate(r.id, r.percentage, r.inclusive))),
    });
    const discountArb = fc.option(
      fc.oneof(
        fc.record({ percentOff: fc.integer({ min: 1, max: 10_000 }).map((n) => n / 100), amountOff: fc.constant(null), appliesTo: fc.option(fc.constant(['prod_a'])) }),
        fc.record({ percentOff: fc.constant(null), amountOff: fc.integer({ min: 1, max: 10 ** 12 }), appliesTo: fc.option(fc.constant(['prod_b'])) }),
      ),
    );
    const shippingArb = fc.option(fc.record({ amount: fc.integer({ min: 0, max: 99_999_999 }), taxRates: fc.constantFrom([], [rate('txr_s', 10, false)], [rate('txr_s', 10, true)]) }));
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 6 }), discountArb, shippingArb, (lines, discount, shipping) => {
        const t = computeTotals(lines, discount, shipping);
        const sum = (f: (l: (typeof t.lines)[number]) => number) => t.lines.reduce((a, l) => a + f(l), 0);
        assert.equal(t.amountSubtotal, sum((l) => l.amountSubtotal));
        assert.equal(t.amountDiscount, sum((l) => l.amountDiscount));
        assert.equal(t.amountTotal, sum((l) => l.amountTotal) + (t.shipping?.amountTotal ?? 0));
        assert.equal(t.amountTax, sum((l) => l.amountTax) + (t.shipping?.amountTax ?? 0));
        assert.equal(t.taxes.reduce((a, x) => a + x.amount, 0), t.amountTax);
        const exclusiveTax = [...t.lines.flatMap((l) => l.taxes), ...(t.shipping?.taxes ?? [])].filter((x) => !x.rate.inclusive).reduce((a, x) => a + x.amount, 0);
        assert.equal(t.amountTotal, t.amountSubtotal - t.amountDiscount + t.amountShipping + exclusiveTax);
        for (const l of t.lines) {
          assert.ok(l.amountDiscount >= 0 && l.amountDiscount <= l.amountSubtotal);
          assert.ok(Number.isSafeInteger(l.amountTotal) && l.amountTotal >= 0);
        }
        if (discount?.amountOff != null) assert.ok(t.amountDiscount <= discount.amountOff);
      }),
      { numRuns: RUNS },
    );
  });
});
