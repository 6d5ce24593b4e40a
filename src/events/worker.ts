import type { EventEmitter } from 'node:events';
import type { Deps } from '../api/context.js';
import { webhookFaultPlan } from '../api/faults.js';
import { abandon, claimDue, releaseClaims, releaseStaleClaims, renewClaim, retryDelayMs, type ClaimedDelivery, type Outcome } from './outbox.js';
import { WebhookTransport, type PostResult } from './post.js';
import { pruneOnce } from './prune.js';
import { AttemptRecorder } from './recorder.js';
import { signatureHeader } from './signer.js';
import { loadTargets, targetKey, type Targets } from './targets.js';

/** A claimed delivery with what was loaded for it at claim time. */
interface Job extends ClaimedDelivery {
  targets?: Targets;
  loadedAt?: number;
}

/** Data loaded at claim time is used if the attempt starts within this long; else it is reloaded. */
const FRESH_MS = 1000;

/** Tuning of the delivery worker; the defaults suit one instance and a handful of endpoints. */
export interface DeliveryWorkerOptions {
  /** Attempts in flight at once, over all endpoints. */
  concurrency?: number;
  /** Attempts in flight at once to one endpoint (a merchant's receiver is not a load-test target). */
  perEndpoint?: number;
  /** Safety-net poll (ms): picks up work another instance committed, or that was due at a crash. */
  pollMs?: number;
  /** How often old events, deliveries, attempts and idempotency records are pruned (ms). */
  pruneEveryMs?: number;
  /** Real time in ms; delivery, retries and signatures never follow test clocks (docs/decisions.md#webhook-delivery). */
  now?: () => number;
}

const HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
  Accept: '*/*; q=0.5, application/xml',
  'Cache-Control': 'no-cache',
};

/**
 * Delivers the `deliveries` outbox: claims due rows with a lease, POSTs each event signed afresh,
 * records every attempt, and retries with backoff until delivered or out of attempts. Woken at once
 * by `signals` 'delivery-due' (emitted after a commit that emitted events) and by a slow poll.
 */
export class DeliveryWorker {
  private readonly transport: WebhookTransport;
  private readonly recorder: AttemptRecorder;
  private readonly concurrency: number;
  private readonly perEndpoint: number;
  private readonly now: () => number;
  private readonly leaseMs: number;
  /** Batch size below which a completion does not bother the database with a new claim. */
  private readonly claimBatch: number;
  private readonly active = new Map<number, { endpoint: string; abort: AbortController; done: Promise<void> }>();
  private readonly activeByEndpoint = new Map<string, number>();
  private readonly queues = new Map<string, Job[]>();
  private queued = 0;
  /** More work may be due than was claimed last time. */
  private dirty = true;
  /**
   * The busy endpoints the last claim skipped while it found less than it asked for: their due
   * rows wait until one of them drains, and claiming again before then would find nothing.
   */
  private skippedBusy: string | undefined;
  private pumping: Promise<void> | undefined;
  private stopped = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private retryTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  private readonly onSignal = () => this.wake();
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly deps: Deps,
    private readonly opts: DeliveryWorkerOptions = {},
  ) {
    this.concurrency = opts.concurrency ?? 64;
    this.perEndpoint = opts.perEndpoint ?? 16;
    this.now = opts.now ?? Date.now;
    // The lease must outlive an attempt (timeout) with margin; ~30 s with the default 10 s timeout.
    this.leaseMs = 2 * deps.config.webhookTimeoutMs + 10_000;
    this.claimBatch = Math.max(1, Math.floor(this.concurrency / 4));
    this.recorder = new AttemptRecorder(deps.store);
    this.transport = new WebhookTransport({ blockPrivate: deps.config.webhookBlockPrivate });
  }

  /** Starts delivering: frees stale SQLite leases, subscribes to `signals`, starts poll and pruning. */
  async start(signals?: EventEmitter): Promise<void> {
    await releaseStaleClaims(this.deps.store);
    signals?.on('delivery-due', this.onSignal);
    this.unsubscribe = () => signals?.off('delivery-due', this.onSignal);
    const poll = setInterval(() => this.wake(), this.opts.pollMs ?? 1000);
    poll.unref();
    this.timers.push(poll);
    const pruneEvery = this.opts.pruneEveryMs ?? 60 * 60 * 1000;
    const prune = () => {
      pruneOnce(this.deps, this.now()).catch((err: unknown) => this.deps.log.warn({ err }, 'pruning failed'));
    };
    const first = setTimeout(prune, Math.min(10_000, pruneEvery));
    first.unref();
    const every = setInterval(prune, pruneEvery);
    every.unref();
    this.timers.push(first, every);
    this.wake();
  }

  /** Claims and sends whatever is due now (signals and the poll call it; so may callers). */
  wake(): void {
    this.dirty = true;
    this.pump();
  }

  private free(): number {
    return this.concurrency - this.active.size - this.queued;
  }

  private pump(): void {
    if (this.stopped || this.pumping) return;
    this.pumping = this.claimLoop()
      .catch((err: unknown) => this.deps.log.error({ err }, 'claiming webhook deliveries failed'))
      .finally(() => {
        this.pumping = undefined;
        // A wake that arrived while the loop was finishing.
        if (this.dirty && this.free() > 0) this.pump();
      });
  }

  private async claimLoop(): Promise<void> {
    while (this.dirty && !this.stopped) {
      const free = this.free();
      // Full: completions pump again (dirty stays set).
      if (free <= 0) return;
      this.dirty = false;
      // Endpoints with a full batch already waiting here are left to other instances (or later),
      // so one slow receiver cannot fill every slot while other endpoints' events wait.
      const skip = this.busyEndpoints();
      const { store } = this.deps;
      // One transaction: one wait for a pooled connection (API requests queue for the same pool).
      const claimed: Job[] = await store.transaction(async (tx) => {
        const jobs: Job[] = await claimDue(tx, store.dialect, { limit: free, nowMs: this.now(), leaseMs: this.leaseMs, skipEndpoints: skip });
        if (jobs.length > 0) {
          const targets = await loadTargets(tx, jobs);
          const loadedAt = this.now();
          for (const c of jobs) Object.assign(c, { targets, loadedAt });
        }
        return jobs;
      });
      if (this.stopped) {
        await releaseClaims(this.deps.store, claimed.map((c) => c.seq));
        return;
      }
      for (const c of claimed) {
        const q = this.queues.get(c.endpoint_id) ?? [];
        q.push(c);
        this.queues.set(c.endpoint_id, q);
        this.queued++;
      }
      for (const ep of new Set(claimed.map((c) => c.endpoint_id))) this.dispatch(ep);
      if (claimed.length === free) this.dirty = true;
      this.skippedBusy = claimed.length < free && skip.length > 0 ? skip.join(' ') : undefined;
    }
  }

  private busyEndpoints(): string[] {
    return [...this.queues]
      .filter(([, q]) => q.length >= this.perEndpoint)
      .map(([ep]) => ep)
      .sort();
  }

  /** Starts queued attempts of one endpoint up to its concurrency limit. */
  private dispatch(endpoint: string): void {
    const q = this.queues.get(endpoint);
    while (q && q.length > 0 && (this.activeByEndpoint.get(endpoint) ?? 0) < this.perEndpoint && !this.stopped) {
      const c = q.shift() as Job;
      this.queued--;
      this.activeByEndpoint.set(endpoint, (this.activeByEndpoint.get(endpoint) ?? 0) + 1);
      const abort = new AbortController();
      const done = this.attempt(c, abort.signal)
        .catch((err: unknown) => {
          // A store error: the lease runs out and the delivery is claimed again later.
          this.deps.log.error({ err, event: c.event_id, endpoint: c.endpoint_id }, 'webhook delivery failed unexpectedly');
        })
        .finally(() => this.finished(c));
      this.active.set(c.seq, { endpoint, abort, done });
    }
    if (q && q.length === 0) this.queues.delete(endpoint);
  }

  private finished(c: ClaimedDelivery): void {
    this.active.delete(c.seq);
    const n = (this.activeByEndpoint.get(c.endpoint_id) ?? 1) - 1;
    if (n <= 0) this.activeByEndpoint.delete(c.endpoint_id);
    else this.activeByEndpoint.set(c.endpoint_id, n);
    if (this.stopped) return;
    this.dispatch(c.endpoint_id);
    if (this.free() < this.claimBatch && this.active.size > 0) return;
    if (this.skippedBusy !== undefined && this.busyEndpoints().join(' ') !== this.skippedBusy) this.dirty = true;
    if (this.dirty) this.pump();
  }

  /** One attempt of one claimed delivery, start to record. */
  private async attempt(c: Job, signal: AbortSignal): Promise<void> {
    const { store, config, log } = this.deps;
    const timeoutMs = config.webhookTimeoutMs;
    // A claim that waited in the queue gets a lease that covers the attempt about to start.
    if (c.claimedUntil - this.now() < timeoutMs + 5_000 && !(await renewClaim(store, c, this.now() + this.leaseMs))) return;

    const fresh = c.targets && c.loadedAt !== undefined && this.now() - c.loadedAt < FRESH_MS;
    const targets = fresh && c.targets ? c.targets : await loadTargets(store.db, [c]);
    c.targets = undefined;
    const endpoint = targets.endpoints.get(targetKey(c.account_id, c.endpoint_id));
    if (!endpoint || endpoint.status !== 'enabled') {
      // Deleted: nothing left to deliver to. Disabled: Stripe stops sending; it stays undelivered.
      await abandon(store, c, !endpoint);
      return;
    }
    const event = targets.events.get(targetKey(c.account_id, c.event_id));
    if (!event) {
      await abandon(store, c, false);
      return;
    }
    const { url } = endpoint;
    // Stripe sends the event pretty-printed; the signature covers these exact bytes.
    const body = JSON.stringify(event, null, 2);
    // Faults on demand: late (held back, so later events overtake it), failed, duplicated (docs/decisions.md#faults-on-demand).
    const fault = await webhookFaultPlan(this.deps, c.account_id, this.now());
    if (fault && fault.lateMs > 0) {
      if (!(await renewClaim(store, c, this.now() + fault.lateMs + this.leaseMs))) return;
      await abortableSleep(fault.lateMs, signal);
    }
    const sentAt = this.now();
    const send = () => {
      const headers = { ...HEADERS, 'Stripe-Signature': signatureHeader(endpoint.secret, body, Math.floor(this.now() / 1000)) };
      return this.transport.post(url, body, headers, timeoutMs, signal);
    };
    const result: PostResult = fault?.fail ? { statusCode: null, latencyMs: 0, error: 'fault: delivery failure injected by the account\'s faults', responseBody: null } : await send();
    if (signal.aborted) {
      await releaseClaims(store, [c.seq]);
      return;
    }
    if (fault?.duplicate && result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300) await send();
    const outcome = this.outcome(c, result);
    const recorded = await this.recorder.record(c, result, outcome, sentAt);
    if (recorded && outcome.kind === 'retry') this.wakeAt(outcome.nextAttemptAt);
    if (log.isLevelEnabled('debug') || outcome.kind === 'failed') {
      log[outcome.kind === 'failed' ? 'warn' : 'debug'](
        { event: c.event_id, endpoint: c.endpoint_id, attempt: c.attempts + 1, status: result.statusCode, ms: result.latencyMs, error: result.error, outcome: outcome.kind },
        'webhook attempt',
      );
    }
  }

  private outcome(c: ClaimedDelivery, result: PostResult): Outcome {
    if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300) return { kind: 'delivered' };
    const made = c.attempts + 1;
    if (made >= this.deps.config.webhookMaxAttempts) return { kind: 'failed' };
    return { kind: 'retry', nextAttemptAt: this.now() + retryDelayMs(this.deps.config.webhookRetrySchedule, made) };
  }

  /** Wakes when this instance's earliest scheduled retry comes due, sooner than the poll would. */
  private wakeAt(at: number): void {
    if (this.stopped || (this.retryTimer && this.retryTimer.at <= at)) return;
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    const timer = setTimeout(() => {
      this.retryTimer = undefined;
      this.wake();
    }, Math.max(0, at - this.now()) + 5);
    timer.unref();
    this.retryTimer = { at, timer };
  }

  /** Stops claiming, aborts attempts in flight and gives their claims back; then closes connections. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe();
    for (const t of this.timers) clearInterval(t);
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    await this.pumping;
    for (const a of this.active.values()) a.abort.abort();
    await Promise.all([...this.active.values()].map((a) => a.done));
    const waiting = [...this.queues.values()].flat().map((c) => c.seq);
    this.queues.clear();
    this.queued = 0;
    await releaseClaims(this.deps.store, waiting).catch((err: unknown) => this.deps.log.warn({ err }, 'releasing webhook claims failed'));
    this.transport.close();
  }
}

/** Waits `ms`, or less when the signal aborts (shutdown). */
function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Creates and starts the delivery worker of an app (app.ts calls it after listen). */
export async function startDeliveryWorker(deps: Deps, signals?: EventEmitter, opts?: DeliveryWorkerOptions): Promise<DeliveryWorker> {
  const worker = new DeliveryWorker(deps, opts);
  await worker.start(signals);
  return worker;
}
