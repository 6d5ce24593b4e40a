import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { unixNow } from '../clock.js';
import { isUniqueViolation } from '../store/db.js';
import { isReadOnlyError } from '../store/direct.js';
import { authenticateCaller, checkClientSecret, opensToBrowser, takeClientSecret } from './keys.js';
import { makeCtx, type Ctx, type Deps } from './context.js';
import { StripeError, errors } from './errors.js';
import { expandObject } from './expand.js';
import { parseForm, type FormObject } from './form.js';
import { materialize, serialize } from './raw.js';
import { checkKey, findReplay, remember, requestHash, type StoredResponse } from './idempotency.js';
import { newId } from './ids.js';
import { requestLogFor, type RequestSeen } from './request-log.js';
import { expand as expandField } from './params.js';
import { Router, type ApiRequest, type Route } from './router.js';
import { CURRENT_API_VERSION } from './version.js';
import { BodyTooLarge, MAX_BODY_BYTES, discardBody, readBody } from './limits.js';
import { requestFault } from './faults.js';

/** A handler for paths outside /v1 (hosted pages, admin); returns false when the path is not its own. */
export type PathHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<boolean>;

// The body cap and reader live with the other socket limits (docs/decisions.md#sockets-and-bodies).
export { MAX_BODY_BYTES, readBody };

interface Response {
  status: number;
  body: string;
  replayed?: boolean;
  originalRequestId?: string;
  /** Stripe-Should-Retry header; `reset`: cut the connection instead (a fault, api/faults.ts). */
  shouldRetry?: boolean;
  reset?: boolean;
}

/** The Stripe wire protocol: auth, form params, idempotency, errors, expand. Knows no resource. */
export function createApiHandler(deps: Deps, routes: Route[], others: PathHandler[] = []) {
  const router = new Router(routes);
  const allowedKeys = deps.config.apiKeys ? new Set(deps.config.apiKeys) : undefined;
  const requestLog = requestLogFor(deps);

  /**
   * Answers a /v1 request, or throws (auth, routing, params) or rejects with its error. Not async
   * itself, so a GET costs no promise beyond the read it runs: this is every API request's path.
   */
  function answerApi(req: IncomingMessage, path: string, query: string, requestId: string, seen: RequestSeen): Promise<Response> {
    const method = req.method ?? 'GET';
    if (method === 'POST') return answerPost(req, path, requestId, seen);
    // Only a POST's body is read: anything else sent is discarded so the connection stays usable.
    if (!discardBody(req)) throw errors.tooLarge();
    return routeAndRun(req, method, path, query, requestId, seen);
  }

  /** A POST's body is read before anything else: an oversized or broken one is refused before auth or routing. */
  async function answerPost(req: IncomingMessage, path: string, requestId: string, seen: RequestSeen): Promise<Response> {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (err) {
      throw unreadableBody(err);
    }
    seen.body = body;
    return routeAndRun(req, 'POST', path, body, requestId, seen);
  }

  /** Authenticates, finds the route and parses the params (body or query); runs a GET as a read, anything else as a write. */
  function routeAndRun(req: IncomingMessage, method: string, path: string, form: string | Buffer, requestId: string, seen: RequestSeen): Promise<Response> {
    const { account, clientSecretRequired, objectPath } = authenticateCaller(req.headers.authorization, allowedKeys, method, path);
    seen.account = account;
    const match = router.match(method, path);
    if (!match) throw errors.notFoundUrl(method, path);
    const params = parseForm(form);
    const expand = takeExpand(params);
    // A publishable key reads an object by its client_secret only (docs/decisions.md#publishable-keys).
    const secret = clientSecretRequired ? takeClientSecret(params) : undefined;
    const apiReq: ApiRequest = { params, path: match.params, url: path, expand };
    const run = (): Promise<Response> => {
      const object = secret !== undefined && objectPath ? router.match('GET', objectPath) : null;
      if (secret !== undefined && object) {
        // A publishable key on a call about another object (a write, or a view of it): that object is read first, and must be the secret's.
        const read: ApiRequest = { params: {}, path: object.params, url: objectPath as string };
        return runRead(deps, account, object.route, read, [], requestId).then((r) => {
          if (r.status !== 200) return r;
          checkClientSecret(r.body, secret);
          return method === 'GET' ? runRead(deps, account, match.route, apiReq, expand, requestId) : runWrite(deps, req, method, account, match.route, apiReq, expand, requestId);
        });
      }
      if (secret !== undefined && method === 'GET') {
        return runRead(deps, account, match.route, apiReq, expand, requestId).then((r) => (r.status === 200 && checkClientSecret(r.body, secret), r));
      }
      if (method === 'GET') return runRead(deps, account, match.route, apiReq, expand, requestId);
      return runWrite(deps, req, method, account, match.route, apiReq, expand, requestId);
    };
    // Faults on demand are decided before the handler runs: a faulted request writes nothing (docs/decisions.md#faults-on-demand).
    const fault = requestFault(deps, req, account, method, path);
    return fault ? fault.then((answer) => answer ?? run()) : run();
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = newId('req_');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (!path.startsWith('/v1/')) {
      // Awaited here rather than in a function of its own: the hosted page is a hot path too.
      try {
        for (const other of others) if (await other(req, res, requestId)) return;
        send(res, requestId, { status: 404, body: JSON.stringify(errors.notFoundUrl(req.method ?? 'GET', path).toJSON()) }, req);
      } catch (err) {
        pathHandlerFailed(deps, err, req, res, requestId, path);
      }
      return;
    }
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      answerPreflight(req, res, path, requestId);
      return;
    }
    let response: Response;
    const seen: RequestSeen = { body: undefined, account: undefined };
    try {
      response = await answerApi(req, path, q === -1 ? '' : url.slice(q + 1), requestId, seen);
    } catch (err) {
      response = errorResponse(err, requestId, deps);
    }
    respond(deps, res, requestId, response, req);
    logRequest(deps, req, path, requestId, response.status, started);
    requestLog.record(req, url, seen, requestId, response.status, started, response.body);
  };
}

/** The error for a POST body that could not be read: 413 past the limit, else a 400. */
function unreadableBody(err: unknown): StripeError {
  if (err instanceof BodyTooLarge) return errors.tooLarge();
  // The client went away mid-body: nobody reads the answer, but it is not a server fault.
  return errors.invalid('Invalid request: the request body could not be read.');
}

/** Takes `expand` out of the params: it shapes the response and is no parameter of the route. */
function takeExpand(params: FormObject): string[] {
  const expand = expandField().parse(params.expand, 'expand') ?? [];
  delete params.expand;
  return expand;
}

/** A GET runs on the store's read connection when it has one, else on the main connection. */
async function runRead(
  deps: Deps,
  account: string,
  route: Route,
  apiReq: ApiRequest,
  expand: string[],
  requestId: string,
): Promise<Response> {
  const reader = deps.store.reader;
  if (reader && reader !== deps.store.db) {
    try {
      // Awaited here, so that a read-only failure is caught below rather than returned.
      return await runRoute(makeCtx(deps, account, reader, requestId), route, apiReq, expand);
    } catch (err) {
      // A GET that also writes (materialising `pm_card_visa`, say) runs again on the main
      // connection; its first write failed before changing anything.
      if (!isReadOnlyError(err)) throw err;
    }
  }
  return runRoute(makeCtx(deps, account, deps.store.db, requestId), route, apiReq, expand);
}

/**
 * A write runs in one transaction: its idempotency record, objects, events and outbox rows. A
 * known Idempotency-Key with the same request replays the stored response instead; the
 * after-commit hooks run only once the transaction has committed.
 */
async function runWrite(
  deps: Deps,
  req: IncomingMessage,
  method: string,
  account: string,
  route: Route,
  apiReq: ApiRequest,
  expand: string[],
  requestId: string,
): Promise<Response> {
  const key = idempotencyKeyOf(req, method);
  const now = unixNow(deps.clock);
  const hash = key ? requestHash(method, apiReq.url, { ...apiReq.params, expand }) : '';
  if (key) checkKey(key);
  const hooks: Array<() => void> = [];
  try {
    const response = await deps.store.transaction(async (tx): Promise<Response> => {
      if (key) {
        const replay = await findReplay(tx, account, key, hash, now);
        if (replay) return replayOf(replay);
      }
      const ctx = makeCtx(deps, account, tx, requestId, key);
      ctx.afterCommit = hooks;
      const out: Response = await runRoute(ctx, route, apiReq, expand);
      if (key) await remember(tx, account, key, hash, { ...out, requestId }, now);
      return out;
    });
    for (const hook of hooks) hook();
    return response;
  } catch (err) {
    if (key) return answerFailedKeyedWrite(deps, err, account, key, hash, now, requestId);
    throw err;
  }
}

/**
 * A write under an Idempotency-Key failed: answers with the response of a request with the same
 * key that committed meanwhile, else throws the error, remembered under the key when it is one
 * that a retry must get again.
 */
async function answerFailedKeyedWrite(
  deps: Deps,
  err: unknown,
  account: string,
  key: string,
  hash: string,
  now: number,
  requestId: string,
): Promise<Response> {
  // A concurrent request with the same key (another instance, on PostgreSQL) committed first:
  // answer with its response. That is the unique violation on the key, but also any error its
  // effect caused here (the session it expired or paid is no longer open).
  const replay = await findReplay(deps.store.db, account, key, hash, now);
  if (replay) return replayOf(replay);
  if (isUniqueViolation(err)) throw errors.idempotencyInProgress();
  if (err instanceof StripeError && err.remember) {
    const stored = { status: err.status, body: JSON.stringify(err.toJSON()), requestId };
    // Failing to remember must not hide the error itself.
    await remember(deps.store.db, account, key, hash, stored, now).catch(() => undefined);
  }
  throw err;
}

/** The request's Idempotency-Key: only a POST has one, and an empty header is none. */
function idempotencyKeyOf(req: IncomingMessage, method: string): string | null {
  const raw = req.headers['idempotency-key'];
  return method === 'POST' && typeof raw === 'string' && raw !== '' ? raw : null;
}

/** A stored response answered again, marked as a replay of the request that produced it. */
function replayOf(stored: StoredResponse): Response {
  return { status: stored.status, body: stored.body, replayed: true, originalRequestId: stored.requestId };
}

/**
 * The route's result as JSON: stored JSON as is when nothing is expanded, else the object expanded
 * first. A StripeError *returned* (not thrown) is an answer whose writes still commit: a declined
 * PaymentIntent confirmation keeps its failed charge and events (docs/decisions.md#paymentintents).
 */
async function runRoute(ctx: Ctx, route: Route, apiReq: ApiRequest, expand: string[]): Promise<Response> {
  const result = await route.handler(ctx, apiReq);
  if (result instanceof StripeError) return { status: result.status, body: JSON.stringify(result.toJSON()) };
  if (expand.length === 0) return { status: 200, body: serialize(result) };
  const object = materialize(result);
  await expandObject(ctx, object, expand);
  return { status: 200, body: JSON.stringify(object) };
}

/** Stripe's error body for a StripeError; anything else is logged and answered as a 500 `api_error`. */
function errorResponse(err: unknown, requestId: string, deps: Deps): Response {
  if (err instanceof StripeError) return { status: err.status, body: JSON.stringify(err.toJSON()) };
  deps.log.error({ err, requestId }, 'unexpected error');
  return { status: 500, body: JSON.stringify(errors.internal().toJSON()) };
}

/** A path handler threw: a 500 if nothing was sent yet, else the half-sent response is cut off. */
function pathHandlerFailed(deps: Deps, err: unknown, req: IncomingMessage, res: ServerResponse, requestId: string, path: string): void {
  deps.log.error({ err, requestId, path }, 'page handler failed');
  if (!res.headersSent) send(res, requestId, { status: 500, body: JSON.stringify(errors.internal().toJSON()) }, req);
  else res.destroy();
}

/** Sends an API response; one that cannot be sent is logged and its connection closed. */
function respond(deps: Deps, res: ServerResponse, requestId: string, response: Response, req: IncomingMessage): void {
  if (response.reset) {
    req.socket.resetAndDestroy();
    return;
  }
  try {
    send(res, requestId, response, req);
  } catch (err) {
    // The socket is gone or a header was refused: nothing more can be said to this client.
    deps.log.warn({ err, requestId }, 'response not sent');
    res.destroy();
  }
}

/** One log line per API request at info level; nothing is built when info is off. */
function logRequest(deps: Deps, req: IncomingMessage, path: string, requestId: string, status: number, started: number): void {
  if (!deps.log.isLevelEnabled('info')) return;
  deps.log.info({ requestId, method: req.method, path, status, ms: Math.round((performance.now() - started) * 100) / 100 }, 'request');
}

const VERSION_HEADER = /^[0-9A-Za-z._-]{1,64}$/;

/** The request headers a browser may send cross-origin to the routes open to it: those Stripe.js and stripe-node send. */
const CORS_REQUEST_HEADERS = 'Authorization, Content-Type, Idempotency-Key, Stripe-Version, Stripe-Account, Stripe-Context';
/** The response headers a cross-origin page may read. */
const CORS_EXPOSED_HEADERS = 'Request-Id, Stripe-Version, Idempotent-Replayed, Original-Request, Stripe-Should-Retry';

/**
 * A CORS preflight (`OPTIONS`) of a /v1 route (docs/decisions.md#cors): allowed, for any origin,
 * only for the routes a publishable key opens (no cookie is ever read, so `*` lends nothing);
 * any other route is refused with no CORS header, and the browser does not send the request.
 */
function answerPreflight(req: IncomingMessage, res: ServerResponse, path: string, requestId: string): void {
  req.resume();
  const asked = String(req.headers['access-control-request-method'] ?? '').toUpperCase();
  if (!opensToBrowser(asked, path)) {
    const body = JSON.stringify(
      new StripeError(403, {
        type: 'invalid_request_error',
        message: `${asked || 'This'} ${path} cannot be called from a browser: only the routes a publishable key may call answer cross-origin requests.`,
      }).toJSON(),
    );
    res.writeHead(403, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'Request-Id': requestId });
    res.end(body);
    return;
  }
  res.writeHead(204, {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': asked,
    'Access-Control-Allow-Headers': CORS_REQUEST_HEADERS,
    'Access-Control-Max-Age': '600',
    'Request-Id': requestId,
  });
  res.end();
}

function send(res: ServerResponse, requestId: string, response: Response, req: IncomingMessage): void {
  const asked = req.headers['stripe-version'];
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(response.body)),
    'Request-Id': requestId,
    // Echo the client's version only when it looks like one: the value goes back out as a header.
    'Stripe-Version': typeof asked === 'string' && VERSION_HEADER.test(asked) ? asked : CURRENT_API_VERSION,
    'Cache-Control': 'no-cache, no-store',
  };
  if (response.shouldRetry !== undefined) headers['Stripe-Should-Retry'] = String(response.shouldRetry);
  // A route a browser may call answers cross-origin pages, errors included (docs/decisions.md#cors).
  if (opensToBrowser(req.method ?? 'GET', (req.url ?? '/').split('?', 1)[0] as string)) {
    headers['Access-Control-Allow-Origin'] = '*';
    headers['Access-Control-Expose-Headers'] = CORS_EXPOSED_HEADERS;
  }
  if (response.replayed) {
    headers['Idempotent-Replayed'] = 'true';
    if (response.originalRequestId) headers['Original-Request'] = response.originalRequestId;
  }
  res.writeHead(response.status, headers);
  res.end(response.body);
}

/**
 * Answers requests Node's HTTP parser refuses before any handler runs (raw bytes outside ASCII
 * in the URL, malformed headers, oversized header blocks) with a Stripe error body rather than
 * Node's bare `400 Bad Request`. Attach with `server.on('clientError', answerClientError)`.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify(
    errors.invalid(tooLarge ? 'Request headers are too large.' : 'Invalid request: the HTTP request could not be parsed.').toJSON(),
  );
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Request-Id: ${newId('req_')}\r\nConnection: close\r\n\r\n${body}`,
  );
}
