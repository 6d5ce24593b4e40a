import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { parseForm } from '../../src/api/form.js';
import { resources } from '../../src/resources/index.js';
import { assemble } from '../../src/resources/module.js';
import type { Db } from '../../src/store/db.js';
import { assertStripeError } from '../helpers/contract.js';
import { STORES, httpRequest, startServer, type HttpAnswer, type TestServer } from '../helpers/server.js';

/** Every /v1 route the server serves. */
const { routes } = assemble(resources);

/**
 * Property-based fuzzing of the whole HTTP surface: random and hostile bodies, query strings,
 * headers and ids against every route in `routes` (so routes added later are covered too).
 * Properties: never a 5xx; every 4xx is a Stripe error body in JSON with a Request-Id; a request
 * refused as invalid stores nothing. Deterministic: FUZZ_SEED (printed) and FUZZ_RUNS per store.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const SEED = Number(process.env.FUZZ_SEED ?? 20260611);
const KEYS = ['sk_test_fuzz_a', 'sk_test_fuzz_b'];

// ---------------------------------------------------------------- generators

const NAMES = [
  'email', 'name', 'phone', 'description', 'metadata', 'address', 'line1', 'city', 'country', 'postal_code', 'shipping',
  'invoice_settings', 'default_payment_method', 'preferred_locales', 'tax_exempt', 'balance', 'invoice_prefix',
  'payment_method', 'test_clock', 'limit', 'starting_after', 'ending_before', 'created', 'gt', 'gte', 'lt', 'lte', 'expand',
  'frozen_time', 'url', 'enabled_events', 'api_version', 'disabled', 'customer', 'type', 'card', 'number', 'exp_month',
  'exp_year', 'cvc', 'token', 'price', 'product', 'currency', 'unit_amount', 'recurring', 'interval', 'interval_count',
  'active', 'lookup_key', 'product_data', 'mode', 'line_items', 'quantity', 'success_url', 'cancel_url', 'return_url',
  'ui_mode', 'customer_email', 'payment_method_types', 'allowed_payment_method_types', 'setup_future_usage',
  'payment_intent_data', 'expires_at', 'client_reference_id', 'allow_redisplay', 'billing_details', 'us_bank_account',
  'routing_number', 'account_number', 'status', 'object', 'id', 'data', 'deleted', '__proto__', 'constructor', 'toString', '0', '',
  // The routes added later: search, balance, the portal, subscription items, invoice payments, microdeposits.
  'query', 'page', 'configuration', 'features', 'subscription', 'invoice', 'payment', 'source', 'amounts', 'descriptor_code',
  'client_secret', 'payment_method_options', 'verification_method', 'payment_method_data',
];
const VALUES = [
  '', 'true', 'True', 'FALSE', 'yes', '0', '1', '-1', '10', '100', '101', '1.5', '1e3', '99999999999999999999', '9007199254740993',
  'usd', 'USD', 'card', 'payment', 'setup', 'subscription', 'month', 'always', 'limited', 'none', 'exempt', 'a@example.com',
  'not-an-email', 'http://127.0.0.1:9/hook', 'javascript:alert(1)', '*', 'customer.created', 'tok_visa', 'pm_card_visa',
  '4242424242424242', '4000000000000002', '12', '2030', '123', 'US', 'en', 'cus_', '2026-10-28.endive', 'null', '[]', '{}',
  'data.customer', 'invoice_settings.default_payment_method', String(Math.floor(Date.now() / 1000) + 3600),
  // Search queries (https://docs.stripe.com/search#search-query-language), valid and broken, and microdeposit test values.
  "email:'a@example.com'", "metadata['k']:'v'", 'created>1700000000', "status:'succeeded' AND amount>100", "-email:'x'", "name~'ab'",
  "email:'unterminated", 'amount>99999999999999999999', "metadata['']:'x'", "a:'1' OR b:'2' AND c:'3'", "email:'\\'", 'email:null',
  "created>=1 AND created<=-1", 'microdeposits', 'instant', 'SM11AA', 'SM00AA', '32', '45',
];
/** Values that stress storage rather than validation: NUL (PostgreSQL text refuses it), BOM, RTL override, lengths at and past limits. */
const STORAGE_HOSTILE = ['\u0000', 'a\u0000@example.com', 'cus_\u0000', 'x\u0000', '\ufeff', '\u202e', 'a'.repeat(500), 'a'.repeat(501), 'a'.repeat(5001), '\ud83d\ude80'.repeat(300)];
const HOSTILE_IDS = ['..', '.', '%2e%2e', '%2F', 'a%2Fb', '%2F..%2F..%2Fetc%2Fpasswd', '%00', '%FF', '%', '%E2%82', '%C0%AF', 'null', 'undefined', '__proto__', 'constructor', '*', '%20', '+', ';', "'%20OR%201=1--", 'cus_', 'x'.repeat(3000), '\u00e9\u00ff'];

/** Ids seen in successful responses, so fuzzed requests also reach existing objects. */
const pool: string[] = [];

/** Percent-encodes what a client would (all but printable ASCII; lone surrogates as invalid UTF-8). */
function urlSafe(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c >= 0x21 && c < 0x7f && ch !== '#' && ch !== '?') out += ch;
    else if (c >= 0xd800 && c <= 0xdfff) out += '%ED%A0%80';
    else out += encodeURIComponent(ch);
  }
  return out;
}
/** Lone surrogates (which encodeURIComponent refuses) become U+FFFD; the raw modes still send them. */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
const headerSafe = (s: string) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

const text = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...VALUES) },
  { weight: 4, arbitrary: fc.constantFrom(...STORAGE_HOSTILE) },
  { weight: 6, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', 'é', '🚀', '%'), fc.integer({ min: 100, max: 20_000 })).map(([c, n]) => c.repeat(n)) },
  { weight: 6, arbitrary: fc.nat().map((i) => pool[i % Math.max(pool.length, 1)] ?? 'cus_none') },
);
const segment = fc.oneof(
  fc.constant('[]'),
  fc.nat({ max: 1200 }).map((n) => `[${n}]`),
  fc.constantFrom(...NAMES).map((n) => `[${n}]`),
  fc.string({ maxLength: 8 }).map((s) => `[${s}]`),
  fc.constantFrom('[', ']', '[[', ']]', '[a', 'a]', '.x'),
);
const segments = fc.oneof(
  { weight: 4, arbitrary: fc.constant<string[]>([]) },
  { weight: 3, arbitrary: fc.array(segment, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(segment, { maxLength: 10 }) },
);

/**
 * Param names each route knows (found by {@link discover} before the run, and top-level names of
 * requests it accepted): cases use them more, so the fuzzer gets past `parameter_unknown` to the
 * code behind it.
 */
const learned: string[][] = routes.map(() => []);
function learn(route: number, name: string): void {
  const known = learned[route] as string[];
  // `id` is what a 404 names for the path's own id, not a form param.
  if (name !== '' && name !== 'id' && !known.includes(name) && known.length < 100) known.push(name);
}
const nameFor = (route: number) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.nat().map((i) => learned[route]?.[i % Math.max(learned[route]?.length ?? 0, 1)] ?? (NAMES[i % NAMES.length] as string)) },
    { weight: 3, arbitrary: fc.constantFrom(...NAMES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
/** How a pair is written: properly encoded, raw, or with broken percent-escapes and NULs mixed in. */
const encoding = fc.constantFrom('proper', 'proper', 'proper', 'proper', 'proper', 'proper', 'raw', 'mangled');
const MANGLES = ['%', '%Z', '%E2%82', '%00', '%FF', '%C3%28', '%ED%A0%80', '%5B', '%5D', '&', '=', '+'];
const pairFor = (route: number) =>
  fc.tuple(nameFor(route), segments, text, encoding, fc.nat({ max: MANGLES.length - 1 })).map(([base, segs, value, how, m]) => {
    if (how === 'raw') return `${base}${segs.join('')}=${value}`;
    const k = encodeURIComponent(base) + segs.map((s) => s.replace(/[^[\]]+/g, (x) => encodeURIComponent(x))).join('');
    const v = encodeURIComponent(wellFormed(value));
    return how === 'proper' ? `${k}=${v}` : `${k}${MANGLES[m]}=${MANGLES[(m + 3) % MANGLES.length]}${v}`;
  });
/** A well-formed pair: a name the route knows, properly encoded, with a hostile value. */
const cleanPairFor = (route: number) => fc.tuple(nameFor(route), text).map(([k, v]) => `${encodeURIComponent(wellFormed(k))}=${encodeURIComponent(wellFormed(v))}`);
const formFor = (route: number) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.array(cleanPairFor(route), { maxLength: 3 }).map((ps) => ps.join('&')) },
    { weight: 6, arbitrary: fc.array(pairFor(route), { maxLength: 3 }).map((ps) => ps.join('&')) },
    { weight: 4, arbitrary: fc.array(pairFor(route), { maxLength: 12 }).map((ps) => ps.join('&')) },
    { weight: 1, arbitrary: fc.nat({ max: 2 }).map((n) => Array.from({ length: 1999 + n }, (_, i) => `metadata[k${i}]=v`).join('&')) },
    { weight: 1, arbitrary: fc.nat({ max: 12 }).map((n) => 'metadata' + '[a]'.repeat(n) + '=1') },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  );
const bodyFor = (form: fc.Arbitrary<string>) =>
  fc.oneof(
  { weight: 30, arbitrary: form.map((s) => Buffer.from(urlSafe(s), 'latin1')) },
  { weight: 4, arbitrary: form.map((s) => Buffer.from(s, 'utf8')) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.jsonValue().map((j) => Buffer.from(JSON.stringify(j) ?? 'null')) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 }).map((n) => Buffer.from('name=' + 'x'.repeat(1024 * 1024 + n))) },
);
const id = fc.oneof(
  { weight: 3, arbitrary: fc.nat().map((i) => pool[i % Math.max(pool.length, 1)] ?? 'cus_none') },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('cus_', 'pm_', 'clock_', 'evt_', 'we_', 'cs_test_', 'price_', 'prod_', ''), fc.stringMatching(/^[A-Za-z0-9]{0,30}$/)).map(([p, s]) => p + s) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_IDS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map(urlSafe) },
);
const auth = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...KEYS).map((k) => `Bearer ${k}`) },
  { weight: 2, arbitrary: fc.constantFrom(...KEYS).map((k) => `Basic ${Buffer.from(`${k}:`).toString('base64')}`) },
  // Publishable keys of the same accounts: most routes refuse them, the Stripe.js ones take them with a client_secret.
  { weight: 2, arbitrary: fc.constantFrom(...KEYS).map((k) => `Bearer ${k.replace('sk_', 'pk_')}`) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, '', 'Bearer', 'Bearer pk_test_123', 'Bearer sk_live_1', 'Bearer sk_test_', 'bearer  sk_test_fuzz_a', 'Basic', 'Basic ====', 'Digest x') },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => headerSafe(`Bearer ${s}`)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`) },
);
const headers = fc.record({
  authorization: auth,
  idempotencyKey: fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constantFrom('k1', 'k2', 'k3') },
    { weight: 1, arbitrary: fc.string({ maxLength: 300 }).map(headerSafe) },
    { weight: 1, arbitrary: fc.constant('k'.repeat(256)) },
  ),
  contentType: fc.constantFrom(undefined, 'application/x-www-form-urlencoded', 'application/json', 'multipart/form-data; boundary=x', 'text/plain; charset=latin1', '\u00ff'),
  stripeVersion: fc.constantFrom(undefined, '2026-10-28.endive', '2020-08-27', 'garbage version', '\u00e9'),
});
const OTHER_METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS'];
function requestFor(index: number) {
  const route = routes[index] as (typeof routes)[number];
  const form = formFor(index);
  return fc
    .record({
      ids: fc.array(id, { minLength: 3, maxLength: 3 }),
      method: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) }),
      pathTwist: fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('/', '/x', '//', '/..', '%2F') }),
      query: fc.oneof({ weight: 2, arbitrary: fc.constant('') }, { weight: 3, arbitrary: form.map(urlSafe) }),
      body: bodyFor(form),
      headers,
    })
    .map((r) => {
      let n = 0;
      const path = route.path.replace(/:[a-z_]+/g, () => r.ids[n++] ?? 'x') + r.pathTwist;
      const method = r.method ?? route.method;
      // Only a POST's body is read; an oversized one on another method closes the socket by design (src/api/limits.ts discardBody).
      const body = method !== 'POST' && r.body.length > 4096 ? Buffer.alloc(0) : r.body;
      return { route: index, method, path: r.query ? `${path}?${r.query}` : path, query: r.query, body, headers: r.headers };
    });
}
const perRoute = routes.map((_, i) => requestFor(i));
const request = fc.nat({ max: routes.length - 1 }).chain((i) => perRoute[i] as (typeof perRoute)[number]);
type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------- client and store snapshot

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function send(base: URL, r: FuzzRequest): Promise<HttpAnswer> {
  const h: Record<string, string> = {};
  if (r.headers.authorization !== undefined) h.authorization = r.headers.authorization;
  if (r.headers.idempotencyKey !== undefined) h['idempotency-key'] = r.headers.idempotencyKey;
  if (r.headers.contentType !== undefined) h['content-type'] = r.headers.contentType;
  if (r.headers.stripeVersion !== undefined) h['stripe-version'] = r.headers.stripeVersion;
  // Node frames a GET/DELETE body only when told its length.
  if (r.body.length > 0) h['content-length'] = String(r.body.length);
  return httpRequest(base, agent, { path: r.path, method: r.method, headers: h, body: r.body.length > 0 ? r.body : undefined });
}

/**
 * The highest row seq of every object table and the number of idempotency records, read from the
 * store itself: any row a request stored moves one of them. (max(seq) is an index lookup, so the
 * check stays cheap as the tables grow over 100,000 runs.)
 */
async function snapshot(db: Db, tables: string[]): Promise<Map<string, number>> {
  const parts = tables.map((t) =>
    t === 'idempotency_keys'
      ? sql`select ${sql.lit(t)} as t, count(*) as m from idempotency_keys`
      : sql`select ${sql.lit(t)} as t, coalesce(max(seq), 0) as m from ${sql.table(t)}`,
  );
  const { rows } = await sql<{ t: string; m: number | string }>`${sql.join(parts, sql` union all `)}`.execute(db);
  return new Map(rows.map((r) => [r.t, Number(r.m)]));
}

/** Events written by this request (async jobs may add events at any time; those carry no request id). */
async function eventsOf(db: Db, requestId: string, afterSeq: number): Promise<number> {
  const row = await sql<{ n: number | string }>`select count(*) as n from events where seq > ${afterSeq} and data like ${`%${requestId}%`}`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}

/**
 * Asks every route about every vocabulary name once: a name it does not refuse as unknown is one
 * it reads. Routes are the same on every store, so this runs once per process.
 */
let discovered = false;
async function discover(base: URL): Promise<void> {
  if (discovered) return;
  discovered = true;
  for (const [i, route] of routes.entries()) {
    const path = route.path.replace(/:[a-z_]+/g, 'probe_id');
    for (const name of NAMES) {
      if (name === '' || name === 'id' || name === '__proto__') continue;
      const form = `${encodeURIComponent(name)}=x`;
      const probe: FuzzRequest = {
        route: i,
        method: route.method,
        path: route.method === 'POST' ? path : `${path}?${form}`,
        query: route.method === 'POST' ? '' : form,
        body: Buffer.from(route.method === 'POST' ? form : ''),
        headers: { authorization: `Bearer ${KEYS[0]}`, idempotencyKey: undefined, contentType: undefined, stripeVersion: undefined },
      };
      const res = await send(base, probe);
      const code = res.status < 300 ? undefined : (JSON.parse(res.text) as { error: { code?: string } }).error.code;
      if (code !== 'parameter_unknown') learn(i, name);
    }
  }
}

function learnFromSuccess(r: FuzzRequest): void {
  try {
    for (const name of Object.keys(parseForm(r.method === 'POST' ? r.body : r.query))) learn(r.route, name);
  } catch {
    // A success with params the parser refuses cannot happen; nothing to learn either way.
  }
}

function collectIds(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  if (typeof obj.id === 'string' && pool.length < 300 && !pool.includes(obj.id)) pool.push(obj.id);
  if (Array.isArray(obj.data)) for (const item of obj.data) collectIds(item);
}

// ---------------------------------------------------------------- the property

/** FUZZ_STORES=postgres narrows a long run to one store. */
const stores = STORES.filter((s) => !process.env.FUZZ_STORES || process.env.FUZZ_STORES.split(',').includes(s));

for (const store of stores) {
  describe(`fuzz: every route, hostile input (${store})`, () => {
    let server: TestServer;
    let tables: string[];
    before(async () => {
      server = await startServer(store);
      const all = await server.app.deps.store.db.introspection.getTables();
      tables = all
        .filter((t) => ['account_id', 'id', 'data', 'seq'].every((c) => t.columns.some((col) => col.name === c)))
        .map((t) => t.name)
        .concat('idempotency_keys')
        .sort();
    });
    after(async () => {
      agent.destroy();
      await server.close();
    });

    it(`never answers 5xx, always a Stripe error for 4xx, and stores nothing for a refused request (${RUNS} runs)`, async (t) => {
      t.diagnostic(`fast-check seed ${SEED}, ${RUNS} runs, ${routes.length} routes; replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`);
      const db = server.app.deps.store.db;
      const base = new URL(server.url);
      await discover(base);
      const statuses = new Map<number, number>();
      const reasons = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const before = await snapshot(db, tables);
          const res = await send(base, r);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          assert.ok(res.status < 500, `5xx: ${res.status} ${res.text.slice(0, 300)}`);
          assert.match(String(res.headers['request-id']), /^req_[A-Za-z0-9]{24}$/, 'Request-Id');
          assert.match(String(res.headers['content-type']), /^application\/json/);
          const json = JSON.parse(res.text) as unknown;
          if (res.status < 300) {
            collectIds(json);
            return learnFromSuccess(r);
          }
          assertStripeError(json);
          const { type, code, message } = (json as { error: { type: string; code?: string; message: string } }).error;
          const reason = `${res.status} ${code ?? message.slice(0, 60)}`;
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
          // A card decline is remembered like Stripe does; a refused request must leave no trace.
          if (type !== 'invalid_request_error' && type !== 'idempotency_error') return;
          const afterSnap = await snapshot(db, tables);
          for (const table of tables) {
            if (table === 'events') continue;
            assert.equal(afterSnap.get(table), before.get(table), `${res.status} ${type} changed ${table}: ${res.text.slice(0, 200)}`);
          }
          const eventsBefore = before.get('events') ?? 0;
          assert.equal(await eventsOf(db, String(res.headers['request-id']), eventsBefore), 0, 'a refused request emitted an event');
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      t.diagnostic(`statuses: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}; ids reached: ${pool.length}`);
      const known = routes.map((r, i) => `${r.method} ${r.path}: ${(learned[i] ?? []).join(',')}`).filter((l) => !l.endsWith(': '));
      t.diagnostic(`params learned per route: ${known.join(' | ')}`);
      const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 12);
      t.diagnostic(`most frequent refusals: ${top.map(([r, n]) => `${r} ×${n}`).join('; ')}`);
      assert.ok((statuses.get(200) ?? 0) > 0 && [...statuses.keys()].some((s) => s >= 400), 'the fuzzer reaches both success and refusal');
    });
  });
}
