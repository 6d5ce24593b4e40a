import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = path.dirname(fileURLToPath(import.meta.url));

/** bin/relaunch.mjs's settings, imported by URL: a .mjs file without types. */
const relaunchSettings = (await import(new URL('../bin/relaunch.mjs', import.meta.url).href)) as { SERVER_ENV: Record<string, string>; SERVER_FLAGS: readonly string[] };

/**
 * How `npm start` and the `opencheckout` command start the server (bin/relaunch.mjs): its
 * environment, `node`, its Node flags. Benches start servers the same way, so they measure what
 * users run (docs/decisions.md#memory).
 */
export const SERVER_LAUNCH = [...Object.entries(relaunchSettings.SERVER_ENV).map(([k, v]) => `${k}=${v}`), 'node', ...relaunchSettings.SERVER_FLAGS].join(' ');

/** The environment and Node flags of `launch` (`NAME=value ... node --flag ...`). */
export function launchParts(launch: string): { env: Record<string, string>; flags: string[] } {
  const env: Record<string, string> = {};
  const flags: string[] = [];
  for (const token of launch.split(/\s+/).filter(Boolean)) {
    const assignment = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(token);
    if (assignment) env[assignment[1] as string] = assignment[2] as string;
    else if (token !== 'node') flags.push(token);
  }
  return { env, flags };
}

/** A server process under benchmark (see server-child.ts). */
export interface Child {
  url: string;
  pid: number;
  /** Current and peak (VmHWM) resident set size in MiB, read from /proc without touching the server's event loop. */
  rss(): { now: number; peak: number };
  stop(): Promise<void>;
}

/**
 * Starts `bench/server-child.mjs <mode>` (on the compiled build in dist/: run `npm run build`
 * first, as the npm scripts do) with the given environment and waits for its address.
 * `launch` (`NAME=value node --flag`) replaces the server's environment additions and Node flags
 * (bench/memory.ts compares several).
 */
export function startChild(mode: 'bare' | 'opencheckout' | 'get-floor', env: Record<string, string> = {}, execArgv: string[] = [], launch?: string): Promise<Child> {
  if (mode === 'opencheckout' && !fs.existsSync(path.join(here, '..', 'dist', 'app.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (the bench npm scripts do)');
  }
  // `launch`, else BENCH_NODE_OPTIONS: environment and Node flags of the server under test; neither
  // given, those `npm start` runs it with.
  const started = launchParts(mode === 'opencheckout' ? (launch ?? process.env.BENCH_NODE_OPTIONS ?? SERVER_LAUNCH) : '');
  const proc: ChildProcess = fork(path.join(here, 'server-child.mjs'), [mode], {
    execArgv: [...started.flags, ...execArgv],
    env: { ...process.env, ...started.env, ...env },
    // The server's logs go to /dev/null: they are written (and cost what they cost), not kept.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`${mode} server exited with ${code} before listening`)));
    proc.once('message', (msg) => {
      const url = (msg as { url: string }).url;
      const pid = proc.pid as number;
      resolve({
        url,
        pid,
        rss: () => readRss(pid),
        stop: () =>
          new Promise((done) => {
            proc.removeAllListeners('exit');
            proc.once('exit', () => done());
            proc.send('stop');
          }),
      });
    });
  });
}

function readRss(pid: number): { now: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

export interface Load {
  name: string;
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}

export interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Server CPU time (user + system) per request in microseconds: steadier than req/s on a busy host. */
  cpuUs: number;
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs autocannon at `connections` for `seconds` (after a short unrecorded warm-up) against the server `pid`. */
export async function measure(load: Load, seconds: number, connections: number, pid: number): Promise<Measured> {
  const opts = {
    url: load.url,
    connections,
    method: load.method ?? 'GET',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...load.headers },
    ...(load.body !== undefined ? { body: load.body } : {}),
  };
  await autocannon({ ...opts, duration: Math.min(2, seconds) });
  const cpu0 = cpuSeconds(pid);
  const r = await autocannon({ ...opts, duration: seconds });
  const cpuUs = ((cpuSeconds(pid) - cpu0) * 1e6) / Math.max(r.requests.total, 1);
  return { name: load.name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts, cpuUs };
}

/**
 * The better of two runs of one measurement (higher req/s). On a shared host other processes
 * steal CPU in bursts; the better run is the one they disturbed less.
 */
export function best(a: Measured | undefined, b: Measured): Measured {
  return a && a.rps >= b.rps ? a : b;
}

/** A plain HTTP call for setting up data before a run. */
export async function call(url: string, key: string, method: string, pathAndQuery: string, body?: string): Promise<Record<string, unknown>> {
  const res = await fetch(url + pathAndQuery, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
    ...(body !== undefined ? { body } : {}),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${pathAndQuery}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Formats rows as a Markdown table. */
export function table(head: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fmt = (n: number, digits = 0) => n.toFixed(digits).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** `--name=value` from the command line as a number, or `fallback`. */
export function numberOption(argv: string[], name: string, fallback: number): number {
  return Number(argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
}
