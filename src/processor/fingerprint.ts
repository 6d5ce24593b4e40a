import { createHmac } from 'node:crypto';
import { installationSecret, type Db } from '../store/db.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Names of the per-installation HMAC keys (kept in `settings`, shared by every instance). */
export const CARD_FINGERPRINT_SECRET = 'card_fingerprint';
export const BANK_FINGERPRINT_SECRET = 'bank_account_fingerprint';

/**
 * 16 base62 characters of HMAC-SHA256(secret, value), like Stripe's fingerprints: equal for equal
 * numbers within one installation, and the number cannot be recovered from it.
 */
export function fingerprintWith(secret: string, value: string): string {
  const digest = createHmac('sha256', secret).update(value).digest();
  let out = '';
  for (let i = 0; i < 16; i++) out += ALPHABET[(digest[i] as number) % 62];
  return out;
}

/** The fingerprint of a card number. */
export async function cardFingerprint(db: Db, number: string): Promise<string> {
  return fingerprintWith(await installationSecret(db, CARD_FINGERPRINT_SECRET), number);
}

/** The fingerprint of a US bank account (routing and account number together). */
export async function bankAccountFingerprint(db: Db, routing: string, account: string): Promise<string> {
  return fingerprintWith(await installationSecret(db, BANK_FINGERPRINT_SECRET), `${routing}:${account}`);
}

/** The fingerprint of an IBAN (normalised), under the bank accounts' key. */
export async function ibanFingerprint(db: Db, iban: string): Promise<string> {
  return fingerprintWith(await installationSecret(db, BANK_FINGERPRINT_SECRET), `iban:${iban}`);
}

/**
 * Finds which known number a fingerprint belongs to. Outcomes are decided from the fingerprint, so
 * a PaymentMethod never has to keep the number to behave like its test card later.
 */
export class FingerprintIndex<T> {
  private readonly bySecret = new Map<string, Map<string, T>>();

  constructor(
    private readonly secretName: string,
    private readonly entries: () => ReadonlyArray<readonly [value: string, item: T]>,
  ) {}

  async lookup(db: Db, fingerprint: string): Promise<T | undefined> {
    const secret = await installationSecret(db, this.secretName);
    let index = this.bySecret.get(secret);
    if (!index) {
      index = new Map(this.entries().map(([value, item]) => [fingerprintWith(secret, value), item]));
      // One index per installation secret; a process normally has one (tests start several).
      if (this.bySecret.size > 100) this.bySecret.clear();
      this.bySecret.set(secret, index);
    }
    return index.get(fingerprint);
  }
}
