/**
 * The customer portal and the hosted invoice page refuse what they must (docs/decisions.md#customer-portal,
 * docs/decisions.md#hosted-invoice-page): a post without the page's CSRF token, another customer's
 * or another account's subscription or payment method, an action on a link never opened; and
 * they escape merchant and customer strings under a strict nonce CSP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { startServer, type TestServer } from '../helpers/server.js';

const HOSTILE = '<img src=x onerror="alert(1)">';

async function page(url: string): Promise<{ status: number; html: string; csp: string; csrf: string }> {
  const res = await fetch(url);
  const html = await res.text();
  return { status: res.status, html, csp: res.headers.get('content-security-policy') ?? '', csrf: /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? '' };
}

async function post(url: string, fields: Record<string, string>): Promise<{ status: number; html: string }> {
  const res = await fetch(url.split('?')[0] as string, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  return { status: res.status, html: await res.text() };
}

describe('customer portal and hosted invoice page security', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer('sqlite');
  });
  after(() => server.close());

  async function subscribed(stripe: Stripe) {
    const product = await stripe.products.create({ name: HOSTILE });
    const price = await stripe.prices.create({ product: product.id, unit_amount: 1000, currency: 'usd', recurring: { interval: 'month' } });
    const customer = await stripe.customers.create({ name: HOSTILE, payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const pm = (await stripe.customers.listPaymentMethods(customer.id)).data[0] as Stripe.PaymentMethod;
    return { customer, sub, pm };
  }

  it('refuses portal posts without the token, or for another customer or account', async () => {
    const stripe = server.stripe();
    const mine = await subscribed(stripe);
    const theirs = await subscribed(stripe);
    const elsewhere = await subscribed(server.stripe());
    const config = await stripe.billingPortal.configurations.create({
      business_profile: { headline: HOSTILE },
      features: { subscription_cancel: { enabled: true, mode: 'immediately' }, payment_method_update: { enabled: true }, invoice_history: { enabled: true }, customer_update: { enabled: true, allowed_updates: ['tax_id'] } },
    });
    const theirTaxId = await stripe.customers.createTaxId(theirs.customer.id, { type: 'eu_vat', value: 'DE123456789' });
    const unopened = await stripe.billingPortal.sessions.create({ customer: mine.customer.id, configuration: config.id });
    const session = await stripe.billingPortal.sessions.create({ customer: mine.customer.id, configuration: config.id, return_url: 'https://example.com/"><script>alert(1)</script>' });
    const shown = await page(session.url);
    assert.equal(shown.status, 200);
    assert.match(shown.csp, /default-src 'none'; style-src 'nonce-[^']+'; script-src 'nonce-[^']+'/);
    assert.ok(!shown.html.includes(HOSTILE) && shown.html.includes('&lt;img src=x'), 'merchant and customer strings are escaped');
    assert.ok(!shown.html.includes('<script>alert(1)'));
    assert.ok(!/ style="/.test(shown.html), 'no inline style attribute (the CSP would block it)');

    assert.equal((await post(session.url, { action: 'cancel', subscription: mine.sub.id })).status, 403, 'no CSRF token');
    const other = await page((await stripe.billingPortal.sessions.create({ customer: theirs.customer.id, configuration: config.id })).url);
    assert.equal((await post(session.url, { action: 'cancel', subscription: mine.sub.id, csrf_token: other.csrf })).status, 403, 'another session’s token');
    assert.equal((await post(unopened.url, { action: 'cancel', subscription: mine.sub.id, csrf_token: shown.csrf })).status, 403, 'a token only works for its own session');

    for (const [label, fields] of [
      ['another customer’s subscription', { action: 'cancel', subscription: theirs.sub.id }],
      ['another account’s subscription', { action: 'cancel', subscription: elsewhere.sub.id }],
      ['another customer’s payment method', { action: 'remove', payment_method: theirs.pm.id }],
      ['another customer’s tax ID', { action: 'remove_tax_id', tax_id: theirTaxId.id }],
    ] as const) {
      const r = await post(session.url, { ...fields, csrf_token: shown.csrf });
      assert.equal(r.status, 400, label);
      assert.match(r.html, /No such/, label);
    }
    assert.equal((await stripe.subscriptions.retrieve(theirs.sub.id)).status, 'active');
    assert.equal((await server.stripe().subscriptions.list({ limit: 1 })).data.length, 0, 'a fresh account sees nothing');
    assert.equal((await stripe.paymentMethods.retrieve(theirs.pm.id)).customer, theirs.customer.id);
    assert.equal((await stripe.customers.listTaxIds(theirs.customer.id)).data.length, 1, 'their tax ID stays');

    const done = await post(session.url, { action: 'cancel', subscription: mine.sub.id, csrf_token: shown.csrf });
    assert.equal(done.status, 303, 'the customer’s own subscription is canceled');
    assert.equal((await stripe.subscriptions.retrieve(mine.sub.id)).status, 'canceled');
  });

  it('refuses an invoice post without the token and escapes the invoice’s strings', async () => {
    const stripe = server.stripe();
    const customer = await stripe.customers.create({ name: HOSTILE });
    await stripe.invoiceItems.create({ customer: customer.id, amount: 1000, currency: 'usd', description: HOSTILE });
    const draft = await stripe.invoices.create({ customer: customer.id, collection_method: 'send_invoice', days_until_due: 7, pending_invoice_items_behavior: 'include' });
    assert.equal((await fetch(`${server.url}/invoices/${draft.id}`)).status, 404, 'a draft has no page');
    const inv = await stripe.invoices.finalizeInvoice(draft.id as string);
    const shown = await page(inv.hosted_invoice_url as string);
    assert.equal(shown.status, 200);
    assert.ok(!shown.html.includes(HOSTILE) && shown.html.includes('&lt;img src=x'));
    assert.match(shown.csp, /script-src 'nonce-/);
    const r = await post(inv.hosted_invoice_url as string, { pm_type: 'card', cardNumber: '4242424242424242', cardExpiry: '12/34', cardCvc: '123' });
    assert.equal(r.status, 403);
    assert.equal((await stripe.invoices.retrieve(inv.id as string)).status, 'open');
    assert.equal((await fetch(`${server.url}/invoices/in_nope`)).status, 404);
  });
});
