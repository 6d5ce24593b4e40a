/**
 * The processor's SEPA and konbini rules, table-driven: every test IBAN of Stripe's table is a
 * valid IBAN of its country (so a typo in the table cannot hide), ready-made ids stand for their
 * IBANs, the konbini test emails pick their scenario, and a voucher expires at 23:59:59 in Japan.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { konbiniScenario } from '../../src/processor/index.js';
import { checkIban, ibanChecksumValid, normalizeIban } from '../../src/processor/ibans.js';
import { TEST_IBANS, testIban, testIbanByPaymentMethodId } from '../../src/processor/test-ibans.js';
import { voucherExpiry } from '../../src/payment-method-types/konbini.js';

describe('SEPA test IBANs', () => {
  it('lists eight outcomes for each of Stripe’s 19 countries, every IBAN valid for its country', () => {
    assert.equal(TEST_IBANS.length, 19 * 8);
    for (const t of TEST_IBANS) {
      assert.ok(ibanChecksumValid(t.iban), `${t.iban} has valid check digits`);
      assert.equal(checkIban(t.iban), undefined, `${t.iban} is accepted`);
    }
  });

  it('maps each ready-made id to its IBAN, in both of Stripe’s spellings', () => {
    const cases = [
      ['pm_success_de', 'DE89370400440532013000', 'succeeded'],
      ['pm_sepaDebit_success_at', 'AT611904300234573201', 'succeeded'],
      ['pm_failed_at', 'AT861904300235473202', 'failed'],
      ['pm_insufficientFunds_fr', 'FR9720041010050000002222227', 'failed'],
      ['pm_disputed_nl', 'NL82RABO0300065266', 'succeeded'],
    ] as const;
    for (const [id, iban, outcome] of cases) {
      assert.equal(testIbanByPaymentMethodId(id)?.iban, iban, id);
      assert.equal(testIban(iban)?.settlement.outcome, outcome, iban);
    }
  });

  it('refuses an IBAN outside SEPA, of the wrong length or with bad check digits, and a real-looking one', () => {
    const cases: Array<[string, string | undefined]> = [
      ['de89 3704 0044 0532 0130 00', undefined],
      ['US64SVBKUS6S3300958879', 'invalid_bank_account_iban'],
      ['DE8937040044053201300', 'invalid_bank_account_iban'],
      ['DE88370400440532013000', 'invalid_bank_account_iban'],
      ['IT60X0542811101000000123456', 'bank_account_unusable'],
    ];
    for (const [raw, code] of cases) assert.equal(checkIban(normalizeIban(raw))?.code, code, raw);
  });
});

describe('konbini test emails', () => {
  const cases = [
    ['succeed_immediately@test.com', 'soon', 'as_set'],
    ['taro+succeed_immediately@example.jp', 'soon', 'as_set'],
    ['expire_immediately@test.com', 'never', 'now'],
    ['HANAKO.EXPIRE_WITH_DELAY@example.jp', 'never', 'after_minutes'],
    ['fill_never@test.com', 'never', 'as_set'],
    ['anyone@example.jp', 'after_minutes', 'as_set'],
    [null, 'after_minutes', 'as_set'],
  ] as const;
  for (const [email, paid, expires] of cases) {
    it(`${email ?? 'no email'}: paid ${paid}, expires ${expires}`, () => {
      const s = konbiniScenario(email);
      assert.deepEqual([s.paid, s.expires], [paid, expires]);
    });
  }
});

describe('konbini voucher expiry', () => {
  const at = (iso: string) => Date.parse(iso) / 1000;
  const cases = [
    // 12:00 in Japan on 15 June: three days on, 23:59:59 Japan time on 18 June.
    ['2026-06-15T03:00:00Z', 3, '2026-06-18T14:59:59Z'],
    // 23:30 on 14 June UTC is already 08:30 on 15 June in Japan: the days count from Japan's today.
    ['2026-06-14T23:30:00Z', 1, '2026-06-16T14:59:59Z'],
    // 23:59 in Japan on 31 December: one day on is 1 January.
    ['2026-12-31T14:59:00Z', 1, '2027-01-01T14:59:59Z'],
  ] as const;
  for (const [now, days, expires] of cases) {
    it(`${now} + ${days} day(s) expires at ${expires}`, () => {
      assert.equal(voucherExpiry(at(now), days), at(expires));
    });
  }
});
