import type { Store } from '../store/db.js';
import { recordAttempts, type ClaimedDelivery, type Outcome } from './outbox.js';
import type { PostResult } from './post.js';

interface Item {
  d: ClaimedDelivery;
  result: PostResult;
  outcome: Outcome;
  atMs: number;
  resolve(recorded: boolean): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 256;

/**
 * Group commit of delivery attempts: attempts that finish while a commit is running are recorded
 * together in the next transaction. A commit per attempt would cap throughput at the store's
 * commit rate; batching keeps latency (one commit at most) and multiplies throughput.
 */
export class AttemptRecorder {
  private queue: Item[] = [];
  private flushing = false;
  private scheduled = false;

  constructor(private readonly store: Store) {}

  /** Resolves once the attempt is committed: true if recorded, false if the delivery was gone. */
  record(d: ClaimedDelivery, result: PostResult, outcome: Outcome, atMs: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ d, result, outcome, atMs, resolve, reject });
      // Wait for the rest of this I/O phase: responses that arrived together commit together.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    const batch = this.queue.splice(0, MAX_BATCH);
    this.store
      .transaction((tx) => recordAttempts(tx, batch))
      .then(
        (out) => batch.forEach((item, i) => item.resolve(out[i] ?? false)),
        // None of the batch is recorded: their leases run out and they are attempted again.
        (err: unknown) => batch.forEach((item) => item.reject(err)),
      )
      .finally(() => {
        this.flushing = false;
        this.flush();
      });
  }
}
