/**
 * A merchant's webhook receiver for the fault tests: verifies each delivery's signature with the
 * official SDK, as a merchant's handler does, and records the ids of the events it accepted.
 */
import Stripe from 'stripe';
import { startReceiver, type Receiver } from '../events/receiver.js';

export interface VerifyingReceiver {
  receiver: Receiver;
  url: string;
  /** Ids of events that arrived with a valid signature (redeliveries add nothing). */
  delivered: Set<string>;
  /** Deliveries whose signature did not verify. */
  rejected: number;
  /** Set once the endpoint exists (its secret signs every delivery). */
  setSecret(secret: string): void;
  close(): Promise<void>;
}

export async function verifyingReceiver(): Promise<VerifyingReceiver> {
  const sdk = new Stripe('sk_test_receiver', { telemetry: false });
  let secret = '';
  const out = { delivered: new Set<string>(), rejected: 0 } as VerifyingReceiver;
  const receiver = await startReceiver((r) => {
    try {
      out.delivered.add(sdk.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, secret).id);
      return 200;
    } catch {
      out.rejected++;
      return 400;
    }
  });
  return Object.assign(out, {
    receiver,
    url: receiver.url,
    setSecret: (s: string) => {
      secret = s;
    },
    close: () => receiver.close(),
  });
}
