import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createLogger } from './log.js';

/** `npm start`: serve the API and hosted pages until SIGTERM/SIGINT, then shut down gracefully. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const app = await createApp({ config, log });
  const storeName = config.databaseUrl ? 'postgres' : `sqlite (${config.dataDir})`;
  log.info({ url: app.url, store: storeName }, 'listening');
  process.stdout.write(`OpenCheckout listening on ${app.url} (store: ${storeName})\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`OpenCheckout failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
