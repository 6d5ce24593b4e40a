import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { freshPgDatabase } from '../helpers/pg.js';
import { STORES, freshKey, sdk } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { freePort, startReceiver, type Receiver } from './receiver.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Child {
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** Runs the real server (`node --import tsx src/main.ts`) and reads the address it prints. */
async function startChild(env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /OpenCheckout listening on (\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  return { proc, url, exited };
}

async function kill9(child: Child): Promise<void> {
  child.proc.kill('SIGKILL');
  await child.exited;
}

for (const store of STORES) {
  describe(`webhook delivery across a crash (${store})`, () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    after(async () => {
      for (const fn of cleanups.reverse()) await fn();
    });

    async function environment(): Promise<Record<string, string>> {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-crash-'));
      cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
      const env: Record<string, string> = {
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        OPENCHECKOUT_WEBHOOK_RETRY_SCHEDULE: '0.2,0.5',
        OPENCHECKOUT_WEBHOOK_MAX_ATTEMPTS: '1000',
        OPENCHECKOUT_WEBHOOK_TIMEOUT_MS: '1000',
        DATABASE_URL: store === 'postgres' ? await freshPgDatabase() : '',
      };
      return env;
    }

    /** Starts the server, creates customers (each emits customer.created); returns their event ids. */
    async function createEvents(env: Record<string, string>, receiverUrl: string, count: number) {
      const child = await startChild(env);
      cleanups.push(() => void child.proc.kill('SIGKILL'));
      const key = freshKey();
      const stripe = sdk(child.url, key);
      const we = await stripe.webhookEndpoints.create({ url: receiverUrl, enabled_events: ['customer.created'] });
      await Promise.all(Array.from({ length: count }, (_, i) => stripe.customers.create({ email: `crash${i}@example.com` })));
      const ids: string[] = [];
      for await (const e of stripe.events.list({ type: 'customer.created', limit: 100 })) ids.push(e.id);
      assert.equal(ids.length, count);
      return { child, key, secret: we.secret as string, ids };
    }

    /** A receiver that verifies every signature with the SDK, as a merchant's handler does. */
    async function verifyingReceiver(stripe: Stripe, secret: string, port: number, hang = false): Promise<{ rx: Receiver; verified: Set<string> }> {
      const verified = new Set<string>();
      const rx = await startReceiver((r) => {
        if (hang) return 'hang';
        verified.add(stripe.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, secret).id);
        return 200;
      }, port);
      cleanups.push(() => rx.close());
      return { rx, verified };
    }

    async function allDelivered(url: string, key: string, ids: string[]): Promise<void> {
      const stripe = sdk(url, key);
      const pending = await waitFor(async () => {
        const still: string[] = [];
        for await (const e of stripe.events.list({ delivery_success: false, limit: 100 })) still.push(e.id);
        return still.length === 0 ? still : undefined;
      }, 30_000, 'pending_webhooks of every event to reach 0');
      assert.deepEqual(pending, []);
      for (const id of ids.slice(0, 3)) assert.equal((await stripe.events.retrieve(id)).pending_webhooks, 0);
    }

    it('delivers every event after kill -9 while the receiver was down, once it comes up', async () => {
      const env = await environment();
      const port = await freePort();
      const { child, key, secret, ids } = await createEvents(env, `http://127.0.0.1:${port}/webhook`, 25);
      // Let the worker fail a few attempts against the closed port, then crash the server.
      await new Promise((r) => setTimeout(r, 600));
      await kill9(child);

      const restarted = await startChild(env);
      cleanups.push(() => void restarted.proc.kill('SIGKILL'));
      const { verified } = await verifyingReceiver(sdk(restarted.url, key), secret, port);
      await waitFor(() => ids.every((id) => verified.has(id)), 30_000, 'every event at the receiver');
      await allDelivered(restarted.url, key, ids);
      restarted.proc.kill('SIGTERM');
      assert.equal(await restarted.exited, 0, 'a graceful stop exits 0');
    });

    it('delivers every event after kill -9 with attempts in flight (their leases come back)', async () => {
      const env = await environment();
      const port = await freePort();
      // The receiver accepts connections and never answers: attempts are in flight at the crash.
      const hanging = await verifyingReceiver(sdk('http://127.0.0.1:1', 'sk_test_x'), 'whsec_unused', port, true);
      const { child, key, secret, ids } = await createEvents(env, `http://127.0.0.1:${port}/webhook`, 10);
      await waitFor(() => hanging.rx.received.length >= 1, 10_000, 'an attempt in flight');
      await kill9(child);
      await hanging.rx.close();

      const { verified } = await verifyingReceiver(sdk('http://127.0.0.1:1', key), secret, port);
      const restarted = await startChild(env);
      cleanups.push(() => void restarted.proc.kill('SIGKILL'));
      // PostgreSQL may hold a dead instance's leases until they run out (2 x timeout + 10 s).
      await waitFor(() => ids.every((id) => verified.has(id)), 40_000, 'every event at the receiver');
      await allDelivered(restarted.url, key, ids);
    });
  });
}
