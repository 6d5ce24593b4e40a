import type http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config.js';

/**
 * Socket and body limits of the HTTP server (docs/decisions.md#sockets-and-bodies): a client that
 * trickles its headers, never finishes its body, idles on a keep-alive socket or sends more than the
 * body cap is cut off, so it cannot hold the server's sockets, memory or file descriptors.
 */

/** The largest request body read; a larger one is answered 413 as soon as the cap is passed. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** After a 413, the rest of the body is read and dropped for this long (or this much) so the client sees the answer, then the socket closes. */
const DRAIN_MS = 2000;
const DRAIN_BYTES = 4 * MAX_BODY_BYTES;

/** The options for `http.createServer`: the timeouts of the configuration. */
export function serverOptions(config: Config): http.ServerOptions {
  return {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Node checks the headers and request timeouts on this interval (default 30 s): a short
    // configured timeout is honoured within a quarter of itself.
    connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor(Math.min(config.headersTimeoutMs, config.requestTimeoutMs) / 4))),
  };
}

/**
 * Caps the server's open sockets (more are closed as they arrive) and logs, instead of crashing on,
 * an accept that fails (EMFILE: out of file descriptors). Called once the server listens.
 */
export function limitServer(server: http.Server, config: Config, log: Logger): void {
  if (config.maxConnections > 0) server.maxConnections = config.maxConnections;
  let lastDropLog = 0;
  server.on('drop', () => {
    const now = Date.now();
    if (now - lastDropLog < 10_000) return;
    lastDropLog = now;
    log.warn({ maxConnections: config.maxConnections }, 'connection refused: OPENCHECKOUT_MAX_CONNECTIONS open sockets');
  });
  server.on('error', (err) => log.error({ err }, 'server socket error'));
}

export class BodyTooLarge extends Error {}

/**
 * Reads the request body, refusing more than `limit` bytes while it streams: a declared
 * Content-Length past the limit is refused before a byte is read, a chunked body as soon as the
 * running total passes it. The rest is then drained for a moment (the client sees the 413 rather
 * than a reset) and the socket closed; the body is never buffered past the limit.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    drainThenClose(req);
    return Promise.reject(new BodyTooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        drainThenClose(req);
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Reads and drops the rest of a refused body for at most DRAIN_MS / DRAIN_BYTES, then closes the socket unless the body ended. */
function drainThenClose(req: IncomingMessage): void {
  let dropped = 0;
  const close = () => {
    clearTimeout(timer);
    req.socket.destroy();
  };
  const timer = setTimeout(close, DRAIN_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_BYTES) close();
  });
  req.on('end', () => clearTimeout(timer));
  req.resume();
}

/**
 * Discards a body nobody reads (a GET's, an admin route's) so the connection stays usable, but
 * closes the socket past MAX_BODY_BYTES rather than read an unbounded stream. False when the
 * declared length is past the cap: the request is then answered 413 like an oversized POST.
 */
export function discardBody(req: IncomingMessage): boolean {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
    // Declared too large: the caller answers 413 (as for a POST) while the rest drains briefly.
    drainThenClose(req);
    return false;
  }
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    req.resume();
    return true;
  }
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) req.socket.destroy();
  });
  req.resume();
  return true;
}
