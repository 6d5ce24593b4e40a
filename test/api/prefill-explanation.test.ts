/**
 * `GET /v1/checkout/sessions/:id/prefill_explanation`, an OpenCheckout extension
 * (docs/decisions.md#prefill-explanation): the prefill rules' decision card by card, over HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { freshKey, raw, STORES, startServer, type TestServer } from '../helpers/server.js';

const US = { line1: '1 Main St', city: 'Springfield', state: 'CA', postal_code: '94102', country: 'US' };

interface Explanation {
  object: string;
  checkout_session: string;
  customer: string | null;
  evaluated_at: number;
  prefill_window_ends_at: number;
  prefilled_payment_method: string | null;
  session_rules: Array<{ rule: string; description: string; passed: boolean }>;
  payment_methods: Array<{ id: string; type: string; outcome: string; rule: string | null; description: string | null; missing_billing_details: string[]; card: { last4: string } | null }>;
}

for (const store of STORES) {
  describe(`prefill explanation (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(store);
    });
    after(() => server.close());

    async function saved(stripe: Stripe, customer: string, extra: Partial<Stripe.PaymentMethodCreateParams> = {}, token = 'tok_visa'): Promise<Stripe.PaymentMethod> {
      const pm = await stripe.paymentMethods.create({
        type: 'card',
        card: { token },
        allow_redisplay: 'always',
        billing_details: { name: 'Jenny Rosen', email: 'jenny@example.com', address: US },
        ...extra,
      } as Stripe.PaymentMethodCreateParams);
      return stripe.paymentMethods.attach(pm.id, { customer });
    }

    function session(stripe: Stripe, params: Partial<Stripe.Checkout.SessionCreateParams>): Promise<Stripe.Checkout.Session> {
      return stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price_data: { currency: 'usd', unit_amount: 2000, product_data: { name: 'T-shirt' } }, quantity: 1 }],
        success_url: 'https://example.com/ok',
        ...params,
      });
    }

    const explain = async (stripe: Stripe, id: string) => (await stripe.rawRequest('GET', `/v1/checkout/sessions/${id}/prefill_explanation`)) as unknown as Explanation;

    it('names the prefilled card and, for every other card, the rule that excluded it', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'jenny@example.com' });
      const ok = await saved(stripe, customer.id);
      const limited = await saved(stripe, customer.id, { allow_redisplay: 'limited' }, 'tok_mastercard');
      const noPostal = await saved(stripe, customer.id, { billing_details: { name: 'Jenny Rosen', email: 'jenny@example.com', address: { country: 'US', line1: '1 Main St' } } });
      const s = await session(stripe, { customer: customer.id });
      const e = await explain(stripe, s.id);
      assert.equal(e.object, 'checkout.session.prefill_explanation');
      assert.equal(e.checkout_session, s.id);
      assert.equal(e.customer, customer.id);
      assert.equal(e.prefilled_payment_method, ok.id);
      assert.equal(e.prefill_window_ends_at, s.created + 30 * 60);
      assert.ok(e.session_rules.every((r) => r.passed));
      const byId = new Map(e.payment_methods.map((p) => [p.id, p]));
      assert.equal(byId.get(ok.id)?.outcome, 'prefilled');
      assert.equal(byId.get(limited.id)?.outcome, 'excluded');
      assert.equal(byId.get(limited.id)?.rule, 'redisplay_allowed');
      assert.equal(byId.get(noPostal.id)?.rule, 'billing_details_complete');
      assert.deepEqual(byId.get(noPostal.id)?.missing_billing_details, ['address.postal_code']);
      assert.match(byId.get(noPostal.id)?.description ?? '', /billing_address_collection/);
    });

    it('excludes every card by the failed session rule (setup mode)', async () => {
      const stripe = server.stripe();
      const customer = await stripe.customers.create({ email: 'jenny@example.com' });
      await saved(stripe, customer.id);
      const s = await stripe.checkout.sessions.create({ mode: 'setup', currency: 'usd', customer: customer.id, success_url: 'https://example.com/ok' });
      const e = await explain(stripe, s.id);
      assert.equal(e.prefilled_payment_method, null);
      assert.equal(e.session_rules.find((r) => r.rule === 'mode_payment_or_subscription')?.passed, false);
      assert.deepEqual(e.payment_methods.map((p) => [p.outcome, p.rule]), [['excluded', 'mode_payment_or_subscription']]);
    });

    it('explains a session without a customer, and agrees with a session that has none', async () => {
      const stripe = server.stripe();
      const s = await session(stripe, {});
      const e = await explain(stripe, s.id);
      assert.equal(e.customer, null);
      assert.equal(e.session_rules.find((r) => r.rule === 'has_customer')?.passed, false);
      assert.deepEqual(e.payment_methods, []);
    });

    it('answers 404 for another account’s session and refuses params', async () => {
      const key = freshKey();
      const mine = server.stripe(key);
      const s = await session(mine, {});
      const other = server.stripe();
      await assert.rejects(other.rawRequest('GET', `/v1/checkout/sessions/${s.id}/prefill_explanation`), { statusCode: 404, code: 'resource_missing' });
      const withParam = await raw(server.url, `/v1/checkout/sessions/${s.id}/prefill_explanation?foo=1`, { key });
      assert.equal(withParam.status, 400);
      assert.equal((withParam.body as { error: { code: string } }).error.code, 'parameter_unknown');
    });
  });
}
