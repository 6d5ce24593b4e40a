import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signatureHeader } from '../events/signer.js';
import type { Client } from './api.js';

interface Endpoint {
  id: string;
  secret: string;
}

/** `localhost:4242/webhook` -> `http://localhost:4242/webhook`, as the Stripe CLI reads `--forward-to`. */
export function forwardTarget(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
}

/**
 * `listen --forward-to URL`: like the Stripe CLI, receives the account's events and forwards each
 * to a local URL, signed with the secret it prints, one line per delivery. It registers a webhook
 * endpoint pointing at a relay it runs on 127.0.0.1 and removes it on exit.
 */
export async function listen(api: Client, opts: { forwardTo: string; events: string[]; out: (line: string) => void }): Promise<() => Promise<void>> {
  opts = { ...opts, forwardTo: forwardTarget(opts.forwardTo) };
  let endpoint: Endpoint | undefined;
  const relay = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      void forward(body).then(
        (status) => {
          res.writeHead(status >= 200 && status < 300 ? 200 : 502).end();
        },
        () => res.writeHead(502).end(),
      );
    });
  });

  async function forward(body: string): Promise<number> {
    let type = '?';
    let id = '?';
    try {
      const event = JSON.parse(body) as { type: string; id: string };
      type = event.type;
      id = event.id;
    } catch {
      // forwarded as received
    }
    const started = Date.now();
    const stamp = new Date().toISOString().replace('T', ' ').slice(0, 19);
    try {
      const res = await fetch(opts.forwardTo, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signatureHeader((endpoint as Endpoint).secret, body, Math.floor(Date.now() / 1000)),
          'user-agent': 'OpenCheckout-CLI/listen',
        },
        body,
      });
      await res.arrayBuffer();
      opts.out(`${stamp}   --> ${type} [${id}]\n${stamp}  <--  [${res.status}] POST ${opts.forwardTo} [${id}] (${Date.now() - started} ms)`);
      return res.status;
    } catch (err) {
      opts.out(`${stamp}   --> ${type} [${id}]\n${stamp}  <--  [ERROR] POST ${opts.forwardTo}: ${(err as Error).message}`);
      return 599;
    }
  }

  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const port = (relay.address() as AddressInfo).port;
  endpoint = await api.post<Endpoint>('/v1/webhook_endpoints', {
    url: `http://127.0.0.1:${port}/`,
    enabled_events: opts.events.length ? opts.events : ['*'],
    description: `opencheckout listen --forward-to ${opts.forwardTo}`,
  });
  opts.out(`Ready! Your webhook signing secret is ${endpoint.secret} (^C to quit)`);
  return async () => {
    relay.close();
    await api.del(`/v1/webhook_endpoints/${(endpoint as Endpoint).id}`).catch(() => undefined);
  };
}
