import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type Stripe from 'stripe';
import { STORES, freshKey, httpRequest, startServer, type HttpAnswer, type TestServer } from '../helpers/server.js';
import { rowCounter } from './snapshot.js';

/**
 * Property-based fuzzing of the hosted page's form post (POST /c/pay/:id): random and hostile
 * fields, encodings and CSRF tokens against sessions of every mode and both accounts.
 * Properties: never a 5xx; always an HTML page under the strict CSP; a post without the session's
 * own token is refused and stores nothing at all; hostile markup is never reflected raw; a typed
 * card number is never echoed. Deterministic: FUZZ_SEED and FUZZ_RUNS (per store), as test/api/fuzz.test.ts.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const SEED = Number(process.env.FUZZ_SEED ?? 20260611);
const stores = STORES.filter((s) => !process.env.FUZZ_STORES || process.env.FUZZ_STORES.split(',').includes(s));
/** Business time stands still: no session expires and no settlement runs while the fuzzer compares snapshots. */
const FROZEN = Date.now();

const FIELDS = [
  'email', 'phoneNumber', 'paymentMethod', 'cardNumber', 'cardExpiry', 'cardCvc', 'savePaymentMethod',
  'billingName', 'billingCountry', 'billingPostalCode', 'billingAddressLine1', 'billingAddressLine2', 'billingLocality', 'billingAdministrativeArea',
  'shippingName', 'shippingCountry', 'shippingPostalCode', 'shippingAddressLine1', 'shippingAddressLine2', 'shippingLocality', 'shippingAdministrativeArea',
  'routingNumber', 'accountNumber', 'accountHolderName', 'accountHolderType', 'csrf_token', '__proto__', 'constructor', '',
];
const MARKUP = Array.from({ length: 6 }, (_, i) => [`<script>fz${i}()</script>`, `"><img src=x onerror=fz${i}>`, `'><svg/onload=fz${i}>`]).flat();
const CARDS = ['4242424242424242', '4242 4242 4242 4242', '4000000000000002', '4000000000009995', '4000000000000127', '4000000000000069', '4000000000000341', '378282246310005', '4242424242424241', '4000002500003155'];
const VALUES = [
  '', ' ', 'US', 'CA', 'GB', 'DE', 'JP', 'XX', 'us', '94102', 'A1B 2C3', 'CA', 'NY', 'card', 'us_bank_account', 'pm_card_visa', 'pm_', 'on', 'true', 'company',
  '110000000', '000123456789', '000111111116', '000000004954', '12 / 34', '1234', '12/2034', '13/34', '00/00', '12 / 20', '123', '1234', '12', 'jenny@example.com',
  'not-an-email', 'a@b', 'Jenny Rosen', '1 Main St', 'Springfield', '\u0000', 'a\u0000b', '\ufeff', '\u202e', '%', '%00', '&', '=', '+', 'é', '🚀',
  'a'.repeat(499), 'a'.repeat(501), '9'.repeat(19), '9'.repeat(20), '1'.repeat(600),
];

/** Digits the page itself shows as input placeholders. */
const PLACEHOLDERS = ['1234123412341234', '000123456789', '110000000', '2015550123'];

const BUYER: Record<string, string> = { email: 'fuzz@example.com', billingName: 'Fuzz Buyer', billingCountry: 'US', billingPostalCode: '94102', billingAddressLine1: '1 Main St', billingLocality: 'Springfield', billingAdministrativeArea: 'CA' };
const SHIP: Record<string, string> = { shippingName: 'Fuzz Buyer', shippingCountry: 'US', shippingAddressLine1: '1 Main St', shippingLocality: 'Springfield', shippingAdministrativeArea: 'CA', shippingPostalCode: '94102' };
const TEMPLATES: Array<Record<string, string>> = [
  { ...BUYER, ...SHIP, paymentMethod: 'card', cardNumber: '4242 4242 4242 4242', cardExpiry: '12 / 34', cardCvc: '123' },
  { ...BUYER, ...SHIP, paymentMethod: 'card', cardNumber: '4000000000000002', cardExpiry: '1234', cardCvc: '123', savePaymentMethod: 'on' },
  { ...BUYER, ...SHIP, paymentMethod: 'us_bank_account', routingNumber: '110000000', accountNumber: '000123456789', accountHolderName: 'Fuzz', accountHolderType: 'individual' },
  { ...BUYER, ...SHIP, paymentMethod: 'SAVED' },
  { ...BUYER, ...SHIP, paymentMethod: 'OTHER_SAVED' },
  {},
];

/** One session the fuzzer posts to: kept open (replaced once paid), with its page's token. */
interface Slot {
  name: string;
  id: string;
  token: string;
  /** The saved card of the session's customer, if it has one. */
  saved?: string | undefined;
  make: () => Promise<{ session: Stripe.Checkout.Session; saved?: string }>;
}

const csrf = fc.oneof(
  { weight: 10, arbitrary: fc.constant<{ kind: string; value?: string }>({ kind: 'valid' }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'other' }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'missing' }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'twice' }) },
  { weight: 2, arbitrary: fc.nat({ max: 42 }).map((i) => ({ kind: 'flipped', value: String(i) })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((value) => ({ kind: 'random', value })) },
);
const value = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...VALUES) },
  { weight: 3, arbitrary: fc.constantFrom(...MARKUP) },
  { weight: 3, arbitrary: fc.constantFrom(...CARDS) },
  { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9 ]{0,24}$/) },
);
const name = fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...FIELDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const fuzzCase = fc.record({
  target: fc.oneof(
    { weight: 12, arbitrary: fc.nat({ max: 99 }).map((n) => ({ slot: n })) },
    { weight: 1, arbitrary: fc.constantFrom('complete', 'expired').map((closed) => ({ closed })) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom('cs_test_', 'cs_test_' + 'a'.repeat(60), '..', '%2e%2e', '%00', 'x'.repeat(300), 'cs_live_abc'), fc.string({ maxLength: 20 }).map(encodeURIComponent)).map((id) => ({ id })) },
  ),
  template: fc.nat({ max: TEMPLATES.length - 1 }),
  drop: fc.array(fc.constantFrom(...FIELDS), { maxLength: 4 }),
  set: fc.array(fc.tuple(name, value), { maxLength: 5 }),
  csrf,
  encoding: fc.oneof(
    { weight: 20, arbitrary: fc.constant('proper') },
    { weight: 2, arbitrary: fc.constant('raw') },
    { weight: 2, arbitrary: fc.constant('mangled') },
    { weight: 1, arbitrary: fc.constant('bytes') },
    { weight: 1, arbitrary: fc.constant('huge') },
  ),
  bytes: fc.uint8Array({ maxLength: 80 }),
  contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', undefined, 'text/plain', 'multipart/form-data; boundary=x', 'application/json'),
});
type FuzzCase = typeof fuzzCase extends fc.Arbitrary<infer T> ? T : never;

const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });

function send(base: URL, path: string, body: Buffer, contentType: string | undefined): Promise<HttpAnswer> {
  const headers: Record<string, string> = { 'content-length': String(body.length) };
  if (contentType) headers['content-type'] = contentType;
  return httpRequest(base, agent, { path, method: 'POST', headers, body });
}

/** Lone surrogates (which encodeURIComponent refuses) become U+FFFD; the raw encoding still sends them. */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

const MANGLES = ['%', '%Z', '%E2%82', '%00', '%FF', '%C3%28', '%ED%A0%80', '&&', '=='];

function encode(pairs: Array<[string, string]>, how: string, bytes: Uint8Array): Buffer {
  if (how === 'bytes') return Buffer.from(bytes);
  if (how === 'huge') return Buffer.from(new URLSearchParams(pairs).toString() + '&pad=' + 'x'.repeat(70 * 1024));
  if (how === 'raw') return Buffer.from(pairs.map(([k, v]) => `${k}=${v}`).join('&'), 'utf8');
  const proper = pairs.map(([k, v]) => `${encodeURIComponent(wellFormed(k))}=${encodeURIComponent(wellFormed(v))}`);
  // Broken escapes next to the fields, never inside the token (a broken token is its own case).
  if (how === 'mangled') return Buffer.from(proper.map((p, i) => (i % 2 && !p.startsWith('csrf_token=') ? p + MANGLES[i % MANGLES.length] : p)).join('&'));
  return Buffer.from(proper.join('&'));
}

for (const store of stores) {
  describe(`fuzz: the hosted page's form post, hostile input (${store})`, () => {
    let server: TestServer;
    let slots: Slot[] = [];
    const closed: Record<string, { id: string; token: string }> = {};
    let otherSaved = '';

    async function tokenOf(id: string): Promise<string> {
      const html = await (await fetch(`${server.url}/c/pay/${id}`)).text();
      const t = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
      assert.ok(t, `the page of ${id} has a form`);
      return t;
    }

    async function slot(name: string, make: Slot['make']): Promise<Slot> {
      const { session, saved } = await make();
      return { name, id: session.id, token: await tokenOf(session.id), saved, make };
    }

    before(async () => {
      server = await startServer(store, { clock: { now: () => FROZEN } });
      const a = server.stripe(freshKey());
      const b = server.stripe(freshKey());
      const price = await a.prices.create({ currency: 'usd', unit_amount: 1999, product_data: { name: 'Fuzz' } });
      const plan = await a.prices.create({ currency: 'usd', unit_amount: 500, recurring: { interval: 'month' }, product_data: { name: 'Plan' } });
      const bPrice = await b.prices.create({ currency: 'usd', unit_amount: 700, product_data: { name: 'Other' } });
      // A new customer with a saved card for every session: payments that save cards would
      // otherwise pile thousands onto one customer, and the page lists a customer's cards.
      const withCustomer = async (make: (customer: string) => Promise<Stripe.Checkout.Session>) => {
        const customer = await a.customers.create({ email: 'jenny@example.com', name: 'Jenny', shipping: { name: 'Jenny', address: { line1: '1 Main', city: 'SF', state: 'CA', postal_code: '94102', country: 'US' } } });
        const pm = await a.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' }, allow_redisplay: 'always', billing_details: { name: 'Jenny', email: 'jenny@example.com', address: { country: 'US', postal_code: '94102' } } } as Stripe.PaymentMethodCreateParams);
        await a.paymentMethods.attach(pm.id, { customer: customer.id });
        return { session: await make(customer.id), saved: pm.id };
      };
      const bCustomer = await b.customers.create({ email: 'bob@example.com' });
      const bPm = await b.paymentMethods.create({ type: 'card', card: { token: 'tok_mastercard' }, allow_redisplay: 'always' });
      await b.paymentMethods.attach(bPm.id, { customer: bCustomer.id });
      otherSaved = bPm.id;
      const ok = { success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/cart' };
      slots = [
        await slot('payment, customer, card + bank, shipping, billing required', () => withCustomer((customer) =>
          a.checkout.sessions.create({ ...ok, mode: 'payment', customer, line_items: [{ price: price.id, quantity: 2 }], allowed_payment_method_types: ['card', 'us_bank_account'], shipping_address_collection: { allowed_countries: ['US', 'CA'] }, billing_address_collection: 'required', saved_payment_method_options: { payment_method_save: 'enabled' } }))),
        await slot('payment, guest, customer_email, phone', async () => ({ session: await
          a.checkout.sessions.create({ ...ok, mode: 'payment', customer_email: 'guest@example.com', line_items: [{ price: price.id, quantity: 1 }], phone_number_collection: { enabled: true }, customer_creation: 'always' }) })),
        await slot('setup, customer', () => withCustomer((customer) => a.checkout.sessions.create({ ...ok, mode: 'setup', currency: 'usd', customer }))),
        await slot('subscription, customer', () => withCustomer((customer) => a.checkout.sessions.create({ ...ok, mode: 'subscription', customer, line_items: [{ price: plan.id, quantity: 1 }] }))),
        await slot('other account, bank only', async () => ({ session: await
          b.checkout.sessions.create({ ...ok, mode: 'payment', customer: bCustomer.id, line_items: [{ price: bPrice.id, quantity: 1 }], allowed_payment_method_types: ['us_bank_account'] }) })),
      ];
      const done = await a.checkout.sessions.create({ ...ok, mode: 'payment', line_items: [{ price: price.id, quantity: 1 }] });
      closed.complete = { id: done.id, token: await tokenOf(done.id) };
      const paid = await send(new URL(server.url), `/c/pay/${done.id}`, Buffer.from(new URLSearchParams({ ...TEMPLATES[0], csrf_token: closed.complete.token }).toString()), 'application/x-www-form-urlencoded');
      assert.equal(paid.status, 303);
      const gone = await a.checkout.sessions.create({ ...ok, mode: 'payment', line_items: [{ price: price.id, quantity: 1 }] });
      closed.expired = { id: gone.id, token: await tokenOf(gone.id) };
      await a.checkout.sessions.expire(gone.id);
    });
    after(async () => {
      agent.destroy();
      await server.close();
    });

    it(`never answers 5xx, refuses and stores nothing without the session's token, reflects no markup or card number (${RUNS} runs)`, async (t) => {
      t.diagnostic(`fast-check seed ${SEED}, ${RUNS} runs; replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`);
      const base = new URL(server.url);
      const rowCounts = await rowCounter(server.app.deps.store.db);
      const statuses = new Map<number, number>();
      let paid = 0;
      await fc.assert(
        fc.asyncProperty(fuzzCase, async (c: FuzzCase) => {
          const s = 'slot' in c.target ? (slots[c.target.slot % slots.length] as Slot) : undefined;
          const target = s ?? ('closed' in c.target ? closed[c.target.closed] : undefined);
          const path = `/c/pay/${target ? target.id : (c.target as { id: string }).id}`;
          const own = target?.token ?? '';
          const other = (slots.find((x) => x !== s) as Slot).token;

          const fields = new Map(Object.entries(TEMPLATES[c.template] as Record<string, string>));
          // The session's own customer's card, or (no customer) another one of this account.
          if (fields.get('paymentMethod') === 'SAVED') fields.set('paymentMethod', s?.saved ?? (slots[0] as Slot).saved ?? 'pm_none');
          if (fields.get('paymentMethod') === 'OTHER_SAVED') fields.set('paymentMethod', otherSaved);
          for (const d of c.drop) fields.delete(d);
          for (const [k, v] of c.set) fields.set(k, v);
          fields.delete('csrf_token');
          const pairs: Array<[string, string]> = [...fields];
          const k = c.csrf.kind;
          if (k === 'valid') pairs.push(['csrf_token', own]);
          if (k === 'other') pairs.push(['csrf_token', other]);
          if (k === 'empty') pairs.push(['csrf_token', '']);
          if (k === 'twice') pairs.push(['csrf_token', other], ['csrf_token', own]);
          if (k === 'random') pairs.push(['csrf_token', c.csrf.value as string]);
          if (k === 'flipped') {
            const i = Number(c.csrf.value) % Math.max(own.length, 1);
            pairs.push(['csrf_token', own.slice(0, i) + (own[i] === 'A' ? 'B' : 'A') + own.slice(i + 1)]);
          }
          // A body the server cannot read as our pairs may still carry the token intact (raw, mangled).
          const validToken = k === 'valid' && target !== undefined && c.encoding !== 'bytes' && c.encoding !== 'huge';

          const before = await rowCounts();
          const res = await send(base, path, encode(pairs, c.encoding, c.bytes), c.contentType);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          assert.ok(res.status < 500, `5xx: ${res.status} ${res.text.slice(0, 300)}`);
          if (!/^\/c\/pay\/[^/]+\/?$/.test(path)) {
            // Not a page path at all (`/c/pay/`): the API's JSON 404.
            assert.equal(res.status, 404);
            assert.match(String(res.headers['content-type']), /^application\/json/);
            return;
          }
          assert.match(String(res.headers['content-type']), /^text\/html/);
          assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
          for (const [, v] of pairs) if (MARKUP.includes(v)) assert.ok(!res.text.includes(v), `markup reflected raw: ${v}`);
          const number = (fields.get('cardNumber') ?? '').replace(/\D/g, '');
          // Sent in a field the page shows again (routing number), or one of the page's own placeholders.
          const elsewhere = pairs.some(([n, v]) => n !== 'cardNumber' && v.replace(/\D/g, '').includes(number)) || PLACEHOLDERS.some((p) => p.includes(number));
          if (number.length >= 12 && !elsewhere) assert.ok(!res.text.includes(number), 'a typed card number is echoed');

          if (!validToken) {
            if (k !== 'valid' || c.encoding === 'bytes') assert.ok([403, 404, 413].includes(res.status), `without the session's token: ${res.status}`);
            if (k !== 'valid' || !target) assert.deepEqual(await rowCounts(), before, `a refused post stored something (${res.status})`);
            return;
          }
          assert.ok([200, 303, 400, 402, 409, 413].includes(res.status), `with the token: ${res.status} ${res.text.slice(0, 200)}`);
          if (s && (res.status === 303 || res.status === 200)) {
            paid++;
            const fresh = await slot(s.name, s.make);
            slots[slots.indexOf(s)] = fresh;
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      t.diagnostic(`statuses: ${[...statuses].sort((x, y) => x[0] - y[0]).map(([st, n]) => `${st}×${n}`).join(' ')}; sessions paid: ${paid}`);
      assert.ok((statuses.get(403) ?? 0) > 0 && paid > 0 && (statuses.get(400) ?? 0) > 0, 'the fuzzer reaches refusal, validation and payment');
    });
  });
}
