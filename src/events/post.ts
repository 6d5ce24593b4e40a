import http from 'node:http';
import https from 'node:https';
import { checkedLookup, refusedHost } from './address-policy.js';

/** What one delivery attempt observed: the status code (null when no response), latency, error. */
export interface PostResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /** The response body's first RESPONSE_BODY_KEPT bytes (UTF-8), null without a response. */
  responseBody?: string | null;
}

/** Response bodies are read to free the connection, and no further than this. */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** How much of a response body is kept, to show beside the attempt (docs/decisions.md#dashboard). */
export const RESPONSE_BODY_KEPT = 2048;

/**
 * Keep-alive agents for webhook POSTs: a merchant's receiver gets many events in a row, and a fresh
 * TCP (and TLS) handshake per event would dominate the event-to-delivered latency.
 */
export class WebhookTransport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  /**
   * `blockPrivate`: refuse private, loopback, link-local and metadata addresses, on the literal
   * host and on every address a name resolves to when the socket connects
   * (docs/decisions.md#webhook-url-policy).
   */
  constructor(private readonly opts: { blockPrivate?: boolean } = {}) {
    const lookup = opts.blockPrivate ? { lookup: checkedLookup as unknown as http.AgentOptions['lookup'] } : {};
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo', ...lookup });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo', ...lookup });
  }

  /**
   * POSTs `body` to `url`. Never throws: network errors, a timeout (whole exchange, headers and
   * body) and an abort all come back as `error`. Redirects are not followed, as Stripe does not.
   */
  post(url: string, body: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<PostResult> {
    const started = performance.now();
    const kept: Buffer[] = [];
    let keptBytes = 0;
    const done = (statusCode: number | null, error: string | null): PostResult => ({
      statusCode,
      error,
      latencyMs: Math.max(0, Math.round(performance.now() - started)),
      // A multi-byte character cut at the limit decodes as U+FFFD: the text stays valid.
      responseBody: statusCode === null ? null : Buffer.concat(kept).subarray(0, RESPONSE_BODY_KEPT).toString('utf8'),
    });
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve(done(null, `invalid URL: ${url}`));
    }
    // An address literal never goes through `lookup`: it is judged here.
    const refused = this.opts.blockPrivate ? refusedHost(target.hostname) : undefined;
    if (refused) return Promise.resolve(done(null, `refused: ${refused} (OPENCHECKOUT_WEBHOOK_BLOCK_PRIVATE)`));
    const secure = target.protocol === 'https:';
    const requestFn = secure ? https.request : http.request;
    return new Promise<PostResult>((resolve) => {
      let settled = false;
      const finish = (result: PostResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const req = requestFn(target, {
        method: 'POST',
        agent: secure ? this.httpsAgent : this.httpAgent,
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      });
      // Headers and body may go out as two small writes: without NODELAY, Nagle holds the second
      // until the receiver's delayed ACK (~40 ms) on a reused keep-alive connection.
      req.setNoDelay(true);
      const timer = setTimeout(() => {
        finish(done(null, `timed out after ${timeoutMs} ms`));
        req.destroy();
      }, timeoutMs);
      const onAbort = () => {
        finish(done(null, 'aborted: server shutting down'));
        req.destroy();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('response', (res) => {
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (keptBytes < RESPONSE_BODY_KEPT) {
            kept.push(chunk);
            keptBytes += chunk.length;
          }
          // Enough of a reply: the status is what counts. Drop the rest with the connection.
          if (size > MAX_RESPONSE_BYTES) {
            finish(done(res.statusCode ?? null, null));
            res.destroy();
          }
        });
        res.on('end', () => finish(done(res.statusCode ?? null, null)));
        res.on('error', (err) => finish(done(res.statusCode ?? null, err.message)));
        res.on('close', () => finish(done(res.statusCode ?? null, res.complete ? null : 'connection closed before the response ended')));
      });
      req.on('error', (err: NodeJS.ErrnoException) => finish(done(null, err.message || err.code || 'request failed')));
      req.end(body);
    });
  }

  /** Closes pooled connections (worker shutdown). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
