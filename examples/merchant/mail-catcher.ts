import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { nowIso, openMerchantDb } from './db.js';

/** A local SMTP server that accepts every message and keeps it (a development tool, not part of the shop). */
export interface MailCatcher {
  host: string;
  port: number;
  close(): Promise<void>;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list
    .flatMap((a) => a.value.map((v) => v.address ?? ''))
    .filter(Boolean)
    .join(', ');
}

/**
 * Starts the catcher on 127.0.0.1 (port 0 = any free port). Each message is parsed (MIME,
 * quoted-printable, encoded headers) and stored in the `mailbox` table of the shop's database,
 * which the shop shows at /outbox and /outbox.json. No TLS and no AUTH: it is for localhost.
 */
export async function startMailCatcher(databasePath: string, port = 0): Promise<MailCatcher> {
  const db = openMerchantDb(databasePath);
  const insert = db.prepare(
    `INSERT INTO mailbox (message_id, from_address, to_address, subject, text, html, sent_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const envelopeTo = session.envelope.rcptTo.map((r) => r.address).join(', ');
          insert.run(
            mail.messageId ?? null,
            addresses(mail.from),
            addresses(mail.to) || envelopeTo,
            mail.subject ?? '',
            mail.text ?? null,
            typeof mail.html === 'string' ? mail.html : null,
            mail.date ? mail.date.toISOString() : null,
            nowIso(),
          );
          callback();
        })
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port: address.port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
    },
  };
}
