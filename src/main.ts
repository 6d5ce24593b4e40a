import { pathToFileURL } from 'node:url';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createLogger } from './log.js';

/** `npm start`: serve the API and hosted pages until SIGTERM/SIGINT, then shut down gracefully. */
export async function serve(): Promise<void> {
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

/** Exits with a readable message when the server cannot start (bad config, port taken, ...). */
export function failedToStart(err: unknown): never {
  process.stderr.write(`OpenCheckout failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

// Run when started as a program (`node dist/main.js`), not when imported by the CLI.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) serve().catch(failedToStart);
