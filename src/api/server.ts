import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { unixNow } from '../clock.js';
import { isUniqueViolation } from '../store/db.js';
import { isReadOnlyError } from '../store/direct.js';
import { authenticate } from './auth.js';
import { makeCtx, type Ctx, type Deps } from './context.js';
import { StripeError, errors } from './errors.js';
import { expandObject } from './expand.js';
import { parseForm, type FormObject } from './form.js';
import { materialize, serialize } from './raw.js';
import { checkKey, findReplay, remember, requestHash, type StoredResponse } from './idempotency.js';
import { newId } from './ids.js';
import { expand as expandField } from './params.js';
import { Router, type ApiRequest, type Route } from './router.js';
import { CURRENT_API_VERSION } from './version.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/** A handler for paths outside /v1 (hosted pages, admin); returns false when the path is not its own. */
export type PathHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<boolean>;

class BodyTooLarge extends Error {}

/** Reads the request body, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface Response {
  status: number;
  body: string;
  replayed?: boolean;
  originalRequestId?: string;
}

/** The Stripe wire protocol: auth, form params, idempotency, errors, expand. Knows no resource. */
export function createApiHandler(deps: Deps, routes: Route[], others: PathHandler[] = []) {
  const router = new Router(routes);
  const allowedKeys = deps.config.apiKeys ? new Set(deps.config.apiKeys) : undefined;

  async function handleApi(req: IncomingMessage, path: string, query: string, requestId: string): Promise<Response> {
    const method = req.method ?? 'GET';
    let body: Buffer | undefined;
    if (method === 'POST') {
      try {
        body = await readBody(req);
      } catch (err) {
        if (err instanceof BodyTooLarge) throw errors.tooLarge();
        // The client went away mid-body: nobody reads the answer, but it is not a server fault.
        throw errors.invalid('Invalid request: the request body could not be read.');
      }
    } else req.resume();

    const { account } = authenticate(req.headers.authorization, allowedKeys);
    const match = router.match(method, path);
    if (!match) throw errors.notFoundUrl(method, path);

    const params = method === 'POST' ? parseForm(body as Buffer) : parseForm(query);
    const expand = expandField().parse(params.expand, 'expand') ?? [];
    delete params.expand;
    const apiReq: ApiRequest = { params, path: match.params, url: path };

    if (method === 'GET') {
      const reader = deps.store.reader;
      if (reader && reader !== deps.store.db) {
        try {
          return { status: 200, body: await run(makeCtx(deps, account, reader, requestId), match.route, apiReq, expand) };
        } catch (err) {
          // A GET that also writes (materialising `pm_card_visa`, say) runs again on the main
          // connection; its first write failed before changing anything.
          if (!isReadOnlyError(err)) throw err;
        }
      }
      return { status: 200, body: await run(makeCtx(deps, account, deps.store.db, requestId), match.route, apiReq, expand) };
    }
    return write(req, account, match.route, apiReq, expand, requestId, method, path, params);
  }

  async function run(ctx: Ctx, route: Route, apiReq: ApiRequest, expand: string[]): Promise<string> {
    const result = await route.handler(ctx, apiReq);
    if (expand.length === 0) return serialize(result);
    const object = materialize(result);
    await expandObject(ctx, object, expand);
    return JSON.stringify(object);
  }

  /** A write runs in one transaction: its idempotency record, objects, events and outbox rows. */
  async function write(
    req: IncomingMessage,
    account: string,
    route: Route,
    apiReq: ApiRequest,
    expand: string[],
    requestId: string,
    method: string,
    path: string,
    params: FormObject,
  ): Promise<Response> {
    const rawKey = req.headers['idempotency-key'];
    const key = method === 'POST' && typeof rawKey === 'string' && rawKey !== '' ? rawKey : null;
    const now = unixNow(deps.clock);
    const hash = key ? requestHash(method, path, { ...params, expand }) : '';
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
        const out: Response = { status: 200, body: await run(ctx, route, apiReq, expand) };
        if (key) await remember(tx, account, key, hash, { ...out, requestId }, now);
        return out;
      });
      for (const hook of hooks) hook();
      return response;
    } catch (err) {
      if (key) {
        // A concurrent request with the same key (another instance, on PostgreSQL) committed first:
        // answer with its response. That is the unique violation on the key, but also any error its
        // effect caused here (the session it expired or paid is no longer open).
        const replay = await findReplay(deps.store.db, account, key, hash, now);
        if (replay) return replayOf(replay);
        if (isUniqueViolation(err)) throw errors.idempotencyInProgress();
      }
      if (key && err instanceof StripeError && err.remember) {
        const stored = { status: err.status, body: JSON.stringify(err.toJSON()), requestId };
        await remember(deps.store.db, account, key, hash, stored, now).catch(() => undefined);
      }
      throw err;
    }
  }

  function replayOf(stored: StoredResponse): Response {
    return { status: stored.status, body: stored.body, replayed: true, originalRequestId: stored.requestId };
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = newId('req_');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (!path.startsWith('/v1/')) {
      try {
        for (const other of others) if (await other(req, res, requestId)) return;
        send(res, requestId, { status: 404, body: JSON.stringify(errors.notFoundUrl(req.method ?? 'GET', path).toJSON()) }, req);
      } catch (err) {
        deps.log.error({ err, requestId, path }, 'page handler failed');
        if (!res.headersSent) send(res, requestId, { status: 500, body: JSON.stringify(errors.internal().toJSON()) }, req);
        else res.destroy();
      }
      return;
    }
    let response: Response;
    try {
      response = await handleApi(req, path, q === -1 ? '' : url.slice(q + 1), requestId);
    } catch (err) {
      response = errorResponse(err, requestId, deps);
    }
    try {
      send(res, requestId, response, req);
    } catch (err) {
      // The socket is gone or a header was refused: nothing more can be said to this client.
      deps.log.warn({ err, requestId }, 'response not sent');
      res.destroy();
    }
    if (deps.log.isLevelEnabled('info')) {
      deps.log.info(
        { requestId, method: req.method, path, status: response.status, ms: Math.round((performance.now() - started) * 100) / 100 },
        'request',
      );
    }
  };
}

function errorResponse(err: unknown, requestId: string, deps: Deps): Response {
  if (err instanceof StripeError) return { status: err.status, body: JSON.stringify(err.toJSON()) };
  deps.log.error({ err, requestId }, 'unexpected error');
  return { status: 500, body: JSON.stringify(errors.internal().toJSON()) };
}

const VERSION_HEADER = /^[0-9A-Za-z._-]{1,64}$/;

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
  if (response.replayed) {
    headers['Idempotent-Replayed'] = 'true';
    if (response.originalRequestId) headers['Original-Request'] = response.originalRequestId;
  }
  // A refused oversized body is not read to the end: close the connection rather than drain it.
  if (response.status === 413) headers.Connection = 'close';
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
