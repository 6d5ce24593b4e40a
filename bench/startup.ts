/**
 * Start-up benchmark (not a test): how long from spawning the server to (1) its
 * `OpenCheckout listening on <url>` line on stdout and (2) its first 200 answer to
 * `GET /v1/customers` — what a CI job that starts a server per test suite waits for. Each run is a
 * fresh process on a fresh SQLite data directory (migrations included) on a free port; the client
 * polls from the moment of the spawn, every --poll ms, on a new connection each time (as a
 * wait-for-port loop does). The commands, measured in alternating rounds with dist/ up to date:
 *   - `node dist/main.js`      the compiled server (one module per source file), nothing in front;
 *   - `node dist/server.mjs`   the same server bundled into one file (what `npm start` runs);
 *   - `node scripts/start.mjs` what `npm start` runs: the build check, then the same server;
 *   - `npm start`              as typed, npm included.
 *
 *   npm run bench:startup
 *   npm run bench:startup -- --runs=10 --poll=5 --stale=1
 * Knobs: --runs=10 (per command), --poll=5 (ms between attempts), --timeout=30000 (ms per run),
 * --stale=0 (runs of `npm start` after dropping dist/'s build fingerprint: the compile a source
 * change costs), --also=a.mjs,b.mjs (also time `node a.mjs`, ...: another build of the server,
 * e.g. a bundle), LOG_LEVEL (info, as `npm start` defaults to), TMPDIR (where data directories go).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, numberOption, table } from './harness.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => numberOption(argv, name, fallback);
const RUNS = opt('runs', 10);
const POLL_MS = opt('poll', 5);
const TIMEOUT_MS = opt('timeout', 30_000);
const STALE_RUNS = opt('stale', 0);
const KEY = 'sk_test_bench';
const TARGET_LISTENING_MS = 500;
const TARGET_FIRST_200_MS = 1000;

interface Command {
  name: string;
  file: string;
  args: string[];
}

const ALSO = (argv.find((a) => a.startsWith('--also='))?.slice('--also='.length) ?? '').split(',').filter(Boolean);
const NPM_START: Command = { name: '`npm start`', file: 'npm', args: ['start'] };
const COMMANDS: Command[] = [
  { name: '`node dist/main.js`', file: process.execPath, args: ['dist/main.js'] },
  { name: '`node dist/server.mjs`', file: process.execPath, args: ['dist/server.mjs'] },
  { name: '`node scripts/start.mjs`', file: process.execPath, args: ['scripts/start.mjs'] },
  NPM_START,
  ...ALSO.map((file) => ({ name: `\`node ${file}\``, file: process.execPath, args: [file] })),
];

interface Run {
  /** ms from spawn to the "OpenCheckout listening on" line. */
  listening: number;
  /** CPU ms (user + system, all threads) its processes had used by then: steadier on a busy host. */
  cpu: number;
  /** ms from spawn to the first 200 answer of GET /v1/customers. */
  first200: number;
  /** Connection attempts until then (refused, or not yet answered). */
  attempts: number;
}

/** CPU ms (user + system) used so far by every live process in process group `pgid`, from /proc. */
function groupCpuMs(pgid: number): number {
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks * 10; // clock ticks of 1/100 s (USER_HZ on Linux)
}

/** A port free right now (bound and released by this process). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** One GET /v1/customers on a new connection: its status, or 0 when it could not connect. */
function getCustomers(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/v1/customers', method: 'GET', agent: false, headers: { authorization: `Bearer ${KEY}` }, timeout: TIMEOUT_MS },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', () => resolve(0));
      },
    );
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(0));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startOnce(cmd: Command): Promise<Run> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-startup-'));
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(cmd.file, cmd.args, {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: `npm start` is npm -> sh -> node, all stopped together
  });
  let output = '';
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) => child.once('exit', (code) => ((exited = code), resolve())));
  const listening = new Promise<{ at: number; cpu: number }>((resolve) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const at = performance.now();
      if (!output.includes('OpenCheckout listening on') && (output + chunk).includes('OpenCheckout listening on')) {
        resolve({ at: at - t0, cpu: groupCpuMs(child.pid as number) });
      }
      output += chunk;
    });
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  try {
    let attempts = 0;
    let first200 = 0;
    for (;;) {
      const now = performance.now() - t0;
      if (exited !== undefined) throw new Error(`${cmd.name} exited with ${exited} before answering:\n${output}`);
      if (now > TIMEOUT_MS) throw new Error(`${cmd.name} did not answer 200 within ${TIMEOUT_MS} ms:\n${output}`);
      attempts++;
      const status = await getCustomers(port);
      if (status === 200) {
        first200 = performance.now() - t0;
        break;
      }
      if (status !== 0) throw new Error(`${cmd.name}: GET /v1/customers answered ${status}`);
      await sleep(POLL_MS);
    }
    const line = await Promise.race([listening, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), TIMEOUT_MS).unref())]);
    if (!line) throw new Error(`${cmd.name} answered but printed no "OpenCheckout listening on" line:\n${output}`);
    return { listening: line.at, cpu: line.cpu, first200, attempts };
  } finally {
    if (exited === undefined) {
      try {
        process.kill(-(child.pid as number), 'SIGTERM');
      } catch {
        // already gone
      }
      await exit;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const ms = (n: number) => fmt(n, 0);

function build(args: string[]): void {
  const run = spawnSync(process.execPath, ['scripts/build.mjs', ...args], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`node scripts/build.mjs ${args.join(' ')} failed`);
}

async function main(): Promise<void> {
  build(['--if-stale']); // every command below runs on an up-to-date dist/
  const cpus = os.cpus();
  console.log(
    `Start-up benchmark: ${RUNS} runs per command in alternating rounds, SQLite on a fresh data directory in ${os.tmpdir()}, ` +
      `polling every ${POLL_MS} ms; Node ${process.version}, ${cpus.length} CPUs (${cpus[0]?.model ?? '?'}), ` +
      `load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, ${new Date().toISOString()}`,
  );
  // One unrecorded start of each: the first start after a build pays for a cold page cache.
  for (const cmd of COMMANDS) await startOnce(cmd);
  const runs = new Map<Command, Run[]>(COMMANDS.map((c) => [c, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const cmd of COMMANDS) {
      const r = await startOnce(cmd);
      runs.get(cmd)?.push(r);
      console.log(
        `round ${i + 1}, ${cmd.name}: listening ${ms(r.listening)} ms (CPU ${ms(r.cpu)} ms), first 200 ${ms(r.first200)} ms (${r.attempts} attempts)`,
      );
    }
  }
  const rows = COMMANDS.map((cmd) => {
    const rs = runs.get(cmd) ?? [];
    const l = rs.map((r) => r.listening);
    const f = rs.map((r) => r.first200);
    return [
      cmd.name,
      `${ms(median(l))} / ${ms(Math.max(...l))}`,
      `${ms(median(f))} / ${ms(Math.max(...f))}`,
      ms(median(rs.map((r) => r.cpu))),
      `${median(l) <= TARGET_LISTENING_MS ? 'yes' : 'no'} / ${median(f) <= TARGET_FIRST_200_MS ? 'yes' : 'no'}`,
    ];
  });
  for (let i = 0; i < STALE_RUNS; i++) {
    fs.rmSync(path.join(root, 'dist', '.build-fingerprint'), { force: true });
    const r = await startOnce(NPM_START);
    rows.push([`${NPM_START.name}, build fingerprint dropped (compiles first)`, ms(r.listening), ms(r.first200), '— (tsc has exited)', '—']);
  }
  console.log(
    `\n${table(
      [
        'Command',
        'spawn → "listening" line, ms: median / max',
        'spawn → first 200, ms: median / max',
        'CPU ms to "listening", median',
        `median within ${TARGET_LISTENING_MS} ms / ${TARGET_FIRST_200_MS} ms`,
      ],
      rows,
    )}`,
  );
  console.log(`\nload average now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
