/**
 * Real OpenCheckout processes for the fault tests: each instance is `node --import tsx src/main.ts`
 * on PORT=0, found by the address it prints, and can be killed with SIGKILL (no shutdown code
 * runs: open transactions die with their connections, leases stay behind) and started again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One running server process. */
export interface Instance {
  name: string;
  proc: ChildProcess;
  url: string;
  /** Everything it printed (stdout and stderr), for failure messages and log scans. */
  output: () => string;
  exited: Promise<number | null>;
}

/** Environment shared by the instances of one test: loopback only, quick retries and leases. */
export function baseEnv(dataDir: string, databaseUrl: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl ?? '',
    LOG_LEVEL: 'warn',
    OPENCHECKOUT_WEBHOOK_RETRY_SCHEDULE: '0.2,0.5,1',
    OPENCHECKOUT_WEBHOOK_MAX_ATTEMPTS: '1000',
    // The delivery lease is 2 x timeout + 10 s: a dead instance's claims come back after 12 s.
    OPENCHECKOUT_WEBHOOK_TIMEOUT_MS: '1000',
    OPENCHECKOUT_SETTLEMENT_DELAY: '1',
    ...extra,
  };
}

/** Starts `src/main.ts` as a child process and waits for `OpenCheckout listening on <url>`. */
export async function startInstance(name: string, env: Record<string, string>, timeoutMs = 40_000): Promise<Instance> {
  // PGAPPNAME names the instance's PostgreSQL connections (pg_stat_activity.application_name).
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PGAPPNAME: name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const m = /OpenCheckout listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    proc.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before listening:\n${out}`));
    });
  });
  return { name, proc, url, output: () => out, exited };
}

/** SIGKILL: the process gets no chance to finish requests, commit, or give back its claims. */
export async function kill9(instance: Instance): Promise<void> {
  instance.proc.kill('SIGKILL');
  await instance.exited;
}

/** SIGTERM and wait: the graceful stop. Resolves with the exit code. */
export async function stop(instance: Instance): Promise<number | null> {
  if (instance.proc.exitCode !== null || instance.proc.signalCode !== null) return instance.proc.exitCode;
  instance.proc.kill('SIGTERM');
  return instance.exited;
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** `url` (a session's hosted page link) with its origin replaced by `base`: the same page on another instance. */
export function onInstance(url: string, base: string): string {
  const u = new URL(url);
  return base + u.pathname + u.search;
}
