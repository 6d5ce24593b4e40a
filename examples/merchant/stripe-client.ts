import Stripe from 'stripe';

/**
 * The official SDK client. With an API base (OpenCheckout, or any Stripe-compatible server)
 * it sends every request there; without one it is the SDK's default, api.stripe.com.
 */
export function createStripe(secretKey: string, apiBase: string | undefined): Stripe {
  const appInfo = { name: 'opencheckout-example-merchant', version: '0.1.0' };
  if (!apiBase) return new Stripe(secretKey, { appInfo });
  const base = new URL(apiBase);
  const protocol = base.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(secretKey, {
    appInfo,
    host: base.hostname,
    port: base.port || (protocol === 'http' ? 80 : 443),
    protocol,
  });
}
