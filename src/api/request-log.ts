/**
 * The API request log, Stripe's "Logs" (docs/decisions.md#request-log): every /v1 request with
 * method, path, status, duration, idempotency key, request id, params and response body, secrets,
 * card numbers and bank account numbers masked.
 *
 * Recording costs the request almost nothing: `record` pushes a few references into memory.
 * - Writes and errors (every request but a successful GET) go to a buffer that a timer masks and
 *   writes in batches to `request_log`, in a transaction of its own (never the request's), and the
 *   table is pruned by count and age.
 * - Successful GETs (2xx) stay in a bounded ring in this instance's memory, masked only when read:
 *   a row per read cost a GET by id 9-16 % of its CPU, over the 5 % the log may cost
 *   (bench/README.md). They are lost on restart and seen only through the instance that served them.
 * Readers see both, merged newest first ({@link readRequestLog}). What is buffered when the process
 * dies is lost; that is acceptable for a debug log (docs/decisions.md#request-log).
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { CompiledQuery, sql, type Insertable } from 'kysely';
import type { Dialect } from '../store/db.js';
import type { Db } from '../store/db.js';
import type { RequestLogTable } from '../store/schema.js';
import { authenticate } from './auth.js';
import type { Deps } from './context.js';
import { parseForm, type FormObject, type FormValue } from './form.js';

/** The longest response body kept per row; a longer one is cut and marked. */
export const REQUEST_LOG_BODY_BYTES = 32 * 1024;
/**
 * The longest body kept of a successful GET: a read changes nothing and its answer can be read
 * again, while its bytes are most of the log's cost on the busiest requests (bench/README.md).
 */
export const REQUEST_LOG_GET_BODY_BYTES = 2 * 1024;
/** Rows written per INSERT statement, and the most rows waiting in memory. */
const BATCH_ROWS = 100;
const MAX_BUFFERED = 10_000;
/** How long a row waits in memory before it is written (ms). */
const FLUSH_MS = 200;
/** How often the table is pruned, at most (ms). */
const PRUNE_MS = 30_000;
/**
 * Successful GETs kept in memory, per instance (never more than `requestLogMaxRows`), and the most
 * characters of their bodies held before they are masked and cut: past it the oldest go first.
 */
export const REQUEST_LOG_MEMORY_ROWS = 1000;
const MEMORY_CHARS = 16 * 1024 * 1024;
/** A tail waiting for new GETs is woken at most this often (ms). */
const WAKE_MS = 50;

interface Pending {
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  requestId: string;
  created: number;
  method: string;
  path: string;
  query: string;
  body: Buffer | undefined;
  status: number;
  durationMs: number;
  response: string;
}

/** One logged request as the Dashboard and `/_admin/request_log` serve it. */
export interface RequestLogEntry {
  id: string;
  /** The stored row's place in `request_log`; null for a successful GET, kept in memory only. */
  seq: number | null;
  /** False for a successful GET: kept in this instance's memory, not in the store. */
  stored: boolean;
  request_id: string;
  /** Unix milliseconds at which the request arrived. */
  created_ms: number;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  idempotency_key: string | null;
  params: unknown;
  response_body: string;
}

const bodies = new WeakMap<IncomingMessage, Buffer>();

/** Keeps a POST's body for its log row (the body is read once, by the API). */
export function noteRequestBody(req: IncomingMessage, body: Buffer): void {
  bodies.set(req, body);
}

/* ------------------------------------------------------------------ masking */

/** Keys whose value is a secret wherever they appear. */
const SECRET_KEYS = new Set(['secret', 'client_secret', 'password', 'api_key']);
/** Keys never kept at all: a CVC is not even shown masked (docs/decisions.md#what-is-never-stored). */
const DROPPED_KEYS = new Set(['cvc', 'cvv', 'cvc2']);

/**
 * Secret-looking text in any string: API keys, webhook secrets, client secrets, card and bank
 * account numbers (12 to 19 digits, spaced or dashed) and IBANs.
 */
const SECRET_TEXT =
  /\b((?:sk|rk)_(?:test|live)_)([A-Za-z0-9_]+)|\b(whsec_)([A-Za-z0-9]+)|\b([a-z]+_[A-Za-z0-9]+_secret_)([A-Za-z0-9]+)|(?<![A-Za-z0-9_])(\d(?:[ -]?\d){11,18})(?![0-9])|\b([A-Z]{2}\d{2})((?: ?[A-Z0-9]){10,30})\b/g;

/** A number with all but its last four digits replaced. */
function lastFour(digits: string): string {
  const d = digits.replace(/[^0-9A-Za-z]/g, '');
  return `${'•'.repeat(Math.max(d.length - 4, 4))}${d.slice(-4)}`;
}

/** A cheap first look: most texts hold nothing SECRET_TEXT could match, and skip its slower scan. */
const MAYBE_SECRET = /\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d|_test_|_live_|whsec_|_secret_|[A-Z]{2}\d\d ?[A-Z0-9]{4}/;

/** Masks every secret inside a text (a response body, a param value). */
export function maskText(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  return text.replace(SECRET_TEXT, (whole, keyPrefix?: string, key?: string, whPrefix?: string, _wh?: string, csPrefix?: string, _cs?: string, digits?: string, ibanHead?: string, ibanRest?: string) => {
    if (keyPrefix && key) return `${keyPrefix}${'*'.repeat(Math.max(key.length - 4, 4))}${key.slice(-4)}`;
    if (whPrefix) return `${whPrefix}********`;
    if (csPrefix) return `${csPrefix}********`;
    if (digits) return lastFour(digits);
    if (ibanHead && ibanRest) return `${ibanHead.slice(0, 2)}${lastFour(ibanHead.slice(2) + ibanRest)}`;
    return whole;
  });
}

/** A copy of decoded params with secrets masked and CVCs left out. */
export function maskParams(value: FormValue): FormValue {
  if (typeof value === 'string') return maskText(value);
  if (Array.isArray(value)) return value.map(maskParams);
  const out: FormObject = {};
  for (const [k, v] of Object.entries(value)) {
    const name = k.toLowerCase();
    if (DROPPED_KEYS.has(name)) continue;
    if (SECRET_KEYS.has(name) && typeof v === 'string') out[k] = v.length > 4 ? `********${v.slice(-4)}` : '****';
    else if ((name === 'number' || name === 'account_number' || name === 'iban') && typeof v === 'string') out[k] = lastFour(v);
    else out[k] = maskParams(v);
  }
  return out;
}

function paramsOf(p: Pending): FormObject {
  try {
    return parseForm(p.body ?? p.query);
  } catch {
    // A body the API refused to parse is kept as nothing rather than raw: it may hold anything.
    return {};
  }
}

/** The body a row keeps: a successful GET's up to 2 KB, any other up to 32 KB, cut and marked beyond. */
function keptBody(p: Pending): string {
  const limit = p.method === 'GET' && p.status < 300 ? REQUEST_LOG_GET_BODY_BYTES : REQUEST_LOG_BODY_BYTES;
  return p.response.length > limit ? `${p.response.slice(0, limit)}\n… (cut at ${limit} characters)` : p.response;
}

/** The account a request's key opens, or null when it opens none (no account's log shows it). */
function accountOf(p: Pending, allowed: ReadonlySet<string> | undefined): string | null {
  try {
    return authenticate(p.authorization, allowed).account;
  } catch {
    return null;
  }
}

/* ------------------------------------------------------------- the memory ring */

/** A successful GET in memory: the request as recorded, masked the first time it is read. */
interface Held {
  /** Its place in this instance's ring: grows by one per request, across restarts (from the clock). */
  mseq: number;
  p: Pending;
  /** Undefined until first looked at; null when the key opens no account. */
  account?: string | null;
  /** The masked path (filters compare it), then the whole masked entry once read. */
  path?: string;
  entry?: RequestLogEntry;
}

/**
 * The ring of successful GETs, oldest first. Pushing is the hot path: no masking, parsing or I/O.
 * Masking happens once per entry, when a reader first returns it; then the raw response is let go.
 */
class MemoryRing {
  private slots: Array<Held | undefined>;
  private start = 0;
  private count = 0;
  /** Characters of raw responses held (entries not yet masked). */
  private chars = 0;
  /** The mseq of the next entry; starts from the clock so cursors of an earlier run stay behind. */
  private next = Date.now() * 1000;

  constructor(readonly capacity: number) {
    this.slots = new Array<Held | undefined>(capacity);
  }

  push(p: Pending): void {
    if (this.capacity === 0) return;
    if (this.count === this.capacity) this.dropOldest();
    this.slots[(this.start + this.count) % this.capacity] = { mseq: this.next++, p };
    this.count++;
    this.chars += p.response.length;
    while (this.chars > MEMORY_CHARS && this.count > 1) this.dropOldest();
  }

  private dropOldest(): void {
    const h = this.slots[this.start];
    if (h && !h.entry) this.chars -= h.p.response.length;
    this.slots[this.start] = undefined;
    this.start = (this.start + 1) % this.capacity;
    this.count--;
  }

  /** The mseq the next entry will have; every held entry's is lower. */
  get head(): number {
    return this.next;
  }

  /** The entry at `i` (0 = oldest). */
  private at(i: number): Held {
    return this.slots[(this.start + i) % this.capacity] as Held;
  }

  /** The index of the first entry whose mseq is `mseq` or more (count when none). */
  private indexOf(mseq: number): number {
    if (this.count === 0) return 0;
    const first = this.at(0).mseq;
    return Math.min(Math.max(mseq - first, 0), this.count);
  }

  /** Held entries with mseq below `before`, newest first (all when undefined). */
  *newestFirst(before?: number): Generator<Held> {
    for (let i = (before === undefined ? this.count : this.indexOf(before)) - 1; i >= 0; i--) yield this.at(i);
  }

  /** Held entries with mseq above `after`, oldest first (all when undefined). */
  *oldestFirst(after?: number): Generator<Held> {
    for (let i = after === undefined ? 0 : this.indexOf(after + 1); i < this.count; i++) yield this.at(i);
  }

  /** The entry, masked as a stored row is (once; the raw response is then let go). */
  entryOf(h: Held): RequestLogEntry {
    if (!h.entry) {
      const p = h.p;
      h.entry = {
        id: p.requestId,
        seq: null,
        stored: false,
        request_id: p.requestId,
        created_ms: Math.round(p.created),
        method: p.method,
        path: maskedPath(h),
        status: p.status,
        duration_ms: Math.round(p.durationMs),
        idempotency_key: p.idempotencyKey ? maskText(p.idempotencyKey) : null,
        params: maskParams(paramsOf(p)),
        response_body: maskText(keptBody(p)),
      };
      this.chars -= p.response.length;
      // The masked entry is what is read from now on: the raw body, params and key are let go.
      h.p = { ...p, response: '', body: undefined, query: '', authorization: undefined };
    }
    return h.entry;
  }
}

function maskedPath(h: Held): string {
  h.path ??= maskText(h.p.path);
  return h.path;
}

/* ---------------------------------------------------------------- the log */

/** The request log of one app: a buffer and its writer and pruner, and the ring of successful GETs. */
export class RequestLog {
  private buffer: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private lastPrune = 0;
  private sincePrune = 0;
  private wakeQueued = false;
  private readonly allowedKeys: ReadonlySet<string> | undefined;
  /** Successful GETs, in this instance's memory only. */
  readonly memory: MemoryRing;
  /** Emits 'written' after each batch is committed and after GETs enter memory (long-polls wait on it). */
  readonly signals = new EventEmitter();
  /** Rows dropped because the buffer was full (the store could not keep up). */
  dropped = 0;

  constructor(private readonly deps: Deps) {
    this.allowedKeys = deps.config.apiKeys ? new Set(deps.config.apiKeys) : undefined;
    this.memory = new MemoryRing(Math.max(0, Math.min(REQUEST_LOG_MEMORY_ROWS, deps.config.requestLogMaxRows)));
    this.signals.setMaxListeners(0);
  }

  get enabled(): boolean {
    return this.deps.config.requestLogMaxRows > 0;
  }

  /** Records one answered /v1 request; the hot path: no parsing, masking or I/O here. */
  record(req: IncomingMessage, url: string, requestId: string, status: number, started: number, response: string): void {
    if (!this.enabled) return;
    const q = url.indexOf('?');
    const durationMs = performance.now() - started;
    const key = req.headers['idempotency-key'];
    const method = req.method ?? 'GET';
    const p: Pending = {
      authorization: req.headers.authorization,
      idempotencyKey: typeof key === 'string' && key !== '' ? key : undefined,
      requestId,
      created: this.deps.clock.now() - durationMs,
      method,
      path: q === -1 ? url : url.slice(0, q),
      query: q === -1 ? '' : url.slice(q + 1),
      body: bodies.get(req),
      status,
      durationMs,
      response,
    };
    if (method === 'GET' && status >= 200 && status < 300) {
      this.memory.push(p);
      this.wake();
      return;
    }
    this.buffer.push(p);
    if (this.buffer.length > MAX_BUFFERED) {
      this.buffer.shift();
      this.dropped++;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Wakes waiting long-polls at most every WAKE_MS, and only when someone waits. */
  private wake(): void {
    if (this.wakeQueued || this.signals.listenerCount('written') === 0) return;
    this.wakeQueued = true;
    setTimeout(() => {
      this.wakeQueued = false;
      this.signals.emit('written');
    }, WAKE_MS).unref();
  }

  /** Whether a held GET is the account's and passes the filter. */
  matches(h: Held, account: string, filter: RequestLogFilter, nowMs: number): boolean {
    if (h.account === undefined) h.account = accountOf(h.p, this.allowedKeys);
    if (h.account !== account) return false;
    const days = this.deps.config.requestLogRetentionDays;
    if (days > 0 && h.p.created < nowMs - days * 86_400_000) return false;
    return matchesFilter(h.p.method, h.p.status, h.p.requestId, () => maskedPath(h), filter);
  }

  /** Writes what is buffered (and prunes when due); resolves once it is committed. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const previous = this.flushing ?? Promise.resolve();
    const next = previous.then(() => this.write());
    this.flushing = next;
    return next.finally(() => {
      if (this.flushing === next) this.flushing = undefined;
    });
  }

  private async write(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return;
    const rows: Array<Insertable<RequestLogTable>> = [];
    for (const p of batch) {
      const account = accountOf(p, this.allowedKeys);
      if (account === null) continue; // a request without a valid key belongs to no account's log
      rows.push({
        account_id: account,
        request_id: p.requestId,
        created: Math.round(p.created),
        method: p.method,
        path: maskText(p.path),
        status: p.status,
        duration_ms: Math.round(p.durationMs),
        idempotency_key: p.idempotencyKey ? maskText(p.idempotencyKey) : null,
        params: JSON.stringify(maskParams(paramsOf(p))),
        response_body: maskText(keptBody(p)),
      });
    }
    try {
      if (rows.length > 0) {
        await this.deps.store.transaction(async (tx) => {
          for (let i = 0; i < rows.length; i += BATCH_ROWS) {
            const part = rows.slice(i, i + BATCH_ROWS);
            await tx.executeQuery(CompiledQuery.raw(insertText(this.deps.store.dialect, part.length), part.flatMap(rowValues)));
          }
        });
        this.sincePrune += rows.length;
      }
      const now = this.deps.clock.now();
      if (now - this.lastPrune >= PRUNE_MS || this.sincePrune >= this.deps.config.requestLogMaxRows / 10) {
        this.lastPrune = now;
        this.sincePrune = 0;
        await pruneRequestLog(this.deps.store.db, this.deps.config.requestLogMaxRows, this.deps.config.requestLogRetentionDays, now);
      }
    } catch (err) {
      this.deps.log.warn({ err, rows: rows.length }, 'request log rows not written');
    }
    this.signals.emit('written');
  }

  /** Stops the timer and writes what is left (at shutdown). */
  async close(): Promise<void> {
    await this.flush();
  }
}

const COLUMNS = ['account_id', 'request_id', 'created', 'method', 'path', 'status', 'duration_ms', 'idempotency_key', 'params', 'response_body'] as const;
const insertTexts = new Map<string, string>();

/**
 * The INSERT of `n` rows, built once per dialect and size: a batch is written without the query
 * builder (its compile cost grew with the rows), and SQLite's statement cache keeps it prepared.
 */
function insertText(dialect: Dialect, n: number): string {
  const cacheKey = `${dialect}:${n}`;
  let text = insertTexts.get(cacheKey);
  if (!text) {
    let p = 0;
    const tuple = () => `(${COLUMNS.map(() => (dialect === 'postgres' ? `$${++p}` : '?')).join(', ')})`;
    text = `insert into request_log (${COLUMNS.join(', ')}) values ${Array.from({ length: n }, tuple).join(', ')}`;
    insertTexts.set(cacheKey, text);
  }
  return text;
}

const rowValues = (r: Insertable<RequestLogTable>): unknown[] => COLUMNS.map((c) => r[c] ?? null);

const logs = new WeakMap<Deps, RequestLog>();

/** The app's one request log (the API records into it; the Dashboard and admin routes read it). */
export function requestLogFor(deps: Deps): RequestLog {
  let log = logs.get(deps);
  if (!log) {
    log = new RequestLog(deps);
    logs.set(deps, log);
  }
  return log;
}

/**
 * Deletes rows beyond the newest `maxRows` (of all accounts together) and rows older than `days`.
 * `seq` grows with time, so the count bound is one range delete on the primary key.
 */
export async function pruneRequestLog(db: Db, maxRows: number, days: number, nowMs: number): Promise<number> {
  let deleted = 0;
  const top = await db.selectFrom('request_log').select(sql<number | string | null>`max(seq)`.as('m')).executeTakeFirst();
  const max = Number(top?.m ?? 0);
  if (max > maxRows) {
    const res = await db.deleteFrom('request_log').where('seq', '<=', max - maxRows).executeTakeFirst();
    deleted += Number(res.numDeletedRows);
  }
  if (days > 0) {
    const res = await db.deleteFrom('request_log').where('created', '<', Math.floor(nowMs - days * 86_400_000)).executeTakeFirst();
    deleted += Number(res.numDeletedRows);
  }
  return deleted;
}

/* ------------------------------------------------------------------ reading */

/** Filters of the Dashboard's Logs page and `opencheckout logs tail` (Stripe CLI's names). */
export interface RequestLogFilter {
  statusCodes?: number[];
  /** `2XX`, `4XX`, `5XX`. */
  statusTypes?: string[];
  /** `succeeded` (200-202) or `failed`. */
  outcome?: 'succeeded' | 'failed';
  methods?: string[];
  /** Exact paths, or prefixes when they end in `*`. */
  paths?: string[];
  requestId?: string;
}

const SUCCEEDED = new Set([200, 201, 202]);

/** The filter on one request held in memory: what {@link storedPage}'s WHERE says of a row. */
function matchesFilter(method: string, status: number, requestId: string, path: () => string, f: RequestLogFilter): boolean {
  if (f.statusCodes?.length && !f.statusCodes.includes(status)) return false;
  if (f.statusTypes?.length && !f.statusTypes.some((t) => Math.floor(status / 100) === Number(t[0]))) return false;
  if (f.outcome === 'succeeded' && !SUCCEEDED.has(status)) return false;
  if (f.outcome === 'failed' && SUCCEEDED.has(status)) return false;
  if (f.methods?.length && !f.methods.includes(method)) return false;
  if (f.requestId && requestId !== f.requestId) return false;
  if (f.paths?.length) {
    const p = path();
    if (!f.paths.some((x) => (x.endsWith('*') ? p.startsWith(x.slice(0, -1)) : p === x))) return false;
  }
  return true;
}

/**
 * Where a reader stands in both halves of the log: the stored rows' `seq` and the memory ring's
 * mseq (undefined: not bounded, i.e. the newest for `before`, the oldest for `after`). Written
 * `<seq>.<mseq>` (`12.`, `.1733…`); a bare number is a stored seq, as before memory was added.
 */
export interface LogCursor {
  stored?: number | undefined;
  memory?: number | undefined;
}

/** A cursor from its text, or null when it is not one. */
export function parseLogCursor(text: string): LogCursor | null {
  const m = /^(\d{0,16})(?:\.(\d{0,16}))?$/.exec(text);
  if (!m || text === '') return null;
  return { stored: m[1] ? Number(m[1]) : undefined, memory: m[2] ? Number(m[2]) : undefined };
}

export function formatLogCursor(c: LogCursor): string {
  return `${c.stored ?? ''}.${c.memory ?? ''}`;
}

/** A stored row as read: PostgreSQL returns its bigint columns as strings. */
type Row = Omit<RequestLogTable, 'seq' | 'account_id' | 'created'> & { seq: number | string; created: number | string };

function entryOf(r: Row): RequestLogEntry {
  let params: unknown = {};
  try {
    params = JSON.parse(r.params);
  } catch {
    // kept as written
  }
  return {
    id: r.request_id,
    seq: Number(r.seq),
    stored: true,
    request_id: r.request_id,
    created_ms: Number(r.created),
    method: r.method,
    path: r.path,
    status: Number(r.status),
    duration_ms: Number(r.duration_ms),
    idempotency_key: r.idempotency_key,
    params,
    response_body: r.response_body,
  };
}

/** Up to `limit` stored rows: `before` a seq newest first, or `after` one oldest first. */
async function storedPage(
  db: Db,
  account: string,
  filter: RequestLogFilter,
  page: { before?: number | undefined; after?: number | undefined; forward: boolean; limit: number; since?: number | undefined },
): Promise<RequestLogEntry[]> {
  let q = db
    .selectFrom('request_log')
    .select(['seq', 'request_id', 'created', 'method', 'path', 'status', 'duration_ms', 'idempotency_key', 'params', 'response_body'])
    .where('account_id', '=', account);
  // Rows past the retention are not shown, even before the pruner (which runs after writes) deletes them.
  if (page.since !== undefined) q = q.where('created', '>=', page.since);
  if (filter.statusCodes?.length) q = q.where('status', 'in', filter.statusCodes);
  if (filter.statusTypes?.length) {
    const hundreds = filter.statusTypes.map((t) => Number(t[0]) * 100);
    q = q.where((eb) => eb.or(hundreds.map((h) => eb.and([eb('status', '>=', h), eb('status', '<', h + 100)]))));
  }
  if (filter.outcome === 'succeeded') q = q.where('status', 'in', [...SUCCEEDED]);
  if (filter.outcome === 'failed') q = q.where('status', 'not in', [...SUCCEEDED]);
  if (filter.methods?.length) q = q.where('method', 'in', filter.methods);
  if (filter.paths?.length) {
    const paths = filter.paths;
    q = q.where((eb) => eb.or(paths.map((p) => (p.endsWith('*') ? eb(sql<string>`substr(path, 1, ${p.length - 1})`, '=', p.slice(0, -1)) : eb('path', '=', p)))));
  }
  if (filter.requestId) q = q.where('request_id', '=', filter.requestId);
  if (page.forward) {
    if (page.after !== undefined) q = q.where('seq', '>', page.after);
    q = q.orderBy('seq', 'asc');
  } else {
    if (page.before !== undefined) q = q.where('seq', '<', page.before);
    q = q.orderBy('seq', 'desc');
  }
  const rows = (await q.limit(page.limit).execute()) as Row[];
  return rows.map(entryOf);
}

/** When a request was answered: the order in which both halves are merged. */
const answeredAt = (e: RequestLogEntry): number => e.created_ms + e.duration_ms;

/**
 * One page of an account's log, stored rows and this instance's successful GETs merged by when
 * each was answered. `before`: newest first, older than the cursor (the Dashboard, a page of the
 * admin route); `after`: oldest first, newer than it (tailing). `cursor` is where the next page
 * starts (pass it as `before`, or as `after` when tailing).
 */
export async function readRequestLog(
  deps: Deps,
  account: string,
  filter: RequestLogFilter,
  page: { before?: LogCursor | undefined; after?: LogCursor | undefined; limit: number },
): Promise<{ data: RequestLogEntry[]; has_more: boolean; cursor: string }> {
  const log = requestLogFor(deps);
  const forward = page.after !== undefined;
  const from: LogCursor = (forward ? page.after : page.before) ?? {};
  const nowMs = deps.clock.now();
  const days = deps.config.requestLogRetentionDays;
  const since = days > 0 ? Math.floor(nowMs - days * 86_400_000) : undefined;
  const stored = await storedPage(deps.store.reader ?? deps.store.db, account, filter, { before: from.stored, after: from.stored, forward, limit: page.limit + 1, since });
  const held: Held[] = [];
  for (const h of forward ? log.memory.oldestFirst(from.memory) : log.memory.newestFirst(from.memory)) {
    if (!log.matches(h, account, filter, nowMs)) continue;
    held.push(h);
    if (held.length > page.limit) break;
  }
  const memory = held.map((h) => ({ h, e: log.memory.entryOf(h) }));
  // A merge of two sorted runs: each half is consumed as a prefix, so each half's cursor moves
  // past exactly what was returned.
  const data: RequestLogEntry[] = [];
  const next: LogCursor = { ...from };
  let i = 0;
  let j = 0;
  while (data.length < page.limit && (i < stored.length || j < memory.length)) {
    const s = stored[i];
    const m = memory[j];
    const takeStored = s !== undefined && (m === undefined || (forward ? answeredAt(s) <= answeredAt(m.e) : answeredAt(s) >= answeredAt(m.e)));
    if (takeStored) {
      data.push(s);
      next.stored = s.seq ?? undefined;
      i++;
    } else if (m) {
      data.push(m.e);
      next.memory = m.h.mseq;
      j++;
    }
  }
  return { data, has_more: i < stored.length || j < memory.length, cursor: formatLogCursor(next) };
}

/** Where a tail starts: past the account's newest stored row and this instance's newest GET. */
export async function latestRequestLogCursor(deps: Deps, account: string): Promise<LogCursor> {
  const db = deps.store.reader ?? deps.store.db;
  const row = await db.selectFrom('request_log').select(sql<number | string | null>`max(seq)`.as('m')).where('account_id', '=', account).executeTakeFirst();
  return { stored: Number(row?.m ?? 0), memory: requestLogFor(deps).memory.head - 1 };
}

/** One request of the account by its id, stored or in this instance's memory. */
export async function findRequestLogEntry(deps: Deps, account: string, requestId: string): Promise<RequestLogEntry | undefined> {
  return (await readRequestLog(deps, account, { requestId }, { limit: 1 })).data[0];
}
