import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { useBrowser } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { paymentSession, startLanding, type Landing } from './setup.js';

/** A merchant's webhook handler: verifies with the SDK's constructEvent and keeps what it got. */
async function webhookReceiver(): Promise<{ url: string; events: Stripe.Event[]; setSecret(s: string): void; close(): void }> {
  const events: Stripe.Event[] = [];
  let secret = '';
  const verifier = new Stripe('sk_test_unused');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        events.push(verifier.webhooks.constructEvent(Buffer.concat(chunks), req.headers['stripe-signature'] as string, secret));
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    events,
    setSecret: (s) => (secret = s),
    close: () => server.close(),
  };
}

// Browser suites run on SQLite only.
describe('bank (ACH) payments through the hosted page in Chromium, with the async webhooks', () => {
  const browser = useBrowser();
  let server: TestServer;
  let landing: Landing;
  before(async () => {
    [server, landing] = await Promise.all([startServer('sqlite', { env: { OPENCHECKOUT_SETTLEMENT_DELAY: '1' } }), startLanding()]);
  });
  after(async () => {
    await Promise.all([server.close(), landing.close()]);
  });

  const cases = [
    { account: '000123456789', event: 'checkout.session.async_payment_succeeded', paymentStatus: 'paid', piStatus: 'succeeded' },
    { account: '000222222227', event: 'checkout.session.async_payment_failed', paymentStatus: 'unpaid', piStatus: 'requires_payment_method', code: 'insufficient_funds' },
    { account: '000111111113', event: 'checkout.session.async_payment_failed', paymentStatus: 'unpaid', piStatus: 'requires_payment_method', code: 'account_closed' },
  ] as const;

  for (const c of cases) {
    it(`account ${c.account}: completes unpaid, then sends ${c.event}`, async () => {
      const stripe = server.stripe();
      const hook = await webhookReceiver();
      try {
        const endpoint = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['checkout.session.completed', c.event] });
        hook.setSecret(endpoint.secret as string);
        const session = await paymentSession(stripe, landing, { customer_email: 'ach@example.com', allowed_payment_method_types: ['us_bank_account'] });
        const probe = await browser.newPage({ allowedOrigins: [server.url, landing.url] });
        const { page } = probe;
        await page.goto(session.url as string);
        await page.click('[data-testid="us_bank_account-accordion-item-button"]');
        await page.fill('#accountHolderName', 'Jenny Rosen');
        await page.fill('#routingNumber', '110000000');
        await page.fill('#accountNumber', c.account);
        // The account holder's name is the payer's: the card's billing fields are hidden.
        assert.equal(await page.isVisible('#billingName'), false);
        await Promise.all([page.waitForURL((u) => u.href.startsWith(landing.url)), page.click('.SubmitButton')]);
        assert.deepEqual(probe.errors, []);

        const completed = await waitFor(() => hook.events.find((e) => e.type === 'checkout.session.completed'), 10_000, 'checkout.session.completed');
        assert.equal((completed.data.object as Stripe.Checkout.Session).payment_status, 'unpaid');
        const settled = await waitFor(() => hook.events.find((e) => e.type === c.event), 15_000, c.event);
        const s = settled.data.object as Stripe.Checkout.Session;
        assert.equal(s.id, session.id);
        assert.equal(s.payment_status, c.paymentStatus);
        const pi = await stripe.paymentIntents.retrieve(s.payment_intent as string);
        assert.equal(pi.status, c.piStatus);
        if ('code' in c) assert.equal(pi.last_payment_error?.code, c.code);
        assert.equal(hook.events.filter((e) => e.type === c.event).length, 1);
      } finally {
        hook.close();
      }
    });
  }
});
