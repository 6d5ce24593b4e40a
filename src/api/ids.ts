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

/** `ms` as 8 base62 digits, most significant first: strings of it sort as the times do. */
function timeChars(ms: number): string {
  let out = '';
  for (let i = 0; i < 8; i++) {
    out = (ALPHABET[ms % 62] as string) + out;
    ms = Math.floor(ms / 62);
  }
  return out;
}

/**
 * A Stripe-style id: prefix + 24 base62 characters: 8 of the creation time in milliseconds, then
 * 16 random (~95 bits), so ids cannot be guessed or enumerated across accounts. The time comes
 * first so that ids created together sit together in the `(account_id, id)` index: a batch of
 * creates dirties one index page instead of one random page each, which is most of what a
 * SQLite commit writes (docs/architecture.md#group-commit-on-sqlite).
 */
export function newId(prefix: string): string {
  return prefix + timeChars(Date.now()) + randomChars(16);
}

/** Checkout session ids are bearer links to the hosted page: Stripe's are long, so are ours (~345 bits). */
export function newSessionId(): string {
  return 'cs_test_a1' + randomChars(58);
}

/** `n` random base62 characters (ids, secrets, invoice prefixes). */
export function randomToken(n = 32): string {
  return randomChars(n);
}
