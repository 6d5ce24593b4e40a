import type Stripe from 'stripe';
import { nowIso } from './db.js';
import { fulfillCheckout, handleAsyncPaymentFailed } from './fulfil.js';
import type { Shop } from './shop.js';

/** What the webhook route answers. */
export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * POST /webhook. The raw body is verified with the SDK's constructEvent against the endpoint's
 * signing secret; anything that fails (missing or forged signature, stale timestamp, not JSON)
 * is answered 400 and nothing else happens. Verified events are handled as the seed's table says:
 * - checkout.session.completed, checkout.session.async_payment_succeeded -> fulfillCheckout
 *   (which itself waits while the payment is still `unpaid`);
 * - checkout.session.async_payment_failed -> tell the customer, with a link back on-session.
 * A handling error answers 500, so Stripe delivers the event again later.
 */
export async function handleWebhook(shop: Shop, rawBody: Buffer, signature: string | undefined): Promise<WebhookAnswer> {
  let event: Stripe.Event;
  try {
    event = shop.stripe.webhooks.constructEvent(rawBody, signature ?? '', shop.config.webhookSecret);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    shop.log('webhook rejected', { reason: message });
    return { status: 400, body: { error: `Webhook signature verification failed: ${message}` } };
  }

  let sessionId: string | null = null;
  let action: string;
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      sessionId = event.data.object.id;
      const result = await fulfillCheckout(shop, sessionId, `webhook:${event.type}`);
      action = result.fulfilledNow ? 'fulfilled' : result.orderId !== undefined ? 'already_fulfilled' : 'awaiting_payment';
      break;
    }
    case 'checkout.session.async_payment_failed': {
      sessionId = event.data.object.id;
      action = await handleAsyncPaymentFailed(shop, sessionId);
      break;
    }
    default:
      action = 'ignored';
  }
  shop.db
    .prepare('INSERT INTO webhook_log (event_id, type, session_id, action, received_at) VALUES (?, ?, ?, ?, ?)')
    .run(event.id, event.type, sessionId, action, nowIso());
  return { status: 200, body: { received: true } };
}
