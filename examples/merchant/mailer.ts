import nodemailer from 'nodemailer';
import type { MerchantConfig } from './config.js';
import { nowIso, type MerchantDb } from './db.js';

/** The outbox sender: drains `emails` over SMTP. */
export interface Mailer {
  /** There is new mail: send it now rather than at the next poll. */
  kick(): void;
  stop(): Promise<void>;
}

interface OutboxRow {
  id: number;
  to_address: string;
  subject: string;
  text: string;
  html: string;
}

/** A claim older than this is taken to belong to a sender that died mid-send. */
const CLAIM_TIMEOUT_MS = 60_000;
const POLL_MS = 1_000;

/**
 * Sends queued email over SMTP. Each row is claimed with a conditional UPDATE before sending,
 * so two shop processes on one database never send the same email; a failed send releases the
 * claim and is retried at the next poll. (A crash between the SMTP 250 and `sent_at` being
 * written can send one duplicate: email is at-least-once.)
 */
export function startMailer(db: MerchantDb, config: MerchantConfig, log: (m: string, f?: Record<string, unknown>) => void): Mailer {
  const transport = nodemailer.createTransport({
    host: config.smtp.host,
    port: config.smtp.port,
    secure: config.smtp.port === 465,
    ...(config.smtp.user ? { auth: { user: config.smtp.user, pass: config.smtp.pass ?? '' } } : {}),
  });
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const drainOnce = async (): Promise<void> => {
    const pending = db
      .prepare('SELECT id, to_address, subject, text, html FROM emails WHERE sent_at IS NULL AND (claimed_at IS NULL OR claimed_at < ?) ORDER BY id LIMIT 20')
      .all(Date.now() - CLAIM_TIMEOUT_MS) as OutboxRow[];
    for (const row of pending) {
      if (stopped) return;
      const claimed = db
        .prepare('UPDATE emails SET claimed_at = ? WHERE id = ? AND sent_at IS NULL AND (claimed_at IS NULL OR claimed_at < ?)')
        .run(Date.now(), row.id, Date.now() - CLAIM_TIMEOUT_MS);
      if (claimed.changes === 0) continue;
      try {
        const info = await transport.sendMail({ from: config.mailFrom, to: row.to_address, subject: row.subject, text: row.text, html: row.html });
        db.prepare('UPDATE emails SET sent_at = ?, message_id = ?, last_error = NULL WHERE id = ?').run(nowIso(), info.messageId, row.id);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        db.prepare('UPDATE emails SET claimed_at = NULL, last_error = ? WHERE id = ?').run(message, row.id);
        log('email not sent, will retry', { email_id: row.id, error: message });
      }
    }
  };

  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await drainOnce();
      } while (again && !stopped);
    })()
      .catch((err: unknown) => log('mailer failed', { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        running = undefined;
      });
  };

  const timer = setInterval(kick, POLL_MS);
  timer.unref();
  kick();
  return {
    kick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      transport.close();
    },
  };
}
