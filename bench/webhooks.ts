/**
 * Webhook delivery benchmark (not a test): a real server in this process, a real receiver on
 * 127.0.0.1, events produced through the API (`POST /v1/customers` emits customer.created).
 *
 * 1. Latency: a steady, open-loop 200 events/s for RATE_SECONDS; for each event, the time from the
 *    start of the API request that created it (and from its response) to its arrival at the receiver.
 * 2. Throughput: QUEUED events are queued with the worker off, then the worker starts; time until
 *    the receiver has every one of them and every event's pending_webhooks is 0.
 *
 *   node --import tsx bench/webhooks.ts                          # SQLite in a temp dir
 *   DATABASE_URL=postgres://... node --import tsx bench/webhooks.ts
 * Knobs: RATE (200), RATE_SECONDS (15), QUEUED (10000).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { accountForKey } from '../src/api/auth.js';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startDeliveryWorker } from '../src/events/worker.js';

const RATE = Number(process.env.RATE ?? 200);
const RATE_SECONDS = Number(process.env.RATE_SECONDS ?? 15);
const WARMUP_SECONDS = 2;
const QUEUED = Number(process.env.QUEUED ?? 10_000);

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** POST /v1/customers; resolves with the customer id. */
function createCustomer(base: URL, key: string, i: number): Promise<string> {
  const body = `email=bench${i}%40example.com`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      base,
      {
        method: 'POST',
        path: '/v1/customers',
        agent,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) return reject(new Error(`create failed ${res.statusCode}: ${text}`));
          resolve((JSON.parse(text) as { id: string }).id);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function api(base: URL, key: string, method: string, p: string, body = ''): Promise<unknown> {
  const res = await fetch(new URL(p, base), {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
    ...(method === 'POST' ? { body } : {}),
  });
  return res.json();
}

/** A receiver answering 200 at once, noting when each customer's event arrived. */
async function startReceiver(onEvent: (customerId: string, at: number) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const event = JSON.parse(Buffer.concat(chunks).toString()) as { data: { object: { id: string } } };
      res.writeHead(200).end();
      onEvent(event.data.object.id, at);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const fmt = (n: number) => n.toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startApp(deliveries: boolean): Promise<{ app: App; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-'));
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir });
  const app = await createApp({ config, log: pino({ level: 'silent' }), deliveries });
  return { app, dir };
}

async function latency(): Promise<void> {
  const { app, dir } = await startApp(true);
  const base = new URL(app.url);
  const key = `sk_test_bench_latency_${Date.now()}`;
  const sentAt = new Map<string, { start: number; end: number }>();
  const arrivals = new Map<string, number>();
  const rx = await startReceiver((id, at) => arrivals.set(id, at));
  const endpoint = (await api(base, key, 'POST', '/v1/webhook_endpoints', `url=${encodeURIComponent(rx.url)}&enabled_events[]=customer.created`)) as { id: string };

  const total = RATE * (RATE_SECONDS + WARMUP_SECONDS);
  const interval = 1000 / RATE;
  const cpu0 = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const start = performance.now();
    inflight.push(
      createCustomer(base, key, i).then((id) => {
        if (i >= RATE * WARMUP_SECONDS) sentAt.set(id, { start, end: performance.now() });
      }),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  const achieved = total / elapsed;
  const cpu = process.cpuUsage(cpu0);
  const deadline = Date.now() + 30_000;
  while ([...sentAt.keys()].some((id) => !arrivals.has(id)) && Date.now() < deadline) await sleep(20);

  const fromStart: number[] = [];
  const fromResponse: number[] = [];
  let missing = 0;
  for (const [id, t] of sentAt) {
    const at = arrivals.get(id);
    if (at === undefined) {
      missing++;
      continue;
    }
    fromStart.push(at - t.start);
    fromResponse.push(at - t.end);
  }
  fromStart.sort((a, b) => a - b);
  fromResponse.sort((a, b) => a - b);
  console.log(`latency: ${sentAt.size} events measured at ${fmt(achieved)} events/s offered (after ${WARMUP_SECONDS} s warm-up), ${missing} missing`);
  console.log(`  from API request start: p50 ${fmt(pct(fromStart, 50))} ms, p99 ${fmt(pct(fromStart, 99))} ms, max ${fmt(fromStart.at(-1) ?? NaN)} ms`);
  console.log(`  from API response:      p50 ${fmt(pct(fromResponse, 50))} ms, p99 ${fmt(pct(fromResponse, 99))} ms`);
  loop.disable();
  console.log(`  process CPU (API + worker + receiver): ${fmt(((cpu.user + cpu.system) / 1e6 / elapsed) * 100)} % of one core; event-loop delay p50 ${fmt(loop.percentile(50) / 1e6)} ms, p99 ${fmt(loop.percentile(99) / 1e6)} ms, max ${fmt(loop.max / 1e6)} ms`);
  // Stragglers (if any) must not be sent to a closed receiver by the next phase on the same database.
  await api(base, key, 'DELETE', `/v1/webhook_endpoints/${endpoint.id}`);
  await rx.close();
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

async function throughput(): Promise<void> {
  const { app, dir } = await startApp(false);
  const base = new URL(app.url);
  const key = `sk_test_bench_queue_${Date.now()}`;
  const arrivals = new Set<string>();
  let duplicates = 0;
  const rx = await startReceiver((id) => {
    if (arrivals.has(id)) duplicates++;
    arrivals.add(id);
  });
  await api(base, key, 'POST', '/v1/webhook_endpoints', `url=${encodeURIComponent(rx.url)}&enabled_events[]=*`);
  const q0 = performance.now();
  for (let i = 0; i < QUEUED; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, QUEUED - i) }, (_, j) => createCustomer(base, key, i + j)));
  }
  const queueSeconds = (performance.now() - q0) / 1000;

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = await startDeliveryWorker(app.deps, app.signals);
  while (arrivals.size < QUEUED) await sleep(5);
  const receivedSeconds = (performance.now() - t0) / 1000;
  // Delivered = recorded too: every event's pending_webhooks back to 0.
  for (;;) {
    const row = await app.deps.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountForKey(key)).where('pending_webhooks', '>', 0).executeTakeFirstOrThrow();
    if (Number(row.n) === 0) break;
    await sleep(5);
  }
  const doneSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(`throughput: ${QUEUED} queued events (queued in ${fmt(queueSeconds)} s through the API)`);
  console.log(`  all received in ${fmt(receivedSeconds)} s, all recorded delivered in ${fmt(doneSeconds)} s = ${Math.round(QUEUED / doneSeconds)} deliveries/s; ${duplicates} duplicates`);
  console.log(`  process CPU (worker + receiver): ${fmt(((cpu.user + cpu.system) / 1e3) / QUEUED)} ms per delivery`);
  await worker.stop();
  await rx.close();
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

const store = process.env.DATABASE_URL ? 'postgres' : 'sqlite';
console.log(`OpenCheckout webhook benchmark — store: ${store}, node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
await latency();
await throughput();
console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
agent.destroy();
