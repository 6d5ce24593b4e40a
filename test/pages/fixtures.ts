/**
 * Sessions and saved cards written straight through the store, for page tests that do not need
 * the whole Checkout API (rendering, headers, escaping). Browser suites create data with the SDK.
 */
import { accountForKey } from '../../src/api/auth.js';
import { newSessionId } from '../../src/api/ids.js';
import type { SavedPaymentMethod } from '../../src/checkout/prefill.js';
import type { LineItem, StoredSession } from '../../src/resources/checkout-sessions/shape.js';
import { sessionColumns, sessions } from '../../src/resources/checkout-sessions/store.js';
import type { TestServer } from '../helpers/server.js';

const EMPTY = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };

export function lineItem(description: string, unitAmount: number, quantity: number, currency = 'usd'): LineItem {
  return {
    id: `li_${Math.random().toString(36).slice(2, 14)}`,
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: unitAmount * quantity,
    amount_tax: 0,
    amount_total: unitAmount * quantity,
    currency,
    description,
    metadata: {},
    price: { id: 'price_x', object: 'price', unit_amount: unitAmount, currency, recurring: null, type: 'one_time' },
    quantity,
  };
}

/** A complete stored session (open, payment mode) with the given fields changed. */
export function sessionFixture(over: Partial<StoredSession> = {}, now = Math.floor(Date.now() / 1000)): StoredSession {
  const id = newSessionId();
  return {
    id,
    object: 'checkout.session',
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: ['card'],
    amount_subtotal: 0,
    amount_total: 0,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: 'https://shop.example/cart',
    client_reference_id: null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency: 'usd',
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: null,
    customer_account: null,
    customer_creation: null,
    customer_details: null,
    customer_email: null,
    discounts: [],
    expires_at: now + 86400,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: {},
    mode: 'payment',
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: { allow_redisplay_filters: ['always'], payment_method_remove: null, payment_method_save: null },
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: 'https://shop.example/success?session_id={CHECKOUT_SESSION_ID}',
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted_page',
    url: `http://localhost/c/pay/${id}`,
    wallet_options: null,
    _internal: {
      payment_intent_data: { setup_future_usage: null, metadata: {}, description: null },
      subscription_data: { metadata: {}, description: null },
      setup_intent_data: { metadata: {}, description: null },
      payment_method_data: { allow_redisplay: null },
      test_clock: null,
    },
    ...over,
  };
}

/** Writes a session and its line items into the account of `key`; returns the stored session. */
export async function insertSession(server: TestServer, key: string, s: StoredSession, items: LineItem[] = []): Promise<StoredSession> {
  const total = items.reduce((n, i) => n + i.amount_total, 0);
  const stored = items.length ? { ...s, amount_subtotal: total, amount_total: total, currency: items[0]?.currency ?? s.currency } : s;
  await sessions.insert(server.app.deps.store.db, accountForKey(key), stored, { ...sessionColumns(stored), line_items: JSON.stringify(items) });
  return stored;
}

/** A saved card attached to a customer, written straight into payment_methods. */
export async function insertCard(
  server: TestServer,
  key: string,
  customer: string,
  over: Partial<SavedPaymentMethod> = {},
  details: Partial<SavedPaymentMethod['billing_details']> = {},
): Promise<SavedPaymentMethod> {
  const pm: SavedPaymentMethod = {
    id: `pm_${Math.random().toString(36).slice(2, 14)}${Date.now()}`,
    type: 'card',
    created: Math.floor(Date.now() / 1000) - 60,
    allow_redisplay: 'always',
    billing_details: {
      email: 'jenny@example.com',
      name: 'Jenny Rosen',
      address: { ...EMPTY, line1: '1 Main St', city: 'Springfield', state: 'CA', postal_code: '94102', country: 'US' },
      ...details,
    },
    card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034 },
    ...over,
  };
  await server.app.deps.store.db
    .insertInto('payment_methods')
    .values({
      account_id: accountForKey(key),
      id: pm.id,
      created: pm.created,
      data: JSON.stringify({ object: 'payment_method', customer, ...pm }),
      customer_id: customer,
      type: pm.type,
      allow_redisplay: pm.allow_redisplay,
    })
    .execute();
  return pm;
}
