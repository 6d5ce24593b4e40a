import type { Db } from '../store/db.js';
import { bankAccountFingerprint } from './fingerprint.js';
import { checkBankAccount, TEST_BANK_NAME, TEST_ROUTING_NUMBER, testBankAccountByPaymentMethodId, type BankInputError } from './test-banks.js';

/** What a PaymentMethod keeps about a US bank account: never the full account number. */
export interface BankDetails {
  routing_number: string;
  last4: string;
  fingerprint: string;
  bank_name: string | null;
}

export type BankResult = { ok: true; bank: BankDetails } | { ok: false; error: BankInputError };

async function describe(db: Db, routing: string, account: string): Promise<BankDetails> {
  return {
    routing_number: routing,
    last4: account.slice(-4),
    fingerprint: await bankAccountFingerprint(db, routing, account),
    bank_name: routing === TEST_ROUTING_NUMBER ? TEST_BANK_NAME : null,
  };
}

/** Validates routing and account number and describes the account. */
export async function describeBankAccount(db: Db, routing: string, account: string): Promise<BankResult> {
  const error = checkBankAccount(routing, account);
  if (error) return { ok: false, error };
  return { ok: true, bank: await describe(db, routing, account) };
}

/** Is `id` one of Stripe's ready-made bank PaymentMethod ids (`pm_usBankAccount_success`, ...)? */
export function isTestBankPaymentMethodId(id: string): boolean {
  return testBankAccountByPaymentMethodId(id) !== undefined;
}

/** The account behind a ready-made bank PaymentMethod id; undefined when it is not one of Stripe's. */
export async function testBankDetails(db: Db, id: string): Promise<BankDetails | undefined> {
  const test = testBankAccountByPaymentMethodId(id);
  return test ? describe(db, TEST_ROUTING_NUMBER, test.account) : undefined;
}

export type { BankInputError };
