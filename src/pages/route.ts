/**
 * What every page handler of `pages/` does the same way: find its id in the path, answer the
 * methods it takes, and write the reply with the page security headers (strict CSP with a
 * per-response nonce).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Deps } from '../api/context.js';
import { randomToken } from '../api/ids.js';

/** A page's answer: its HTML, the nonce its CSP allows, and where it may lead. */
export interface PageReply {
  status: number;
  html: string;
  nonce: string;
  /** Origins the page's form may lead to (success_url after the 303, cancel_url). */
  formOrigins?: string[];
  location?: string;
  /** The request body was not read to its end (too large): close the connection rather than drain it. */
  close?: boolean;
  /** The page may be shown in another site's frame: the embedded form (docs/decisions.md#embedded-checkout). */
  frameable?: boolean;
}

/**
 * A fresh nonce for one response's CSP: 22 base62 characters (~131 bits; CSP asks for 128), all
 * valid in a nonce. Drawn from the id generator's pool of random bytes: a `randomBytes(16)` of
 * its own cost 5-22 µs on each page, more than the page's render.
 */
export const newNonce = (): string => randomToken(22);

/** Security headers of every page response (strict CSP with a per-response nonce). */
export function pageHeaders(nonce: string, formOrigins: string[] = [], frameable = false): Record<string, string> {
  const formAction = ["'self'", ...new Set(formOrigins)].join(' ');
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy':
      `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'self' data:; ` +
      `form-action ${formAction}; frame-ancestors ${frameable ? 'http: https:' : "'none'"}; base-uri 'none'`,
    ...(frameable ? {} : { 'X-Frame-Options': 'DENY' }),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

/** The request's path, without its query. */
export function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?', 1)[0] ?? '/';
}

/**
 * The id in the first group of `pattern` when `path` is the page's, percent-decoded; `''` when it
 * does not decode (the page then answers as for an unknown id); undefined when the path is not the page's.
 */
export function idFromPath(pattern: RegExp, path: string): string | undefined {
  const m = pattern.exec(path);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1] as string);
  } catch {
    return '';
  }
}

/** Writes a page reply (no body for a HEAD). */
export function sendPage(res: ServerResponse, requestId: string, r: PageReply, head: boolean): void {
  const headers: Record<string, string> = { ...pageHeaders(r.nonce, r.formOrigins, r.frameable), 'Request-Id': requestId };
  if (r.location) headers.Location = r.location;
  if (r.close) headers.Connection = 'close';
  headers['Content-Length'] = String(Buffer.byteLength(r.html));
  res.writeHead(r.status, headers);
  res.end(head ? undefined : r.html);
}

/** How a page that shows on GET and HEAD and takes a form on POST answers. */
export interface FormPage {
  show(req: IncomingMessage, id: string): Promise<PageReply>;
  submit(req: IncomingMessage, id: string): Promise<PageReply>;
  /** The reply to any other method (sent with `Allow: GET, HEAD, POST`). */
  notAllowed(req: IncomingMessage): PageReply;
  /** The reply when show or submit throws, after the error is logged. */
  failed(req: IncomingMessage): PageReply;
  /** The route and message the log names when it throws (`/c/pay/:id`, 'hosted page failed'). */
  logPath: string;
  logMessage: string;
}

/** Answers a request for `id` on a form page: GET/HEAD show it, POST submits it, any other method is refused with 405. */
export async function answerFormPage(deps: Deps, req: IncomingMessage, res: ServerResponse, requestId: string, id: string, page: FormPage): Promise<true> {
  const method = req.method ?? 'GET';
  let reply: PageReply;
  try {
    if (method === 'GET' || method === 'HEAD') {
      req.resume();
      reply = await page.show(req, id);
    } else if (method === 'POST') {
      reply = await page.submit(req, id);
    } else {
      req.resume();
      reply = page.notAllowed(req);
    }
  } catch (err) {
    deps.log.error({ err, requestId, path: page.logPath }, page.logMessage);
    reply = page.failed(req);
  }
  if (reply.status === 405) res.setHeader('Allow', 'GET, HEAD, POST');
  sendPage(res, requestId, reply, method === 'HEAD');
  return true;
}

/**
 * For a page that answers GET and HEAD only (a link that redirects): the nonce of its HTML and a
 * `send(status, html, location?)` that writes the reply with it (a 405 names the methods allowed).
 */
export function linkPage(req: IncomingMessage, res: ServerResponse, requestId: string): { nonce: string; send: (status: number, html: string, location?: string) => true } {
  const nonce = newNonce();
  const send = (status: number, html: string, location?: string): true => {
    if (status === 405) res.setHeader('Allow', 'GET, HEAD');
    sendPage(res, requestId, { status, html, nonce, ...(location ? { location } : {}) }, req.method === 'HEAD');
    return true;
  };
  return { nonce, send };
}
