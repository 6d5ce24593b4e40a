import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Stripe from 'stripe';
import { startMerchant, type Merchant } from './app.js';
import { loadMerchantConfig } from './config.js';
import { openMerchantDb } from './db.js';
import { startMailCatcher, type MailCatcher } from './mail-catcher.js';
import { seedDemo } from './seed.js';
import type { Shop } from './shop.js';
import { createStripe } from './stripe-client.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The events the shop's fulfilment handles (the seed's table). */
export const SHOP_EVENTS: Stripe.WebhookEndpointCreateParams.EnabledEvent[] = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
];

/** How to run the demo. */
export interface DemoOptions {
  /** Holds OpenCheckout's data directory and the shop's database. */
  dataDir: string;
  /** The shop's port; 0 = any free port. */
  shopPort: number;
  /** Extra environment for OpenCheckout (settlement delay, webhook retry schedule, log level). */
  openCheckoutEnv?: Record<string, string>;
  /** The account's secret key (dev mode: any well-formed test key opens its own account). */
  secretKey?: string;
  /** Where OpenCheckout's output and the shop's log go. */
  output?: (line: string) => void;
}

/** Everything the demo started. */
export interface Demo {
  openCheckoutUrl: string;
  shopUrl: string;
  secretKey: string;
  webhookEndpoint: Stripe.WebhookEndpoint;
  catcher: MailCatcher;
  merchant: Merchant;
  /** An SDK client on the demo's account. */
  stripe: Stripe;
  close(): Promise<void>;
}

/** Starts OpenCheckout (src/main.ts, the real server) as a child process on its own data directory. */
async function startOpenCheckout(dataDir: string, extraEnv: Record<string, string>, output: (line: string) => void): Promise<{ url: string; child: ChildProcess }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['PORT', 'HOST', 'DATA_DIR', 'DATABASE_URL', 'PUBLIC_URL', 'OPENCHECKOUT_API_KEYS']) delete env[name];
  Object.assign(env, { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, extraEnv);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('OpenCheckout did not start within 60 s')), 60_000);
    let buffered = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const m = /OpenCheckout listening on (\S+)/.exec(line);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        } else if (line.trim()) output(`[opencheckout] ${line}`);
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output(`[opencheckout] ${chunk.trimEnd()}`));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`OpenCheckout exited with code ${code} before listening`));
      if (signal !== 'SIGTERM') output(`[opencheckout] exited (code ${code}, signal ${signal})`);
    });
  });
  return { url, child };
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts the whole demo: OpenCheckout, the local SMTP catcher, a seeded catalog and existing
 * customers, the shop's webhook endpoint (registered through the API, its secret handed to the
 * shop), and the shop itself, configured through its environment variables only.
 */
export async function startDemo(opts: DemoOptions): Promise<Demo> {
  const output = opts.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  const secretKey = opts.secretKey ?? 'sk_test_tanuki_goods';
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const databasePath = path.join(opts.dataDir, 'shop.db');

  const oc = await startOpenCheckout(path.join(opts.dataDir, 'opencheckout'), opts.openCheckoutEnv ?? {}, output);
  // Undone in reverse order on close, or when a later step fails.
  const started: Array<() => Promise<void>> = [
    () =>
      new Promise<void>((resolve) => {
        if (oc.child.exitCode !== null) return resolve();
        oc.child.once('exit', () => resolve());
        oc.child.kill('SIGTERM');
      }),
  ];
  const stopAll = async () => {
    for (const stop of started.splice(0).reverse()) await stop();
  };
  try {
    const stripe = createStripe(secretKey, oc.url);
    const seedDb = openMerchantDb(databasePath);
    try {
      await seedDemo(stripe, seedDb);
    } finally {
      seedDb.close();
    }
    const catcher = await startMailCatcher(databasePath);
    started.push(() => catcher.close());
    const shopPort = opts.shopPort || (await freePort());
    const shopUrl = `http://127.0.0.1:${shopPort}`;
    const webhookEndpoint = await stripe.webhookEndpoints.create({ url: `${shopUrl}/webhook`, enabled_events: SHOP_EVENTS });
    if (!webhookEndpoint.secret) throw new Error('the webhook endpoint was created without a signing secret');
    const log: Shop['log'] = (message, fields = {}) => output(`[shop] ${message}${Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ''}`);
    const merchant = await startMerchant(
      loadMerchantConfig({
        STRIPE_SECRET_KEY: secretKey,
        STRIPE_API_BASE: oc.url,
        STRIPE_WEBHOOK_SECRET: webhookEndpoint.secret,
        PORT: String(shopPort),
        HOST: '127.0.0.1',
        PUBLIC_URL: shopUrl,
        DATABASE: databasePath,
        SMTP_HOST: catcher.host,
        SMTP_PORT: String(catcher.port),
      }),
      log,
    );
    started.push(() => merchant.close());
    return {
      openCheckoutUrl: oc.url,
      shopUrl,
      secretKey,
      webhookEndpoint,
      catcher,
      merchant,
      stripe,
      close: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
