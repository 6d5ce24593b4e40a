import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Hooks } from '../hooks.js';
import type { JobHandlers } from '../scheduler/jobs.js';
import type { Db, Store } from '../store/db.js';
import type { Expansions } from './expand.js';

/** What a commit can give the background workers to do. */
export type WorkTopic = 'delivery-due' | 'job-due';

/** What every service may use: built once by createApp (app.ts), the composition root. */
export interface Deps {
  store: Store;
  config: Config;
  clock: Clock;
  log: Logger;
  /** Wakes the background workers after a commit that gave them work. */
  notify(topic: WorkTopic): void;
  /** Absolute base of this server's public URLs (hosted page links). */
  publicUrl(): string;
  /** How ids and virtual fields expand, from the assembled resource descriptions. */
  expansions: Expansions;
  /** What each job kind does, from the assembled resource descriptions. */
  jobs: JobHandlers;
  /** Extension points resources fill for each other (hooks.ts). */
  hooks: Hooks;
}

/** One request's (or one job's) view: its account, its transaction, its ids. */
export interface Ctx {
  deps: Deps;
  db: Db;
  account: string;
  requestId: string | null;
  idempotencyKey: string | null;
  /** Callbacks run once the request's transaction has committed. */
  afterCommit: Array<() => void>;
}

/** A context for one request or job in `account`, reading and writing through `db`. */
export function makeCtx(deps: Deps, account: string, db: Db, requestId: string | null = null, idempotencyKey: string | null = null): Ctx {
  return { deps, db, account, requestId, idempotencyKey, afterCommit: [] };
}

/**
 * Runs fn in a transaction with a context bound to it, then the after-commit callbacks: the write
 * path of jobs and pages (docs/architecture.md#the-request-path).
 */
export async function inTransaction<T>(deps: Deps, account: string, fn: (ctx: Ctx) => Promise<T>, requestId: string | null = null): Promise<T> {
  const hooks: Array<() => void> = [];
  const result = await deps.store.transaction((tx) => {
    const ctx = makeCtx(deps, account, tx, requestId);
    ctx.afterCommit = hooks;
    return fn(ctx);
  });
  for (const hook of hooks) hook();
  return result;
}
