import { createHmac } from 'node:crypto';
import { randomToken } from '../api/ids.js';

/**
 * Stripe's webhook signature (stripe-node `src/Webhooks.ts`): HMAC-SHA256 over `"<t>.<raw body>"`,
 * keyed with the whole secret string (`whsec_` prefix included) as UTF-8, lowercase hex.
 * The header is `t=<unix seconds>,v1=<hex>`; receivers reject a `t` older than their tolerance
 * (300 s in the SDK), so every attempt is signed afresh with the real time (docs/decisions.md#webhook-delivery).
 */
export function signatureHeader(secret: string, body: string, timestampSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}

/** A new endpoint signing secret: `whsec_` + 32 random base62 characters (~190 bits), as Stripe's look. */
export function newWebhookSecret(): string {
  return 'whsec_' + randomToken(32);
}
