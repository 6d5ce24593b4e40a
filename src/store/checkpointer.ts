import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The checkpointer's code, run in a worker thread: its own connection to the database file
 * copies committed WAL pages into the database (PASSIVE: never waits for, nor blocks, the writer
 * or readers) and syncs the file. `workerData` = { sqlite: module path, file, intervalMs }.
 */
const CODE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -1024');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next tick tries again */ }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} db.close(); process.exit(0); });
`;

/** A running checkpointer; stop() does a last checkpoint and ends the thread. */
export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. With synchronous=NORMAL a COMMIT only appends
 * to the WAL (no fsync); the fsyncs happen at checkpoints, which SQLite otherwise runs inside the
 * COMMIT that crosses `wal_autocheckpoint` — blocking every request for the length of a disk sync.
 * A worker thread checkpoints every `intervalMs` instead; the main connection keeps a far higher
 * autocheckpoint threshold only as a backstop should the worker fall behind.
 */
export function startCheckpointer(file: string, intervalMs = 200): Checkpointer {
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  // The thread runs one pragma on a timer: a small heap of its own is plenty (docs/decisions.md#memory).
  const worker = new Worker(CODE, {
    eval: true,
    workerData: { sqlite, file, intervalMs },
    execArgv: [],
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
  });
  worker.unref();
  // A failing checkpointer (the file went away in a test's cleanup) must not take the server down;
  // the main connection's autocheckpoint still bounds the WAL.
  worker.on('error', () => undefined);
  let exited = false;
  worker.once('exit', () => (exited = true));
  return {
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        // Held by the stop: an unref'd thread would let the process end before its last checkpoint.
        worker.ref();
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}
