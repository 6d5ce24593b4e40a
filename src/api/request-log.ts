/**
 * The API request log, Stripe's "Logs" (docs/decisions.md#request-log): every /v1 request with
 * method, path, status, duration, idempotency key, request id, params and response body, secrets,
 * card numbers and bank account numbers masked.
 *
 * Recording costs the request almost nothing: no parsing, masking or I/O while it is answered.
 * - Errors, and successful writes up to `requestLogStoredPerSecond` a second, go to a buffer that is
 *   masked and written in small batches to `request_log`, in a transaction of its own (never the
 *   request's), and the table is pruned by count and age.
 * - Successful GETs (2xx), and successful writes past that rate, are copied into a bounded ring in
 *   this instance's memory, outside the JavaScript heap, masked only when read: a stored row costs
 *   a GET by id 9-16 % of its CPU and a create ~10 %, over the 5 % the log may cost
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
const FLUSH_MS = 20;
/** Rows that start a write at once, without waiting for FLUSH_MS. */
const FLUSH_ROWS = 32;
/** How often the table is pruned, at most (ms). */
const PRUNE_MS = 30_000;
/**
 * Successful GETs kept in memory, per instance (never more than `requestLogMaxRows`), and the bytes
 * their ring holds: past either the oldest go first.
 */
export const REQUEST_LOG_MEMORY_ROWS = 1000;
const MEMORY_BYTES = 2 * 1024 * 1024;
/** A tail waiting for new GETs is woken at most this often (ms). */
const WAKE_MS = 50;

/** What the API learnt of a request while answering it, for its log row. */
export interface RequestSeen {
  /** A POST's body (the body is read once, by the API). */
  body: Buffer | undefined;
  /** The account the request's key opened; undefined when it opened none. */
  account: string | undefined;
}

interface Pending {
  authorization: string | undefined;
  account: string | undefined;
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
  return parsedForm(p.body ?? p.query);
}

function parsedForm(form: string | Buffer): FormObject {
  try {
    return parseForm(form);
  } catch {
    // A body the API refused to parse is kept as nothing rather than raw: it may hold anything.
    return {};
  }
}

/** Any part of a key {@link maskParams} treats apart (case as it compares them). */
const SPECIAL_KEY = /cvc|cvv|secret|password|api_key|number|iban/i;
/** Longer forms take the slow path: the regexes' cost grows with the text, a parse's is paid anyway. */
const FAST_FORM_CHARS = 4096;
/** A form as the SDKs send it: percent-encoded, so its text is the same in any encoding. */
const PRINTABLE_ASCII = /^[!-~]*$/;
/** The first character of stored params that are the request's own form text, not JSON. */
const RAW_FORM = '?';

/**
 * The params a stored row keeps. Most forms hold nothing to mask: their decoded text shows no
 * key {@link maskParams} treats apart and nothing {@link maskText} would change. Those are kept
 * as their own text (`?` and the form), parsed when read, which spares the hot path a parse and a
 * JSON encoding per request; any other is parsed, masked and kept as JSON.
 */
function storedParams(p: Pending): string {
  const form = p.body === undefined ? p.query : p.body.toString('latin1');
  if (form === '') return '{}';
  return keptAsSent(form) ? RAW_FORM + form : JSON.stringify(maskParams(paramsOf(p)));
}

/** Whether a form holds nothing to mask (see {@link storedParams}): short, printable ASCII, no special key, no secret. */
function keptAsSent(form: string): boolean {
  if (form.length > FAST_FORM_CHARS || !PRINTABLE_ASCII.test(form)) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(form.replace(/\+/g, ' '));
  } catch {
    return false;
  }
  return !SPECIAL_KEY.test(decoded) && !MAYBE_SECRET.test(decoded);
}

/** Stored params as the reader sees them: JSON, or a form kept as its text (see {@link storedParams}). */
function readParams(text: string): unknown {
  if (text.startsWith(RAW_FORM)) return parsedForm(text.slice(RAW_FORM.length));
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** The most characters of a response kept: a successful GET's 2 KB, any other's 32 KB. */
function bodyLimit(method: string, status: number): number {
  return method === 'GET' && status < 300 ? REQUEST_LOG_GET_BODY_BYTES : REQUEST_LOG_BODY_BYTES;
}

/** The body a row keeps, cut and marked beyond {@link bodyLimit}. */
function keptBody(p: Pending): string {
  const limit = bodyLimit(p.method, p.status);
  return p.response.length > limit ? cutMarked(p.response.slice(0, limit), limit) : p.response;
}

/** A body cut at `limit` characters, as a reader sees it: with a line saying so. */
function cutMarked(kept: string, limit: number): string {
  return `${kept}\n… (cut at ${limit} characters)`;
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

/** A request as the ring holds it: decoded when a reader looks, masked when it is returned. */
interface Held {
  /** Its place in this instance's ring: grows by one per request, across restarts (from the clock). */
  mseq: number;
  created: number;
  durationMs: number;
  status: number;
  method: string;
  account: string;
  requestId: string;
  path: string;
  /** The params as sent: a GET's query or a write's body. */
  form: string;
  idempotencyKey: string | undefined;
  /** Where the response's text is in the ring's bytes: it is decoded only for an entry returned. */
  responseAt: number;
  /** The response was cut at {@link bodyLimit} characters. */
  cut: boolean;
}

/** Bytes of an entry before its texts: created, duration (float64), status (uint16), cut (uint8). */
const HEAD_BYTES = 8 + 8 + 2 + 1;
/** The texts of an entry, in order, each a uint32 byte length and its UTF-8. */
const TEXTS = 7;

/**
 * The ring of successful GETs (and writes past the stored rate), oldest first, kept outside the
 * JavaScript heap: each entry is
 * encoded into one preallocated buffer, and the entries' places into typed arrays. A GET's answer
 * held in objects for the seconds a ring keeps it outlives the young generation, and promoting
 * it to the old one cost a GET by id 20-30 % of its CPU (bench/README.md, "The request log's
 * cost"); bytes copied into a buffer the collector never scans cost a memcpy.
 */
export class MemoryRing {
  private readonly bytes: Buffer;
  private readonly offsets: Int32Array;
  private readonly lengths: Int32Array;
  private readonly mseqs: Float64Array;
  private start = 0;
  private count = 0;
  /** Where the next entry's bytes go. */
  private write = 0;
  /** The mseq of the next entry; starts from the clock so cursors of an earlier run stay behind. */
  private next = Date.now() * 1000;

  constructor(
    readonly capacity: number,
    byteSize: number,
  ) {
    // Not zero-filled: its pages take memory only as entries reach them, and only written bytes are read.
    this.bytes = Buffer.allocUnsafeSlow(capacity === 0 ? 0 : byteSize);
    this.offsets = new Int32Array(capacity);
    this.lengths = new Int32Array(capacity);
    this.mseqs = new Float64Array(capacity);
  }

  /**
   * Encodes one request; the hot path: no masking, parsing or I/O, nothing kept on the heap.
   * False when the entry is larger than the whole ring, and so not held.
   */
  push(p: Pending, account: string): boolean {
    if (this.capacity === 0) return true;
    const limit = bodyLimit(p.method, p.status);
    const cut = p.response.length > limit;
    const response = cut ? p.response.slice(0, limit) : p.response;
    const texts: Array<string | Buffer> = [p.method, account, p.requestId, p.path, p.body ?? p.query, p.idempotencyKey ?? '', response];
    // The most bytes the entry can take (UTF-8 spends at most 3 bytes per UTF-16 unit).
    let most = HEAD_BYTES + 4 * TEXTS;
    for (const t of texts) most += typeof t === 'string' ? 3 * t.length : t.length;
    if (most > this.bytes.length) return false;
    if (this.write + most > this.bytes.length) {
      // Entries past the write position, in the tail now left unused, are older than any at the
      // start: they go first, so that the oldest entry is always the next one overwritten.
      while (this.count > 0 && (this.offsets[this.start] as number) >= this.write) this.dropOldest();
      this.write = 0;
    }
    const from = this.write;
    // Entries whose bytes this one will cover are the oldest: they go first.
    while (this.count > 0 && this.overlaps(this.start, from, from + most)) this.dropOldest();
    if (this.count === this.capacity) this.dropOldest();
    const b = this.bytes;
    let at = from;
    b.writeDoubleLE(p.created, at);
    b.writeDoubleLE(p.durationMs, at + 8);
    b.writeUInt16LE(p.status, at + 16);
    b.writeUInt8(cut ? 1 : 0, at + 18);
    at += HEAD_BYTES;
    for (const t of texts) {
      const n = t.length === 0 ? 0 : typeof t === 'string' ? b.write(t, at + 4, 'utf8') : t.copy(b, at + 4);
      b.writeUInt32LE(n, at);
      at += 4 + n;
    }
    const slot = (this.start + this.count) % this.capacity;
    this.offsets[slot] = from;
    this.lengths[slot] = at - from;
    this.mseqs[slot] = this.next++;
    this.count++;
    this.write = at;
    return true;
  }

  private overlaps(slot: number, from: number, to: number): boolean {
    const o = this.offsets[slot] as number;
    return o < to && o + (this.lengths[slot] as number) > from;
  }

  private dropOldest(): void {
    this.start = (this.start + 1) % this.capacity;
    this.count--;
  }

  /** The mseq the next entry will have; every held entry's is lower. */
  get head(): number {
    return this.next;
  }

  /** The entry at `i` (0 = oldest), decoded but for its response. */
  private at(i: number): Held {
    const slot = (this.start + i) % this.capacity;
    const b = this.bytes;
    const from = this.offsets[slot] as number;
    let at = from + HEAD_BYTES;
    const texts: string[] = [];
    for (let t = 0; t < TEXTS - 1; t++) {
      const n = b.readUInt32LE(at);
      texts.push(b.toString('utf8', at + 4, at + 4 + n));
      at += 4 + n;
    }
    const [method, account, requestId, path, form, idempotencyKey] = texts as [string, string, string, string, string, string];
    return {
      mseq: this.mseqs[slot] as number,
      created: b.readDoubleLE(from),
      durationMs: b.readDoubleLE(from + 8),
      status: b.readUInt16LE(from + 16),
      cut: b.readUInt8(from + 18) === 1,
      method,
      account,
      requestId,
      path,
      form,
      idempotencyKey: idempotencyKey === '' ? undefined : idempotencyKey,
      responseAt: at,
    };
  }

  /** The index of the first entry whose mseq is `mseq` or more (count when none). */
  private indexOf(mseq: number): number {
    if (this.count === 0) return 0;
    const first = this.mseqs[this.start] as number;
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

  /** The entry, masked as a stored row is. Read before the ring moves on: a reader decodes at once. */
  entryOf(h: Held): RequestLogEntry {
    const n = this.bytes.readUInt32LE(h.responseAt);
    const response = this.bytes.toString('utf8', h.responseAt + 4, h.responseAt + 4 + n);
    const body = h.cut ? cutMarked(response, bodyLimit(h.method, h.status)) : response;
    return {
      id: h.requestId,
      seq: null,
      stored: false,
      request_id: h.requestId,
      created_ms: Math.round(h.created),
      method: h.method,
      path: maskText(h.path),
      status: h.status,
      duration_ms: Math.round(h.durationMs),
      idempotency_key: h.idempotencyKey ? maskText(h.idempotencyKey) : null,
      params: maskParams(parsedForm(h.form)),
      response_body: maskText(body),
    };
  }
}

/* ---------------------------------------------------------------- the log */

/** The request log of one app: a buffer and its writer and pruner, and the ring of successful GETs. */
export class RequestLog {
  private buffer: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private lastPrune = 0;
  private sincePrune = 0;
  /** The second (of performance.now()) whose stored writes are counted, and their count. */
  private second = -1;
  private storedThisSecond = 0;
  private wakeQueued = false;
  private readonly allowedKeys: ReadonlySet<string> | undefined;
  /** Successful GETs, in this instance's memory only. */
  readonly memory: MemoryRing;
  /** Emits 'written' after each batch is committed and after GETs enter memory (long-polls wait on it). */
  readonly signals = new EventEmitter();
  /** Requests not logged: the buffer was full (the store could not keep up), or one was larger than the memory ring. */
  dropped = 0;

  constructor(private readonly deps: Deps) {
    this.allowedKeys = deps.config.apiKeys ? new Set(deps.config.apiKeys) : undefined;
    this.memory = new MemoryRing(Math.max(0, Math.min(REQUEST_LOG_MEMORY_ROWS, deps.config.requestLogMaxRows)), MEMORY_BYTES);
    this.signals.setMaxListeners(0);
  }

  get enabled(): boolean {
    return this.deps.config.requestLogMaxRows > 0;
  }

  /** Records one answered /v1 request; the hot path: no parsing, masking or I/O here. */
  record(req: IncomingMessage, url: string, seen: RequestSeen, requestId: string, status: number, started: number, response: string): void {
    if (!this.enabled) return;
    const q = url.indexOf('?');
    const durationMs = performance.now() - started;
    const key = req.headers['idempotency-key'];
    const method = req.method ?? 'GET';
    const p: Pending = {
      authorization: req.headers.authorization,
      account: seen.account,
      idempotencyKey: typeof key === 'string' && key !== '' ? key : undefined,
      requestId,
      created: this.deps.clock.now() - durationMs,
      method,
      path: q === -1 ? url : url.slice(0, q),
      query: q === -1 ? '' : url.slice(q + 1),
      body: seen.body,
      status,
      durationMs,
      response,
    };
    if (status >= 200 && status < 300 && (method === 'GET' || !this.mayStore(started))) {
      const account = p.account ?? accountOf(p, this.allowedKeys);
      if (account !== null && !this.memory.push(p, account)) this.dropped++;
      this.wake();
      return;
    }
    this.buffer.push(p);
    if (this.buffer.length > MAX_BUFFERED) {
      this.buffer.shift();
      this.dropped++;
    }
    // Written soon, in small batches: a row held longer outlives the young generation, and its
    // promotion costs more than the extra statements (bench/README.md, "The request log's cost").
    if (this.buffer.length >= FLUSH_ROWS && !this.flushing) {
      void this.flush();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /**
   * Whether a successful write may be stored: at most `requestLogStoredPerSecond` a second; the
   * rest are held in memory as GETs are. Errors are always stored. Requests finish out of the
   * order they started in, so a start in an earlier second counts against the current one: the
   * second only moves forward, and a late finisher never reopens a spent second.
   */
  private mayStore(nowMs: number): boolean {
    const second = Math.floor(nowMs / 1000);
    if (second > this.second) {
      this.second = second;
      this.storedThisSecond = 0;
    }
    return ++this.storedThisSecond <= this.deps.config.requestLogStoredPerSecond;
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
    if (h.account !== account) return false;
    const days = this.deps.config.requestLogRetentionDays;
    if (days > 0 && h.created < nowMs - days * 86_400_000) return false;
    return matchesFilter(h.method, h.status, h.requestId, () => maskText(h.path), filter);
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
      const account = p.account ?? accountOf(p, this.allowedKeys);
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
        params: storedParams(p),
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
      // The count bound is a range delete on the primary key, run every tenth of the bound; the
      // age bound scans the table, so it runs on a timer only (a row may outlive its days by PRUNE_MS,
      // and readers hide it meanwhile).
      const db = this.deps.store.db;
      if (this.sincePrune >= this.deps.config.requestLogMaxRows / 10) {
        this.sincePrune = 0;
        await pruneByCount(db, this.deps.config.requestLogMaxRows);
      }
      if (now - this.lastPrune >= PRUNE_MS) {
        this.lastPrune = now;
        await pruneByCount(db, this.deps.config.requestLogMaxRows);
        await pruneByAge(db, this.deps.config.requestLogRetentionDays, now);
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
 * Deletes rows beyond the newest `maxRows` (of all accounts together). `seq` grows with time, so
 * this is one range delete on the primary key.
 */
async function pruneByCount(db: Db, maxRows: number): Promise<number> {
  const top = await db.selectFrom('request_log').select(sql<number | string | null>`max(seq)`.as('m')).executeTakeFirst();
  const max = Number(top?.m ?? 0);
  if (max <= maxRows) return 0;
  const res = await db.deleteFrom('request_log').where('seq', '<=', max - maxRows).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Deletes rows older than `days` (none when `days` is 0). */
async function pruneByAge(db: Db, days: number, nowMs: number): Promise<number> {
  if (days <= 0) return 0;
  const res = await db.deleteFrom('request_log').where('created', '<', Math.floor(nowMs - days * 86_400_000)).executeTakeFirst();
  return Number(res.numDeletedRows);
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
  const params = readParams(r.params);
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
