/**
 * The load the fault tests put on a set of instances: merchants' SDK calls spread round-robin,
 * buyers paying on the hosted page (page loaded from one instance, form posted to another),
 * double submits of one session to several instances at once, and one Idempotency-Key sent to
 * several instances at once. Everything that got a 2xx is written down in a Ledger, so the
 * checks afterwards can hold the database to it.
 */
import Stripe from 'stripe';
import { BUYER, CARD_4242, bankAccount, payOnHostedPage } from '../../src/cli/page.js';
import { onInstance } from './cluster.js';

/** What the clients were told succeeded (2xx), and what they saw fail. */
export interface Ledger {
  customers: Set<string>;
  sessions: Set<string>;
  /** Sessions a buyer paid: the page answered 303 to success_url. */
  paid: Set<string>;
  /** Sessions paid by bank account (settle later, by a scheduled job). */
  achPaid: Set<string>;
  /** Sessions expired through the API by idempotent twins. */
  expired: Set<string>;
  /** PaymentIntents created through the API and confirmed with `pm_card_visa` (2xx). */
  apiPaid: Set<string>;
  /** Statuses of concurrent submits of one session, per session. */
  races: Map<string, number[]>;
  /** For each Idempotency-Key sent to several instances at once: the ids the 2xx answers named. */
  twins: Array<{ key: string; ids: string[]; statuses: number[] }>;
  /** Failures by kind (connection refused while an instance was down, ...). */
  failures: Map<string, number>;
  ops: number;
}

export function newLedger(): Ledger {
  return { customers: new Set(), sessions: new Set(), paid: new Set(), achPaid: new Set(), expired: new Set(), apiPaid: new Set(), races: new Map(), twins: [], failures: new Map(), ops: 0 };
}

const SUCCESS = 'https://merchant.example/success?session_id={CHECKOUT_SESSION_ID}';

/** `metadata[load]` of the PaymentIntents the load creates through the API (no session owns them). */
export const API_PAYMENT = 'api';

function client(base: string, key: string): Stripe {
  const u = new URL(base);
  return new Stripe(key, { host: u.hostname, port: Number(u.port), protocol: 'http', maxNetworkRetries: 0, telemetry: false, timeout: 20_000 });
}

function failure(ledger: Ledger, err: unknown): void {
  const e = err as { type?: string; code?: string; statusCode?: number; message?: string; cause?: { code?: string } };
  const kind = e.statusCode ? `${e.statusCode} ${e.code ?? e.type}` : (e.cause?.code ?? e.code ?? e.type ?? String(e.message).slice(0, 60));
  ledger.failures.set(kind, (ledger.failures.get(kind) ?? 0) + 1);
}

/** A raw form POST to the API (for the same Idempotency-Key on several instances at once). */
async function post(base: string, path: string, key: string, form: Record<string, string>, idempotencyKey: string) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': idempotencyKey },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as { id?: string } };
}

/** The hosted page's form posted to several instances at once with the one CSRF token a page load gave. */
async function submitTo(pageUrl: string, bases: string[], fields: Record<string, string>): Promise<number[]> {
  const html = await (await fetch(pageUrl)).text();
  const token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`no payment form at ${pageUrl}`);
  const body = new URLSearchParams({ ...fields, csrf_token: token }).toString();
  return Promise.all(
    bases.map(async (b) => {
      try {
        const r = await fetch(onInstance(pageUrl, b), { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
        await r.arrayBuffer();
        return r.status;
      } catch {
        return 0;
      }
    }),
  );
}

export interface WorkloadOptions {
  /** The instances' base URLs right now (an instance restarted on a new port shows its new URL). */
  bases: () => string[];
  key: string;
  price: string;
  /** Milliseconds to keep the load up. */
  durationMs: number;
  concurrency: number;
  ledger: Ledger;
}

/** Runs the load until durationMs has passed; never throws (failures go to the ledger). */
export async function runWorkload(o: WorkloadOptions): Promise<void> {
  const { ledger, key } = o;
  const deadline = Date.now() + o.durationMs;
  let turn = 0;
  const pick = (): string => {
    const bases = o.bases();
    return bases[turn++ % bases.length] as string;
  };
  const newSession = async (base: string, customer?: string, types: Array<'card' | 'us_bank_account'> = ['card']) => {
    const s = await client(base, key).checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: o.price, quantity: 1 }],
      success_url: SUCCESS,
      allowed_payment_method_types: types,
      ...(customer ? { customer } : {}),
    });
    ledger.sessions.add(s.id);
    return s;
  };

  const ops: Array<() => Promise<void>> = [
    // A merchant creates a customer.
    async () => {
      const c = await client(pick(), key).customers.create({ email: `load${turn}@example.com`, name: 'Load Test' });
      ledger.customers.add(c.id);
    },
    // A merchant creates a session; a buyer loads its page on another instance and pays there.
    async () => {
      const s = await newSession(pick());
      await payOnHostedPage(onInstance(s.url as string, pick()), { ...BUYER, ...CARD_4242 });
      ledger.paid.add(s.id);
    },
    // A customer pays, then a bank-account payment that settles later (a scheduled job).
    async () => {
      const c = await client(pick(), key).customers.create({ email: `ach${turn}@example.com` });
      ledger.customers.add(c.id);
      const s = await newSession(pick(), c.id, ['us_bank_account']);
      await payOnHostedPage(onInstance(s.url as string, pick()), { ...BUYER, ...bankAccount('000123456789') });
      ledger.achPaid.add(s.id);
    },
    // A buyer double-submits: one form posted to every instance at once.
    async () => {
      const s = await newSession(pick());
      const statuses = await submitTo(onInstance(s.url as string, pick()), o.bases(), { ...BUYER, ...CARD_4242 });
      ledger.races.set(s.id, statuses);
      if (statuses.includes(303)) ledger.paid.add(s.id);
    },
    // A merchant charges through the API: a PaymentIntent created and confirmed with pm_card_visa.
    async () => {
      const pi = await client(pick(), key).paymentIntents.create({
        amount: 1500,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        allowed_payment_method_types: ['card'],
        confirm: true,
        metadata: { load: API_PAYMENT },
      });
      ledger.apiPaid.add(pi.id);
    },
    // A retrying client: one Idempotency-Key sent to every instance at once (create a customer).
    async () => {
      const idem = `twin-${turn}-${Math.random().toString(36).slice(2)}`;
      const results = await Promise.allSettled(o.bases().map((b) => post(b, '/v1/customers', key, { email: `${idem}@example.com` }, idem)));
      const ok = results.flatMap((r) => (r.status === 'fulfilled' && r.value.status === 200 && r.value.body.id ? [r.value.body.id] : []));
      for (const id of ok) ledger.customers.add(id);
      ledger.twins.push({ key: idem, ids: ok, statuses: results.map((r) => (r.status === 'fulfilled' ? r.value.status : 0)) });
    },
    // The same for a state change: expire one session with one key on every instance at once.
    async () => {
      const s = await newSession(pick());
      const idem = `expire-${s.id}`;
      const results = await Promise.allSettled(o.bases().map((b) => post(b, `/v1/checkout/sessions/${s.id}/expire`, key, {}, idem)));
      const ok = results.flatMap((r) => (r.status === 'fulfilled' && r.value.status === 200 && r.value.body.id ? [r.value.body.id] : []));
      if (ok.length > 0) ledger.expired.add(s.id);
      ledger.twins.push({ key: idem, ids: ok, statuses: results.map((r) => (r.status === 'fulfilled' ? r.value.status : 0)) });
    },
  ];

  async function worker(n: number): Promise<void> {
    for (let i = n; Date.now() < deadline; i++) {
      const op = ops[i % ops.length] as () => Promise<void>;
      ledger.ops++;
      try {
        await op();
      } catch (err) {
        failure(ledger, err);
        // An instance is down: do not spin on refused connections.
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, (_, n) => worker(n)));
}
