import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from '../api/auth.js';
import type { Deps } from '../api/context.js';
import { StripeError, errors } from '../api/errors.js';
import type { PathHandler } from '../api/server.js';
import { loadEvent } from '../events/read.js';
import { loadFaults, noFaults, parseFaultSpec, saveFaults } from '../api/faults.js';
import { parseForm } from '../api/form.js';
import { discardBody, readBody } from '../api/limits.js';
import { eventAttempts } from '../events/attempts.js';
import { requestLogRoute } from './request-log.js';
import { loginLinks } from '../resources/billing-portal/store.js';
import { resetAccount } from './reset.js';

/** Header that carries OPENCHECKOUT_ADMIN_TOKEN when one is configured. */
export const ADMIN_TOKEN_HEADER = 'opencheckout-admin-token';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function send(res: ServerResponse, requestId: string, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    'Request-Id': requestId,
    'Cache-Control': 'no-cache, no-store',
  });
  res.end(text);
}

/**
 * `/_admin/*`, outside the Stripe API: `GET /_admin/events/:id/attempts` (an event's delivery
 * attempts), `GET /_admin/request_log` (the account's API request log, src/admin/request-log.ts),
 * `GET /_admin/portal_login_links` (the links the portal's login page sent, `?email=` to filter) and
 * `POST /_admin/reset` (delete every object of the calling account). Authenticated
 * like /v1 with the account's secret key, plus the `OpenCheckout-Admin-Token` header when
 * OPENCHECKOUT_ADMIN_TOKEN is set.
 */
export function createAdminHandler(deps: Deps): PathHandler {
  const allowedKeys = deps.config.apiKeys ? new Set(deps.config.apiKeys) : undefined;

  function account(req: IncomingMessage): string {
    const { account } = authenticate(req.headers.authorization, allowedKeys);
    const required = deps.config.adminToken;
    if (required !== undefined) {
      const given = req.headers[ADMIN_TOKEN_HEADER];
      if (typeof given !== 'string' || !sameSecret(given, required)) {
        throw new StripeError(403, {
          type: 'invalid_request_error',
          message: 'Admin routes need the OpenCheckout-Admin-Token header with the value of OPENCHECKOUT_ADMIN_TOKEN.',
        });
      }
    }
    return account;
  }

  /**
   * `/_admin/faults`: GET shows the account's faults, POST replaces them (a JSON or form body,
   * docs/decisions.md#faults-on-demand), DELETE clears them.
   */
  async function faults(req: IncomingMessage, res: ServerResponse, requestId: string, method: string, path: string): Promise<void> {
    const acct = account(req);
    if (method === 'GET') {
      send(res, requestId, 200, (await loadFaults(deps, acct)) ?? noFaults());
      return;
    }
    if (method === 'DELETE') {
      await saveFaults(deps, acct, null);
      deps.log.info({ account: acct, requestId }, 'faults cleared');
      send(res, requestId, 200, noFaults());
      return;
    }
    if (method !== 'POST') throw errors.notFoundUrl(method, path);
    const body = await readBody(req, 64 * 1024).catch(() => {
      throw errors.invalid('Invalid request: the body could not be read or is larger than 64 KB.');
    });
    const json = String(req.headers['content-type'] ?? '').includes('json');
    const input: unknown = json ? JSON.parse(body.toString('utf8') || '{}') : parseForm(body);
    // Webhook delivery runs on real time, whatever the business clock (docs/decisions.md#webhook-delivery).
    const spec = parseFaultSpec(input, Date.now());
    await saveFaults(deps, acct, spec);
    deps.log.info({ account: acct, requestId, faults: spec }, 'faults set');
    send(res, requestId, 200, spec);
  }

  return async function admin(req, res, requestId) {
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0] ?? '/';
    if (path !== '/_admin' && !path.startsWith('/_admin/')) return false;
    const method = req.method ?? 'GET';
    if (!(path === '/_admin/faults' && method === 'POST')) discardBody(req);
    try {
      if (path === '/_admin/faults') {
        await faults(req, res, requestId, method, path);
        return true;
      }
      const attempts = /^\/_admin\/events\/([^/]+)\/attempts$/.exec(path);
      if (attempts && method === 'GET') {
        const acct = account(req);
        const eventId = decodeURIComponent(attempts[1] as string);
        const result = await eventAttempts(deps.store.db, acct, eventId);
        if (result.attempts.length === 0 && result.deliveries.length === 0 && !(await loadEvent(deps.store.db, acct, eventId))) {
          throw errors.missingResource('event', eventId);
        }
        send(res, requestId, 200, { object: 'list', url: path, has_more: false, data: result.attempts, deliveries: result.deliveries });
        return true;
      }
      if (path === '/_admin/request_log' && method === 'GET') {
        const acct = account(req);
        send(res, requestId, 200, await requestLogRoute(deps, acct, new URLSearchParams(url.slice(path.length + 1)), path));
        return true;
      }
      if (path === '/_admin/portal_login_links' && method === 'GET') {
        // The test mailbox of the portal's login page (docs/decisions.md#customer-portal): the links it sent, newest first.
        const acct = account(req);
        const q = new URLSearchParams(url.slice(path.length + 1));
        const limit = q.get('limit') ?? '10';
        if (!/^\d{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > 100) throw errors.invalid('limit must be an integer from 1 to 100.', 'limit');
        const data = await loginLinks(deps.store.db, acct, q.get('email'), Number(limit));
        send(res, requestId, 200, { object: 'list', url: path, has_more: false, data });
        return true;
      }
      if (path === '/_admin/reset' && method === 'POST') {
        const acct = account(req);
        const deleted = await resetAccount(deps.store, acct);
        deps.log.info({ account: acct, deleted, requestId }, 'account reset');
        send(res, requestId, 200, { object: 'reset', account: acct, deleted });
        return true;
      }
      throw errors.notFoundUrl(method, path);
    } catch (err) {
      if (err instanceof StripeError) {
        send(res, requestId, err.status, err.toJSON());
        return true;
      }
      if (err instanceof SyntaxError) {
        send(res, requestId, 400, errors.invalid(`Invalid JSON body: ${err.message}`).toJSON());
        return true;
      }
      if (err instanceof URIError) {
        send(res, requestId, 400, errors.invalid('Invalid request path: bad percent-encoding.').toJSON());
        return true;
      }
      throw err;
    }
  };
}
