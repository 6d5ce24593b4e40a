import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { createAdminHandler } from './admin/handler.js';
import { createDashboardHandler } from './dashboard/handler.js';
import type { Deps } from './api/context.js';
import { answerClientError, createApiHandler, type PathHandler } from './api/server.js';
import { limitServer, serverOptions } from './api/limits.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { startDeliveryWorker } from './events/worker.js';
import { createPageHandler } from './pages/handler.js';
import { requestLogFor } from './api/request-log.js';
import { runStartupFixtures } from './cli/startup-fixtures.js';
import { createInvoicePdfHandler } from './resources/invoices/pdf.js';
import { createThreeDSecureHandler } from './pages/three-d-secure.js';
import { createMicrodepositHandler } from './pages/microdeposits.js';
import { createBankTransferHandler } from './pages/bank-transfer.js';
import { createPaymentLinkHandler } from './pages/payment-link.js';
import { createStripeJsHandler } from './pages/stripe-js.js';
import { createPortalHandler } from './pages/portal/handler.js';
import { createPortalLoginHandler } from './pages/portal/login.js';
import { createInvoicePageHandler } from './pages/invoice/handler.js';
import { createRecoveryHandler } from './pages/recover.js';
import { resources } from './resources/index.js';
import { assemble, type ResourceModule } from './resources/module.js';
import { startScheduler } from './scheduler/scheduler.js';
import { installationSecret, openStore, type Store, type StoreOptions } from './store/db.js';
import { BANK_FINGERPRINT_SECRET, CARD_FINGERPRINT_SECRET } from './processor/fingerprint.js';
import { CSRF_SECRET_NAME } from './pages/csrf.js';
import { SECRET_NAME as DASHBOARD_SECRET_NAME } from './dashboard/auth.js';

export interface App {
  deps: Deps;
  server: http.Server;
  /** The address actually bound (PORT=0 picks a free port). */
  url: string;
  /** Emits 'delivery-due' and 'job-due' after commits that gave the workers work. */
  signals: EventEmitter;
  /** Things to stop on shutdown, last registered first. */
  onClose(fn: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  log: Logger;
  clock?: Clock;
  store?: Store;
  /** Extra handlers for paths outside /v1 (hosted pages, admin). */
  pathHandlers?: (deps: Deps) => PathHandler[];
  /** false: no webhook delivery worker in this process (an API-only instance, benchmarks). */
  deliveries?: boolean;
  /** The resources to serve; by default every one (resources/index.ts). */
  modules?: readonly ResourceModule[];
}

/**
 * Opens the store with every resource's migrations, as the app does: for tools and checks that
 * read or write a database outside a running app (a store opened with fewer migrations than ran
 * on it is refused).
 */
export function openAppStore(opts: Omit<StoreOptions, 'migrations'>): Promise<Store> {
  return openStore({ ...opts, migrations: assemble(resources).migrations });
}

/**
 * The composition root: assembles the resources' descriptions, then wires config -> store ->
 * HTTP server -> scheduler and delivery worker. Workers attach through `signals` and `onClose`.
 */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config, log } = opts;
  const assembly = assemble(opts.modules ?? resources);
  const store = opts.store ?? (await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, sqliteCacheMib: config.sqliteCacheMib, migrations: assembly.migrations }));
  // The installation's secrets exist, committed, before the first request: requests only read them,
  // and a secret read is remembered (store/db.ts installationSecret).
  for (const name of [CARD_FINGERPRINT_SECRET, BANK_FINGERPRINT_SECRET, CSRF_SECRET_NAME, DASHBOARD_SECRET_NAME]) await installationSecret(store.db, name);
  const signals = new EventEmitter();
  let boundUrl = '';
  const deps: Deps = {
    store,
    config,
    clock: opts.clock ?? systemClock,
    log,
    notify: (topic) => signals.emit(topic),
    publicUrl: () => config.publicUrl ?? boundUrl,
    expansions: assembly.expansions,
    jobs: assembly.jobs,
    hooks: assembly.hooks,
  };
  const handler = createApiHandler(deps, assembly.routes, [createAdminHandler(deps), createPageHandler(deps), createThreeDSecureHandler(deps), createMicrodepositHandler(deps), createBankTransferHandler(deps), createRecoveryHandler(deps), createPaymentLinkHandler(deps), createPortalHandler(deps, assembly.routes), createPortalLoginHandler(deps, assembly.routes), createDashboardHandler(deps, assembly.routes), createInvoicePageHandler(deps), createInvoicePdfHandler(deps), createStripeJsHandler(deps), ...(opts.pathHandlers?.(deps) ?? [])]);
  const server = http.createServer(serverOptions(config), (req, res) => void handler(req, res));
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  limitServer(server, config, log);
  const addr = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  boundUrl = `http://${host}:${addr.port}`;

  const closers: Array<() => Promise<void> | void> = [() => requestLogFor(deps).close()];
  const scheduler = startScheduler(deps, signals);
  closers.push(() => scheduler.stop());
  if (opts.deliveries !== false) {
    const worker = await startDeliveryWorker(deps, signals);
    closers.push(() => worker.stop());
  }
  const app: App = {
    deps,
    server,
    url: boundUrl,
    signals,
    onClose: (fn) => closers.push(fn),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      for (const fn of closers.reverse()) await fn();
      await store.close();
    },
  };
  if (config.fixtures) {
    // The file runs through this server's own API, like `opencheckout fixtures` (docs/decisions.md#fixtures).
    await runStartupFixtures(deps, `http://127.0.0.1:${addr.port}`).catch(async (err: unknown) => {
      await app.close();
      throw err;
    });
  }
  return app;
}
