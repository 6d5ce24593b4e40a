// The distribution check (docs/decisions.md#distribution): packs the repository as npm would
// publish it, installs the tarball globally into a temporary prefix as on a clean machine, and runs
// what a user runs first: `opencheckout --version`, `opencheckout serve --help` (every setting with
// its environment variable) and `opencheckout serve`, then creates a customer over HTTP.
//
//   node scripts/pack-smoke.mjs          (npm run smoke:pack)
//
// Not part of `npm test`: the pack compiles src/ with tsc and the install fetches the runtime
// dependencies from the registry and builds better-sqlite3, several minutes on a small machine.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-pack-'));
const prefix = path.join(tmp, 'prefix');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const step = (what) => process.stdout.write(`pack-smoke: ${what}\n`);
let child;

function check(ok, message) {
  if (!ok) throw new Error(message);
}

try {
  step(`npm pack into ${tmp}`);
  execFileSync(npm, ['pack', '--pack-destination', tmp, '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = fs.readdirSync(tmp).find((f) => /^opencheckout-.*\.tgz$/.test(f));
  check(tarball, 'npm pack made no opencheckout-*.tgz');
  const listing = execFileSync('tar', ['tzf', path.join(tmp, tarball)], { encoding: 'utf8' }).split('\n');
  check(listing.includes('package/dist/cli/main.js'), 'the tarball has no prebuilt dist/cli/main.js');
  check(!listing.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/')), 'the tarball ships TypeScript sources or tests');

  step(`npm install -g --prefix ${prefix} ${tarball}`);
  execFileSync(npm, ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(tmp, tarball)], {
    cwd: tmp,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const bin = path.join(prefix, process.platform === 'win32' ? 'opencheckout.cmd' : path.join('bin', 'opencheckout'));
  const installed = path.join(prefix, 'lib', 'node_modules', 'opencheckout');
  check(!fs.existsSync(path.join(installed, 'node_modules', 'tsx')) && !fs.existsSync(path.join(installed, 'src')), 'the install has a TypeScript loader or sources: it would compile at start');

  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  const expected = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  check(version === expected, `--version printed ${version}, expected ${expected}`);
  step(`opencheckout --version: ${version}`);

  const help = execFileSync(bin, ['serve', '--help'], { encoding: 'utf8' });
  const { SETTINGS } = await import(pathToFileURL(path.join(installed, 'dist', 'config.js')).href);
  for (const s of SETTINGS) check(help.includes(s.env), `serve --help does not list ${s.env}`);
  step(`opencheckout serve --help lists all ${SETTINGS.length} settings`);

  const dataDir = path.join(tmp, 'data');
  child = spawn(bin, ['serve'], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const started = performance.now();
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 30 s: ${out}`)), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`opencheckout serve exited with ${code}: ${out}`)));
  });
  step(`opencheckout serve listening on ${url} after ${Math.round(performance.now() - started)} ms`);
  const res = await fetch(`${url}/v1/customers`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk_test_pack', 'content-type': 'application/x-www-form-urlencoded' },
    body: 'email=pack%40example.com',
  });
  const customer = await res.json();
  check(res.status === 200 && /^cus_/.test(customer.id), `creating a customer answered ${res.status}: ${JSON.stringify(customer)}`);
  step(`created ${customer.id}: ok`);
} catch (err) {
  process.stderr.write(`pack-smoke: FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}
