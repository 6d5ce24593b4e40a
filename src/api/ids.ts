import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
let pool = Buffer.alloc(0);
let offset = 0;

/** Random base62 characters; each carries log2(62) ≈ 5.95 bits (bytes >= 248 are rejected to stay uniform). */
function randomChars(n: number): string {
  let out = '';
  while (out.length < n) {
    if (offset >= pool.length) {
      pool = randomBytes(4096);
      offset = 0;
    }
    const b = pool[offset++] as number;
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out;
}

/**
 * A Stripe-style id: prefix + 24 random base62 characters (~143 bits), so ids cannot be guessed
 * or enumerated across accounts.
 */
export function newId(prefix: string): string {
  return prefix + randomChars(24);
}

/** Checkout session ids are bearer links to the hosted page: Stripe's are long, so are ours (~345 bits). */
export function newSessionId(): string {
  return 'cs_test_a1' + randomChars(58);
}

/** `n` random base62 characters (ids, secrets, invoice prefixes). */
export function randomToken(n = 32): string {
  return randomChars(n);
}
