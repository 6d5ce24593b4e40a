// Where a start's time goes (not a test): loads what `node dist/main.js` (tsc's output, one module
// per source file) loads, one stage at a time, on a fresh SQLite data directory, in a fresh
// process per run, and prints each stage's wall and CPU ms (medians); then, in other processes,
// the import of the whole server bundled into one file (dist/server.mjs, what `npm start` runs).
// Plain JavaScript on the compiled build, like server-child.mjs.
//   node scripts/build.mjs --if-stale && node bench/startup-stages.mjs [runs=9]
// The packages are imported first, so each package's line is its own cost (its dependencies
// included) and "src" is the rest of dist/app.js's graph. `pg` is not among them: a SQLite start
// does not load it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

async function stages() {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = [['Node start-up, before any of our code (process.uptime)', process.uptime() * 1000, NaN]];
  const lap = (label) => {
    const c = process.cpuUsage(c0);
    out.push([label, performance.now() - t0, (c.user + c.system) / 1000]);
  };
  await import('better-sqlite3');
  lap('import better-sqlite3');
  await import('kysely');
  lap('import kysely');
  await import('pino');
  lap('import pino');
  await import('qs');
  lap('import qs');
  const { createApp, openAppStore } = await import('../dist/app.js');
  lap('import the rest of dist/app.js (src)');
  const { loadConfig } = await import('../dist/config.js');
  const { createLogger } = await import('../dist/log.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-stages-'));
  // The store as createApp opens it: the store's migrations and every resource's own.
  const store = await openAppStore({ dataDir: dir });
  lap('openAppStore: a new SQLite file, every migration');
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir });
  const app = await createApp({ config, log: createLogger('silent'), store });
  lap('createApp: listen, scheduler, delivery worker');
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(out));
}

/** The bundle's import alone: the same code as all the import stages above, in one file. */
async function bundleImport() {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await import('../dist/server.mjs');
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify([performance.now() - t0, (c.user + c.system) / 1000]));
}

if (process.argv[2] === '--child') {
  await stages();
} else if (process.argv[2] === '--child-bundle') {
  await bundleImport();
} else {
  const runs = Number(process.argv[2] ?? 9);
  const all = [];
  for (let i = 0; i < runs; i++) {
    all.push(JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], { cwd: path.join(here, '..'), encoding: 'utf8' })));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`Start-up stages, median of ${runs} fresh processes; Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log('| Stage | wall ms | CPU ms (all threads) |\n| --- | --- | --- |');
  let wall = 0;
  let cpu = 0;
  for (let k = 0; k < all[0].length; k++) {
    const w = median(all.map((r) => r[k][1]));
    const c = median(all.map((r) => r[k][2]));
    if (k === 0) console.log(`| ${all[0][k][0]} | ${w.toFixed(0)} | |`);
    else console.log(`| ${all[0][k][0]} | ${(w - wall).toFixed(0)} | ${(c - cpu).toFixed(0)} |`);
    if (k > 0) [wall, cpu] = [w, c];
  }
  console.log(`| total after Node's start-up | ${wall.toFixed(0)} | ${cpu.toFixed(0)} |`);
  if (fs.existsSync(path.join(here, '..', 'dist', 'server.mjs'))) {
    const bundled = [];
    for (let i = 0; i < runs; i++) {
      bundled.push(JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child-bundle'], { cwd: path.join(here, '..'), encoding: 'utf8' })));
    }
    const w = median(bundled.map((b) => b[0]));
    const c = median(bundled.map((b) => b[1]));
    console.log(`\nThe same imports bundled into one file: import dist/server.mjs ${w.toFixed(0)} ms wall, ${c.toFixed(0)} ms CPU (median of ${runs}).`);
  }
}
