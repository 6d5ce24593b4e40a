import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs on stdout; every request line carries its request id. Lines are gathered
 * up to 4 KiB (at most 250 ms) per write: one write per request line cost more than the line.
 * pino flushes what is left when the process exits.
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'opencheckout' } }, pino.destination({ sync: false, minLength: 4096, periodicFlush: 250 }));
}
