/**
 * `opencheckout logs tail`, like `stripe logs tail`: streams the account's API request log
 * (docs/decisions.md#request-log) by long-polling `GET /_admin/request_log`, one line per request
 * in the Stripe CLI's format, with its filters.
 */
import type { Client } from './api.js';

/** The Stripe CLI's filter flags, each a comma-separated list. */
export interface TailFilters {
  'filter-status-code'?: string | undefined;
  'filter-status-code-type'?: string | undefined;
  'filter-http-method'?: string | undefined;
  'filter-request-path'?: string | undefined;
  'filter-request-status'?: string | undefined;
}

interface Entry {
  request_id: string;
  created_ms: number;
  method: string;
  path: string;
  status: number;
  response_body: string;
}

interface Page {
  data: Entry[];
  /** Where the next poll starts (stored rows and the server's in-memory GETs), passed back as is. */
  cursor: string;
}

/** `2006-01-02 15:04:05` in local time, as the Stripe CLI prints it. */
function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The error fields the Stripe CLI's payload carries (`RedactedError`), from a response body. */
function errorOf(body: string): Record<string, string> {
  let err: Record<string, unknown> = {};
  try {
    err = ((JSON.parse(body) as { error?: Record<string, unknown> }).error ?? {}) as Record<string, unknown>;
  } catch {
    // not JSON: no error fields
  }
  const str = (v: unknown) => (typeof v === 'string' ? v.replace(/[\r\n]/g, '').trim() : '');
  return { type: str(err.type), charge: str(err.charge), code: str(err.code), decline_code: str(err.decline_code), message: str(err.message), param: str(err.param), error_insight: '' };
}

const FIELD_NAMES: Record<string, string> = { type: 'Type', charge: 'Charge', code: 'Code', decline_code: 'DeclineCode', message: 'Message', param: 'Param', error_insight: 'ErrorInsight' };

/** One entry as the Stripe CLI prints it: a line, then one `Field: value` line per error field. */
export function formatEntry(e: Entry, format: string | undefined): string {
  const error = errorOf(e.response_body);
  if (format?.toUpperCase() === 'JSON') {
    return JSON.stringify({ created_at: Math.floor(e.created_ms / 1000), livemode: false, method: e.method, request_id: e.request_id, status: e.status, url: e.path, error });
  }
  const lines = [`${localTime(e.created_ms)} [${e.status}] ${e.method} ${e.path} [${e.request_id}]`];
  for (const [k, v] of Object.entries(error)) if (v) lines.push(`${FIELD_NAMES[k]}: ${v}`);
  return lines.join('\n');
}

const VALID: Record<string, RegExp> = {
  'filter-status-code': /^[1-5]\d\d$/,
  'filter-status-code-type': /^[245]XX$/i,
  'filter-http-method': /^(GET|POST|DELETE)$/i,
  'filter-request-status': /^(SUCCEEDED|FAILED)$/i,
};

/** The admin route's query for the flags; throws a readable message for a value the Stripe CLI refuses too. */
export function tailQuery(filters: TailFilters): Record<string, string> {
  const q: Record<string, string> = {};
  const names: Array<[keyof TailFilters, string]> = [
    ['filter-status-code', 'status_code'],
    ['filter-status-code-type', 'status_code_type'],
    ['filter-http-method', 'http_method'],
    ['filter-request-path', 'request_path'],
    ['filter-request-status', 'request_status'],
  ];
  for (const [flag, param] of names) {
    const values = (filters[flag] ?? '').split(',').map((v) => v.trim()).filter(Boolean);
    if (values.length === 0) continue;
    const bad = values.find((v) => VALID[flag] && !VALID[flag].test(v));
    if (bad) throw new Error(`${bad} is not an acceptable value for --${flag}.`);
    q[param] = values.join(',');
  }
  return q;
}

/**
 * Tails until `signal` aborts: prints the Ready line once the cursor is at the newest request, then
 * each new one. A failed poll (the server restarting) is retried after a second.
 */
export async function tail(api: Client, opts: { filters: TailFilters; format?: string | undefined; out: (line: string) => void; signal: AbortSignal; waitSeconds?: number }): Promise<void> {
  const query = tailQuery(opts.filters);
  let cursor = (await api.get<Page>('/_admin/request_log', { ...query, after: 'latest' })).cursor;
  opts.out("Ready! You're now waiting to receive API request logs (^C to quit)");
  while (!opts.signal.aborted) {
    try {
      const page = await api.get<Page>('/_admin/request_log', { ...query, after: cursor, wait: String(opts.waitSeconds ?? 25), limit: '100' }, opts.signal);
      for (const e of page.data) opts.out(formatEntry(e, opts.format));
      cursor = page.cursor;
    } catch (err) {
      if (opts.signal.aborted) return;
      await new Promise((r) => setTimeout(r, 1000));
      void err;
    }
  }
}
