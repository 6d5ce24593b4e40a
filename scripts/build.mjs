// Compiles src/ to dist/ (tsc -p tsconfig.build.json) and records a fingerprint of what it
// compiled, so `npm start` (scripts/start.mjs) and `npm install` (the `prepare` script) compile
// only when something changed. Plain JavaScript, no dependencies beyond TypeScript itself.
//
//   node scripts/build.mjs             always compile (`npm run build`)
//   node scripts/build.mjs --if-stale  compile only when the sources changed since the last build
//                                      (`npm start` does the same through scripts/start.mjs)
//   node scripts/build.mjs --install   the same, run by `npm install` (the `prepare` script);
//                                      without TypeScript (--omit=dev) or on a type error it warns
//                                      instead of failing the install
//
// The fingerprint is a hash of the path, size and mtime of every file and folder under src/, the
// tsconfig files, package.json and the installed TypeScript's version: an edit, a new, deleted or
// renamed file, a `git checkout` or an upgraded compiler all change it. It is taken before tsc
// starts, so a file saved while tsc runs makes the next start compile again. Reading it costs
// about 10 ms for the ~180 source files (stat only, no file contents).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stampFile = path.join(dist, '.build-fingerprint');
const bundleFile = path.join(dist, 'server.mjs');
const lockFile = path.join(dist, '.build-lock');
const LOCK_STALE_MS = 10 * 60_000;
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'node_modules/typescript/package.json'];

/** Hash of path, size and mtime of every input (recursing into folders); missing inputs count too. */
export function fingerprint() {
  const hash = createHash('sha256');
  const visit = (rel) => {
    let st;
    try {
      st = fs.statSync(path.join(root, rel), { bigint: true });
    } catch {
      hash.update(`${rel}\0missing\n`);
      return;
    }
    hash.update(`${rel}\0${st.size}\0${st.mtimeNs}\n`);
    if (st.isDirectory()) for (const name of fs.readdirSync(path.join(root, rel)).sort()) visit(`${rel}/${name}`);
  };
  for (const input of INPUTS) visit(input);
  return hash.digest('hex');
}

/** True when dist/ holds a build of exactly the current inputs. */
export function upToDate(print = fingerprint()) {
  if (!fs.existsSync(path.join(dist, 'main.js'))) return false;
  try {
    return fs.readFileSync(stampFile, 'utf8').trim() === print;
  } catch {
    return false;
  }
}

function tscPath() {
  try {
    return createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** Runs tsc on tsconfig.build.json and stamps dist/ with the fingerprint taken before it; returns tsc's exit code. */
function compile(print, install) {
  const tsc = tscPath();
  if (!tsc) {
    // An install with --omit=dev: nothing to compile with. Run a build that is there, if any.
    const existing = fs.existsSync(path.join(dist, 'main.js'));
    process.stderr.write(
      `OpenCheckout: TypeScript is not installed (npm install --omit=dev?): cannot compile src/ to dist/${existing ? '; using the existing build' : ''}\n`,
    );
    return install || existing ? 0 : 1;
  }
  fs.rmSync(stampFile, { force: true });
  fs.rmSync(bundleFile, { force: true }); // never a bundle older than the modules beside it
  // Loaded only here: a start with nothing to compile does not pay for it.
  const { spawnSync } = createRequire(import.meta.url)('node:child_process');
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const code = run.status ?? 1;
  if (code === 0) {
    try {
      bundle();
    } catch (err) {
      // npm start falls back to the per-file build (dist/main.js), which starts slower.
      fs.rmSync(bundleFile, { force: true });
      process.stderr.write(`OpenCheckout: bundling dist/server.mjs failed, npm start runs dist/main.js: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    fs.writeFileSync(stampFile, `${print}\n`);
  } else if (install) {
    // A type error must not fail `npm install` (adding a package mid-change); tsc still emitted,
    // and without a fingerprint the next `npm start` compiles again and reports it.
    process.stderr.write('OpenCheckout: the TypeScript build failed (above); npm start will try again\n');
    return 0;
  }
  return code;
}

/**
 * Bundles the server into one file, dist/server.mjs, which `npm start` runs: loading one file is
 * much faster than resolving the ~500 modules of Kysely, pino and qs one by one (bench/README.md,
 * Start-up). Native and optional modules stay outside. Without esbuild, `npm start` runs
 * dist/main.js instead.
 */
function bundle() {
  let esbuild;
  try {
    esbuild = createRequire(path.join(root, 'package.json'))('esbuild');
  } catch {
    return;
  }
  esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: ['src/main.ts'],
    outfile: bundleFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'pg-native'],
    // Bundled CommonJS (pg, pino) calls require(): give the ES module one.
    banner: { js: "import { createRequire as __ocRequire } from 'node:module'; const require = __ocRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * Takes the build lock so that servers started side by side (a CI job starting one per suite)
 * do not run tsc into the same files at once; the others wait and then find dist/ up to date.
 * A lock left by a process that died (Ctrl-C during the compile) is taken over.
 */
function withLock(fn) {
  fs.mkdirSync(dist, { recursive: true });
  for (;;) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let holder = 0;
      let age = 0;
      try {
        holder = Number(fs.readFileSync(lockFile, 'utf8') || 0);
        age = Date.now() - fs.statSync(lockFile).mtimeMs;
      } catch {
        continue; // released between our open and read
      }
      // Its holder died (or the lock is older than any build: the pid was reused).
      if ((holder && !pidAlive(holder)) || age > LOCK_STALE_MS) {
        fs.rmSync(lockFile, { force: true });
        continue;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

/**
 * Compiles when dist/ is not a build of the current sources (or always, with force). Returns 0
 * when dist/ is up to date afterwards, else tsc's exit code. Quiet when there is nothing to do.
 */
export function build({ force = false, quiet = false, install = false } = {}) {
  if (!force && upToDate()) return 0;
  return withLock(() => {
    const print = fingerprint();
    if (!force && upToDate(print)) return 0; // another process built it while we waited
    if (!quiet) process.stderr.write('OpenCheckout: compiling src/ to dist/ (tsc -p tsconfig.build.json)\n');
    return compile(print, install);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const install = process.argv.includes('--install');
  const ifStale = install || process.argv.includes('--if-stale');
  process.exitCode = build({ force: !ifStale, quiet: !ifStale, install });
}
