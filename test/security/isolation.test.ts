import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { BUYER, CARD_4242, payOnHostedPage } from '../../src/cli/page.js';
import { resources } from '../../src/resources/index.js';
import { assemble } from '../../src/resources/module.js';
import { startReceiver, type Receiver } from '../events/receiver.js';
import { STORES, freshKey, raw, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

/** Every /v1 route the server serves. */
const { routes } = assemble(resources);

/** What one account owns, with strings that must never show up in another account's answers. */
interface Owned {
  key: string;
  stripe: Stripe;
  customer: Stripe.Customer;
  saved: Stripe.PaymentMethod;
  loose: Stripe.PaymentMethod;
  product: Stripe.Product;
  price: Stripe.Price;
  plan: Stripe.Price;
  open: Stripe.Checkout.Session;
  paid: Stripe.Checkout.Session;
  setup: Stripe.Checkout.Session;
  subscribed: Stripe.Checkout.Session;
  clock: Stripe.TestHelpers.TestClock;
  endpoint: Stripe.WebhookEndpoint;
  receiver: Receiver;
  event: Stripe.Event;
  coupon: Stripe.Coupon;
  promo: Stripe.PromotionCode;
  taxRate: Stripe.TaxRate;
  shippingRate: Stripe.ShippingRate;
  registration: Stripe.Tax.Registration;
  paymentLink: Stripe.PaymentLink;
  held: Stripe.PaymentIntent;
  charge: string;
  refund: Stripe.Refund;
  setupIntent: Stripe.SetupIntent;
  draft: Stripe.Invoice;
  line: string;
  invoiceItem: Stripe.InvoiceItem;
  creditNote: Stripe.CreditNote;
  taxId: Stripe.TaxId;
  portalConfiguration: Stripe.BillingPortal.Configuration;
  subscriptionItem: string;
  invoicePayment: string;
  balanceTransaction: string;
  customerBalanceTransaction: string;
  token: Stripe.Token;
  cashBalanceTransaction: string;
  mandate: string;
  secrets: string[];
}

async function account(server: TestServer, who: string, cardToken: string): Promise<Owned> {
  const key = freshKey();
  const stripe = server.stripe(key);
  const receiver = await startReceiver();
  const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
  const customer = await stripe.customers.create({
    email: `${who}@${who}.example`,
    name: `${who} Secretname`,
    shipping: { name: `${who} Shipto`, address: { line1: `1 ${who} Street`, city: `${who}ville`, state: 'CA', postal_code: '94102', country: 'US' } },
  });
  const saved = await stripe.paymentMethods.create({ type: 'card', card: { token: cardToken }, allow_redisplay: 'always', billing_details: { name: `${who} Cardholder`, email: `${who}@${who}.example`, address: { country: 'US', postal_code: '94102' } } } as Stripe.PaymentMethodCreateParams);
  await stripe.paymentMethods.attach(saved.id, { customer: customer.id });
  const loose = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
  const product = await stripe.products.create({ name: `${who} Product` });
  const price = await stripe.prices.create({ currency: 'usd', unit_amount: 1500, product: product.id });
  const plan = await stripe.prices.create({ currency: 'usd', unit_amount: 900, recurring: { interval: 'month' }, product_data: { name: `${who} Plan` } });
  const base = { customer: customer.id, success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/cart' };
  const open = await stripe.checkout.sessions.create({ ...base, mode: 'payment', line_items: [{ price: price.id, quantity: 1 }], shipping_address_collection: { allowed_countries: ['US'] } });
  const paid = await stripe.checkout.sessions.create({ ...base, mode: 'payment', line_items: [{ price: price.id, quantity: 2 }] });
  await payOnHostedPage(paid.url as string, { ...BUYER, ...CARD_4242 });
  const setup = await stripe.checkout.sessions.create({ ...base, mode: 'setup', currency: 'usd' });
  await payOnHostedPage(setup.url as string, { ...BUYER, ...CARD_4242 });
  const subscribed = await stripe.checkout.sessions.create({ ...base, mode: 'subscription', line_items: [{ price: plan.id, quantity: 1 }] });
  await payOnHostedPage(subscribed.url as string, { ...BUYER, ...CARD_4242 });
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.now() / 1000) });
  const event = (await stripe.events.list({ limit: 1 })).data[0] as Stripe.Event;
  const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'once', name: `${who} Coupon` });
  const promo = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: `${who.toUpperCase()}CODE` });
  const taxRate = await stripe.taxRates.create({ display_name: `${who} Tax`, percentage: 10, inclusive: false });
  const shippingRate = await stripe.shippingRates.create({ display_name: `${who} Post`, type: 'fixed_amount', fixed_amount: { amount: 500, currency: 'usd' } });
  const registration = await stripe.tax.registrations.create({ country: 'JP', country_options: { jp: { type: 'standard' } }, active_from: 'now' });
  const paymentLink = await stripe.paymentLinks.create({ line_items: [{ price: price.id, quantity: 1 }] });
  // A payment held for capture, the paid session's charge and a part of it refunded.
  const held = await stripe.paymentIntents.create({ amount: 2500, currency: 'usd', customer: customer.id, payment_method: saved.id, capture_method: 'manual', confirm: true, off_session: true });
  const paidIntent = await stripe.paymentIntents.retrieve((await stripe.checkout.sessions.retrieve(paid.id)).payment_intent as string);
  const charge = paidIntent.latest_charge as string;
  const refund = await stripe.refunds.create({ payment_intent: paidIntent.id, amount: 100 });
  const setupIntent = await stripe.setupIntents.create({ customer: customer.id });
  const invoiceItem = await stripe.invoiceItems.create({ customer: customer.id, amount: 700, currency: 'usd', description: `${who} Extra` });
  const draft = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
  const line = (await stripe.invoices.listLineItems(draft.id)).data[0]?.id as string;
  const subscriptionInvoice = (await stripe.checkout.sessions.retrieve(subscribed.id)).invoice as string;
  const creditNote = await stripe.creditNotes.create({ invoice: subscriptionInvoice, credit_amount: 100, amount: 100 } as Stripe.CreditNoteCreateParams);
  const taxId = await stripe.customers.createTaxId(customer.id, { type: 'eu_vat', value: 'DE123456789' });
  const portalConfiguration = await stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } }, business_profile: { headline: `${who} Portal` } });
  const subscriptionItem = (await stripe.subscriptionItems.list({ subscription: (await stripe.checkout.sessions.retrieve(subscribed.id)).subscription as string })).data[0]?.id as string;
  const invoicePayment = (await stripe.invoicePayments.list({ invoice: subscriptionInvoice })).data[0]?.id as string;
  const balanceTransaction = (await stripe.charges.retrieve(charge)).balance_transaction as string;
  const customerBalanceTransaction = (await stripe.customers.createBalanceTransaction(customer.id, { amount: -50, currency: 'usd' })).id;
  const cashBalanceTransaction = (await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 700, currency: 'usd' })).id;
  const mandate = (
    await stripe.setupIntents.create({
      payment_method_types: ['sepa_debit'],
      payment_method_data: { type: 'sepa_debit', sepa_debit: { iban: 'DE89370400440532013000' }, billing_details: { name: `${who} Secretname`, email: `${who}@${who}.example` } },
      confirm: true,
    } as Stripe.SetupIntentCreateParams)
  ).mandate as string;
  assert.ok(subscriptionItem && invoicePayment && balanceTransaction, 'the account owns an item, an invoice payment and a balance transaction');
  return {
    key,
    stripe,
    customer,
    saved,
    loose,
    product,
    price,
    plan,
    open,
    paid: await stripe.checkout.sessions.retrieve(paid.id),
    setup: await stripe.checkout.sessions.retrieve(setup.id),
    subscribed: await stripe.checkout.sessions.retrieve(subscribed.id),
    clock,
    endpoint,
    receiver,
    event,
    coupon,
    promo,
    taxRate,
    shippingRate,
    registration,
    paymentLink,
    held,
    charge,
    refund,
    setupIntent,
    draft,
    line,
    invoiceItem,
    creditNote,
    taxId,
    portalConfiguration,
    subscriptionItem,
    invoicePayment,
    balanceTransaction,
    customerBalanceTransaction,
    token: await stripe.tokens.create({ card: { number: '4242424242424242', exp_month: '12', exp_year: '34', name: `${who} Cardholder` } }),
    cashBalanceTransaction,
    mandate,
    secrets: [`${who} Portal`, `${who} Extra`, `${who}@${who}.example`, `${who} Secretname`, `${who} Shipto`, `${who} Cardholder`, `${who}ville`, `${who} Product`, `${who} Plan`, `${who} Coupon`, `${who.toUpperCase()}CODE`, `${who} Tax`, `${who} Post`],
  };
}

/** Every route with an id in its path, aimed at an object of `a`, with the params a caller would send. */
function attacks(a: Owned, b: Owned): Record<string, { ids: string[]; body?: Record<string, string>; query?: string }> {
  const pi = a.paid.payment_intent as string;
  return {
    'GET /v1/customers/:id': { ids: [a.customer.id], query: 'expand[]=invoice_settings.default_payment_method' },
    'POST /v1/customers/:id': { ids: [a.customer.id], body: { name: 'Mallory' } },
    'DELETE /v1/customers/:id': { ids: [a.customer.id] },
    'DELETE /v1/customers/:id/discount': { ids: [a.customer.id] },
    'GET /v1/payment_methods/:id': { ids: [a.saved.id], query: 'expand[]=customer' },
    'POST /v1/payment_methods/:id': { ids: [a.saved.id], body: { 'metadata[x]': '1' } },
    'POST /v1/payment_methods/:id/attach': { ids: [a.loose.id], body: { customer: b.customer.id } },
    'POST /v1/payment_methods/:id/detach': { ids: [a.saved.id] },
    'GET /v1/customers/:customer/payment_methods': { ids: [a.customer.id] },
    'GET /v1/customers/:customer/payment_methods/:id': { ids: [a.customer.id, a.saved.id] },
    'GET /v1/products/:id': { ids: [a.product.id] },
    'POST /v1/products/:id': { ids: [a.product.id], body: { name: 'Mallory' } },
    'DELETE /v1/products/:id': { ids: [a.product.id] },
    'GET /v1/prices/:id': { ids: [a.price.id], query: 'expand[]=product' },
    'POST /v1/prices/:id': { ids: [a.price.id], body: { active: 'false' } },
    'GET /v1/checkout/sessions/:id': { ids: [a.open.id], query: 'expand[]=customer&expand[]=line_items' },
    'POST /v1/checkout/sessions/:id': { ids: [a.open.id], body: { 'metadata[x]': '1' } },
    'POST /v1/checkout/sessions/:id/expire': { ids: [a.open.id] },
    'GET /v1/checkout/sessions/:id/line_items': { ids: [a.open.id] },
    'GET /v1/checkout/sessions/:id/prefill_explanation': { ids: [a.open.id] },
    'GET /v1/payment_pages/:id': { ids: [a.open.id] },
    'POST /v1/payment_pages/:id/confirm': { ids: [a.open.id], body: { payment_method: 'pm_card_visa', expected_amount: '1500' } },
    'GET /v1/payment_pages/:id/checkout': { ids: [a.open.id] },
    'POST /v1/payment_pages/:id/checkout': { ids: [a.open.id], body: { email: 'mallory@example.com' } },
    'GET /v1/tokens/:id': { ids: [a.token.id] },
    'GET /v1/payment_intents/:id': { ids: [pi], query: 'expand[]=payment_method&expand[]=customer' },
    'GET /v1/setup_intents/:id': { ids: [a.setup.setup_intent as string] },
    'GET /v1/subscriptions/:id': { ids: [a.subscribed.subscription as string] },
    'GET /v1/invoices/:id': { ids: [a.subscribed.invoice as string] },
    'GET /v1/test_helpers/test_clocks/:id': { ids: [a.clock.id] },
    'POST /v1/test_helpers/test_clocks/:id/advance': { ids: [a.clock.id], body: { frozen_time: String(a.clock.frozen_time + 3600) } },
    'DELETE /v1/test_helpers/test_clocks/:id': { ids: [a.clock.id] },
    'GET /v1/events/:id': { ids: [a.event.id] },
    'POST /v1/events/:id/retry': { ids: [a.event.id], body: { webhook_endpoint: b.endpoint.id } },
    'GET /v1/webhook_endpoints/:id': { ids: [a.endpoint.id] },
    'POST /v1/webhook_endpoints/:id': { ids: [a.endpoint.id], body: { url: 'https://evil.example/hook' } },
    'DELETE /v1/webhook_endpoints/:id': { ids: [a.endpoint.id] },
    'GET /v1/coupons/:id': { ids: [a.coupon.id] },
    'POST /v1/coupons/:id': { ids: [a.coupon.id], body: { name: 'Mallory' } },
    'DELETE /v1/coupons/:id': { ids: [a.coupon.id] },
    'GET /v1/promotion_codes/:id': { ids: [a.promo.id], query: 'expand[]=promotion.coupon' },
    'POST /v1/promotion_codes/:id': { ids: [a.promo.id], body: { active: 'false' } },
    'GET /v1/tax_rates/:id': { ids: [a.taxRate.id] },
    'POST /v1/tax_rates/:id': { ids: [a.taxRate.id], body: { active: 'false' } },
    'GET /v1/shipping_rates/:id': { ids: [a.shippingRate.id] },
    'POST /v1/shipping_rates/:id': { ids: [a.shippingRate.id], body: { active: 'false' } },
    'GET /v1/tax/registrations/:id': { ids: [a.registration.id] },
    'POST /v1/tax/registrations/:id': { ids: [a.registration.id], body: { expires_at: 'now' } },
    'GET /v1/payment_links/:id': { ids: [a.paymentLink.id] },
    'POST /v1/payment_links/:id': { ids: [a.paymentLink.id], body: { active: 'false' } },
    'GET /v1/payment_links/:id/line_items': { ids: [a.paymentLink.id] },
    'POST /v1/payment_intents/:id': { ids: [a.held.id], body: { description: 'Mallory' } },
    'POST /v1/payment_intents/:id/confirm': { ids: [a.held.id], body: { payment_method: 'pm_card_visa' } },
    'POST /v1/payment_intents/:id/capture': { ids: [a.held.id] },
    'POST /v1/payment_intents/:id/cancel': { ids: [a.held.id] },
    'POST /v1/payment_intents/:id/increment_authorization': { ids: [a.held.id], body: { amount: '3000' } },
    'GET /v1/charges/:id': { ids: [a.charge], query: 'expand[]=payment_intent' },
    'POST /v1/charges/:id': { ids: [a.charge], body: { description: 'Mallory' } },
    'GET /v1/refunds/:id': { ids: [a.refund.id] },
    'POST /v1/refunds/:id': { ids: [a.refund.id], body: { 'metadata[x]': '1' } },
    'POST /v1/refunds/:id/cancel': { ids: [a.refund.id] },
    'POST /v1/setup_intents/:id': { ids: [a.setupIntent.id], body: { description: 'Mallory' } },
    'POST /v1/setup_intents/:id/confirm': { ids: [a.setupIntent.id], body: { payment_method: 'pm_card_visa' } },
    'POST /v1/setup_intents/:id/cancel': { ids: [a.setupIntent.id] },
    'POST /v1/setup_intents/:id/verify_microdeposits': { ids: [a.setupIntent.id], body: { 'amounts[0]': '32', 'amounts[1]': '45' } },
    'POST /v1/subscriptions/:id': { ids: [a.subscribed.subscription as string], body: { 'metadata[x]': '1' } },
    'DELETE /v1/subscriptions/:id/discount': { ids: [a.subscribed.subscription as string] },
    'GET /v1/subscription_items/:id': { ids: [a.subscriptionItem] },
    'POST /v1/subscription_items/:id': { ids: [a.subscriptionItem], body: { quantity: '3' } },
    'DELETE /v1/subscription_items/:id': { ids: [a.subscriptionItem] },
    'GET /v1/invoice_payments/:id': { ids: [a.invoicePayment] },
    'GET /v1/billing_portal/configurations/:id': { ids: [a.portalConfiguration.id] },
    'POST /v1/billing_portal/configurations/:id': { ids: [a.portalConfiguration.id], body: { 'business_profile[headline]': 'Mallory' } },
    'GET /v1/balance_transactions/:id': { ids: [a.balanceTransaction] },
    'GET /v1/balance/history/:id': { ids: [a.balanceTransaction] },
    'POST /v1/payment_intents/:id/verify_microdeposits': { ids: [a.held.id], body: { 'amounts[0]': '32', 'amounts[1]': '45' } },
    'DELETE /v1/subscriptions/:id': { ids: [a.subscribed.subscription as string] },
    'POST /v1/subscriptions/:id/cancel': { ids: [a.subscribed.subscription as string] },
    'POST /v1/subscriptions/:id/resume': { ids: [a.subscribed.subscription as string] },
    'POST /v1/invoices/:id': { ids: [a.draft.id], body: { description: 'Mallory' } },
    'DELETE /v1/invoices/:id': { ids: [a.draft.id] },
    'POST /v1/invoices/:id/finalize': { ids: [a.draft.id] },
    'POST /v1/invoices/:id/pay': { ids: [a.draft.id], body: { paid_out_of_band: 'true' } },
    'POST /v1/invoices/:id/void': { ids: [a.draft.id] },
    'POST /v1/invoices/:id/mark_uncollectible': { ids: [a.draft.id] },
    'POST /v1/invoices/:id/send': { ids: [a.draft.id] },
    'POST /v1/invoices/:id/add_lines': { ids: [a.draft.id], body: { 'lines[0][amount]': '100', 'lines[0][description]': 'Mallory' } },
    'POST /v1/invoices/:id/update_lines': { ids: [a.draft.id], body: { 'lines[0][id]': a.line, 'lines[0][description]': 'Mallory' } },
    'POST /v1/invoices/:id/remove_lines': { ids: [a.draft.id], body: { 'lines[0][id]': a.line, 'lines[0][behavior]': 'delete' } },
    'GET /v1/invoices/:id/lines': { ids: [a.draft.id] },
    'POST /v1/invoices/:id/lines/:line': { ids: [a.draft.id, a.line], body: { description: 'Mallory' } },
    'GET /v1/invoiceitems/:id': { ids: [a.invoiceItem.id] },
    'POST /v1/invoiceitems/:id': { ids: [a.invoiceItem.id], body: { description: 'Mallory' } },
    'DELETE /v1/invoiceitems/:id': { ids: [a.invoiceItem.id] },
    'GET /v1/credit_notes/:id': { ids: [a.creditNote.id] },
    'POST /v1/credit_notes/:id': { ids: [a.creditNote.id], body: { memo: 'Mallory' } },
    'POST /v1/credit_notes/:id/void': { ids: [a.creditNote.id] },
    'GET /v1/credit_notes/:id/lines': { ids: [a.creditNote.id] },
    'GET /v1/tax_ids/:id': { ids: [a.taxId.id] },
    'DELETE /v1/tax_ids/:id': { ids: [a.taxId.id] },
    'POST /v1/customers/:id/tax_ids': { ids: [a.customer.id], body: { type: 'eu_vat', value: 'DE123456789' } },
    'GET /v1/customers/:id/tax_ids': { ids: [a.customer.id] },
    'GET /v1/customers/:id/tax_ids/:tax_id': { ids: [a.customer.id, a.taxId.id] },
    'DELETE /v1/customers/:id/tax_ids/:tax_id': { ids: [a.customer.id, a.taxId.id] },
    'POST /v1/customers/:id/balance_transactions': { ids: [a.customer.id], body: { amount: '-10', currency: 'usd' } },
    'GET /v1/customers/:id/balance_transactions': { ids: [a.customer.id] },
    'GET /v1/customers/:id/balance_transactions/:transaction': { ids: [a.customer.id, a.customerBalanceTransaction] },
    'POST /v1/customers/:id/balance_transactions/:transaction': { ids: [a.customer.id, a.customerBalanceTransaction], body: { description: 'Mallory' } },
    'GET /v1/customers/:id/cash_balance': { ids: [a.customer.id] },
    'POST /v1/customers/:id/cash_balance': { ids: [a.customer.id], body: { 'settings[reconciliation_mode]': 'manual' } },
    'GET /v1/customers/:id/cash_balance_transactions': { ids: [a.customer.id] },
    'GET /v1/customers/:id/cash_balance_transactions/:transaction': { ids: [a.customer.id, a.cashBalanceTransaction] },
    'POST /v1/test_helpers/customers/:id/fund_cash_balance': { ids: [a.customer.id], body: { amount: '100', currency: 'usd' } },
    'GET /v1/mandates/:id': { ids: [a.mandate] },
  };
}

/** What account `a` can see of itself: compared before and after `b` tried everything. */
async function view(a: Owned) {
  const s = a.stripe;
  return {
    customer: await s.customers.retrieve(a.customer.id),
    pms: (await s.customers.listPaymentMethods(a.customer.id)).data.map((p) => p.id),
    loose: await s.paymentMethods.retrieve(a.loose.id),
    product: await s.products.retrieve(a.product.id),
    price: await s.prices.retrieve(a.price.id),
    open: await s.checkout.sessions.retrieve(a.open.id),
    clock: await s.testHelpers.testClocks.retrieve(a.clock.id),
    endpoint: await s.webhookEndpoints.retrieve(a.endpoint.id),
    events: (await s.events.list({ limit: 100 })).data.map((e) => e.id),
    coupon: await s.coupons.retrieve(a.coupon.id),
    promo: await s.promotionCodes.retrieve(a.promo.id),
    taxRate: await s.taxRates.retrieve(a.taxRate.id),
    shippingRate: await s.shippingRates.retrieve(a.shippingRate.id),
    registration: await s.tax.registrations.retrieve(a.registration.id),
    paymentLink: await s.paymentLinks.retrieve(a.paymentLink.id),
    held: await s.paymentIntents.retrieve(a.held.id),
    charge: await s.charges.retrieve(a.charge),
    refund: await s.refunds.retrieve(a.refund.id),
    setupIntent: await s.setupIntents.retrieve(a.setupIntent.id),
    draft: await s.invoices.retrieve(a.draft.id),
    invoiceItem: await s.invoiceItems.retrieve(a.invoiceItem.id),
    creditNote: await s.creditNotes.retrieve(a.creditNote.id),
    taxIds: (await s.customers.listTaxIds(a.customer.id)).data.map((t) => t.id),
    subscription: await s.subscriptions.retrieve(a.subscribed.subscription as string),
  };
}

function assertNoLeak(text: string, a: Owned, what: string): void {
  for (const secret of a.secrets) assert.ok(!text.includes(secret), `${what} leaked ${JSON.stringify(secret)}: ${text.slice(0, 300)}`);
}

for (const store of STORES) {
  describe(`key isolation (${store})`, () => {
    let server: TestServer;
    let a: Owned;
    let b: Owned;
    before(async () => {
      server = await startServer(store, { env: { OPENCHECKOUT_WEBHOOK_RETRY_SCHEDULE: '0.2,0.5,1' } });
      a = await account(server, 'alice', 'tok_visa');
      b = await account(server, 'bob', 'tok_mastercard');
    });
    after(async () => {
      await a.receiver.close();
      await b.receiver.close();
      await server.close();
    });

    it('never lets key B read, change, expire, pay or delete key A’s objects through any route', async () => {
      const table = attacks(a, b);
      const uncovered = routes.filter((r) => r.path.includes(':') && !table[`${r.method} ${r.path}`]).map((r) => `${r.method} ${r.path}`);
      assert.deepEqual(uncovered, [], 'every route that takes an id is tried');
      const before = await view(a);
      for (const [route, attack] of Object.entries(table)) {
        const [method, pattern] = route.split(' ') as [string, string];
        let n = 0;
        const path = pattern.replace(/:[a-z_]+/g, () => encodeURIComponent(attack.ids[n++] as string));
        const body = attack.body ? new URLSearchParams(attack.body).toString() : undefined;
        const res = await raw(server.url, attack.query ? `${path}?${attack.query}` : path, { method, key: b.key, ...(body !== undefined ? { body } : {}) });
        assert.equal(res.status, 404, `${route} as B: ${res.status} ${res.text.slice(0, 200)}`);
        assert.equal((res.body as { error: { code?: string } }).error.code, 'resource_missing', route);
        assertNoLeak(res.text, a, route);
      }
      // B's own customer with A's card id in the path: still A's card, still missing.
      const mixed = await raw(server.url, `/v1/customers/${b.customer.id}/payment_methods/${a.saved.id}`, { key: b.key });
      assert.equal(mixed.status, 404);
      assert.deepEqual(await view(a), before, 'A’s objects and events are untouched');
    });

    it('refuses to let key B build on key A’s ids (customer, price, product, clock, card) and stores nothing for it', async () => {
      const base = { mode: 'payment' as const, success_url: 'https://shop.example/ok' };
      const countBefore = (await b.stripe.checkout.sessions.list({ limit: 100 })).data.length;
      const tries: Array<[string, () => Promise<unknown>]> = [
        ['session for A’s customer', () => b.stripe.checkout.sessions.create({ ...base, customer: a.customer.id, line_items: [{ price: b.price.id, quantity: 1 }] })],
        ['session with A’s price', () => b.stripe.checkout.sessions.create({ ...base, line_items: [{ price: a.price.id, quantity: 1 }] })],
        ['price on A’s product', () => b.stripe.prices.create({ currency: 'usd', unit_amount: 1, product: a.product.id })],
        ['customer on A’s clock', () => b.stripe.customers.create({ test_clock: a.clock.id })],
        ['A’s card as default', () => b.stripe.customers.update(b.customer.id, { invoice_settings: { default_payment_method: a.saved.id } })],
        ['customer with A’s card', () => b.stripe.customers.create({ payment_method: a.loose.id })],
      ];
      for (const [what, attempt] of tries) {
        await assert.rejects(attempt(), (e: Stripe.errors.StripeError) => e.statusCode === 404 || e.statusCode === 400, what);
      }
      assert.equal((await b.stripe.checkout.sessions.list({ limit: 100 })).data.length, countBefore);
      assert.equal((await b.stripe.customers.retrieve(b.customer.id) as Stripe.Customer).invoice_settings.default_payment_method, null);
    });

    it('lists and expands only key B’s own objects, whatever filter names A’s', async () => {
      const paths = [
        `/v1/checkout/sessions?customer=${a.customer.id}&limit=100`,
        `/v1/checkout/sessions?limit=100&expand[]=data.customer&expand[]=data.payment_intent`,
        `/v1/payment_intents?customer=${a.customer.id}`,
        `/v1/payment_intents?limit=100&expand[]=data.customer&expand[]=data.payment_method`,
        `/v1/payment_methods?customer=${a.customer.id}`,
        `/v1/customers?email=${encodeURIComponent(a.customer.email as string)}`,
        `/v1/customers?limit=100`,
        `/v1/events?limit=100`,
        `/v1/subscriptions?customer=${a.customer.id}`,
        `/v1/invoices?customer=${a.customer.id}`,
        `/v1/setup_intents?customer=${a.customer.id}`,
        `/v1/products?limit=100`,
        `/v1/prices?limit=100&expand[]=data.product`,
        `/v1/webhook_endpoints`,
        `/v1/test_helpers/test_clocks`,
      ];
      for (const path of paths) {
        const res = await raw(server.url, path, { key: b.key });
        assert.ok(res.status === 200 || res.status === 404, res.text.slice(0, 200));
        assertNoLeak(res.text, a, path);
        // A 404 names the id it was asked about; nothing else of A's may appear.
        for (const id of [a.customer.id, a.saved.id, a.open.id, a.paid.id, a.product.id, a.clock.id, a.endpoint.id, a.event.id]) {
          if (!path.includes(id)) assert.ok(!res.text.includes(id), `${path} as B names A's ${id}`);
        }
        if (res.status === 200) assert.ok((res.body as { data: unknown[] }).data.every((o) => !JSON.stringify(o).includes(a.customer.id)), path);
      }
      const own = await b.stripe.checkout.sessions.retrieve(b.paid.id, { expand: ['customer', 'payment_intent.payment_method'] });
      assert.equal((own.customer as Stripe.Customer).email, 'bob@bob.example');
    });

    it('searches only key B’s own objects, whatever the query names of A’s or whichever page token it carries', async () => {
      const q = (resource: string, query: string, extra = '') => `/v1/${resource}/search?query=${encodeURIComponent(query)}${extra}`;
      const named = [
        q('customers', `email:'${a.customer.email as string}'`),
        q('customers', `name~"alice"`),
        q('payment_intents', `customer:'${a.customer.id}'`),
        q('charges', `customer:'${a.customer.id}'`),
        q('invoices', `customer:'${a.customer.id}'`),
        q('products', `name~"alice"`),
        q('prices', `product:'${a.product.id}'`),
      ];
      for (const path of named) {
        const res = await raw(server.url, path, { key: b.key });
        assert.equal(res.status, 200, res.text.slice(0, 200));
        assert.deepEqual((res.body as { data: unknown[] }).data, [], path);
      }
      // Broad queries: exactly B's own objects, counted without A's; expansions stay in B's account.
      const broad: Array<[string, string, () => Promise<{ data: Array<{ id: string }> }>]> = [
        ['customers', 'created>0', () => b.stripe.customers.list({ limit: 100 })],
        ['payment_intents', 'created>0', () => b.stripe.paymentIntents.list({ limit: 100 })],
        ['charges', 'created>0', () => b.stripe.charges.list({ limit: 100 })],
        ['invoices', 'created>0', () => b.stripe.invoices.list({ limit: 100 })],
        ['subscriptions', 'created>0', () => b.stripe.subscriptions.list({ limit: 100, status: 'all' })],
        ['prices', 'active:"true" OR active:"false"', () => b.stripe.prices.list({ limit: 100 })],
        ['products', 'active:"true" OR active:"false"', () => b.stripe.products.list({ limit: 100 })],
      ];
      for (const [resource, query, list] of broad) {
        const expandCustomer = ['payment_intents', 'invoices', 'subscriptions'].includes(resource) ? '&expand[]=data.customer' : '';
        const res = await raw(server.url, q(resource, query, `&limit=100&expand[]=total_count${expandCustomer}`), { key: b.key });
        assert.equal(res.status, 200, `${resource}: ${res.text.slice(0, 200)}`);
        const body = res.body as { data: Array<{ id: string }>; total_count: number };
        const own = (await list()).data.map((o) => o.id);
        assert.deepEqual(body.data.map((o) => o.id), own, `${resource} search finds B's own objects, newest first`);
        assert.equal(body.total_count, own.length, resource);
        assertNoLeak(res.text, a, resource);
        for (const id of [a.customer.id, a.product.id, a.price.id, a.charge, a.held.id, a.draft.id]) assert.ok(!res.text.includes(id), `${resource} search as B names A's ${id}`);
      }
      // A's next_page in B's request continues B's own results, never A's.
      const aPage = await a.stripe.paymentIntents.search({ query: 'created>0', limit: 1 });
      assert.ok(aPage.next_page);
      const res = await raw(server.url, q('payment_intents', 'created>0', `&page=${encodeURIComponent(aPage.next_page as string)}`), { key: b.key });
      assert.equal(res.status, 200);
      assertNoLeak(res.text, a, 'search with A’s page');
      for (const pi of (res.body as { data: Array<{ id: string }> }).data) assert.notEqual(pi.id, a.held.id);
      assert.ok(!res.text.includes(a.customer.id));
    });

    it('shows a buyer on B’s hosted page only B’s customer, and refuses A’s saved card and A’s token there', async () => {
      const aPayments = (await a.stripe.paymentIntents.list({ limit: 100 })).data.length;
      const page = await fetch(b.open.url as string);
      const html = await page.text();
      assert.ok(html.includes('bob@bob.example') && html.includes('bob Shipto') && html.includes(b.saved.card?.last4 as string), 'B’s customer is prefilled');
      assertNoLeak(html, a, 'B’s page');
      assert.ok(!html.includes(a.saved.id) && !html.includes(a.customer.id));
      const token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] as string;
      const aToken = /name="csrf_token" value="([^"]+)"/.exec(await (await fetch(a.open.url as string)).text())?.[1] as string;
      const post = async (fields: Record<string, string>) => {
        const res = await fetch(b.open.url as string, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
        return { status: res.status, html: await res.text() };
      };
      const shipping = { shippingName: 'Bob', shippingCountry: 'US', shippingAddressLine1: '1 St', shippingLocality: 'Town', shippingAdministrativeArea: 'CA', shippingPostalCode: '94102' };
      const withA = await post({ csrf_token: token, ...BUYER, ...shipping, paymentMethod: a.saved.id });
      assert.equal(withA.status, 400, 'A’s saved card is refused on B’s page');
      assertNoLeak(withA.html, a, 'refusal');
      assert.equal((await post({ csrf_token: aToken, ...BUYER, ...shipping, ...CARD_4242 })).status, 403, 'A’s page token does not open B’s form');
      assert.equal((await b.stripe.checkout.sessions.retrieve(b.open.id)).status, 'open');
      assert.equal((await a.stripe.paymentIntents.list({ limit: 100 })).data.length, aPayments, 'no payment on A’s side');
    });

    it('delivers A’s events only to A’s endpoint and B’s only to B’s', async () => {
      const [aEvents, bEvents] = await Promise.all([a.stripe.events.list({ limit: 100 }), b.stripe.events.list({ limit: 100 })]);
      const aIds = new Set(aEvents.data.map((e) => e.id));
      const bIds = new Set(bEvents.data.map((e) => e.id));
      await waitFor(() => [...aIds].every((id) => a.receiver.eventIds().includes(id)) && [...bIds].every((id) => b.receiver.eventIds().includes(id)), 15_000, 'deliveries');
      assert.ok(a.receiver.eventIds().every((id) => aIds.has(id)), 'A’s receiver got only A’s events');
      assert.ok(b.receiver.eventIds().every((id) => bIds.has(id)), 'B’s receiver got only B’s events');
      for (const r of a.receiver.received) assertNoLeak(r.body, b, 'A’s webhook');
      for (const r of b.receiver.received) assertNoLeak(r.body, a, 'B’s webhook');
      // Each delivery verifies with its own endpoint's secret only.
      const sdk = new Stripe('sk_test_x');
      const one = a.receiver.received[0];
      assert.ok(one);
      assert.throws(() => sdk.webhooks.constructEvent(one.body, one.headers['stripe-signature'] as string, b.endpoint.secret as string));
      assert.equal(sdk.webhooks.constructEvent(one.body, one.headers['stripe-signature'] as string, a.endpoint.secret as string).id, JSON.parse(one.body).id);
    });

    it('keeps the admin routes to the calling account: B cannot read A’s delivery attempts, and B’s reset leaves A whole', async () => {
      const attempts = await raw(server.url, `/_admin/events/${a.event.id}/attempts`, { key: b.key });
      assert.equal(attempts.status, 404);
      const before = await view(a);
      const reset = await raw(server.url, '/_admin/reset', { method: 'POST', key: b.key });
      assert.equal(reset.status, 200);
      await assert.rejects(b.stripe.checkout.sessions.retrieve(b.open.id), (e: Stripe.errors.StripeError) => e.statusCode === 404, 'B’s own data is gone');
      const afterReset = await view(a);
      assert.deepEqual({ ...afterReset, events: afterReset.events.slice(-before.events.length) }, before, 'A is untouched');
    });
  });
}
