import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Deps } from './context.js';
import { StripeError, docUrl, errors } from './errors.js';
import { readSetting, writeSetting } from '../store/db.js';

/**
 * Faults on demand (docs/decisions.md#faults-on-demand): per account, the API answers Stripe's
 * rate-limit error, an `api_error`, a connection reset or added latency for a share of the
 * requests or for named endpoints, and webhook delivery sends duplicates, late (so out of order),
 * or fails for a while — the ways Stripe warns a merchant's code may be treated. Kept in the
 * `settings` table (key `faults:<account>`), so every instance sees them; decided before the
 * handler runs, so a faulted request writes nothing.
 */

export const FAULT_KINDS = ['rate_limit', 'api_error', 'reset', 'latency'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One API fault: which requests it hits and what they get. */
export interface ApiFaultRule {
  error: FaultKind;
  /** Share of the matching requests that get the fault, 0 to 1. */
  share: number;
  /** GET, POST or DELETE; null = any. */
  method: string | null;
  /** A path pattern, `*` matching any characters (`/v1/customers*`); null = every /v1 path. */
  path: string | null;
  /** Milliseconds added by a `latency` fault. */
  latency_ms: number;
  /** At most this many faults from this rule (counted per instance); null = no limit. */
  count: number | null;
}

export interface WebhookFaultRules {
  /** Share of delivered events sent a second time. */
  duplicate: number;
  /** Share of attempts held back `ms` before they are sent: with a share below 1, later events overtake them. */
  late: { share: number; ms: number } | null;
  /** Share of attempts that fail without being sent (retried on the usual schedule), until `until` (unix ms; null = until cleared). */
  fail: { share: number; until: number | null } | null;
}

export interface FaultSpec {
  object: 'faults';
  /** Seeds every draw: the same seed and the same sequence of requests give the same faults. */
  seed: number;
  api: ApiFaultRule[];
  webhooks: WebhookFaultRules;
  /** Changes with every save; draw counters restart with it. */
  version: string;
}

/** The request header that faults one call: `rate_limit`, `api_error`, `reset` or `latency=<ms>`. */
export const FAULT_HEADER = 'opencheckout-fault';

const MAX_LATENCY_MS = 60_000;
const MAX_LATE_MS = 10 * 60_000;
const MAX_RULES = 50;

function bad(message: string, param: string): StripeError {
  return errors.invalid(message, param);
}

function share(value: unknown, param: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 1) throw bad(`Invalid ${param}: a share between 0 and 1 is expected.`, param);
  return n;
}

function whole(value: unknown, param: string, max: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) throw bad(`Invalid ${param}: a whole number from 0 to ${max} is expected.`, param);
  return n;
}

function object(value: unknown, param: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`Invalid ${param}: an object is expected.`, param);
  return value as Record<string, unknown>;
}

function only(o: Record<string, unknown>, keys: string[], param: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw errors.invalid(`Received unknown parameter: ${param ? `${param}[${k}]` : k}`, param ? `${param}[${k}]` : k, 'parameter_unknown');
}

/** Validates a fault specification as the admin API receives it (JSON), with Stripe-shaped errors. */
export function parseFaultSpec(input: unknown, now: number): FaultSpec {
  const o = object(input, 'faults');
  only(o, ['seed', 'api', 'webhooks', 'object', 'version'], '');
  const seed = o.seed === undefined ? 0 : whole(o.seed, 'seed', 2 ** 31 - 1);
  // A form (`api[0][error]=...`) gives an object keyed by index; JSON gives a list.
  const rawApi = o.api !== null && typeof o.api === 'object' && !Array.isArray(o.api) ? Object.values(o.api) : (o.api ?? []);
  if (!Array.isArray(rawApi) || rawApi.length > MAX_RULES) throw bad(`Invalid api: a list of at most ${MAX_RULES} rules is expected.`, 'api');
  const api = rawApi.map((r, i): ApiFaultRule => {
    const p = `api[${i}]`;
    const rule = object(r, p);
    only(rule, ['error', 'share', 'method', 'path', 'latency_ms', 'count'], p);
    if (!FAULT_KINDS.includes(rule.error as FaultKind)) throw bad(`Invalid ${p}[error]: one of ${FAULT_KINDS.join(', ')} is expected.`, `${p}[error]`);
    const method = rule.method === undefined || rule.method === null ? null : String(rule.method).toUpperCase();
    if (method !== null && !['GET', 'POST', 'DELETE'].includes(method)) throw bad(`Invalid ${p}[method]: GET, POST or DELETE is expected.`, `${p}[method]`);
    const path = rule.path === undefined || rule.path === null ? null : String(rule.path);
    if (path !== null && (!path.startsWith('/v1/') || path.length > 500)) throw bad(`Invalid ${p}[path]: a /v1/... path pattern is expected.`, `${p}[path]`);
    return {
      error: rule.error as FaultKind,
      share: share(rule.share, `${p}[share]`, 1),
      method,
      path,
      latency_ms: rule.latency_ms === undefined ? 1000 : whole(rule.latency_ms, `${p}[latency_ms]`, MAX_LATENCY_MS),
      count: rule.count === undefined || rule.count === null ? null : whole(rule.count, `${p}[count]`, 1_000_000),
    };
  });
  const w = o.webhooks === undefined ? {} : object(o.webhooks, 'webhooks');
  only(w, ['duplicate', 'late', 'fail'], 'webhooks');
  let late: WebhookFaultRules['late'] = null;
  if (w.late !== undefined && w.late !== null) {
    const l = object(w.late, 'webhooks[late]');
    only(l, ['share', 'ms'], 'webhooks[late]');
    late = { share: share(l.share, 'webhooks[late][share]', 1), ms: whole(l.ms ?? 1000, 'webhooks[late][ms]', MAX_LATE_MS) };
  }
  let fail: WebhookFaultRules['fail'] = null;
  if (w.fail !== undefined && w.fail !== null) {
    const f = object(w.fail, 'webhooks[fail]');
    only(f, ['share', 'until', 'for_seconds'], 'webhooks[fail]');
    const until =
      f.for_seconds !== undefined ? now + whole(f.for_seconds, 'webhooks[fail][for_seconds]', 7 * 86_400) * 1000 : f.until === undefined || f.until === null ? null : whole(f.until, 'webhooks[fail][until]', Number.MAX_SAFE_INTEGER);
    fail = { share: share(f.share, 'webhooks[fail][share]', 1), until };
  }
  return {
    object: 'faults',
    seed,
    api,
    webhooks: { duplicate: share(w.duplicate, 'webhooks[duplicate]', 0), late, fail },
    version: randomBytes(6).toString('hex'),
  };
}

/** No faults: what an account without a stored specification has. */
export function noFaults(): FaultSpec {
  return { object: 'faults', seed: 0, api: [], webhooks: { duplicate: 0, late: null, fail: null }, version: '' };
}

/** How long an instance trusts what it read: another instance's change is seen within this. */
const CACHE_MS = 1000;

/**
 * The faults of each account as this instance last read them, and the per-rule draw counters.
 * One per Deps (a WeakMap), so apps in one process (tests) do not share it.
 */
class FaultState {
  readonly cache = new Map<string, { at: number; spec: FaultSpec | null }>();
  readonly counters = new Map<string, number>();
}
const states = new WeakMap<Deps, FaultState>();
function stateOf(deps: Deps): FaultState {
  let s = states.get(deps);
  if (!s) {
    s = new FaultState();
    states.set(deps, s);
  }
  return s;
}

const settingKey = (account: string) => `faults:${account}`;

/** The account's fault specification, null when it has none (read at most once a second per instance). */
export async function loadFaults(deps: Deps, account: string): Promise<FaultSpec | null> {
  const state = stateOf(deps);
  const hit = state.cache.get(account);
  if (hit && performance.now() - hit.at < CACHE_MS) return hit.spec;
  const raw = await readSetting(deps.store.db, settingKey(account));
  const spec = raw ? (JSON.parse(raw) as FaultSpec) : null;
  // Dev mode opens an account per key: forget what was read rather than grow without bound.
  if (state.cache.size > 10_000) state.cache.clear();
  const empty = !spec || (spec.api.length === 0 && spec.webhooks.duplicate === 0 && !spec.webhooks.late && !spec.webhooks.fail);
  state.cache.set(account, { at: performance.now(), spec: empty ? null : spec });
  return empty ? null : spec;
}

/** Stores (or, with null, clears) the account's faults; this instance sees the change at once. */
export async function saveFaults(deps: Deps, account: string, spec: FaultSpec | null): Promise<void> {
  await writeSetting(deps.store.db, settingKey(account), spec ? JSON.stringify(spec) : '');
  stateOf(deps).cache.delete(account);
}

/** A number in [0, 1) fixed by the seed and the key: the same seed and key always draw the same. */
export function draw(seed: number, key: string): number {
  return createHash('sha256').update(`${seed}\0${key}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** The next draw of a stream (the n-th request a rule saw on this instance). */
function nextDraw(deps: Deps, spec: FaultSpec, account: string, stream: string): { value: number; n: number } {
  const counters = stateOf(deps).counters;
  const key = `${account}\0${spec.version}\0${stream}`;
  const n = counters.get(key) ?? 0;
  counters.set(key, n + 1);
  return { value: draw(spec.seed, `${stream}:${n}`), n };
}

function patternMatches(pattern: string, path: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(path);
}

/** What a faulted request gets instead of its handler's answer. */
export interface FaultAnswer {
  status: number;
  body: string;
  /** Sent as Stripe-Should-Retry: the request did nothing, so a retry is safe. */
  shouldRetry?: boolean;
  /** Reset the connection instead of answering. */
  reset?: boolean;
}

const RATE_LIMIT_BODY = JSON.stringify(
  new StripeError(429, {
    type: 'invalid_request_error',
    code: 'rate_limit',
    message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
    doc_url: docUrl('rate_limit'),
  }).toJSON(),
);

function answerOf(kind: Exclude<FaultKind, 'latency'>): FaultAnswer {
  if (kind === 'rate_limit') return { status: 429, body: RATE_LIMIT_BODY, shouldRetry: true };
  if (kind === 'api_error') return { status: 500, body: JSON.stringify(errors.internal().toJSON()), shouldRetry: true };
  return { status: 0, body: '', reset: true };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The fault of a request's header, `OpenCheckout-Fault`; undefined without one. */
function headerFault(req: IncomingMessage): Promise<FaultAnswer | null> | undefined {
  const raw = req.headers[FAULT_HEADER];
  if (typeof raw !== 'string' || raw === '') return undefined;
  const [kind, arg] = raw.trim().split('=', 2) as [string, string | undefined];
  if (kind === 'latency') {
    const ms = Number(arg ?? 1000);
    if (!Number.isInteger(ms) || ms < 0 || ms > MAX_LATENCY_MS) {
      return Promise.reject(errors.invalid(`Invalid OpenCheckout-Fault header: latency=<milliseconds up to ${MAX_LATENCY_MS}> is expected.`));
    }
    return sleep(ms).then(() => null);
  }
  if (kind === 'rate_limit' || kind === 'api_error' || kind === 'reset') return Promise.resolve(answerOf(kind));
  return Promise.reject(errors.invalid(`Invalid OpenCheckout-Fault header: one of rate_limit, api_error, reset or latency=<ms> is expected, got '${raw.slice(0, 100)}'.`));
}

/**
 * The fault for an API request, decided before its handler runs: null when it runs normally (at
 * once, without a promise, when the account is known to have no faults), else a promise of the
 * answer to send instead (null after an added latency: then it runs).
 */
export function requestFault(deps: Deps, req: IncomingMessage, account: string, method: string, path: string): Promise<FaultAnswer | null> | null {
  const fromHeader = headerFault(req);
  if (fromHeader) return fromHeader;
  const hit = stateOf(deps).cache.get(account);
  if (hit && hit.spec === null && performance.now() - hit.at < CACHE_MS) return null;
  return loadFaults(deps, account).then(async (spec) => {
    if (!spec) return null;
    let latency = 0;
    for (let i = 0; i < spec.api.length; i++) {
      const rule = spec.api[i] as ApiFaultRule;
      if (rule.method !== null && rule.method !== method) continue;
      if (rule.path !== null && !patternMatches(rule.path, path)) continue;
      const { value } = nextDraw(deps, spec, account, `api:${i}`);
      if (value >= rule.share) continue;
      if (rule.count !== null) {
        const used = nextDraw(deps, spec, account, `api:${i}:hits`).n;
        if (used >= rule.count) continue;
      }
      if (rule.error === 'latency') {
        latency += rule.latency_ms;
        continue;
      }
      if (latency > 0) await sleep(Math.min(latency, MAX_LATENCY_MS));
      return answerOf(rule.error);
    }
    if (latency > 0) await sleep(Math.min(latency, MAX_LATENCY_MS));
    return null;
  });
}

/** What webhook faults do to one delivery attempt (the worker asks before it sends). */
export interface WebhookFaultPlan {
  /** Fail the attempt without sending it. */
  fail: boolean;
  /** Hold the attempt back this long first. */
  lateMs: number;
  /** Send it a second time once delivered. */
  duplicate: boolean;
}

/**
 * The webhook faults for one attempt: the n-th attempt of the account on this instance draws the
 * n-th number of the seed's sequence for each kind, so the same seed and the same order of
 * attempts give the same faults.
 */
export async function webhookFaultPlan(deps: Deps, account: string, nowMs: number): Promise<WebhookFaultPlan | null> {
  const spec = await loadFaults(deps, account);
  if (!spec) return null;
  const { duplicate, late, fail } = spec.webhooks;
  return {
    fail: fail !== null && (fail.until === null || nowMs < fail.until) && nextDraw(deps, spec, account, 'webhook:fail').value < fail.share,
    lateMs: late !== null && nextDraw(deps, spec, account, 'webhook:late').value < late.share ? late.ms : 0,
    duplicate: duplicate > 0 && nextDraw(deps, spec, account, 'webhook:duplicate').value < duplicate,
  };
}
