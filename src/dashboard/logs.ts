/**
 * The Dashboard's Logs page (docs/decisions.md#request-log): the account's API requests, newest
 * first (stored writes and errors, and this instance's successful GETs from memory), filtered as
 * `opencheckout logs tail` filters them, and each request's params and response. Read through the
 * request log's own functions (src/api/request-log.ts), like the admin route.
 */
import type { Deps } from '../api/context.js';
import { StripeError } from '../api/errors.js';
import { findRequestLogEntry, parseLogCursor, readRequestLog, requestLogFor, type RequestLogEntry } from '../api/request-log.js';
import { requestLogFilter } from '../admin/request-log.js';
import { esc } from '../pages/escape.js';
import { fill } from '../pages/i18n.js';
import { badge, facts, noticeHtml, table, type Shell } from './layout.js';
import { PAGE_SIZE } from './lists.js';

const STATUS_CHOICES = ['', 'succeeded', 'failed', '2XX', '4XX', '5XX'] as const;
const METHOD_CHOICES = ['', 'GET', 'POST', 'DELETE'] as const;

/** `2026-12-06 16:50:12.345 UTC`. */
function formatMs(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/Z$/, ' UTC');
}

function statusBadge(status: number): string {
  return badge(String(status), status >= 200 && status < 300 ? 'good' : status >= 500 ? 'bad' : 'warn');
}

/** The page's filters as the admin route's query (the same parser checks both). */
function filterQuery(query: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams();
  const status = query.get('status') ?? '';
  if (status === 'succeeded' || status === 'failed') q.set('request_status', status);
  else if (/^[245]XX$/.test(status)) q.set('status_code_type', status);
  const code = (query.get('status_code') ?? '').trim();
  if (code) q.set('status_code', code);
  const method = query.get('method') ?? '';
  if (method) q.set('http_method', method);
  const path = (query.get('path') ?? '').trim();
  if (path) q.set('request_path', path);
  return q;
}

function filterForm(sh: Shell, query: URLSearchParams): string {
  const { t } = sh;
  const option = (value: string, label: string, current: string) => `<option value="${esc(value)}"${value === current ? ' selected' : ''}>${esc(label)}</option>`;
  const status = query.get('status') ?? '';
  const method = query.get('method') ?? '';
  const statusLabel = (v: string) => (v === '' ? t.allStatuses : v === 'succeeded' ? t.statusSucceeded : v === 'failed' ? t.statusFailed : v);
  return (
    `<form class="bar" method="get" action="/dashboard/logs" role="search" data-testid="log-filters">` +
    `<select name="status" aria-label="${esc(t.status)}">${STATUS_CHOICES.map((v) => option(v, statusLabel(v), status)).join('')}</select>` +
    `<select name="method" aria-label="${esc(t.method)}">${METHOD_CHOICES.map((v) => option(v, v || t.allMethods, method)).join('')}</select>` +
    `<input type="text" class="code" name="status_code" inputmode="numeric" size="5" maxlength="3" value="${esc(query.get('status_code') ?? '')}" placeholder="${esc(t.statusCode)}" aria-label="${esc(t.statusCode)}">` +
    `<input type="search" name="path" value="${esc(query.get('path') ?? '')}" placeholder="${esc(t.pathPlaceholder)}" aria-label="${esc(t.path)}">` +
    `<button type="submit">${esc(t.filter)}</button></form>`
  );
}

function row(e: RequestLogEntry): string[] {
  return [
    `<span class="mono nowrap">${esc(formatMs(e.created_ms))}</span>`,
    statusBadge(e.status),
    `<span class="mono">${esc(e.method)}</span>`,
    `<a class="mono" href="/dashboard/logs/${encodeURIComponent(e.request_id)}">${esc(e.path)}</a>`,
    `${esc(String(e.duration_ms))} ms`,
    `<span class="mono">${esc(e.request_id)}</span>`,
  ];
}

/** `/dashboard/logs`: title and content. */
export async function logsPage(deps: Deps, sh: Shell, query: URLSearchParams): Promise<{ status: number; content: string }> {
  const { t } = sh;
  const help = `<p class="muted">${esc(fill(t.logsHelp, { rows: String(deps.config.requestLogMaxRows), days: String(deps.config.requestLogRetentionDays), memory: String(requestLogFor(deps).memory.capacity), rate: String(deps.config.requestLogStoredPerSecond) }))}</p>`;
  const head = `<h1>${esc(t.logs)}</h1>${help}${filterForm(sh, query)}`;
  const q = filterQuery(query);
  let filter;
  try {
    filter = requestLogFilter(q);
  } catch (err) {
    if (err instanceof StripeError) return { status: 400, content: head + noticeHtml(err.body.message, true) };
    throw err;
  }
  const before = parseLogCursor(query.get('before') ?? '') ?? undefined;
  const page = await readRequestLog(deps, sh.account, filter, { limit: PAGE_SIZE, before });
  const rows = table([t.time, t.status, t.method, t.path, t.duration, t.requestId], page.data.map(row), { testid: 'logs', empty: t.noLogs, hideSm: [4, 5], stack: true });
  const keep = new URLSearchParams(query);
  keep.delete('before');
  const links: string[] = [];
  // Pages only go back in time: this link returns to the newest requests.
  if (before !== undefined) links.push(`<a href="/dashboard/logs?${esc(keep.toString())}">${esc(t.newest)}</a>`);
  if (page.has_more && page.data.length > 0) {
    keep.set('before', page.cursor);
    links.push(`<a href="/dashboard/logs?${esc(keep.toString())}">${esc(t.next)}</a>`);
  }
  return { status: 200, content: head + rows + (links.length ? `<div class="pager">${links.join('')}</div>` : '') };
}

/** A body as pretty JSON when it is JSON. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** `/dashboard/logs/:request_id`, or null when the account has no such request. */
export async function logDetailPage(deps: Deps, sh: Shell, requestId: string): Promise<string | null> {
  const { t } = sh;
  const e = await findRequestLogEntry(deps, sh.account, requestId);
  if (!e) return null;
  return (
    `<h1><span class="mono">${esc(e.method)} ${esc(e.path)}</span> ${statusBadge(e.status)}</h1>` +
    facts([
      [t.time, `<span class="mono">${esc(formatMs(e.created_ms))}</span>`],
      [t.status, statusBadge(e.status)],
      [t.method, `<span class="mono">${esc(e.method)}</span>`],
      [t.path, `<span class="mono">${esc(e.path)}</span>`],
      [t.duration, `${esc(String(e.duration_ms))} ms`],
      [t.requestId, `<span class="mono" data-testid="request-id">${esc(e.request_id)}</span>`],
      [t.idempotencyKey, e.idempotency_key ? `<span class="mono">${esc(e.idempotency_key)}</span>` : '—'],
      [t.keptIn, `<span data-testid="log-kept">${esc(e.stored ? t.keptStored : t.keptMemory)}</span>`],
    ]) +
    `<h2>${esc(t.requestParams)}</h2><div class="card"><pre class="json" data-testid="log-params">${esc(JSON.stringify(e.params, null, 2))}</pre></div>` +
    `<h2>${esc(t.responseBody)}</h2><div class="card"><pre class="json" data-testid="log-response">${esc(pretty(e.response_body))}</pre></div>` +
    `<p><a href="/dashboard/logs">${esc(t.back)}</a></p>`
  );
}
