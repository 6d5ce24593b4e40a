import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  attachOutcome,
  chargeOutcome,
  describeBankAccount,
  detectBrand,
  luhnValid,
  testBankDetails,
  testCardDetails,
  tokenizeCard,
  type CardDetails,
} from '../../src/processor/index.js';
import { TEST_BANK_ACCOUNTS } from '../../src/processor/test-banks.js';
import { TEST_CARDS } from '../../src/processor/test-cards.js';
import { openStore, type Store } from '../../src/store/db.js';

const NOW = Date.UTC(2026, 5, 15) / 1000; // 2026-06-15
const FUTURE_YEAR = 2030;

/** A Luhn-valid number: `prefix`, zeros, and the check digit. */
function withCheckDigit(prefix: string, length: number): string {
  const body = prefix.padEnd(length - 1, '0');
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}

/** The served card of a PaymentMethod, as outcomes read it. */
const asPm = (card: CardDetails) => ({ type: 'card', card });

describe('processor: Stripe test numbers', () => {
  let store: Store;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-processor-'));
    store = await openStore({ dataDir: dir });
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists only Luhn-valid numbers whose issuer range gives the brand the table states', () => {
    for (const c of TEST_CARDS) {
      assert.ok(luhnValid(c.number), `${c.number} fails Luhn`);
      assert.equal(detectBrand(c.number), c.brand, c.number);
    }
  });

  it('maps every ready-made id and token to exactly one card', () => {
    const seen = new Map<string, string>();
    for (const c of TEST_CARDS) {
      for (const id of [...c.paymentMethods, ...c.tokens]) {
        assert.ok(!seen.has(id), `${id} is listed twice`);
        seen.set(id, c.number);
        assert.match(id, c.tokens.includes(id) ? /^tok_/ : /^pm_card_/);
      }
    }
    for (const a of TEST_BANK_ACCOUNTS) for (const id of a.paymentMethods) assert.match(id, /^pm_usBankAccount/);
  });

  it('detects the brand of any Luhn-valid number by its issuer range', () => {
    const cases: Array<[string, number, string]> = [
      ['4', 16, 'visa'],
      ['51', 16, 'mastercard'],
      ['55', 16, 'mastercard'],
      ['2221', 16, 'mastercard'],
      ['2720', 16, 'mastercard'],
      ['34', 15, 'amex'],
      ['37', 15, 'amex'],
      ['6011', 16, 'discover'],
      ['65', 16, 'discover'],
      ['3528', 16, 'jcb'],
      ['3589', 16, 'jcb'],
      ['300', 14, 'diners'],
      ['36', 14, 'diners'],
      ['62', 16, 'unionpay'],
      ['9', 16, 'unknown'],
    ];
    for (const [prefix, length, brand] of cases) assert.equal(detectBrand(withCheckDigit(prefix, length)), brand, prefix);
  });

  it('describes each test card by brand, funding, country and last4, never keeping the number', async () => {
    for (const c of TEST_CARDS) {
      const r = await tokenizeCard(store.db, { number: c.number, exp_month: 12, exp_year: FUTURE_YEAR, cvc: c.brand === 'amex' ? '1234' : '123' }, NOW);
      assert.ok(r.ok, c.number);
      assert.equal(r.card.brand, c.brand);
      assert.equal(r.card.funding, c.funding);
      assert.equal(r.card.country, c.country);
      assert.equal(r.card.last4, c.number.slice(-4));
      assert.match(r.card.fingerprint, /^[A-Za-z0-9]{16}$/);
      assert.ok(!JSON.stringify(r.card).includes(c.number));
    }
  });

  it('gives equal fingerprints for equal numbers (typed, spaced, token or ready-made id) and different ones otherwise', async () => {
    const typed = await tokenizeCard(store.db, { number: '4242424242424242', exp_month: 1, exp_year: FUTURE_YEAR }, NOW);
    const spaced = await tokenizeCard(store.db, { number: '4242 4242 4242 4242', exp_month: 2, exp_year: FUTURE_YEAR }, NOW);
    const other = await tokenizeCard(store.db, { number: '5555555555554444', exp_month: 1, exp_year: FUTURE_YEAR }, NOW);
    assert.ok(typed.ok && spaced.ok && other.ok);
    assert.equal(typed.card.fingerprint, spaced.card.fingerprint);
    assert.notEqual(typed.card.fingerprint, other.card.fingerprint);
    assert.equal((await testCardDetails(store.db, 'pm_card_visa', NOW))?.fingerprint, typed.card.fingerprint);
    assert.equal((await testCardDetails(store.db, 'tok_visa', NOW))?.fingerprint, typed.card.fingerprint);
  });

  it('refuses bad card input with Stripe’s codes, number first, then expiry, then CVC', async () => {
    const cases: Array<[string, { number: string; exp_month: number; exp_year: number; cvc?: string }, string, string]> = [
      ['Luhn failure', { number: '4242424242424241', exp_month: 12, exp_year: FUTURE_YEAR }, 'incorrect_number', 'number'],
      ['too short', { number: '4242', exp_month: 12, exp_year: FUTURE_YEAR }, 'invalid_number', 'number'],
      ['letters', { number: '4242abcd42424242', exp_month: 12, exp_year: FUTURE_YEAR }, 'invalid_number', 'number'],
      ['amex length', { number: withCheckDigit('37', 16), exp_month: 12, exp_year: FUTURE_YEAR }, 'invalid_number', 'number'],
      ['month 13', { number: '4242424242424242', exp_month: 13, exp_year: FUTURE_YEAR }, 'invalid_expiry_month', 'exp_month'],
      ['month 0', { number: '4242424242424242', exp_month: 0, exp_year: FUTURE_YEAR }, 'invalid_expiry_month', 'exp_month'],
      ['past year', { number: '4242424242424242', exp_month: 12, exp_year: 2019 }, 'invalid_expiry_year', 'exp_year'],
      ['2-digit past year', { number: '4242424242424242', exp_month: 12, exp_year: 95 }, 'invalid_expiry_year', 'exp_year'],
      ['far future', { number: '4242424242424242', exp_month: 12, exp_year: 2090 }, 'invalid_expiry_year', 'exp_year'],
      ['last month', { number: '4242424242424242', exp_month: 5, exp_year: 2026 }, 'invalid_expiry_month', 'exp_month'],
      ['2-digit CVC', { number: '4242424242424242', exp_month: 12, exp_year: FUTURE_YEAR, cvc: '99' }, 'invalid_cvc', 'cvc'],
      ['4-digit CVC on visa', { number: '4242424242424242', exp_month: 12, exp_year: FUTURE_YEAR, cvc: '1234' }, 'invalid_cvc', 'cvc'],
      ['bad number beats bad expiry', { number: '4242424242424241', exp_month: 13, exp_year: 2019 }, 'incorrect_number', 'number'],
    ];
    for (const [name, input, code, field] of cases) {
      const r = await tokenizeCard(store.db, input, NOW);
      assert.ok(!r.ok, name);
      assert.equal(r.error.code, code, name);
      assert.equal(r.error.field, field, name);
    }
    assert.equal((await tokenizeCard(store.db, { number: '4242424242424241', exp_month: 1, exp_year: 30 }, NOW)).ok, false);
    const amex = await tokenizeCard(store.db, { number: '378282246310005', exp_month: 6, exp_year: 26, cvc: '1234' }, NOW);
    assert.ok(amex.ok);
    assert.equal(amex.card.exp_year, 2026);
  });

  const chargeCases: Array<[string, string, string | undefined]> = [
    ['pm_card_visa', 'succeeded', undefined],
    ['pm_card_mastercard', 'succeeded', undefined],
    ['pm_card_amex', 'succeeded', undefined],
    ['pm_card_visa_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_visa_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
    ['pm_card_visa_chargeDeclinedLostCard', 'card_declined', 'lost_card'],
    ['pm_card_visa_chargeDeclinedStolenCard', 'card_declined', 'stolen_card'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
    ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc'],
    ['pm_card_chargeDeclinedProcessingError', 'processing_error', 'processing_error'],
    ['pm_card_visa_chargeDeclinedVelocityLimitExceeded', 'card_declined', 'card_velocity_exceeded'],
    ['pm_card_chargeCustomerFail', 'card_declined', 'generic_decline'],
    ['pm_card_radarBlock', 'card_declined', 'fraudulent'],
    ['pm_card_cvcCheckFail', 'incorrect_cvc', 'incorrect_cvc'],
    ['pm_card_threeDSecure2Required', 'succeeded', undefined],
    ['tok_chargeDeclined', 'card_declined', 'generic_decline'],
  ];
  for (const [id, code, declineCode] of chargeCases) {
    it(`charging ${id} on-session ${code === 'succeeded' ? 'succeeds' : `declines with ${code}`}`, async () => {
      const card = await testCardDetails(store.db, id, NOW);
      assert.ok(card);
      const outcome = await chargeOutcome(store.db, asPm(card), 1000, { now: NOW });
      if (code === 'succeeded') assert.deepEqual(outcome, { status: 'succeeded' });
      else {
        assert.equal(outcome.status, 'declined');
        assert.ok(outcome.status === 'declined');
        assert.equal(outcome.code, code);
        assert.equal(outcome.decline_code, declineCode);
        assert.ok(outcome.message.length > 0);
      }
    });
  }

  it('uses Stripe’s decline messages', async () => {
    const message = async (id: string) => {
      const o = await chargeOutcome(store.db, asPm((await testCardDetails(store.db, id, NOW)) as CardDetails), 500, { now: NOW });
      return o.status === 'declined' ? o.message : undefined;
    };
    assert.equal(await message('pm_card_visa_chargeDeclined'), 'Your card was declined.');
    assert.equal(await message('pm_card_visa_chargeDeclinedInsufficientFunds'), 'Your card has insufficient funds.');
    assert.equal(await message('pm_card_chargeDeclinedExpiredCard'), 'Your card has expired.');
    assert.equal(await message('pm_card_chargeDeclinedIncorrectCvc'), "Your card's security code is incorrect.");
    assert.equal(await message('pm_card_chargeDeclinedProcessingError'), 'An error occurred while processing your card. Try again in a little bit.');
  });

  it('refuses to attach issuer-decline cards but attaches the decline-after-attaching card', async () => {
    const attach = async (id: string) => attachOutcome(store.db, asPm((await testCardDetails(store.db, id, NOW)) as CardDetails), { now: NOW });
    for (const id of ['pm_card_visa_chargeDeclined', 'pm_card_visa_chargeDeclinedInsufficientFunds', 'pm_card_chargeDeclinedExpiredCard', 'pm_card_chargeDeclinedIncorrectCvc']) {
      assert.equal((await attach(id)).status, 'declined', id);
    }
    for (const id of ['pm_card_visa', 'pm_card_chargeCustomerFail', 'pm_card_radarBlock', 'pm_card_authenticationRequired']) {
      assert.deepEqual(await attach(id), { status: 'succeeded' }, id);
    }
  });

  it('declines a card past its expiry at charge time, judged by the business clock', async () => {
    const card = await testCardDetails(store.db, 'pm_card_visa', NOW);
    assert.ok(card);
    const later = Date.UTC(card.exp_year + 1, 0, 1) / 1000;
    const outcome = await chargeOutcome(store.db, asPm(card), 100, { now: later });
    assert.equal(outcome.status === 'declined' && outcome.code, 'expired_card');
  });

  it('asks for authentication off-session only for cards that require it', async () => {
    const off = async (id: string, setUp = false) =>
      chargeOutcome(store.db, asPm((await testCardDetails(store.db, id, NOW)) as CardDetails), 100, { now: NOW, offSession: true, setUp });
    assert.equal((await off('pm_card_authenticationRequired')).status === 'declined' && 'declined', 'declined');
    const always = await off('pm_card_threeDSecure2Required');
    assert.ok(always.status === 'declined' && always.code === 'authentication_required');
    assert.equal((await off('pm_card_authenticationRequiredOnSetup')).status, 'declined');
    assert.equal((await off('pm_card_authenticationRequiredOnSetup', true)).status, 'succeeded');
    assert.equal((await off('pm_card_authenticationRequiredSetupForOffSession')).status, 'succeeded');
    assert.equal((await off('pm_card_visa')).status, 'succeeded');
  });

  it('accepts any other Luhn-valid number and lets it succeed', async () => {
    const r = await tokenizeCard(store.db, { number: withCheckDigit('2221', 16), exp_month: 12, exp_year: FUTURE_YEAR }, NOW);
    assert.ok(r.ok);
    assert.equal(r.card.brand, 'mastercard');
    assert.deepEqual(await chargeOutcome(store.db, asPm(r.card), 100, { now: NOW }), { status: 'succeeded' });
  });

  const bankCases: Array<[string, string, string | null]> = [
    ['000123456789', 'succeeded', null],
    ['000111111113', 'failed', 'account_closed'],
    ['000111111116', 'failed', 'no_account'],
    ['000222222227', 'failed', 'insufficient_funds'],
    ['000333333335', 'failed', 'debit_not_authorized'],
    ['000444444440', 'failed', 'invalid_currency'],
    ['000666666661', 'succeeded', null],
    ['000000000009', 'pending', null],
    ['000987654321', 'succeeded', null],
  ];
  for (const [account, outcome, failure] of bankCases) {
    it(`debits from bank account ${account} are processing and settle ${outcome}`, async () => {
      const r = await describeBankAccount(store.db, '110000000', account);
      assert.ok(r.ok);
      assert.equal(r.bank.last4, account.slice(-4));
      assert.equal(r.bank.bank_name, 'STRIPE TEST BANK');
      assert.ok(!JSON.stringify(r.bank).includes(account));
      const o = await chargeOutcome(store.db, { type: 'us_bank_account', us_bank_account: r.bank }, 1000);
      assert.equal(o.status, 'processing');
      assert.ok(o.status === 'processing');
      assert.equal(o.outcome, outcome);
      assert.equal(o.failure_code, failure);
      assert.equal(o.failure_message === null, failure === null);
    });
  }

  it('maps the ready-made bank ids to their accounts and blocks the highest-risk one', async () => {
    const closed = await testBankDetails(store.db, 'pm_usBankAccount_accountClosed');
    assert.equal(closed?.last4, '1113');
    const risky = await testBankDetails(store.db, 'pm_usBankAccount_riskLevelHighest');
    assert.ok(risky);
    const o = await chargeOutcome(store.db, { type: 'us_bank_account', us_bank_account: risky }, 1000);
    assert.equal(o.status, 'declined');
  });

  it('refuses routing numbers that fail the ABA checksum and malformed account numbers', async () => {
    const r1 = await describeBankAccount(store.db, '110000001', '000123456789');
    assert.ok(!r1.ok && r1.error.code === 'routing_number_invalid');
    const r2 = await describeBankAccount(store.db, '11000000', '000123456789');
    assert.ok(!r2.ok && r2.error.field === 'routing_number');
    const r3 = await describeBankAccount(store.db, '110000000', '12');
    assert.ok(!r3.ok && r3.error.code === 'account_number_invalid');
    const r4 = await describeBankAccount(store.db, '021000021', '000123456789');
    assert.ok(r4.ok);
    assert.equal(r4.bank.bank_name, null);
  });
});
