/**
 * The Dashboard's HTML: the document, its calm stylesheet (inline, under the response's CSP nonce),
 * the shell (navigation, account, sign out) and the small pieces every page uses. Every value that
 * did not come from this module's own text goes through `esc` (src/pages/escape.ts).
 */
import { esc } from '../pages/escape.js';
import type { DashboardLocale, DashboardText } from './catalog.js';

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Hiragino Sans","Noto Sans JP",sans-serif;color:#1a1f36;background:#f6f8fa}
a{color:#533afd;text-decoration:none}a:hover{text-decoration:underline}
.top{display:flex;align-items:center;gap:12px;padding:10px 24px;background:#fff;border-bottom:1px solid #e3e8ee;position:sticky;top:0;z-index:2}
.brand{font-weight:600;font-size:15px;color:#1a1f36}
.mode{background:#fff4e5;color:#a04b00;border:1px solid #ffd8a8;border-radius:4px;padding:1px 8px;font-size:12px;font-weight:600}
.top .spacer{flex:1}
.top form{margin:0;display:flex;gap:6px;align-items:center}
.acct{color:#697386;font-size:12px;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.wrap{display:flex;min-height:calc(100vh - 49px)}
nav.side{width:210px;flex:none;padding:16px 12px;border-right:1px solid #e3e8ee;background:#fff}
nav.side a{display:block;padding:6px 10px;border-radius:6px;color:#3c4257;font-weight:500}
nav.side a:hover{background:#f6f8fa;text-decoration:none}
nav.side a.on{background:#f0eeff;color:#533afd}
main{flex:1;min-width:0;padding:24px 32px;max-width:1100px}
h1{font-size:22px;margin:0 0 16px;font-weight:600;word-break:break-all}
h1 .mono{font-size:17px}
h2{font-size:15px;margin:28px 0 10px;font-weight:600}
.card{background:#fff;border:1px solid #e3e8ee;border-radius:8px;overflow:auto}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:9px 14px;border-bottom:1px solid #eef1f5;vertical-align:top;overflow-wrap:anywhere}
th{font-size:12px;color:#697386;font-weight:600;background:#fafbfc;white-space:nowrap}
tr:last-child td{border-bottom:0}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px;word-break:break-all}
.muted{color:#697386}
.badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;background:#ebeef1;color:#3c4257;white-space:nowrap}
.badge.good{background:#d7f7c2;color:#05690d}.badge.bad{background:#ffe7f2;color:#b3093c}.badge.warn{background:#fcedb9;color:#8a4a00}.badge.info{background:#e0e7ff;color:#3d2fd1}
.bar{display:flex;gap:8px;margin:0 0 14px;flex-wrap:wrap}
input,select,button{font:inherit}
input[type=text],input[type=search],input[type=password],input[type=datetime-local],select{border:1px solid #d5dbe1;border-radius:6px;padding:6px 10px;background:#fff;min-width:0}
.bar input[type=search]{flex:1;max-width:420px}
.bar input.code{width:8.5em}
.nowrap{white-space:nowrap;word-break:normal}
button{border:1px solid #d5dbe1;background:#fff;border-radius:6px;padding:6px 12px;cursor:pointer;color:#1a1f36;font-weight:500}
button.primary{background:#635bff;border-color:#635bff;color:#fff}
button:hover{filter:brightness(.97)}
.pager{display:flex;gap:8px;justify-content:flex-end;margin-top:12px}
.pager a,.pager span{border:1px solid #d5dbe1;border-radius:6px;padding:4px 12px;background:#fff}
.pager span{color:#a3acb9}
p.more{margin:8px 0 0;text-align:right}
dl.facts{display:grid;grid-template-columns:minmax(120px,200px) 1fr;margin:0;padding:6px 0}
dl.facts dt{color:#697386;padding:6px 16px}dl.facts dd{margin:0;padding:6px 16px;word-break:break-word}
pre.json{margin:0;padding:14px 16px;font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-all;max-height:480px;overflow:auto;background:#fbfcfd}
.notice{padding:10px 14px;border-radius:6px;margin-bottom:16px;background:#e6f6ec;color:#0b5a26;border:1px solid #b7e4c7}
.notice.error{background:#fff1f2;color:#9f1239;border-color:#fecdd3}
.inline{display:flex;gap:8px;flex-wrap:wrap;align-items:center;padding:12px 16px}
.inline form{margin:0;display:flex;gap:8px;flex-wrap:wrap;align-items:center}
.login{max-width:420px;margin:12vh auto;padding:0 16px}
.login .card{padding:24px}
.login label{display:block;font-weight:600;margin:14px 0 6px}
.login input{width:100%}
.login button{margin-top:14px;width:100%}
.rule{font-size:12.5px}
.spaced{margin-bottom:14px}
ul.due{margin:0;padding-left:18px}
pre.body{margin:0;max-width:360px;max-height:120px;overflow:auto;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-all;background:#f6f8fa;border-radius:4px;padding:4px 6px}
@media (max-width:760px){
 .top{padding:10px 14px;flex-wrap:wrap}
 .wrap{display:block}
 nav.side{width:auto;display:flex;overflow-x:auto;gap:4px;padding:8px 10px;border-right:0;border-bottom:1px solid #e3e8ee}
 nav.side a{white-space:nowrap}
 main{padding:16px 14px}
 th,td{padding:8px 10px}
 .hide-sm,.acct{display:none}
 dl.facts{grid-template-columns:minmax(100px,38%) 1fr}
 table.stack thead{display:none}
 table.stack tr{display:block;border-bottom:1px solid #eef1f5;padding:6px 0}
 table.stack tr:last-child{border-bottom:0}
 table.stack td{display:block;border:0;padding:3px 12px}
}`;

/** A whole Dashboard document. `body` is already-escaped HTML. */
export function documentHtml(locale: DashboardLocale, title: string, nonce: string, body: string): string {
  return (
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex,nofollow"><link rel="icon" href="data:,">' +
    `<title>${esc(title)}</title><style nonce="${nonce}">${CSS}</style></head><body>${body}</body></html>`
  );
}

/** The sections of the navigation: path segment -> catalog key. */
export const SECTIONS = [
  ['customers', 'customers'],
  ['checkout_sessions', 'checkoutSessions'],
  ['payment_intents', 'paymentIntents'],
  ['subscriptions', 'subscriptions'],
  ['invoices', 'invoices'],
  ['events', 'events'],
  ['webhook_endpoints', 'webhookEndpoints'],
  ['test_clocks', 'testClocks'],
] as const;
export type Section = (typeof SECTIONS)[number][0];

/** What the shell needs to know of the signed-in session. */
export interface Shell {
  t: DashboardText;
  locale: DashboardLocale;
  nonce: string;
  csrf: string;
  account: string;
  /** Accounts an admin sign-in may switch to. */
  accounts: Array<{ account: string; label: string }> | null;
  section: Section | null;
  /** The Logs page is open (it is no section of objects). */
  logs?: boolean;
}

/** A hidden CSRF field for a form of this session. */
export function csrfField(s: Shell): string {
  return `<input type="hidden" name="csrf_token" value="${esc(s.csrf)}">`;
}

/** The page inside the shell: top bar, navigation, content. */
export function shellHtml(s: Shell, title: string, content: string): string {
  const { t } = s;
  const nav = SECTIONS.map(([seg, key]) => `<a href="/dashboard/${seg}"${s.section === seg ? ' class="on" aria-current="page"' : ''}>${esc(t[key])}</a>`).join('')
    + `<a href="/dashboard/logs"${s.logs ? ' class="on" aria-current="page"' : ''}>${esc(t.logs)}</a>`;
  const switcher = s.accounts
    ? `<form method="post" action="/dashboard/account">${csrfField(s)}<select name="account" aria-label="${esc(t.account)}">${s.accounts
        .map((a) => `<option value="${esc(a.account)}"${a.account === s.account ? ' selected' : ''}>${esc(a.label)}</option>`)
        .join('')}</select><button type="submit">${esc(t.switchAccount)}</button></form>`
    : `<span class="acct" data-testid="account">${esc(s.account)}</span>`;
  const top =
    `<header class="top"><a class="brand" href="/dashboard">OpenCheckout</a><span class="mode">${esc(t.testMode)}</span><span class="spacer"></span>${switcher}` +
    `<form method="post" action="/dashboard/logout">${csrfField(s)}<button type="submit">${esc(t.signOut)}</button></form></header>`;
  return documentHtml(s.locale, `${title} · ${t.title}`, s.nonce, `${top}<div class="wrap"><nav class="side">${nav}</nav><main>${content}</main></div>`);
}

/** `2026-12-06 16:50:12 UTC`, whatever the language: unambiguous beside the API's unix times. */
export function formatTime(unix: number | null | undefined): string {
  if (typeof unix !== 'number' || !Number.isFinite(unix)) return '—';
  return new Date(unix * 1000).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

const GOOD = new Set(['succeeded', 'paid', 'complete', 'active', 'enabled', 'delivered', 'ready', 'trialing']);
const BAD = new Set(['canceled', 'failed', 'expired', 'disabled', 'uncollectible', 'void', 'unpaid', 'incomplete_expired', 'internal_failure']);
const WARN = new Set(['requires_payment_method', 'requires_action', 'requires_capture', 'processing', 'pending', 'past_due', 'incomplete', 'advancing', 'draft', 'open']);

/** A status as a coloured badge. */
export function badge(status: unknown, cls?: string): string {
  const v = typeof status === 'string' ? status : String(status ?? '—');
  const c = cls ?? (GOOD.has(v) ? 'good' : BAD.has(v) ? 'bad' : WARN.has(v) ? 'warn' : '');
  return `<span class="badge ${c}">${esc(v)}</span>`;
}

/** A table inside a card; `rows` cells are already-escaped HTML. */
export function table(head: string[], rows: string[][], opts: { testid?: string; empty?: string; hideSm?: number[]; stack?: boolean } = {}): string {
  const hide = new Set(opts.hideSm ?? []);
  const cls = (i: number) => (hide.has(i) ? ' class="hide-sm"' : '');
  if (rows.length === 0) return `<div class="card"${opts.testid ? ` data-testid="${opts.testid}"` : ''}><p class="inline muted">${esc(opts.empty ?? '')}</p></div>`;
  return (
    `<div class="card"${opts.testid ? ` data-testid="${opts.testid}"` : ''}><table${opts.stack ? ' class="stack"' : ''}><thead><tr>${head.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('') +
    '</tbody></table></div>'
  );
}

/** An object's JSON, escaped, in a card. */
export function jsonBlock(value: unknown): string {
  return `<div class="card"><pre class="json" data-testid="json">${esc(JSON.stringify(value, null, 2))}</pre></div>`;
}

/** Label/value facts in a card; values are already-escaped HTML. */
export function facts(pairs: Array<[string, string]>): string {
  return `<div class="card"><dl class="facts">${pairs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl></div>`;
}

/** A success or error line at the top of a page. */
export function noticeHtml(text: string, error = false): string {
  return `<div class="notice${error ? ' error' : ''}" role="${error ? 'alert' : 'status'}">${esc(text)}</div>`;
}
