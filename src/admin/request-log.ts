/**
 * `GET /_admin/request_log`: the calling account's API request log (docs/decisions.md#request-log),
 * for `opencheckout logs tail` and scripts: stored rows and this instance's successful GETs,
 * merged. Filters are the Stripe CLI's `logs tail` filters; `after` + `wait` long-polls for newer
 * requests (oldest first), else a page newest first. Either way `cursor` says where the next
 * page starts (`<seq>.<mseq>`, see src/api/request-log.ts).
 */
import type { Deps } from '../api/context.js';
import { errors } from '../api/errors.js';
import { latestRequestLogCursor, parseLogCursor, readRequestLog, requestLogFor, type LogCursor, type RequestLogFilter } from '../api/request-log.js';

const METHODS = new Set(['GET', 'POST', 'DELETE']);
const MAX_WAIT_SECONDS = 30;
/** While long-polling, the table is read again this often too: rows may come from another instance. */
const REPOLL_MS = 1000;

const listOf = (q: URLSearchParams, name: string): string[] =>
  q
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

/** The Stripe CLI's filters from a query string, refused with a Stripe-shaped error when malformed. */
export function requestLogFilter(q: URLSearchParams): RequestLogFilter {
  const filter: RequestLogFilter = {};
  const codes = listOf(q, 'status_code');
  if (codes.some((c) => !/^[1-5]\d\d$/.test(c))) throw errors.invalid('status_code must be HTTP status codes, e.g. 200,402.', 'status_code');
  if (codes.length) filter.statusCodes = codes.map(Number);
  const types = listOf(q, 'status_code_type').map((t) => t.toUpperCase());
  if (types.some((t) => !/^[245]XX$/.test(t))) throw errors.invalid('status_code_type must be 2XX, 4XX or 5XX.', 'status_code_type');
  if (types.length) filter.statusTypes = types;
  const methods = listOf(q, 'http_method').map((m) => m.toUpperCase());
  if (methods.some((m) => !METHODS.has(m))) throw errors.invalid('http_method must be GET, POST or DELETE.', 'http_method');
  if (methods.length) filter.methods = methods;
  const paths = listOf(q, 'request_path');
  if (paths.length) filter.paths = paths;
  const outcomes = listOf(q, 'request_status').map((s) => s.toLowerCase());
  if (outcomes.some((s) => s !== 'succeeded' && s !== 'failed')) throw errors.invalid('request_status must be succeeded or failed.', 'request_status');
  if (outcomes.length === 1) filter.outcome = outcomes[0] as 'succeeded' | 'failed';
  const requestId = q.get('request_id');
  if (requestId) filter.requestId = requestId;
  return filter;
}

/** A cursor param (`before`, `after`), refused when malformed. */
function cursorParam(q: URLSearchParams, name: string): LogCursor | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  const cursor = parseLogCursor(raw);
  if (!cursor) throw errors.invalid(`${name} must be a cursor this route returned (digits, a dot, digits).`, name);
  return cursor;
}

function intParam(q: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw errors.invalid(`${name} must be a non-negative integer.`, name);
  return Math.min(Number(raw), max);
}

/** Answers the route for an authenticated account; the body to send with 200. */
export async function requestLogRoute(deps: Deps, account: string, q: URLSearchParams, path: string): Promise<unknown> {
  const filter = requestLogFilter(q);
  const limit = intParam(q, 'limit', 20, 100) || 20;
  const rawAfter = q.get('after');
  if (rawAfter === null || rawAfter === '') {
    const page = await readRequestLog(deps, account, filter, { limit, before: cursorParam(q, 'before') });
    return { object: 'list', url: path, ...page };
  }
  const after = rawAfter === 'latest' ? await latestRequestLogCursor(deps, account) : (cursorParam(q, 'after') as LogCursor);
  const waitMs = intParam(q, 'wait', 0, MAX_WAIT_SECONDS) * 1000;
  const deadline = Date.now() + waitMs;
  const log = requestLogFor(deps);
  for (;;) {
    const page = await readRequestLog(deps, account, filter, { after, limit });
    if (page.data.length > 0 || Date.now() >= deadline) return { object: 'list', url: path, ...page };
    // Wakes on this instance's next batch, or re-reads after a while for other instances' rows.
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        log.signals.off('written', done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(REPOLL_MS, Math.max(deadline - Date.now(), 0)));
      log.signals.on('written', done);
    });
  }
}
