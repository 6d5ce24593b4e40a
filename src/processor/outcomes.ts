import type { Db } from '../store/db.js';
import { isExpired } from './card-rules.js';
import { DECLINES, type Decline } from './declines.js';
import { BANK_FINGERPRINT_SECRET, CARD_FINGERPRINT_SECRET, FingerprintIndex } from './fingerprint.js';
import { TEST_BANK_ACCOUNTS, TEST_ROUTING_NUMBER, type TestBankAccount } from './test-banks.js';
import { TEST_CARDS, type TestCard } from './test-cards.js';

/** The parts of a PaymentMethod (as served) that decide an outcome. */
export interface ChargeablePaymentMethod {
  type: string;
  card?: { fingerprint?: string | null | undefined; exp_month: number; exp_year: number; checks?: { cvc_check: string | null } | null } | undefined;
  us_bank_account?: { fingerprint: string | null } | undefined;
}

/**
 * What charging a payment method does. Cards answer at once; bank debits are `processing` and
 * settle later to `outcome` (`pending` = stays processing, like `pm_usBankAccount_processing`).
 */
export type ChargeOutcome =
  | { status: 'succeeded' }
  | ({ status: 'declined' } & Decline)
  | {
      status: 'processing';
      outcome: 'succeeded' | 'failed' | 'pending';
      failure_code: string | null;
      failure_message: string | null;
    };

/** Saving a payment method either works (`succeeded`, as a SetupIntent would say) or declines. */
export type AttachOutcome = { status: 'succeeded' } | ({ status: 'declined' } & Decline);

export interface ChargeOptions {
  /** Unix seconds of the business clock (test clock or wall); expiry is judged by it. */
  now?: number;
  /** The customer is not present (subscription renewals): cards that need 3D Secure decline. */
  offSession?: boolean;
  /** The card was set up for future use (SetupIntent or a Checkout save). */
  setUp?: boolean;
}

const cardIndex = new FingerprintIndex<TestCard>(CARD_FINGERPRINT_SECRET, () => TEST_CARDS.map((c) => [c.number, c] as const));
const bankIndex = new FingerprintIndex<TestBankAccount>(BANK_FINGERPRINT_SECRET, () =>
  TEST_BANK_ACCOUNTS.map((a) => [`${TEST_ROUTING_NUMBER}:${a.account}`, a] as const),
);

const declined = (d: Decline): { status: 'declined' } & Decline => ({ status: 'declined', ...d });

async function testCardOf(db: Db, pm: ChargeablePaymentMethod): Promise<TestCard | undefined> {
  const fp = pm.card?.fingerprint;
  return fp ? cardIndex.lookup(db, fp) : undefined;
}

async function testBankOf(db: Db, pm: ChargeablePaymentMethod): Promise<TestBankAccount | undefined> {
  const fp = pm.us_bank_account?.fingerprint;
  return fp ? bankIndex.lookup(db, fp) : undefined;
}

function needsAuthentication(test: TestCard | undefined, opts: ChargeOptions): boolean {
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
const CHARGE: Readonly<Record<string, ChargeRule>> = { card: chargeCard, us_bank_account: debitBank };
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
 * Whether a payment method may be attached to a customer (or saved by a SetupIntent / Checkout):
 * cards that simulate an issuer decline refuse with their decline
 * (docs/decisions.md#card-declines-at-attach).
 */
export async function attachOutcome(db: Db, pm: ChargeablePaymentMethod, opts: { now?: number } = {}): Promise<AttachOutcome> {
  const rule = Object.hasOwn(ATTACH, pm.type) ? ATTACH[pm.type] : undefined;
  return rule ? rule(db, pm, opts) : { status: 'succeeded' };
}
