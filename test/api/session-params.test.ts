import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { BUYER, CARD_4242, payOnHostedPage } from '../../src/cli/page.js';
import { assertMatchesSchema } from '../helpers/contract.js';
import { encodeForm, leavesOf, type Leaf } from '../helpers/param-walk.js';
import { STORES, freshKey, raw, startServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 13: no param of stripe-node's `Checkout.SessionCreateParams` is refused as unknown. The
 * params are read from the SDK's own type definitions, so a stripe-node upgrade that adds one
 * fails here, naming it.
 */
const LEAVES = leavesOf('SessionCreateParams');

const oneTime = { price_data: { currency: 'usd', unit_amount: 2000, product_data: { name: 'T-shirt' } }, quantity: 1 };
const monthly = { price_data: { currency: 'usd', unit_amount: 900, recurring: { interval: 'month' }, product_data: { name: 'Pro plan' } }, quantity: 1 };

/** The smallest valid session of the mode a param belongs to. */
function baseFor(path: string[]): Record<string, unknown> {
  const urls = { success_url: 'https://merchant.example/success' };
  if (path[0] === 'subscription_data') return { mode: 'subscription', line_items: [monthly], ...urls };
  if (path[0] === 'setup_intent_data') return { mode: 'setup', currency: 'usd', ...urls };
  if (path[0] === 'line_items' && path[3] === 'recurring') return { mode: 'subscription', line_items: [monthly], ...urls };
  // Stripe requires fixed_amount for the (only) fixed_amount type, though the types mark it optional.
  if (path[0] === 'shipping_options' && path[2] === 'shipping_rate_data') {
    const rate = { display_name: 'Ground', type: 'fixed_amount', fixed_amount: { amount: 500, currency: 'usd' } };
    return { mode: 'payment', line_items: [oneTime], shipping_options: [{ shipping_rate_data: rate }], ...urls };
  }
  return { mode: 'payment', line_items: [oneTime], ...urls };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `over` laid onto `base`, arrays element by element (the leaf's `line_items[0]` joins the base line). */
function merge(base: unknown, over: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(over)) return base.map((b, i) => (i < over.length ? merge(b, over[i]) : b));
  if (isObject(base) && isObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? merge(base[k], v) : v;
    return out;
  }
  return over;
}

/** The request for one leaf: its mode's base with the leaf (a line item's own price replaces price_data). */
function requestFor(leaf: Leaf): Record<string, unknown> {
  const base = baseFor(leaf.path);
  if (leaf.path[0] === 'line_items' && leaf.path[2] === 'price') return { ...base, line_items: [{ price: 'price_missing', quantity: 1 }] };
  if (leaf.path[0] === 'mode') return base;
  // Values the names alone don't tell: an amount above the minimum charge, a decimal, an expandable field.
  const last = leaf.path.join('.');
  if (last === 'line_items.0.price_data.unit_amount') return merge(base, { line_items: [{ price_data: { unit_amount: 1500 } }] }) as Record<string, unknown>;
  if (last === 'line_items.0.price_data.unit_amount_decimal') return { ...base, line_items: [{ price_data: { currency: 'usd', unit_amount_decimal: '1500.5', product_data: { name: 'T' } }, quantity: 1 }] };
  if (last === 'expand') return { ...base, expand: ['line_items'] };
  return merge(base, leaf.params) as Record<string, unknown>;
}

interface Outcome {
  path: string;
  status: number;
  code?: string;
  param?: string;
  message?: string;
}

for (const store of STORES) {
  describe(`every SessionCreateParams param is known (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    it(`walks ${LEAVES.length} params from stripe-node's types`, () => {
      assert.ok(LEAVES.length > 250, `only ${LEAVES.length} params found: did the walk of Sessions.d.ts break?`);
      for (const p of ['payment_intent_data.transfer_data.destination', 'subscription_data.trial_period_days', 'payment_method_options.card.setup_future_usage']) {
        assert.ok(LEAVES.some((l) => l.path.join('.') === p), `${p} not found by the walk`);
      }
    });

    it('refuses none of them as unknown, and the sessions it creates match Stripe’s schema', async () => {
      const key = freshKey();
      const outcomes: Outcome[] = [];
      const queue = [...LEAVES];
      const mismatched: string[] = [];
      const worker = async () => {
        for (let leaf = queue.shift(); leaf; leaf = queue.shift()) {
          const res = await raw(server.url, '/v1/checkout/sessions', { method: 'POST', key, body: encodeForm(requestFor(leaf)) });
          const error = (res.body as { error?: { code?: string; param?: string; message?: string } }).error;
          if (res.status === 200) {
            try {
              assertMatchesSchema('checkout.session', res.body);
            } catch (e) {
              mismatched.push(`${leaf.path.join('.')}: ${(e as Error).message.split('\n').slice(1, 3).join(' ')}`);
            }
          }
          outcomes.push({ path: leaf.path.join('.'), status: res.status, ...(error ? { code: error.code, param: error.param, message: error.message } : {}) });
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      const unknown = outcomes.filter((o) => o.code === 'parameter_unknown');
      assert.deepEqual(
        unknown.map((o) => `${o.path} (${o.param})`).sort(),
        [],
        `${unknown.length} of ${outcomes.length} params are refused as unknown:\n${unknown.map((o) => `  ${o.path}: ${o.param}`).sort().join('\n')}`,
      );
      assert.equal(mismatched.length, 0, `${mismatched.length} sessions do not match Stripe's schema:\n${mismatched.sort().join('\n')}`);
      // Other refusals are fine (an id that names nothing is a 404, a Connect account a 400 of its own); shown for whoever reads the log.
      const refused = outcomes.filter((o) => o.status !== 200);
      if (process.env.SHOW_REFUSED) for (const o of refused) console.log(`${o.path}: ${o.status} ${o.code ?? ''} ${o.param ?? ''} ${o.message ?? ''}`);
      assert.ok(outcomes.filter((o) => o.status === 200).length > LEAVES.length / 2, `most params should create a session; refused:\n${refused.map((o) => `  ${o.path}: ${o.code} ${o.param}`).join('\n')}`);
    });

    it('returns the params it only stores in Stripe’s Session shape', async () => {
      const stripe = server.stripe();
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [oneTime],
        success_url: 'https://merchant.example/success',
        custom_fields: [{ key: 'engraving', label: { type: 'custom', custom: 'Engraving' }, type: 'text', text: { maximum_length: 20 } }],
        custom_text: { submit: { message: 'Ships in 2 days' } },
        consent_collection: { terms_of_service: 'required' },
        after_expiration: { recovery: { enabled: true } },
        branding_settings: { display_name: 'Shop', button_color: '#112233' },
        payment_method_options: { card: { request_three_d_secure: 'any' } },
        payment_intent_data: { application_fee_amount: 100, transfer_data: { destination: 'acct_123' }, shipping: { name: 'Jenny', address: { line1: '1 Main St', country: 'US' } } },
        invoice_creation: { enabled: true, invoice_data: { footer: 'Thanks', metadata: { po: '7' } } },
        managed_payments: { enabled: true },
        wallet_options: { link: { display: 'never' } },
        tax_id_collection: { enabled: true },
        integration_identifier: 'shop-1',
        origin_context: 'web',
        permissions: { update_shipping_details: 'server_only' },
      });
      assertMatchesSchema('checkout.session', s);
      assert.deepEqual(s.custom_fields[0]?.text, { default_value: null, maximum_length: 20, minimum_length: null, value: null });
      assert.equal(s.custom_fields[0]?.label.custom, 'Engraving');
      assert.deepEqual(s.custom_text.submit, { message: 'Ships in 2 days' });
      assert.equal(s.consent_collection?.terms_of_service, 'required');
      assert.equal(s.after_expiration?.recovery?.enabled, true);
      assert.equal(s.branding_settings?.display_name, 'Shop');
      assert.equal(s.branding_settings?.button_color, '#112233');
      assert.equal(s.payment_method_options?.card?.request_three_d_secure, 'any');
      assert.equal(s.invoice_creation?.invoice_data.footer, 'Thanks');
      assert.deepEqual(s.invoice_creation?.invoice_data.metadata, { po: '7' });
      assert.deepEqual(s.managed_payments, { enabled: true });
      assert.deepEqual(s.wallet_options, { link: { display: 'never' } });
      assert.deepEqual(s.tax_id_collection, { enabled: true, required: 'never' });
      assert.equal(s.integration_identifier, 'shop-1');
      assert.equal(s.origin_context, 'web');
      assert.deepEqual(s.permissions, { update_shipping_details: 'server_only' });
      assert.deepEqual(Object.keys(s).slice(0, 3), ['id', 'object', 'adaptive_pricing']);
      const again = await stripe.checkout.sessions.retrieve(s.id);
      assert.deepEqual(again.custom_fields, s.custom_fields);
    });

    it('validates the stored params as Stripe does', async () => {
      const stripe = server.stripe();
      const base = { mode: 'payment' as const, line_items: [oneTime], success_url: 'https://merchant.example/success' };
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ custom_fields: [{ key: 'k', label: { type: 'custom', custom: 'x' }, type: 'checkbox' }] }, 'custom_fields[0][type]'],
        [{ custom_fields: [{ key: 'k', type: 'text' }] }, 'custom_fields[0][label]'],
        [{ branding_settings: { button_color: 'blue' } }, 'branding_settings[button_color]'],
        [{ payment_method_options: { card: { request_three_d_secure: 'sometimes' } } }, 'payment_method_options[card][request_three_d_secure]'],
        [{ payment_intent_data: { transfer_data: { amount: 5 } } }, 'payment_intent_data[transfer_data][destination]'],
        [{ custom_text: { submit: { message: 'x'.repeat(1201) } } }, 'custom_text[submit][message]'],
      ];
      for (const [extra, param] of cases) {
        const err = await stripe.checkout.sessions.create({ ...base, ...extra } as never).then(() => null, (e: { param?: string; statusCode?: number }) => e);
        assert.equal(err?.statusCode, 400, param);
        assert.equal(err?.param, param);
      }
    });

    it('reads the legacy line item shape (name, amount, currency) as price_data', async () => {
      const body = encodeForm({ mode: 'payment', success_url: 'https://merchant.example/s', line_items: [{ name: 'T-shirt', description: 'Comfortable cotton', amount: 2000, currency: 'usd', quantity: 2 }] });
      const res = await raw(server.url, '/v1/checkout/sessions', { method: 'POST', key: freshKey(), body });
      assert.equal(res.status, 200, res.text);
      const s = res.body as { amount_subtotal: number; currency: string };
      assert.equal(s.amount_subtotal, 4000);
      assert.equal(s.currency, 'usd');
      const missing = await raw(server.url, '/v1/checkout/sessions', { method: 'POST', key: freshKey(), body: encodeForm({ mode: 'payment', line_items: [{ name: 'T', amount: 2000, quantity: 1 }] }) });
      assert.equal((missing.body as { error: { param: string } }).error.param, 'line_items[0][currency]');
    });

    it('puts payment_intent_data[shipping] on the PaymentIntent the payment creates', async () => {
      const stripe = server.stripe();
      const s = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [oneTime],
        success_url: 'https://merchant.example/success',
        payment_intent_data: { shipping: { name: 'Jenny Rosen', carrier: 'UPS', address: { line1: '1 Main St', city: 'Austin', state: 'TX', postal_code: '78701', country: 'US' } } },
      });
      await payOnHostedPage(s.url as string, { ...BUYER, ...CARD_4242 });
      const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['payment_intent'] });
      const pi = done.payment_intent as Stripe.PaymentIntent;
      assert.equal(pi.shipping?.name, 'Jenny Rosen');
      assert.deepEqual(pi.shipping?.address, { city: 'Austin', country: 'US', line1: '1 Main St', line2: null, postal_code: '78701', state: 'TX' });
    });

    it('keeps the 400 for params Stripe does not know either', async () => {
      const body = encodeForm({ ...baseFor([]), not_a_param: 'x', payment_intent_data: { not_a_param: 'x' } });
      const res = await raw(server.url, '/v1/checkout/sessions', { method: 'POST', key: freshKey(), body });
      assert.equal(res.status, 400);
      assert.equal((res.body as { error: { code: string } }).error.code, 'parameter_unknown');
      for (const nested of [{ payment_intent_data: { nope: 1 } }, { subscription_data: { nope: 1 } }, { payment_method_options: { card: { nope: 1 } } }, { payment_method_options: { nope: { x: 1 } } }]) {
        const r = await raw(server.url, '/v1/checkout/sessions', { method: 'POST', key: freshKey(), body: encodeForm({ ...baseFor([]), ...nested }) });
        assert.equal((r.body as { error: { code: string } }).error.code, 'parameter_unknown', JSON.stringify(nested));
      }
    });
  });
}
