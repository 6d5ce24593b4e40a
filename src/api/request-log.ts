/**
 * The API request log, Stripe's "Logs" (docs/decisions.md#request-log): one row per /v1 request
 * with method, path, status, duration, idempotency key, request id, params and response body,
 * secrets, card numbers and bank account numbers masked.
 *
 * Recording costs the request almost nothing: `record` pushes a few references onto an in-memory
 * buffer. A timer masks and writes the buffer in batches, in a transaction of its own (never the
 * request's), and prunes the table by count and age. What is buffered when the process dies is
 * lost; that is acceptable for a debug log (docs/decisions.md#request-log).
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
  seq: number;
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

/* ---------------------------------------------------------------- the log */

/** The request log of one app: a buffer, its writer and its pruner. */
export class RequestLog {
  private buffer: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private lastPrune = 0;
  private sincePrune = 0;
  private readonly allowedKeys: ReadonlySet<string> | undefined;
  /** Emits 'written' after each batch is committed (long-polls wait on it). */
  readonly signals = new EventEmitter();
  /** Rows dropped because the buffer was full (the store could not keep up). */
  dropped = 0;

  constructor(private readonly deps: Deps) {
    this.allowedKeys = deps.config.apiKeys ? new Set(deps.config.apiKeys) : undefined;
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
    this.buffer.push({
      authorization: req.headers.authorization,
      idempotencyKey: typeof key === 'string' && key !== '' ? key : undefined,
      requestId,
      created: this.deps.clock.now() - durationMs,
      method: req.method ?? 'GET',
      path: q === -1 ? url : url.slice(0, q),
      query: q === -1 ? '' : url.slice(q + 1),
      body: bodies.get(req),
      status,
      durationMs,
      response,
    });
    if (this.buffer.length > MAX_BUFFERED) {
      this.buffer.shift();
      this.dropped++;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
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
      let account: string;
      try {
        account = authenticate(p.authorization, this.allowedKeys).account;
      } catch {
        continue; // a request without a valid key belongs to no account's log
      }
      const limit = p.method === 'GET' && p.status < 300 ? REQUEST_LOG_GET_BODY_BYTES : REQUEST_LOG_BODY_BYTES;
      const body = p.response.length > limit ? `${p.response.slice(0, limit)}\n… (cut at ${limit} characters)` : p.response;
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
        response_body: maskText(body),
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

type Row = {
  seq: number | string;
  request_id: string;
  created: number | string;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  idempotency_key: string | null;
  params: string;
  response_body: string;
};

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

/**
 * One page of an account's log. `before`: newest first, older than that seq (the Dashboard);
 * `after`: oldest first, newer than that seq (tailing).
 */
export async function readRequestLog(
  db: Db,
  account: string,
  filter: RequestLogFilter,
  page: { before?: number; after?: number; limit: number },
): Promise<{ data: RequestLogEntry[]; has_more: boolean }> {
  let q = db
    .selectFrom('request_log')
    .select(['seq', 'request_id', 'created', 'method', 'path', 'status', 'duration_ms', 'idempotency_key', 'params', 'response_body'])
    .where('account_id', '=', account);
  if (filter.statusCodes?.length) q = q.where('status', 'in', filter.statusCodes);
  if (filter.statusTypes?.length) {
    const hundreds = filter.statusTypes.map((t) => Number(t[0]) * 100);
    q = q.where((eb) => eb.or(hundreds.map((h) => eb.and([eb('status', '>=', h), eb('status', '<', h + 100)]))));
  }
  if (filter.outcome === 'succeeded') q = q.where('status', 'in', [200, 201, 202]);
  if (filter.outcome === 'failed') q = q.where('status', 'not in', [200, 201, 202]);
  if (filter.methods?.length) q = q.where('method', 'in', filter.methods);
  if (filter.paths?.length) {
    const paths = filter.paths;
    q = q.where((eb) => eb.or(paths.map((p) => (p.endsWith('*') ? eb(sql<string>`substr(path, 1, ${p.length - 1})`, '=', p.slice(0, -1)) : eb('path', '=', p)))));
  }
  if (filter.requestId) q = q.where('request_id', '=', filter.requestId);
  if (page.after !== undefined) q = q.where('seq', '>', page.after).orderBy('seq', 'asc');
  else {
    if (page.before !== undefined) q = q.where('seq', '<', page.before);
    q = q.orderBy('seq', 'desc');
  }
  const rows = (await q.limit(page.limit + 1).execute()) as Row[];
  return { data: rows.slice(0, page.limit).map(entryOf), has_more: rows.length > page.limit };
}

/** The newest seq of an account's log (where a tail starts), 0 when it is empty. */
export async function latestRequestLogSeq(db: Db, account: string): Promise<number> {
  const row = await db.selectFrom('request_log').select(sql<number | string | null>`max(seq)`.as('m')).where('account_id', '=', account).executeTakeFirst();
  return Number(row?.m ?? 0);
}
