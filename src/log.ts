import pino, { type Logger } from 'pino';

/** Structured JSON logs on stdout; every request line carries its request id. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'opencheckout' } }, pino.destination({ sync: false }));
}
