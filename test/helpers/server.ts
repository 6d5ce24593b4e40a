import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import Stripe from 'stripe';
import { createApp, type App, type AppOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/clock.js';
import { freshPgDatabase, pgAdminUrl } from './pg.js';

export type StoreKind = 'sqlite' | 'postgres';

/** The stores every storage-touching suite runs against (SQLite always; PostgreSQL under `npm test`). */
export const STORES: StoreKind[] = pgAdminUrl() || process.env.CI ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestServer {
  app: App;
  url: string;
  port: number;
  store: StoreKind;
  dataDir: string;
  /** An SDK client on its own fresh account (a new random key), unless a key is given. */
  stripe(key?: string): Stripe;
  close(): Promise<void>;
}

let counter = 0;
/** A fresh key, so each test gets its own isolated account (dev mode). */
export function freshKey(): string {
  return `sk_test_t${process.pid}_${Date.now()}_${counter++}`;
}

export function sdk(url: string, key: string = freshKey()): Stripe {
  const u = new URL(url);
  return new Stripe(key, { host: u.hostname, port: Number(u.port), protocol: 'http', maxNetworkRetries: 0, telemetry: false });
}

/** Starts a real OpenCheckout server on a free port, over real HTTP, on the given store. */
export async function startServer(
  store: StoreKind = 'sqlite',
  opts: {
    env?: Record<string, string>;
    clock?: Clock;
    pathHandlers?: AppOptions['pathHandlers'];
    app?: (o: AppOptions) => Promise<App>;
    /** The resources to serve, when not every one (a test's own module beside them, say). */
    modules?: AppOptions['modules'];
  } = {},
): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-test-'));
  const env: Record<string, string> = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...opts.env };
  if (store === 'postgres') env.DATABASE_URL = await freshPgDatabase();
  const config: Config = loadConfig(env);
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const make = opts.app ?? createApp;
  const app = await make({
    config,
    log,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.pathHandlers ? { pathHandlers: opts.pathHandlers } : {}),
    ...(opts.modules ? { modules: opts.modules } : {}),
  });
  const port = Number(new URL(app.url).port);
  return {
    app,
    url: app.url,
    port,
    store,
    dataDir,
    stripe: (key?: string) => sdk(app.url, key),
    async close() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A second instance on `first`'s PostgreSQL database, in this process with its own connection
 * pool (as a second process would have). Close it before `first`.
 */
export function startSecondInstance(first: TestServer, modules?: AppOptions['modules']): Promise<App> {
  const databaseUrl = first.app.deps.config.databaseUrl;
  if (!databaseUrl) throw new Error('a second instance needs a PostgreSQL server');
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: first.dataDir, DATABASE_URL: databaseUrl });
  return createApp({ config, log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), ...(modules ? { modules } : {}) });
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * One request through node:http exactly as given (for the fuzzers: paths fetch would normalise
 * or refuse, bodies on any method), answered or failed within 15 s.
 */
export function httpRequest(
  base: URL,
  agent: http.Agent,
  r: { path: string; method: string; headers: Record<string, string>; body?: Buffer | undefined },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, path: r.path, method: r.method, headers: r.headers, agent, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Raw HTTP against the server (for what the SDK cannot send: malformed bodies, bad headers). */
export async function raw(
  url: string,
  pathAndQuery: string,
  init: { method?: string; body?: string | Buffer; key?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...init.headers };
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? 'sk_test_raw'}`;
  const res = await fetch(url + pathAndQuery, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}
