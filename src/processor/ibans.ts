import type { Db } from '../store/db.js';
import { ibanFingerprint } from './fingerprint.js';
import { testIban, testIbanByPaymentMethodId } from './test-ibans.js';

/** What a PaymentMethod keeps about an IBAN: never the whole number (docs/decisions.md#what-is-never-stored). */
export interface IbanDetails {
  bank_code: string | null;
  branch_code: string | null;
  country: string;
  fingerprint: string;
  last4: string;
}

/** An IBAN problem, as Stripe reports it (400, on `sepa_debit[iban]`). */
export interface IbanInputError {
  code: 'invalid_bank_account_iban' | 'bank_account_unusable';
  message: string;
}

export type IbanResult = { ok: true; iban: IbanDetails } | { ok: false; error: IbanInputError };

/**
 * The IBAN of every country in the SEPA scheme: its length, and where the bank (and branch) code
 * sit in it. Other countries' IBANs cannot be debited through SEPA.
 */
const COUNTRIES: Readonly<Record<string, { length: number; bank?: [number, number]; branch?: [number, number] }>> = {
  AD: { length: 24 }, AT: { length: 20, bank: [4, 9] }, BE: { length: 16, bank: [4, 7] }, BG: { length: 22 },
  CH: { length: 21, bank: [4, 9] }, CY: { length: 28 }, CZ: { length: 24 }, DE: { length: 22, bank: [4, 12] }, DK: { length: 18 },
  EE: { length: 20, bank: [4, 6] }, ES: { length: 24, bank: [4, 8], branch: [8, 12] }, FI: { length: 18, bank: [4, 7] },
  FR: { length: 27, bank: [4, 9], branch: [9, 14] }, GB: { length: 22, bank: [4, 8], branch: [8, 14] }, GI: { length: 23, bank: [4, 8] },
  GR: { length: 27 }, HR: { length: 21, bank: [4, 11] }, HU: { length: 28 }, IE: { length: 22, bank: [4, 8], branch: [8, 14] },
  IS: { length: 26 }, IT: { length: 27, bank: [5, 10], branch: [10, 15] }, LI: { length: 21, bank: [4, 9] },
  LT: { length: 20, bank: [4, 9] }, LU: { length: 20, bank: [4, 7] }, LV: { length: 21 }, MC: { length: 27 }, MT: { length: 31 },
  NL: { length: 18, bank: [4, 8] }, NO: { length: 15, bank: [4, 8] }, PL: { length: 28 }, PT: { length: 25, bank: [4, 8], branch: [8, 12] },
  RO: { length: 24 }, SE: { length: 24, bank: [4, 7] }, SI: { length: 19 }, SK: { length: 24 }, SM: { length: 27 }, VA: { length: 22 },
};

/** `de89 3704 0044 0532 0130 00` -> `DE89370400440532013000`. */
export function normalizeIban(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

/** ISO 13616: the country and check digits moved to the end, letters as numbers, mod 97 is 1. */
export function ibanChecksumValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const v = ch >= 'A' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    rest = (v >= 10 ? rest * 100 + v : rest * 10 + v) % 97;
  }
  return rest === 1;
}

const INVALID: IbanInputError = { code: 'invalid_bank_account_iban', message: 'The IBAN you provided is invalid.' };

/**
 * Checks an IBAN as Stripe does before creating the PaymentMethod: a SEPA country, its length,
 * the check digits. Stripe's test mode takes only its test IBANs: any other valid IBAN may be a
 * real account, and is refused as one (docs/decisions.md#sepa-direct-debit).
 */
export function checkIban(iban: string): IbanInputError | undefined {
  const country = COUNTRIES[iban.slice(0, 2)];
  if (!country || iban.length !== country.length || !ibanChecksumValid(iban)) return INVALID;
  if (!testIban(iban)) {
    return { code: 'bank_account_unusable', message: 'You cannot use a live bank account number when making transfers or debits in test mode.' };
  }
  return undefined;
}

async function describe(db: Db, iban: string): Promise<IbanDetails> {
  const c = COUNTRIES[iban.slice(0, 2)];
  const part = (r: [number, number] | undefined) => (r ? iban.slice(r[0], r[1]) : null);
  return { bank_code: part(c?.bank), branch_code: part(c?.branch), country: iban.slice(0, 2), fingerprint: await ibanFingerprint(db, iban), last4: iban.slice(-4) };
}

/** Validates an IBAN and describes the account. */
export async function describeIban(db: Db, raw: string): Promise<IbanResult> {
  const iban = normalizeIban(raw);
  const error = checkIban(iban);
  return error ? { ok: false, error } : { ok: true, iban: await describe(db, iban) };
}

/** The account behind a ready-made SEPA PaymentMethod id (`pm_success_de`); undefined for any other id. */
export async function testIbanDetails(db: Db, id: string): Promise<IbanDetails | undefined> {
  const test = testIbanByPaymentMethodId(id);
  return test ? describe(db, test.iban) : undefined;
}
