import { randomBytes } from 'node:crypto';
import { nowIso, type MerchantDb } from './db.js';

/** The shipping workflow's worker. */
export interface ShippingWorker {
  stop(): void;
}

/**
 * Starts the shipping workflow for paid orders: a shipment is created `pending` with the order,
 * and this worker buys its label (here: makes up a tracking number), moving it to `label_created`.
 * The conditional UPDATE makes each move happen once even with several workers.
 */
export function startShippingWorker(db: MerchantDb, intervalMs = 500): ShippingWorker {
  const tick = () => {
    const pending = db.prepare(`SELECT id FROM shipments WHERE status = 'pending' ORDER BY id LIMIT 50`).all() as Array<{ id: number }>;
    for (const { id } of pending) {
      const tracking = `1Z${randomBytes(6).toString('hex').toUpperCase()}`;
      db.prepare(`UPDATE shipments SET status = 'label_created', tracking_number = ?, updated_at = ? WHERE id = ? AND status = 'pending'`).run(
        tracking,
        nowIso(),
        id,
      );
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
