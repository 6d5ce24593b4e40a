/**
 * Shared setup of the hosted-page browser suites: a merchant's landing pages (success / cancel)
 * served by node:http, and the SDK calls a merchant makes to open a Checkout Session for an
 * existing customer with saved cards.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';

export interface Landing {
  url: string;
  /** Paths (with query) the browser landed on, in order. */
  hits: string[];
  close(): Promise<void>;
}

/** A tiny merchant site the hosted page redirects to. */
export async function startLanding(): Promise<Landing> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '/');
    const body = req.url?.startsWith('/success')
      ? '<!doctype html><title>Thanks</title><h1 id="landed">Thanks for your order</h1>'
      : '<!doctype html><title>Shop</title><h1 id="landed">Your cart</h1>';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export const US_ADDRESS = { line1: '1 Main St', city: 'Springfield', state: 'CA', postal_code: '94102', country: 'US' };

/** A card saved to the customer, as a merchant saves one (created with its billing details, then attached). */
export async function savedCard(
  stripe: Stripe,
  customer: string,
  opts: { token?: string; allow_redisplay?: 'always' | 'limited' | 'unspecified'; billing_details?: Stripe.PaymentMethodCreateParams.BillingDetails } = {},
): Promise<Stripe.PaymentMethod> {
  const pm = await stripe.paymentMethods.create({
    type: 'card',
    card: { token: opts.token ?? 'tok_visa' },
    allow_redisplay: opts.allow_redisplay ?? 'always',
    billing_details: opts.billing_details ?? { name: 'Jenny Rosen', email: 'jenny@example.com', address: US_ADDRESS },
  });
  return stripe.paymentMethods.attach(pm.id, { customer });
}

/** Two line items by inline price_data, as the seed's merchant sends them. */
export function twoItems(currency = 'usd'): Stripe.Checkout.SessionCreateParams.LineItem[] {
  return [
    { price_data: { currency, unit_amount: 2000, product_data: { name: 'Organic cotton T-shirt' } }, quantity: 2 },
    { price_data: { currency, unit_amount: 1500, product_data: { name: 'Canvas tote bag' } }, quantity: 1 },
  ];
}

/** A payment-mode session for `customer` returning to the landing site. */
export function paymentSession(
  stripe: Stripe,
  landing: Landing,
  params: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: twoItems(),
    success_url: `${landing.url}/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${landing.url}/cart`,
    ...params,
  });
}
