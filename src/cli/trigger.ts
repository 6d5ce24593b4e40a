import type { Client } from './api.js';
import { BUYER, CARD_4242, bankAccount, payOnHostedPage } from './page.js';

interface Session {
  id: string;
  url: string;
  status: string;
  payment_status: string;
  payment_intent: string | null;
}

const SUCCESS_URL = 'https://example.com/success?session_id={CHECKOUT_SESSION_ID}';

/** A session offering the payment method type that `fields` (the page's form) pay with. */
async function openSession(api: Client, fields: { paymentMethod: string }): Promise<Session> {
  return api.post<Session>('/v1/checkout/sessions', {
    mode: 'payment',
    line_items: [{ price_data: { currency: 'usd', unit_amount: 2000, product_data: { name: 'Triggered test item' } }, quantity: 1 }],
    allowed_payment_method_types: [fields.paymentMethod],
    success_url: SUCCESS_URL,
    metadata: { created_by: 'opencheckout trigger' },
  });
}

async function waitForSettlement(api: Client, id: string, timeoutMs: number): Promise<Session> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await api.get<Session>(`/v1/checkout/sessions/${id}`);
    const pi = s.payment_intent ? await api.get<{ status: string }>(`/v1/payment_intents/${s.payment_intent}`) : undefined;
    if (pi && pi.status !== 'processing') return s;
    if (Date.now() > deadline) throw new Error(`the bank payment of ${id} did not settle within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Each trigger creates the real objects that cause the event (as the Stripe CLI's fixtures do):
 * a Checkout Session paid on its hosted page, a bank payment left to settle, an expiry.
 */
export const TRIGGERS: Record<string, { describe: string; run(api: Client, log: (s: string) => void): Promise<void> }> = {
  'checkout.session.completed': {
    describe: 'a Checkout Session paid by card (4242) on its hosted page',
    async run(api, log) {
      const s = await openSession(api, CARD_4242);
      await payOnHostedPage(s.url, { ...BUYER, ...CARD_4242 });
      log(`Paid ${s.id} on its hosted page`);
    },
  },
  'payment_intent.succeeded': {
    describe: 'a card payment through Checkout (its PaymentIntent succeeds)',
    async run(api, log) {
      await TRIGGERS['checkout.session.completed']?.run(api, log);
    },
  },
  'checkout.session.async_payment_succeeded': {
    describe: 'a bank (ACH) payment with 000123456789 that settles successfully',
    async run(api, log) {
      const bank = bankAccount('000123456789');
      const s = await openSession(api, bank);
      await payOnHostedPage(s.url, { ...BUYER, ...bank });
      log(`Paid ${s.id} by bank account; waiting for settlement`);
      await waitForSettlement(api, s.id, 60_000);
    },
  },
  'checkout.session.async_payment_failed': {
    describe: 'a bank (ACH) payment with 000222222227 that fails for insufficient funds',
    async run(api, log) {
      const bank = bankAccount('000222222227');
      const s = await openSession(api, bank);
      await payOnHostedPage(s.url, { ...BUYER, ...bank });
      log(`Paid ${s.id} by bank account; waiting for settlement`);
      await waitForSettlement(api, s.id, 60_000);
    },
  },
  'checkout.session.expired': {
    describe: 'a Checkout Session expired through the expire endpoint',
    async run(api, log) {
      const s = await openSession(api, CARD_4242);
      await api.post(`/v1/checkout/sessions/${s.id}/expire`);
      log(`Expired ${s.id}`);
    },
  },
  'customer.created': {
    describe: 'a new Customer',
    async run(api, log) {
      const c = await api.post<{ id: string }>('/v1/customers', { email: BUYER.email, name: BUYER.billingName });
      log(`Created ${c.id}`);
    },
  },
};
