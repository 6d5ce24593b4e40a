import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One webhook POST as a merchant's receiver saw it. */
export interface Received {
  headers: http.IncomingHttpHeaders;
  /** The raw body, exactly the bytes that were signed. */
  body: string;
  at: number;
}

/** What the receiver answers: a status code, or 'hang' (never answer). */
export type Behaviour = (r: Received, index: number) => number | 'hang';

/** A real webhook receiver on 127.0.0.1 (node:http), recording every request it gets. */
export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  behave(b: Behaviour): void;
  /** Event ids in the order received (parsed from the bodies). */
  eventIds(): string[];
  close(): Promise<void>;
}

/** Starts a receiver; `port` reuses a given port (a receiver that comes back up after being down). */
export async function startReceiver(behaviour: Behaviour = () => 200, port = 0): Promise<Receiver> {
  let behave = behaviour;
  const received: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(r);
      const answer = behave(r, received.length - 1);
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer, { 'content-type': 'application/json' });
      res.end('{"received":true}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/webhook`,
    port: actual,
    received,
    behave: (b) => {
      behave = b;
    },
    eventIds: () => received.map((r) => (JSON.parse(r.body) as { id: string }).id),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on right now (for a receiver that is down, then comes up on it). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
