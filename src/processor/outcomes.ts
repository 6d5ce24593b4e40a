import type { Db } from '../store/db.js';
import { isExpired } from './card-rules.js';
import { DECLINES, type Decline } from './declines.js';
import { BANK_FINGERPRINT_SECRET, CARD_FINGERPRINT_SECRET, FingerprintIndex } from './fingerprint.js';
import { TEST_BANK_ACCOUNTS, TEST_ROUTING_NUMBER, type TestBankAccount } from './test-banks.js';
import { TEST_CARDS, type TestCard } from './test-cards.js';
import { uniqueTestIbans, type TestIban } from './test-ibans.js';
import { konbiniScenario, type VoucherExpiry, type VoucherPayment } from './test-konbini.js';

/** The parts of a PaymentMethod (as served) that decide an outcome. */
export interface ChargeablePaymentMethod {
  type: string;
  card?: { fingerprint?: string | null | undefined; exp_month: number; exp_year: number; checks?: { cvc_check: string | null } | null } | undefined;
  us_bank_account?: { fingerprint: string | null } | undefined;
  sepa_debit?: { fingerprint: string | null } | undefined;
  /** The buyer's email decides a konbini voucher's fate (Stripe's test emails). */
  billing_details?: { email: string | null } | undefined;
}

/**
 * What charging a payment method does. Cards answer at once; bank debits are `processing` and
 * settle later to `outcome` (`pending` = stays processing, like `pm_usBankAccount_processing`;
 * `delayed`: "after at least three minutes"); a konbini voucher waits for the buyer to pay it at
 * a store (`requires_action`): `paid` says when (or never), `expires` when it expires.
 */
export type ChargeOutcome =
  | { status: 'succeeded' }
  | ({ status: 'declined' } & Decline)
  | {
      status: 'processing';
      outcome: 'succeeded' | 'failed' | 'pending';
      failure_code: string | null;
      failure_message: string | null;
      delayed?: boolean;
    }
  | { status: 'requires_action'; paid: VoucherPayment; expires: VoucherExpiry }
  /** A bank transfer: the PaymentIntent waits until the customer's cash balance funds it (`fund_cash_balance`). */
  | { status: 'awaiting_transfer' };

/** Saving a payment method either works (`succeeded`, as a SetupIntent would say) or declines. */
export type AttachOutcome = { status: 'succeeded' } | ({ status: 'declined' } & Decline);

export interface ChargeOptions {
  /** Unix seconds of the business clock (test clock or wall); expiry is judged by it. */
  now?: number;
  /** The customer is not present (subscription renewals): cards that need 3D Secure decline. */
  offSession?: boolean;
  /** The card was set up for future use (SetupIntent or a Checkout save). */
  setUp?: boolean;
  /** The buyer completed 3D Secure for this payment: no further authentication is asked. */
  authenticated?: boolean;
}

const cardIndex = new FingerprintIndex<TestCard>(CARD_FINGERPRINT_SECRET, () => TEST_CARDS.map((c) => [c.number, c] as const));
const bankIndex = new FingerprintIndex<TestBankAccount>(BANK_FINGERPRINT_SECRET, () =>
  TEST_BANK_ACCOUNTS.map((a) => [`${TEST_ROUTING_NUMBER}:${a.account}`, a] as const),
);

const declined = (d: Decline): { status: 'declined' } & Decline => ({ status: 'declined', ...d });

/** The test card behind a card PaymentMethod (by its fingerprint), if it is one. */
export async function testCardOf(db: Db, pm: ChargeablePaymentMethod): Promise<TestCard | undefined> {
  const fp = pm.card?.fingerprint;
  return fp ? cardIndex.lookup(db, fp) : undefined;
}

const ibanIndex = new FingerprintIndex<TestIban>(BANK_FINGERPRINT_SECRET, () => uniqueTestIbans().map((t) => [`iban:${t.iban}`, t] as const));

async function testBankOf(db: Db, pm: ChargeablePaymentMethod): Promise<TestBankAccount | undefined> {
  const fp = pm.us_bank_account?.fingerprint;
  return fp ? bankIndex.lookup(db, fp) : undefined;
}

function needsAuthentication(test: TestCard | undefined, opts: ChargeOptions): boolean {
  if (opts.authenticated) return false;
  // The hosted page is on-session: authentication counts as completed there (no challenge UI).
  if (!opts.offSession) return false;
  if (test?.authentication === 'always') return true;
  return test?.authentication === 'unless_set_up' && !opts.setUp;
}

type ChargeRule = (db: Db, pm: ChargeablePaymentMethod, opts: ChargeOptions) => Promise<ChargeOutcome>;
type AttachRule = (db: Db, pm: ChargeablePaymentMethod, opts: { now?: number }) => Promise<AttachOutcome>;

/** A card answers at once, per its test number, expiry, authentication and CVC check. */
const chargeCard: ChargeRule = async (db, pm, opts) => {
  if (!pm.card) return declined(DECLINES.generic);
  const test = await testCardOf(db, pm);
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (isExpired(pm.card.exp_month, pm.card.exp_year, now)) return declined(DECLINES.expired);
  if (needsAuthentication(test, opts)) return declined(DECLINES.authenticationRequired);
  // Radar's default rules block a payment whose CVC check failed.
  if (pm.card.checks?.cvc_check === 'fail') return declined(DECLINES.incorrectCvc);
  if (test && test.charge !== 'succeeds') return declined(test.charge);
  return { status: 'succeeded' };
};

/** A bank debit is `processing`; its test account says how it settles (or that Radar blocks it). */
const debitBank: ChargeRule = async (db, pm) => {
  const bank = await testBankOf(db, pm);
  if (bank?.blocked) return declined(bank.blocked);
  const s = bank?.settlement ?? { outcome: 'succeeded' };
  return s.outcome === 'failed'
    ? { status: 'processing', outcome: 'failed', failure_code: s.failure_code, failure_message: s.failure_message }
    : { status: 'processing', outcome: s.outcome, failure_code: null, failure_message: null };
};

/** A SEPA debit is `processing`; its test IBAN says how, and how soon, it settles. */
const debitSepa: ChargeRule = async (db, pm) => {
  const fp = pm.sepa_debit?.fingerprint;
  const test = fp ? await ibanIndex.lookup(db, fp) : undefined;
  const s = test?.settlement ?? { outcome: 'succeeded', delayed: false, disputed: false };
  const delayed = s.delayed ? { delayed: true } : {};
  return s.outcome === 'failed'
    ? { status: 'processing', outcome: 'failed', failure_code: s.failure_code, failure_message: s.failure_message, ...delayed }
    : { status: 'processing', outcome: 'succeeded', failure_code: null, failure_message: null, ...delayed };
};

/** A konbini payment shows a voucher; the buyer's email says whether and when it is paid. */
const voucherKonbini: ChargeRule = async (_db, pm) => {
  const s = konbiniScenario(pm.billing_details?.email);
  return { status: 'requires_action', paid: s.paid, expires: s.expires };
};

/** A bank transfer is pushed by the buyer: nothing happens until the money arrives in the cash balance. */
const awaitTransfer: ChargeRule = async () => ({ status: 'awaiting_transfer' });

/** Link pays from the buyer's Link account at once. */
const chargeLink: ChargeRule = async () => ({ status: 'succeeded' });

/** Cards that simulate an issuer decline refuse to be saved, and so do expired cards. */
const attachCard: AttachRule = async (db, pm, opts) => {
  if (!pm.card) return { status: 'succeeded' };
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (isExpired(pm.card.exp_month, pm.card.exp_year, now)) return declined(DECLINES.expired);
  const test = await testCardOf(db, pm);
  if (test?.attach === 'refused' && test.charge !== 'succeeds') return declined(test.charge);
  return { status: 'succeeded' };
};

/**
 * Each payment method type's rules, by `PaymentMethod.type`. The type's module
 * (src/payment-method-types/) names how it settles; these rules give the matching outcome.
 */
const CHARGE: Readonly<Record<string, ChargeRule>> = {
  card: chargeCard,
  us_bank_account: debitBank,
  sepa_debit: debitSepa,
  konbini: voucherKonbini,
  link: chargeLink,
  customer_balance: awaitTransfer,
};
/** A type without an attach rule attaches (Stripe's test bank accounts count as verified). */
const ATTACH: Readonly<Record<string, AttachRule>> = { card: attachCard };

/**
 * The outcome of charging `amount` (smallest currency unit) to a payment method, per Stripe's
 * test numbers (docs/decisions.md#the-processor-and-test-numbers). No test number depends on
 * the amount; it is part of the port so a rule on amounts has a place to live. A type without a
 * rule declines.
 */
export async function chargeOutcome(db: Db, pm: ChargeablePaymentMethod, amount: number, opts: ChargeOptions = {}): Promise<ChargeOutcome> {
  void amount;
  const rule = Object.hasOwn(CHARGE, pm.type) ? CHARGE[pm.type] : undefined;
  return rule ? rule(db, pm, opts) : declined(DECLINES.generic);
}

/**
 * Whether microdeposits can be sent to a bank account: not to Stripe's `000666666661`
 * (docs/decisions.md#ach-microdeposits).
 */
export async function microdepositsDeliverable(db: Db, pm: ChargeablePaymentMethod): Promise<boolean> {
  return (await testBankOf(db, pm))?.microdepositsFail !== true;
}

/**
 * Whether a payment method may be attached to a customer (or saved by a SetupIntent / Checkout):
 * cards that simulate an issuer decline refuse with their decline
 * (docs/decisions.md#card-declines-at-attach).
 */
export async function attachOutcome(db: Db, pm: ChargeablePaymentMethod, opts: { now?: number } = {}): Promise<AttachOutcome> {
  const rule = Object.hasOwn(ATTACH, pm.type) ? ATTACH[pm.type] : undefined;
  return rule ? rule(db, pm, opts) : { status: 'succeeded' };
}

/**
 * What refunding a charge made with this payment method does: a card refund succeeds at once,
 * except Stripe's refund test cards (pending first, or failing later); a bank debit's refund is
 * pending and succeeds later (docs/decisions.md#charges-and-refunds).
 */
export type RefundOutcome = { status: 'succeeded' | 'pending'; later: 'succeeded' | 'failed' | null };

export async function refundOutcome(db: Db, pm: ChargeablePaymentMethod): Promise<RefundOutcome> {
  if (pm.type === 'us_bank_account' || pm.type === 'sepa_debit') return { status: 'pending', later: 'succeeded' };
  const test = pm.type === 'card' ? await testCardOf(db, pm) : undefined;
  if (test?.refund === 'pending') return { status: 'pending', later: 'succeeded' };
  if (test?.refund === 'fails') return { status: 'succeeded', later: 'failed' };
  return { status: 'succeeded', later: null };
}
